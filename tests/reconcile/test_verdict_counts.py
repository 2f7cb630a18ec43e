"""The verdicts of issue 16 through the store: the command line's summary line, the
report's counts and the SQL views agree, and excluded claims stay out.

The claims are written straight into a file database (no extraction) with the claim-level
columns `originator`, `scope` and `superseded`, added to the `claims` table here when the
store does not create them yet (they come with the hand-entered claims of issue 16).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from paths import SAMPLES

from metrics.cli import cli
from metrics.models import CLAIM_COLUMNS
from metrics.store import Store

SOURCES = {  # source_id: (publisher, published)
    "s1": ("Trend News Agency", date(2024, 5, 4)),
    "s2": ("Trend News Agency", date(2024, 9, 20)),
    "s3": ("The Astana Times", date(2024, 4, 20)),
    "s4": ("Orda.kz", date(2025, 1, 24)),
    "s5": ("Kazinform", date(2025, 5, 14)),
    "s6": ("PortNews", date(2025, 5, 15)),
    "s7": ("Interfax", date(2025, 5, 16)),
}
COLUMNS = {"originator": "VARCHAR", "scope": "VARCHAR", "superseded": "BOOLEAN"}


def figure(claim_id: str, source_id: str, value: float, text: str, **fields: Any) -> dict[str, Any]:
    """A claim of TITR freight in 2025 in tonnes, actual, unless `fields` say otherwise."""
    period = fields.pop("period", "2025")
    row = {
        "claim_id": claim_id, "source_id": source_id, "metric": "titr_cargo_volume",
        "entity": "TITR", "value": value, "unit": "t", "value_text": text, "period": period,
        "period_start": date(int(period), 1, 1) if period else None,
        "period_end": date(int(period), 12, 31) if period else None,
        "status": "actual", "measure": "level", "base_period": None, "qualifier": "exact",
        "quote": f"Sentence of {claim_id}.", "char_start": 0, "char_end": 10,
        "extractor": "test", "originator": None, "scope": None, "superseded": False,
    }  # fmt: skip
    row.update(fields)
    return row


CLAIMS = [
    # a revision (ADB 4.0 -> 4.4 Mt) and a spread (ADB 4.4 against IMF 4.8)
    figure("adb1", "s1", 4.0e6, "4.0 million tons", status="forecast", originator="ADB", period="2026"),
    figure("adb2", "s2", 4.4e6, "4.4 million tons", status="forecast", originator="ADB", period="2026"),
    figure("imf", "s3", 4.8e6, "4.8 million tons", status="forecast", originator="IMF", period="2026"),
    # mirror statistics
    figure("cn", "s4", 3.8e9, "$3.8 billion", metric="bilateral_trade", entity="Tajikistan-China",
           unit="USD", originator="China customs", period="2024"),
    figure("tj", "s4", 1.96e9, "$1.96 billion", metric="bilateral_trade", entity="Tajikistan-China",
           unit="USD", originator="Tajikistan statistics agency", period="2024", char_start=50),
    # an implausible figure beside two sound ones
    figure("a", "s5", 4.5e6, "4.5 million tons", period="2024"),
    figure("b", "s6", 4.5e6, "4.5 million tons", period="2024"),
    figure("x", "s7", 45e6, "45 million tons", period="2024"),
    # an undated figure, and a figure of another scope that would otherwise conflict
    figure("loose", "s6", 9.9e6, "9.9 million tons", period=None),
    figure("port", "s7", 2.1e6, "2.1 million tons", period="2024", scope="via seaports"),
]  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "verdicts.duckdb"
    sources = pd.DataFrame([
        {"source_id": sid, "path": f"docs/{sid}.txt", "title": sid, "url": None,
         "publisher": publisher, "published": day, "content_sha256": sid.ljust(64, "0"),
         "format": "text", "ingested_at": datetime(2026, 1, 1), "meta": None}
        for sid, (publisher, day) in SOURCES.items()
    ])  # fmt: skip
    claims = pd.DataFrame(CLAIMS, columns=[*CLAIM_COLUMNS, *(c for c in COLUMNS if c not in CLAIM_COLUMNS)])
    with Store(path) as store:
        for column, kind in COLUMNS.items():
            store.con.execute(f"ALTER TABLE claims ADD COLUMN IF NOT EXISTS {column} {kind}")
        store.transaction(lambda: store.write(sources, claims, []))
    return path


_SUMMARY = re.compile(
    r"(?P<revisions>\d+) vintages? revised by (?:its|their) originator, (?P<spreads>\d+) "
    r"forecast spreads?, (?P<mirrors>\d+) mirror statistics?, (?P<implausible>\d+) implausible, "
    r"(?P<undated>\d+) undated"
)
_REPORTED = {
    "revisions": "vintages? revised by (?:its|their) originator", "spreads": "forecast spreads?",
    "mirrors": "mirror statistics?", "implausible": "implausible figures?",
    "undated": "undated figures?",
}  # fmt: skip
_VIEWS = {
    "revisions": "SELECT count(*) FROM revisions",
    "spreads": "SELECT count(*) FROM spreads",
    "mirrors": "SELECT count(DISTINCT point_id) FROM mirror_statistics",
    "implausible": "SELECT count(*) FROM implausible",
    "undated": "SELECT count(*) FROM undated",
}


def _counts(runner: CliRunner, db: Path, out: Path) -> tuple[dict[str, int], ...]:
    line = runner.invoke(cli, ["reconcile", "--db", str(db)])
    assert line.exit_code == 0, line.output
    summary = _SUMMARY.search(line.stdout)
    assert summary, line.stdout
    page = runner.invoke(cli, ["report", "--db", str(db), "--out", str(out)])
    assert page.exit_code == 0, page.output
    html = out.read_text(encoding="utf-8")
    reported = {
        name: int(re.search(rf"<li[^>]*><b>(\d+)</b> {label}</li>", html)[1])  # type: ignore[index]
        for name, label in _REPORTED.items()
    }
    with Store(db, read_only=True) as store:
        views = {name: int(store.query(sql).iloc[0, 0]) for name, sql in _VIEWS.items()}
    return {k: int(v) for k, v in summary.groupdict().items()}, reported, views


def test_cli_report_and_views_agree(db: Path, tmp_path: Path) -> None:
    cli_counts, reported, views = _counts(CliRunner(), db, tmp_path / "report.html")
    expected = {"revisions": 1, "spreads": 1, "mirrors": 1, "implausible": 1, "undated": 1}
    assert cli_counts == reported == views == expected
    with Store(db, read_only=True) as store:
        revision = store.view("revisions").iloc[0]
        spread = store.view("spreads").iloc[0]
        mirror = store.view("mirror_statistics")
        resolved = store.view("resolved", period="2024", metric="titr_cargo_volume")
        undated = store.view("undated").iloc[0]
    assert (revision["originator"], revision["old_text"], revision["new_text"]) == (
        "ADB", "4.0 million tons", "4.4 million tons")  # fmt: skip
    assert (spread["min_value"], spread["median_value"], spread["max_value"]) == (4.4e6, 4.6e6, 4.8e6)
    assert spread["n_forecasters"] == 2 and "IMF: 4.8 million tons" in spread["forecasts"]
    assert sorted(mirror["value"]) == [1.96e9, 3.8e9]
    assert set(mirror["originator"]) == {"China customs", "Tajikistan statistics agency"}
    # the whole route's 4.5 Mt and the seaports' 2.1 Mt are two figures, neither conflicting
    assert sorted(zip(resolved["scope"].fillna(""), resolved["value"], strict=True)) == [
        ("", 4.5e6), ("via seaports", 2.1e6)]  # fmt: skip
    assert not resolved["conflict"].any()
    assert undated["claim_id"] == "loose" and "no period" in undated["reason"]


def test_excluded_claims_stay_out(db: Path, tmp_path: Path) -> None:
    with Store(db) as store:
        store.con.execute(
            "CREATE TABLE IF NOT EXISTS exclusions "
            "(claim_id VARCHAR, why VARCHAR, excluded_at TIMESTAMP)"
        )
        store.con.execute("INSERT INTO exclusions VALUES ('x', 'a slipped scale', now())")
    cli_counts, reported, views = _counts(CliRunner(), db, tmp_path / "report.html")
    assert cli_counts["implausible"] == reported["implausible"] == views["implausible"] == 0
    with Store(db, read_only=True) as store:
        judged = set(store.query("SELECT claim_id FROM resolution_trail")["claim_id"])
        kept = set(store.query("SELECT claim_id FROM claims")["claim_id"])
    assert "x" in kept and "x" not in judged  # hidden, not deleted


def _section(html: str, name: str) -> str:
    """The visible text of one report section, whitespace collapsed."""
    found = re.search(rf'<section id="{name}">(.*?)</section>', html, re.S)
    assert found, name
    return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split())


def test_report_shows_spreads_and_revisions_as_such(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    runner = CliRunner()
    assert runner.invoke(cli, ["reconcile", "--db", str(db)]).exit_code == 0
    assert runner.invoke(cli, ["report", "--db", str(db), "--out", str(out)]).exit_code == 0
    html = out.read_text(encoding="utf-8")
    revisions = _section(html, "revisions")
    assert "ADB 4.0 million tons 2024-05-04 4.4 million tons 2024-09-20" in revisions
    spreads = _section(html, "spreads")
    assert "2 forecasters: 4.4 million tons to 4.8 million tons" in spreads
    assert "min 4,400,000, median 4,600,000, max 4,800,000" in spreads
    assert "ADB 4.4 million tons" in spreads and "IMF 4.8 million tons" in spreads
    mirrors = _section(html, "mirrors")
    assert "China customs $3.8 billion" in mirrors
    assert "Tajikistan statistics agency $1.96 billion" in mirrors
    assert "45 million tons" in _section(html, "implausible")
    assert "9.9 million tons" in _section(html, "undated")
    conflicts = _section(html, "conflicts")  # none of them is a conflict
    assert "No conflicting claims" in conflicts


# Every count of the command line's summary line, by the report card (`data-count`) showing
# it; the report writes each number as the card's `data-value` (issue 19).
SUMMARY_CARDS = {
    r"(\d+) figures? resolved": "resolved",
    r"(\d+) disputed,": "disputed",
    r"(\d+) ambiguous,": "ambiguous",
    r"(\d+) with conflicts": "conflicts",
    r"(\d+) gaps? filled by (?:an )?implied values?": "gaps_filled",
    r"implied checks (\d+) consistent": "consistent",
    r"(\d+) inconsistent": "inconsistent",
    r"(\d+) forecast errors?": "forecast_errors",
    r"(\d+) targets? with": "targets",
    r"with (\d+) revisions?": "target_revisions",
    r"(\d+) vintages? revised": "verdict_revisions",
    r"(\d+) forecast spreads?": "verdict_spreads",
    r"(\d+) mirror statistics?": "verdict_mirrors",
    r"(\d+) implausible": "verdict_implausible",
    r"(\d+) undated": "verdict_undated",
}


def cards_match_summary(summary: str, html: str) -> dict[str, int]:
    """The counts of `summary` (a `reconciled: ...` line), checked against the report's
    cards; every number of the line is one of SUMMARY_CARDS."""
    counts = {card: int(re.search(pattern, summary)[1]) for pattern, card in SUMMARY_CARDS.items()}  # type: ignore[index]
    assert len(re.findall(r"\d+", summary)) == len(SUMMARY_CARDS), summary
    cards = dict(re.findall(r'data-count="(\w+)" data-value="(\d+)"', html))
    extra = dict(re.findall(r'data-(inconsistent|target-revisions)="(\d+)"', html))
    cards |= {"inconsistent": extra["inconsistent"], "target_revisions": extra["target-revisions"]}
    assert {card: int(cards[card]) for card in counts} == counts
    return counts


def test_every_count_of_the_summary_line_is_a_card(db: Path, tmp_path: Path) -> None:
    out, runner = tmp_path / "report.html", CliRunner()
    line = runner.invoke(cli, ["reconcile", "--db", str(db)])
    assert runner.invoke(cli, ["report", "--db", str(db), "--out", str(out)]).exit_code == 0
    counts = cards_match_summary(line.stdout, out.read_text(encoding="utf-8"))
    assert counts["verdict_spreads"] == counts["verdict_mirrors"] == 1


def test_the_samples_run_line_and_report_agree(tmp_path: Path) -> None:
    """`metrics run` on the samples: the line it prints and the report it writes give the
    same counts (they differed: 64 figures resolved against 71 on the cards)."""
    out = tmp_path / "reports" / "index.html"
    args = ["run", str(SAMPLES), "--db", str(tmp_path / "m.duckdb"), "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("reconciled:")]
    counts = cards_match_summary(line, out.read_text(encoding="utf-8"))
    assert counts["resolved"] > 10
