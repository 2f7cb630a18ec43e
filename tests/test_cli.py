"""The `metrics` command line: one end-to-end run per command, help, errors and exit codes."""

from __future__ import annotations

import functools
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from paths import SAMPLES

from metrics import pipeline
from metrics.cli import SOURCE_HINTS, cli
from metrics.errors import Reason
from metrics.models import CLAIM_COLUMNS
from metrics.pipeline import ingest
from metrics.store import Store


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def fake_ingest(monkeypatch: pytest.MonkeyPatch, fake_extractor) -> None:
    """`metrics ingest` with the conftest extractor, for tests about the command itself."""
    monkeypatch.setattr(pipeline, "ingest", functools.partial(ingest, extractor=fake_extractor))


@pytest.fixture
def db(tmp_path: Path, write, fake_extractor) -> Path:
    """A database holding two small articles with three claims (4500, 300 and 2600 t)."""
    write("docs/a.txt", "---\npublished: 2025-05-14\n---\nCargo reached 4500 tons and 300 tons.")
    write("docs/b.txt", "Aktau handled 2600 tons.")
    path = tmp_path / "m.duckdb"
    with Store(path) as store:
        ingest(store, [tmp_path / "docs"], extractor=fake_extractor)
    return path


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert cli.commands[command].get_short_help_str()


def test_python_dash_m() -> None:
    result = subprocess.run([sys.executable, "-m", "metrics", "--help"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "Usage: metrics" in result.stdout


def test_ingest_end_to_end(
    runner: CliRunner, tmp_path: Path, corpus_docs: Path, real_extractor
) -> None:
    db = tmp_path / "corpus.duckdb"
    articles = len(list(corpus_docs.glob("*.txt")))
    first = runner.invoke(cli, ["ingest", str(corpus_docs), "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert f"{corpus_docs / 'mfa_oceea_meeting_2025.txt'}: " in first.stderr
    assert f"{db}: {articles} documents, " in first.stdout
    assert first.stdout.endswith(", 0 skipped, 0 failed\n")
    again = runner.invoke(cli, ["ingest", str(corpus_docs), "--db", str(db)])
    assert again.stdout == f"{db}: 0 documents, 0 claims, {articles} skipped, 0 failed\n"


def test_ingest_failure_exits_1(runner: CliRunner, write, tmp_path: Path, fake_ingest) -> None:
    write("docs/good.txt", "Cargo reached 4500 tons.")
    bad = write("docs/bad.txt", b"caf\xe9")
    result = runner.invoke(cli, ["ingest", str(tmp_path / "docs"), "--db", str(tmp_path / "m.db")])
    assert result.exit_code == 1
    assert result.stdout == f"{tmp_path / 'm.db'}: 1 documents, 1 claims, 0 skipped, 1 failed\n"
    assert f"{bad}: failed\n" in result.stderr
    assert f"Error: {bad}: not UTF-8 text (byte 3: unexpected end of data)" in result.stderr


def test_quiet_ingest_prints_only_failures_and_the_summary(
    runner: CliRunner, write, tmp_path: Path, fake_ingest
) -> None:
    write("docs/good.txt", "Cargo reached 4500 tons.")
    bad = write("docs/bad.txt", b"caf\xe9")
    db = tmp_path / "m.db"
    result = runner.invoke(cli, ["ingest", str(tmp_path / "docs"), "--db", str(db), "-q"])
    assert result.exit_code == 1
    assert result.stdout == f"{db}: 1 documents, 1 claims, 0 skipped, 1 failed\n"
    assert result.stderr == (
        f"Error: {bad}: not UTF-8 text (byte 3: unexpected end of data); "
        "re-save the file as UTF-8\n"
    )


def test_db_from_environment(runner: CliRunner, write, tmp_path: Path, fake_ingest) -> None:
    doc = write("a.txt", "Cargo reached 4500 tons.")
    db = tmp_path / "from-env.duckdb"
    result = runner.invoke(cli, ["ingest", str(doc)], env={"METRICS_DB": str(db)})
    assert result.exit_code == 0, result.output
    assert db.exists()


def test_extract_end_to_end(runner: CliRunner, corpus_docs: Path, real_extractor) -> None:
    article = corpus_docs / "mfa_oceea_meeting_2025.txt"
    result = runner.invoke(cli, ["extract", str(article), "--format", "json"])
    assert result.exit_code == 0, result.output
    claims = json.loads(result.stdout)
    assert claims
    assert list(claims[0]) == list(CLAIM_COLUMNS)
    text = article.read_text(encoding="utf-8")
    assert all(claim["quote"] in text for claim in claims)
    table = runner.invoke(cli, ["extract", str(article)])
    assert table.stdout.split()[:3] == ["metric", "entity", "value"]


def test_extract_bad_file_gives_a_fix(runner: CliRunner, write) -> None:
    bad = write("bad.txt", "---\npublished: soon\n---\nBody.")
    result = runner.invoke(cli, ["extract", str(bad)])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {bad}: published is not a date (YYYY-MM-DD) ('soon'); "
                             "write published as YYYY-MM-DD\n")


def test_every_unreadable_file_reason_has_a_hint() -> None:
    assert set(SOURCE_HINTS) == set(Reason)


def test_claims_end_to_end(runner: CliRunner, db: Path) -> None:
    csv = runner.invoke(cli, ["claims", "--db", str(db), "--metric", "titr_cargo_volume",
                              "--status", "actual", "--format", "csv"])
    assert csv.exit_code == 0, csv.output
    frame = pd.read_csv(io.StringIO(csv.stdout))
    assert list(frame.columns) == list(CLAIM_COLUMNS)
    assert sorted(frame["value"]) == [300, 2600, 4500]

    table = runner.invoke(cli, ["claims", "--db", str(db)]).stdout.splitlines()
    assert table[0].split() == ["metric", "entity", "value", "unit", "period", "status",
                                "measure", "qualifier", "value_text", "source"]
    assert any("4,500" in line for line in table)
    assert len({line.index("TITR") for line in table[1:]}) == 1  # columns line up

    empty = runner.invoke(cli, ["claims", "--db", str(db), "--metric", "gdp"])
    assert empty.stdout == "(no rows)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["claims"], "no database at", id="claims-without-database"),
        pytest.param(["sql", "SELECT 1"], "no database at", id="sql-without-database"),
    ],
)
def test_missing_database(runner: CliRunner, tmp_path: Path, args, message: str) -> None:
    result = runner.invoke(cli, [*args, "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {message}")
    assert not (tmp_path / "none.duckdb").exists()


def test_sql_end_to_end(runner: CliRunner, db: Path) -> None:
    query = "SELECT s.path, count(*) AS n FROM claims c JOIN sources s USING (source_id) " \
            "GROUP BY ALL ORDER BY s.path"
    result = runner.invoke(cli, ["sql", query, "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"path": "a.txt", "n": 2}, {"path": "b.txt", "n": 1}]
    table = runner.invoke(cli, ["sql", query, "--db", str(db)])
    assert table.stdout.splitlines() == ["path  n", "a.txt 2", "b.txt 1"]


def test_table_format_aligns_and_blanks_nulls(runner: CliRunner, db: Path) -> None:
    query = ("SELECT path, published, 1234567.5 AS big, NULL AS nothing "
             "FROM sources ORDER BY path")
    result = runner.invoke(cli, ["sql", query, "--db", str(db)])
    assert result.stdout.splitlines() == [
        "path  published        big nothing",  # a fraction to the unit from 100,000 on
        "a.txt 2025-05-14 1,234,568",
        "b.txt            1,234,568",
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param("SELEC 1", "Error: query failed: Parser Error", id="syntax"),
        pytest.param("SELECT nope FROM claims", "Error: query failed: Binder Error", id="column"),
        pytest.param("DELETE FROM claims", "Error: query refused: DELETE is not a SELECT",
                     id="write"),
        pytest.param("COPY claims TO 'out.csv'", "Error: query refused: COPY is not a SELECT",
                     id="copy"),
        pytest.param("ATTACH 'x.duckdb'", "Error: query refused: ATTACH is not a SELECT",
                     id="attach"),
    ],
)
def test_sql_errors_are_readable(runner: CliRunner, db: Path, query: str, message: str) -> None:
    result = runner.invoke(cli, ["sql", query, "--db", str(db)])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_catalog_end_to_end(runner: CliRunner, real_catalog) -> None:
    result = runner.invoke(cli, ["catalog"])
    assert result.exit_code == 0, result.output
    metrics, entities = result.stdout.split("\n\n")
    assert metrics.split()[:4] == ["id", "unit", "measure", "meaning"]
    assert "titr_cargo_volume" in metrics
    assert entities.split()[:2] == ["entity", "aliases"]
    assert "TITR" in entities


def test_usage_errors_keep_exit_2(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["claims", "--status", "rumoured"]).exit_code == 2
    assert runner.invoke(cli, ["ingest"]).exit_code == 2


# --- reconciliation and report commands ---------------------------------------------------
# The `db` fixture holds 4500 t and 300 t (a.txt) and 2600 t (b.txt) for one undated point:
# three values no two of which agree, from two sources, so the point is disputed.


def test_resolved_end_to_end(runner: CliRunner, db: Path) -> None:
    result = runner.invoke(cli, ["resolved", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    (point,) = json.loads(result.stdout)
    assert (point["metric"], point["state"], point["value"]) == ("titr_cargo_volume", "disputed", None)
    assert (point["low"], point["high"], point["n_claims"]) == (300, 4500, 3)
    table = runner.invoke(cli, ["resolved", "--db", str(db), "--state", "resolved"])
    assert table.stdout == "(no rows)\n"


def test_conflicts_end_to_end(runner: CliRunner, db: Path) -> None:
    result = runner.invoke(cli, ["conflicts", "--db", str(db), "--format", "csv"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert sorted(frame["value"]) == [300, 2600, 4500]
    assert set(frame["verdict"]) == {"disputed"}
    assert frame["reason"].str.contains("disagrees with").all()
    table = runner.invoke(cli, ["conflicts", "--db", str(db)])
    assert table.stdout.split()[:5] == ["metric", "entity", "period", "measure", "verdict"]


def test_reconcile_end_to_end(runner: CliRunner, db: Path) -> None:
    with Store(db) as store:
        store.con.execute("DELETE FROM recon_resolved")
    result = runner.invoke(cli, ["reconcile", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("reconciled: 0 figures resolved, 1 disputed, 0 ambiguous, 1 with")
    with Store(db, read_only=True) as store:
        assert len(store.view("resolved")) == 1


def test_report_end_to_end(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "site" / "report.html"
    result = runner.invoke(cli, ["report", "--db", str(db), "--out", str(out), "--title", "T&T"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"report: {out}: ")
    page = out.read_text(encoding="utf-8")
    assert "<title>T&amp;T</title>" in page
    assert not list(out.parent.glob("*.partial"))


def test_report_narrowed_to_metrics(runner: CliRunner, tmp_path: Path) -> None:
    """`--metric` charts only those metrics: fewer charts than the whole, none for no data."""
    db = tmp_path / "samples.duckdb"
    with Store(db) as store:
        ingest(store, [SAMPLES])

    def charts(*metrics: str) -> int:
        args = ["report", "--db", str(db), "--out", str(tmp_path / "r.html")]
        result = runner.invoke(cli, args + [part for m in metrics for part in ("--metric", m)])
        assert result.exit_code == 0, result.output
        return int(re.search(r": (\d+) charts?,", result.stdout)[1])

    everything, titr = charts(), charts("titr_cargo_volume")
    assert everything > titr >= 1
    assert charts("titr_cargo_volume", "inflation") > titr
    # a metric with no claims fails and writes nothing: tests/test_cli_mistyped.py


def test_views_on_a_missing_database_say_what_to_do(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["conflicts", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "run `metrics ingest` first" in result.stderr


def test_run_end_to_end(runner: CliRunner, write, tmp_path: Path, fake_ingest,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write("sources/a.txt", "---\npublisher: A\npublished: 2025-01-02\n---\nCargo reached 4500 tons.")
    write("sources/bad.txt", b"caf\xe9")
    result = runner.invoke(cli, ["run"])
    assert result.exit_code == 1  # one file failed, the rest still made the report
    lines = result.stdout.splitlines()
    assert lines[0] == "metrics.duckdb: 1 documents, 1 claims, 0 skipped, 1 failed"
    assert lines[1].startswith("reconciled: 1 figure resolved, 0 disputed")
    assert lines[2].startswith("report: reports/index.html: ")
    assert (tmp_path / "reports" / "index.html").exists()
    assert "bad.txt: not UTF-8 text" in result.stderr


def test_report_on_a_database_without_reconciliation(runner: CliRunner, tmp_path: Path) -> None:
    import duckdb

    old = tmp_path / "old.duckdb"
    duckdb.connect(str(old)).close()  # a file made before reconciliation existed
    result = runner.invoke(cli, ["report", "--db", str(old), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 1
    assert "has no reconciliation yet: run `metrics reconcile`" in result.stderr
    assert not (tmp_path / "r.html").exists()
