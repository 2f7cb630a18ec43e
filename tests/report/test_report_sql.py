"""The report reads its page from SQL (`metrics/report/reading.py`); on small stores every
aggregate it asks DuckDB for equals the same aggregate taken with pandas over the whole
frames, as the report took it before: series sizes, ranges per period, target counts,
the cards' counts, supporters, and sources counted over the metrics of a narrowed report.

Each case is a few series of hand-made claims (values in millions of tonnes, every two
claims from one article) with the shapes SQL and pandas treat differently: ties, even
counts (whose median is the mean of the middle two), claims without an entity beside
named ones, growth over a named base, targets and single figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pandas as pd
import pytest

from metrics.lexicon.periods import period_from_label
from metrics.reconcile import Reconciliation, reconcile, summary_counts
from metrics.reconcile.frames import records, with_dates
from metrics.report import charts, context
from metrics.report.reading import ReportReader, frames_store

Row = dict[str, Any]
Series = dict[tuple[str, str | None, str], dict[str, list[float]]]  # (metric, entity, status)
OUTLETS = ["Kazinform", "The Astana Times", None, "Trend News Agency", "PortNews"]

# fmt: off
CASES = [
    pytest.param({("titr_cargo_volume", "TITR", "actual"):
                  {"2021": [2.7, 2.8, 2.8, 2.7], "2022": [3.0, 3.0], "2023": [3.1, 4.0, 3.1]}},
                 id="ties-and-even-counts"),
    pytest.param({("rail_freight_volume", None, "actual"): {"2022": [1.0, 1.2], "2023": [1.5, 1.5, 1.6]},
                  ("rail_freight_volume", "KTZ", "actual"): {"2022": [1.0], "2023": [1.4, 1.4]}},
                 id="no-entity-beside-a-named-one"),
    pytest.param({("titr_cargo_volume", "TITR", "actual"): {"2022": [2.0], "2023": [2.5, 2.5]},
                  ("titr_cargo_volume", "TITR", "forecast"): {"2023": [2.4], "2024": [3.0, 3.3]},
                  ("titr_cargo_volume", "TITR", "target"): {"2027": [10.0], "2030": [10.0, 12.0]}},
                 id="forecasts-and-targets"),
    pytest.param({("port_cargo_throughput", "Aktau port", "actual"): {"2023": [4.0]},
                  ("port_cargo_throughput", "Kuryk port", "actual"): {"2023": [1.1, 1.1]},
                  ("port_cargo_throughput", None, "actual"): {"2024": [9.0, 9.5]},
                  ("titr_cargo_volume", None, "actual"): {"2023": [2.76], "2024": [4.5, 4.47]}},
                 id="single-figures-of-two-metrics"),
    pytest.param({("titr_cargo_volume", "TITR", "growth"): {"2023": [62.0, 62.0], "2024": [10.0]},
                  ("titr_cargo_volume", "TITR", "growth-named"): {"2023": [5.0], "2024": [7.0, 7.5]},
                  ("titr_cargo_volume", "TITR", "actual"): {"2023": [2.76], "2024": [4.5]}},
                 id="growth-over-the-year-before-and-a-named-base"),
]
# fmt: on


def _claim(n: int, metric: str, entity: str | None, kind: str, period: str, value: float) -> Row:
    p = period_from_label(period)
    growth = kind.startswith("growth")
    text = f"{value}%" if growth else f"{value} million tons"
    status = {"forecast": "forecast", "target": "target"}.get(kind, "actual")
    return {
        "claim_id": f"c{n}", "source_id": f"s{n // 2}", "metric": metric, "entity": entity,
        "value": value if growth else value * 1e6, "unit": "pct_change" if kind == "growth" else "%" if growth else "t",
        "value_text": text, "period": period, "period_start": p.start, "period_end": p.end,
        "status": status, "measure": "growth" if growth else "level",
        "base_period": "2019" if kind == "growth-named" else str(p.start.year - 1) if growth else None,
        "qualifier": "exact", "quote": f"{entity or 'It'} carried {text} in {period} (c{n}).",
        "char_start": 10 * n, "char_end": 10 * n + len(text), "extractor": "test",
        "originator": None, "scope": None, "superseded": False,
    }  # fmt: skip


def frames(series: Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    claims = [
        _claim(n, metric, entity, kind, period, value)
        for n, (metric, entity, kind, period, value) in enumerate(
            (m, e, k, p, v)
            for (m, e, k), periods in series.items()
            for p, values in periods.items()
            for v in values
        )
    ]
    sources = [
        {"source_id": f"s{n}", "publisher": OUTLETS[n % len(OUTLETS)],
         "published": date(2025, 1 + n % 12, 1 + n % 27), "url": f"https://example.org/{n}",
         "title": f"Article {n}", "path": f"docs/{n:03d}.md"}
        for n in range((len(claims) + 1) // 2)
    ]  # fmt: skip
    return pd.DataFrame(claims), pd.DataFrame(sources)


@contextmanager
def stored(series: Series) -> Iterator[tuple[Reconciliation, pd.DataFrame, pd.DataFrame, Any]]:
    """The reconciliation, claims joined to sources, sources, and the store holding them."""
    claims, sources = frames(series)
    recon = reconcile(claims, sources)
    joined = with_dates(
        claims.merge(sources, on="source_id"), "period_start", "period_end", "published"
    )
    with frames_store(recon, joined, sources) as store:
        yield recon, joined, sources, store


@contextmanager
def periods_of(reader: ReportReader) -> Iterator[None]:
    """The periods' classes registered, as `charts.trends` registers them."""
    periods = reader.periods()
    periods["period_class"] = pd.Series(
        [charts._period_class(s, e) for s, e in zip(periods["period_start"], periods["period_end"], strict=True)],
        index=periods.index, dtype=object,
    )  # fmt: skip
    with reader.keys(_report_periods=periods):
        yield


# --- pandas over the whole frames: the report's aggregates as it took them before ---------


def pandas_stated(recon: Reconciliation) -> pd.DataFrame:
    """The resolved points series are made of, each with its series key."""
    resolved = with_dates(recon.resolved, "period_start", "period_end", "published")
    stated = resolved[resolved["period_start"].notna() & (resolved["status"] != "target")]
    named_base = (stated["measure"] == "growth") & (stated["unit"] != "pct_change")
    base = stated["base_period"].astype(object)
    return stated.assign(
        entity_key=stated["entity"].fillna(""),
        series_base=base.where(named_base & base.notna(), None),
        period_class=[
            charts._period_class(s, e)
            for s, e in zip(stated["period_start"], stated["period_end"], strict=True)
        ],
    )


def pandas_series(recon: Reconciliation) -> set[tuple[Any, ...]]:
    stated = pandas_stated(recon)
    sizes: dict[tuple[Any, ...], list[int]] = {}
    for row in records(stated):
        key = (row["metric"], row["entity_key"], row["measure"], row["unit"],
               row["series_base"], row["period_class"])  # fmt: skip
        size = sizes.setdefault(key, [0, 0, 0])
        size[0] += 1
        size[1] += int(row["n_claims"] or 0)
        size[2] |= row["state"] in charts.UNSETTLED
    return {(*key, points, claims, bool(unsettled)) for key, (points, claims, unsettled) in sizes.items()}  # fmt: skip


def pandas_ranges(points: pd.DataFrame, recon: Reconciliation, claims: pd.DataFrame) -> list[Row]:
    trail = recon.trail
    members = trail.loc[trail["point_id"].isin(points["point_id"]), ["point_id", "claim_id"]]
    members = members.merge(claims[["claim_id", "value", "source_id"]], on="claim_id").merge(
        points[["point_id", "code", "period", "period_start", "period_end"]], on="point_id"
    )
    stats = members.groupby(["code", "period_start", "period_end", "period"], as_index=False).agg(
        claims=("claim_id", "size"), articles=("source_id", "nunique"), low=("value", "min"),
        middle=("value", "median"), high=("value", "max"),
    )  # fmt: skip
    return records(stats)


def pandas_supporters(
    wanted: list[str], recon: Reconciliation, claims: pd.DataFrame
) -> dict[str, Any]:
    trail = recon.trail
    backing = trail[trail["point_id"].isin(wanted) & trail["verdict"].isin(["chosen", "agrees"])]
    backing = backing.assign(agreeing=backing["verdict"] != "chosen").merge(
        claims[["claim_id", "publisher", "url", "path", "published"]], on="claim_id"
    )
    credit: dict[str, Any] = {}
    for row in records(backing.sort_values(["agreeing", "published"], kind="stable")):
        named = credit.setdefault(row["point_id"], [])
        said = charts._credit(row)[0]
        if said[0] not in {name for name, _ in named}:
            named.append(said)
    return credit


# --- the cases ----------------------------------------------------------------------------


@pytest.mark.parametrize("series", CASES)
def test_series_sizes_are_pandas_ones(series: Series) -> None:
    with stored(series) as (recon, _, _, store):
        reader = ReportReader(store.con)
        with periods_of(reader):
            sizes = reader.series_sizes(charts.UNSETTLED)
    found = {tuple(row.values()) for row in records(sizes)}
    assert found == pandas_series(recon)
    assert len(found) >= 2  # the case makes series, so the comparison can fail


@pytest.mark.parametrize("series", CASES)
def test_ranges_per_period_are_pandas_ones(series: Series) -> None:
    with stored(series) as (recon, claims, _, store):
        stated = pandas_stated(recon)
        keys = list(zip(stated["metric"], stated["entity_key"], stated["unit"], stated["period_class"], strict=True))  # fmt: skip
        codes = {key: n for n, key in enumerate(dict.fromkeys(keys))}
        points = stated.assign(code=[codes[key] for key in keys])
        found = records(ReportReader(store.con).ranges(points))
    expected = pandas_ranges(points, recon, claims)
    assert found == expected
    assert any(row["claims"] > 1 for row in expected)


@pytest.mark.parametrize("series", CASES)
def test_target_counts_are_pandas_ones(series: Series) -> None:
    with stored(series) as (recon, _, _, store):
        counted = ReportReader(store.con).frame(
            "SELECT metric, coalesce(entity, '') AS entity, measure, unit, count(*) AS n "
            "FROM recon_target_history GROUP BY ALL"
        )
    history = recon.target_history
    expected = history.assign(entity=history["entity"].fillna("")).value_counts(
        ["metric", "entity", "measure", "unit"]
    )
    assert {tuple(row) for row in counted.itertuples(index=False)} == {
        (*key, n) for key, n in expected.items()
    }


@pytest.mark.parametrize("series", CASES)
@pytest.mark.parametrize("narrowed", [False, True], ids=["whole", "first-metric"])
def test_counts_and_sources_are_pandas_ones(series: Series, narrowed: bool) -> None:
    """The cards, and the sources' table with each source's claims: over a narrowed
    report's metrics only, as `write_report` narrowed the frames before."""
    metric = next(iter(series))[0]
    with stored(series) as (recon, claims, _, store):
        reader = ReportReader(store.con, [metric] if narrowed else None)
        counts = reader.counts()
        listed, total = reader.head(context._SOURCES, "published, path", 1000)
    if narrowed:
        kept = recon.resolved["metric"] == metric
        recon = Reconciliation(
            resolved=recon.resolved[kept],
            trail=recon.trail[recon.trail["point_id"].isin(recon.resolved.loc[kept, "point_id"])],
            **{name: getattr(recon, name)[getattr(recon, name)["metric"] == metric]
               for name in ("implied", "forecast_errors", "target_history", "targets", "undated")},
        )  # fmt: skip
        claims = claims[claims["metric"] == metric]
    per_source = claims["source_id"].value_counts()
    assert counts == {"sources": len(per_source), "claims": len(claims)} | summary_counts(recon)
    assert total == len(per_source)
    assert dict(zip(listed["source_id"], listed["claims"], strict=True)) == per_source.to_dict()


def test_a_narrowed_report_counts_a_source_s_claims_of_its_metrics_only() -> None:
    """The second article holds a port's figure and TITR's: a report of ports counts one."""
    series: Series = {("port_cargo_throughput", "Aktau port", "actual"): {"2022": [4.0], "2023": [4.2, 4.3]},
                      ("titr_cargo_volume", "TITR", "actual"): {"2022": [2.0], "2023": [2.5, 2.6]}}  # fmt: skip
    with stored(series) as (_, _, _, store):
        reader = ReportReader(store.con, ["port_cargo_throughput"])
        listed, total = reader.head(context._SOURCES, "published, path", 1000)
        counts = reader.counts()
    assert dict(zip(listed["source_id"], listed["claims"], strict=True)) == {"s0": 2, "s1": 1}
    assert (total, counts["sources"], counts["claims"]) == (2, 2, 3)


@pytest.mark.parametrize("series", CASES)
def test_supporters_are_pandas_ones(series: Series) -> None:
    with stored(series) as (recon, claims, _, store):
        rows = records(recon.resolved)
        found = charts._supporters(rows, ReportReader(store.con))
    wanted = [r["point_id"] for r in rows if r["state"] == "resolved"]
    expected = pandas_supporters(wanted, recon, claims)
    assert found == expected
    assert expected  # resolved points, each credited


@pytest.mark.parametrize("series", CASES)
def test_table_heads_are_the_frames_first_rows(series: Series) -> None:
    """Each table's first rows in stored order, and its length, for a cut of 2 rows."""
    with stored(series) as (recon, _, _, store):
        reader = ReportReader(store.con)
        for table, frame in (("recon_resolved", recon.resolved),
                             ("recon_target_history", recon.target_history)):  # fmt: skip
            head, total = reader.head(f"SELECT * FROM {table}", "_row", 2)
            assert total == len(frame)
            assert head["claim_id"].tolist() == frame["claim_id"].head(2).tolist()
