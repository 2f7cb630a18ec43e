"""The report of a large database: per-period ranges for series with many claims, a cap
on the number of charts with the rest named, and tables cut with a note.

Series skip years, so no growth is implied between consecutive levels (one chart each).

The limits are patched small (`report_settings`), so a few hand-made claims stand for a
million: TITR freight stated by several outlets a year, port throughputs of several ports.
"""

from __future__ import annotations

import json
import re
import statistics
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from metrics.lexicon.periods import period_from_label
from metrics.models import CLAIM_COLUMNS, Claim, Document
from metrics.pipeline import ingest
from metrics.reconcile import reconcile
from metrics.report import ReportSettings, context, render_report, write_report
from metrics.store import Store

Row = dict[str, Any]
OUTLETS = [
    "Kazinform",
    "The Astana Times",
    "Trend News Agency",
    "PortNews",
    "Interfax",
    "EU Reporter",
]
TITR = ("titr_cargo_volume", "TITR")


def claim(claim_id: str, source_id: str, metric: str, entity: str, millions: float, period: str,
          status: str = "actual") -> Row:  # fmt: skip
    p = period_from_label(period)
    text = f"{millions} million tons"
    return {
        "claim_id": claim_id, "source_id": source_id, "metric": metric, "entity": entity,
        "value": millions * 1e6, "unit": "t", "value_text": text, "period": period,
        "period_start": p.start, "period_end": p.end, "status": status, "measure": "level",
        "base_period": None, "qualifier": "exact", "quote": f"{entity} carried {text} in {period} ({source_id}).",
        "char_start": 0, "char_end": len(text), "extractor": "test",
        "originator": None, "scope": None, "superseded": False,
    }  # fmt: skip


def stated(series: dict[tuple[str, str], dict[str, list[float]]]) -> tuple[list[Row], list[Row]]:
    """Claims and sources: each value of each period of each series from its own article."""
    claims, sources = [], []
    for (metric, entity), periods in series.items():
        for period, values in periods.items():
            for value in values:
                sid = f"s{len(sources)}"
                outlet = OUTLETS[len(sources) % len(OUTLETS)]
                sources.append({"source_id": sid, "publisher": outlet, "published": date(2025, 3, 1),
                                "url": f"https://example.org/{sid}", "title": f"Article {sid}",
                                "path": f"docs/{sid}.md"})  # fmt: skip
                claims.append(claim(f"c{len(claims)}", sid, metric, entity, value, period))
    assert set(claims[0]) == set(CLAIM_COLUMNS)
    return claims, sources


def render(claims: list[Row], sources: list[Row]) -> str:
    c, s = pd.DataFrame(claims), pd.DataFrame(sources)
    counted = s.assign(claims=s["source_id"].map(c["source_id"].value_counts()).fillna(0))
    page, _ = render_report(reconcile(c, s), c.merge(s, on="source_id"), counted, title="Scale")
    return page


def figures(page: str) -> dict[str, dict[str, Any]]:
    found = re.findall(r'class="figure" data-target="plot-([^"]+)">(.*?)</script>', page, re.S)
    return {target: json.loads(text) for target, text in found}


def traces(figure: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in figure["data"]}


def limit(monkeypatch: pytest.MonkeyPatch, **values: int) -> None:
    base = {
        "max_charts": 50,
        "claim_markers_max": 40,
        "table_rows_max": 300,
        "significant_digits": 4,
    }
    monkeypatch.setattr(context, "report_settings", lambda: ReportSettings(**{**base, **values}))


# --- a series with many claims: one range per period ---------------------------------------

# fmt: off
TITR_YEARS = {"2020": [1.5, 1.5, 1.6, 1.5], "2022": [2.76, 2.8, 2.8, 2.7], "2024": [4.5, 4.5, 4.47, 4.2]}
AGGREGATION = [
    pytest.param(5, True, id="12-claims-over-5-ranges"),
    pytest.param(12, False, id="12-claims-at-12-markers"),
    pytest.param(40, False, id="12-claims-under-40-markers"),
]
# fmt: on


@pytest.mark.parametrize(("markers_max", "ranged"), AGGREGATION)
def test_series_with_many_claims_is_drawn_per_period(
    monkeypatch: pytest.MonkeyPatch, markers_max: int, ranged: bool
) -> None:
    limit(monkeypatch, claim_markers_max=markers_max)
    page = render(*stated({TITR: TITR_YEARS}))
    (figure,) = figures(page).values()
    drawn = traces(figure)
    assert len(drawn["Actual"]["x"]) == 3  # one resolved value per period either way
    if not ranged:
        assert "Stated values: range and median" not in drawn
        assert "drawn as the range" not in page
        return
    spread = drawn["Stated values: range and median"]
    values = [[v * 1e6 for v in TITR_YEARS[year]] for year in sorted(TITR_YEARS)]
    assert [x[:4] for x in spread["x"]] == sorted(TITR_YEARS)
    assert spread["y"] == pytest.approx([statistics.median(v) for v in values])
    assert spread["error_y"]["array"] == pytest.approx(
        [max(v) - statistics.median(v) for v in values]
    )
    assert spread["error_y"]["arrayminus"] == pytest.approx(
        [statistics.median(v) - min(v) for v in values]
    )
    assert spread["customdata"][0][1] == "4 claims in 4 articles"
    assert "12 claims, drawn as the range stated for each period" in page


def test_disputed_period_of_a_large_series_keeps_its_band_not_its_markers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limit(monkeypatch, claim_markers_max=2)
    page = render(*stated({TITR: {"2022": [2.76], "2024": [4.5, 3.1]}}))
    drawn = traces(next(iter(figures(page).values())))
    assert "Disputed 2024: range" in drawn
    assert "Disputed 2024: each source" not in drawn
    limit(monkeypatch, claim_markers_max=40)
    drawn = traces(
        next(iter(figures(render(*stated({TITR: {"2022": [2.76], "2024": [4.5, 3.1]}}))).values()))
    )
    assert sorted(drawn["Disputed 2024: each source"]["y"]) == [3.1e6, 4.5e6]


# --- a cap on charts, the rest named ---------------------------------------------------------

PORTS = ["Aktau port", "Kuryk port", "Baku port", "Poti port"]


def ports(points: list[int], claims: list[int]) -> dict[tuple[str, str], dict[str, list[float]]]:
    """Port series: `points[i]` years of port i, stated `claims[i]` times in all."""
    series = {}
    for port, years, count in zip(PORTS, points, claims, strict=True):
        per_year = [count // years + (1 if y < count % years else 0) for y in range(years)]
        series[("port_cargo_throughput", port)] = {
            str(2015 + 2 * y): [1.0 + y] * n for y, n in enumerate(per_year)
        }
    return series


# fmt: off
CAPS = [
    pytest.param([4, 3, 2, 2], [4, 3, 2, 2], 2, ["Aktau port", "Kuryk port"], id="most-points-first"),
    pytest.param([2, 2, 2, 2], [2, 5, 3, 2], 2, ["Baku port", "Kuryk port"], id="then-most-claims"),
    pytest.param([3, 2, 2, 2], [3, 2, 2, 2], 4, PORTS, id="all-fit"),
]
# fmt: on


@pytest.mark.parametrize(("points", "claims", "max_charts", "charted"), CAPS)
def test_charts_are_capped_and_the_rest_named(
    monkeypatch: pytest.MonkeyPatch, points: list[int], claims: list[int], max_charts: int,
    charted: list[str],
) -> None:  # fmt: skip
    limit(monkeypatch, max_charts=max_charts)
    page = render(*stated(ports(points, claims)))
    targets = figures(page)
    assert sorted(
        p for p in PORTS if any(p.lower().replace(" ", "-") in t for t in targets)
    ) == sorted(charted)
    left = [p for p in PORTS if p not in charted]
    if not left:
        assert "Series not charted" not in page and 'class="cut"' not in page
        return
    assert f"{len(left)} more series are not charted" in page
    assert f"charts the {max_charts} series with the most points" in page
    listed = page[page.index("Series not charted") : page.index('id="conflicts"')]
    assert all(f"<td>{p}</td>" in listed for p in left)
    assert not any(f"<td>{p}</td>" in listed for p in charted)


# --- tables cut, with a note -------------------------------------------------------------------


def test_tables_are_cut_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    limit(monkeypatch, table_rows_max=3)
    claims, sources = stated({TITR: TITR_YEARS})  # 12 articles, 3 conflicting years
    page = render(claims, sources)
    section = page[page.index('id="sources"') :]
    assert section.count('href="https://example.org/') == 3
    assert "Showing the first 3 of 12" in section
    assert 'metrics sql "SELECT * FROM sources ORDER BY published, path"' in section
    assert "Showing the first" not in page[page.index('id="conflicts"') : page.index('id="checks"')]


def test_small_report_is_not_cut() -> None:
    page = render(*stated({TITR: TITR_YEARS}))
    assert 'class="cut"' not in page and "Series not charted" not in page


# --- narrowing a report to some metrics --------------------------------------------------------


def test_write_report_of_some_metrics(tmp_path: Path) -> None:
    claims, sources = stated({TITR: TITR_YEARS, **ports([2, 2, 2, 2], [2, 2, 2, 2])})
    docs = tmp_path / "docs"
    docs.mkdir()
    for s in sources:
        (docs / f"{s['source_id']}.md").write_text(
            f"---\npublisher: {s['publisher']}\npublished: 2025-03-01\n---\nText {s['source_id']}.\n",
            encoding="utf-8",
        )
    by_source = {c["source_id"]: c for c in claims}

    def extract(document: Document) -> list[Claim]:
        row = by_source[Path(document.path).stem]
        return [
            Claim(**{**row, "claim_id": f"{document.source_id}-0", "source_id": document.source_id})
        ]

    with Store(tmp_path / "m.duckdb") as store:
        ingest(store, [docs], extractor=extract)
        whole = write_report(store, tmp_path / "all.html")
        narrow = write_report(store, tmp_path / "ports.html", metrics=["port_cargo_throughput"])
    assert (whole.charts, narrow.charts) == (5, 4)
    page = narrow.path.read_text(encoding="utf-8")
    assert "titr" not in " ".join(figures(page))
    listed = re.findall(
        r'<td class="num">(\d+)</td><td>s\d+\.md</td>', page[page.index('id="sources"') :]
    )
    assert listed == ["1"] * 8  # the ports' articles only, each with its one claim


# --- ticks (issue 19) ------------------------------------------------------------------

TICKS = [
    pytest.param({"2023-04": [2.6, 3.1]}, ["2023-04"], id="one-disputed-month-ticked-once"),
    pytest.param({"2023-04": [2.6], "2023-05": [2.9]}, ["2023-04", "2023-05"], id="two-months"),
    pytest.param({"2023-Q1": [1.0], "2023-Q2": [1.2]}, ["2023-Q1", "2023-Q2"], id="two-quarters"),
]


@pytest.mark.parametrize(("periods", "ticks"), TICKS)
def test_a_series_of_few_periods_ticks_each_period_once(
    periods: dict[str, list[float]], ticks: list[str]
) -> None:
    (figure,) = figures(render(*stated({TITR: periods}))).values()
    axis = figure["layout"]["xaxis"]
    assert axis["tickmode"] == "array" and axis["ticktext"] == ticks
    assert len(set(axis["tickvals"])) == len(ticks)
    drawn = {x for trace in figure["data"] if trace.get("mode") != "lines" for x in trace["x"]}
    assert drawn <= set(axis["tickvals"])  # every point sits on its period's tick


def test_an_annual_series_ticks_each_year_with_points_on_the_tick() -> None:
    (figure,) = figures(render(*stated({TITR: {"2022": [2.0], "2023": [2.5]}}))).values()
    assert figure["layout"]["xaxis"]["dtick"] == "M12"
    assert traces(figure)["Actual"]["x"] == ["2022-01-01", "2023-01-01"]
