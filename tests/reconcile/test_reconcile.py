"""Reconciliation on constructed claims: intervals, provenance, the resolution cascade,
implied values, forecast errors and target history.

Every claim here is built in the test (no database). The case tables live in
`tests/cases/reconcile_cases.yaml`, whose header gives their conventions; the figures
follow the TITR story of the development corpus (2.76 Mt in 2023, +62 % to 4.5 Mt in 2024,
a 4.2 Mt forecast, a 10 Mt goal by 2030 then by 2027), so the expected numbers can be
checked by hand: each expected interval is written as the arithmetic that gives it.
"""

from __future__ import annotations

import ast
import dataclasses
import operator
from collections.abc import Callable
from datetime import date
from typing import Any, NamedTuple

import pandas as pd
import paths
import pytest
import yaml

from metrics.lexicon.periods import period_from_label
from metrics.lexicon.quantities import rounding_step
from metrics.models import CLAIM_COLUMNS
from metrics.reconcile import (
    FORECAST_ERROR_COLUMNS,
    IMPLIED_COLUMNS,
    RESOLVED_COLUMNS,
    SERIES_INPUTS,
    TARGET_COLUMNS,
    TARGET_HISTORY_COLUMNS,
    TRAIL_COLUMNS,
    claim_interval,
    fill_gaps,
    forecast_errors,
    implied_values,
    originator,
    overlaps,
    prepare,
    reconcile,
    reconcile_points,
    reconcile_series,
    resolve,
    resolve_point,
    target_history,
)
from metrics.reconcile.frames import OPTIONAL_CLAIM_COLUMNS
from metrics.reconcile.intervals import disagreements
from metrics.reconcile.settings import settings
from metrics.reconcile.verdicts import (
    UNDATED_COLUMNS,
    point_members,
    revision_rows,
    verdict_counts,
)

Row = dict[str, Any]

METRIC = "titr_cargo_volume"
ENTITY = "TITR"

CASES_FILE = paths.CASES / "reconcile_cases.yaml"
CASES = yaml.load(  # the C loader is much faster; both are safe loaders
    CASES_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
)

PUBLISHERS = CASES["publishers"]
ASTANA = PUBLISHERS["astana"]
KAZINFORM = PUBLISHERS["kazinform"]
QAZINFORM = PUBLISHERS["qazinform"]
TREND = PUBLISHERS["trend"]
BISHKEK = PUBLISHERS["bishkek"]
EU_REPORTER = PUBLISHERS["eu_reporter"]


# --- builders --------------------------------------------------------------------------


def claim(**overrides: Any) -> Row:
    """One claim row with every CLAIM_COLUMNS field: TITR 4.5 million tons, 2024, actual.

    The period dates follow the `period` label unless given; the quote is unique per
    claim_id unless given.
    """
    period = overrides.get("period", "2024")
    p = period_from_label(period) if period else None
    claim_id = overrides.get("claim_id", "c1")
    row: Row = {
        "claim_id": claim_id,
        "source_id": "s1",
        "metric": METRIC,
        "entity": ENTITY,
        "value": 4_500_000.0,
        "unit": "t",
        "value_text": "4.5 million tons",
        "period": period,
        "period_start": p.start if p else None,
        "period_end": p.end if p else None,
        "status": "actual",
        "measure": "level",
        "base_period": None,
        "qualifier": "exact",
        "quote": f"The corridor figure of claim {claim_id}.",
        "char_start": 0,
        "char_end": 16,
        "extractor": "test",
        "originator": None,
        "scope": None,
        "superseded": False,
    }
    row.update(overrides)
    optional = set(OPTIONAL_CLAIM_COLUMNS)  # originator, scope, superseded: given or absent
    assert set(CLAIM_COLUMNS) - optional <= set(row) <= set(CLAIM_COLUMNS) | optional
    return row


def mt(claim_id: str, source_id: str, millions: float, period: str = "2024", **kw: Any) -> Row:
    """A level in tonnes written as "<millions> million tons"."""
    fields = {"value": round(millions * 1_000_000), "value_text": f"{millions} million tons"}
    return claim(claim_id=claim_id, source_id=source_id, period=period, **{**fields, **kw})


def growth(claim_id: str, source_id: str, pct: float, period: str, base: str, **kw: Any) -> Row:
    """A change in percent on `base`, written "<pct>%"."""
    fields = {"value": pct, "unit": "pct_change", "value_text": f"{abs(pct):g}%",
              "measure": "growth", "base_period": base}  # fmt: skip
    return claim(claim_id=claim_id, source_id=source_id, period=period, **{**fields, **kw})


def target(claim_id: str, source_id: str, millions: float, deadline: str, **kw: Any) -> Row:
    return mt(claim_id, source_id, millions, deadline, status="target", **kw)


def source(source_id: str, publisher: str | None, published: str | date | None) -> Row:
    if isinstance(published, str):
        published = date.fromisoformat(published)
    return {
        "source_id": source_id,
        "publisher": publisher,
        "published": published,
        "url": f"https://example.org/{source_id}",
        "title": f"Article {source_id}",
    }


def frames(claims: list[Row], sources: list[Row]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The claims and sources as frames; an optional claim column only when a claim sets
    it (a frame without one must read as all NULL / False)."""
    given = [c for c in OPTIONAL_CLAIM_COLUMNS if any(c in row for row in claims)]
    columns = list(dict.fromkeys([*CLAIM_COLUMNS, *given]))
    return pd.DataFrame(claims, columns=columns), pd.DataFrame(sources)


def run(claims: list[Row], sources: list[Row]):
    return reconcile(*frames(claims, sources))


def resolved_and_trail(claims: list[Row], sources: list[Row]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return resolve(prepare(*frames(claims, sources)))


def verdicts(trail: pd.DataFrame) -> dict[str, tuple[str, str]]:
    return {r.claim_id: (r.verdict, r.rule) for r in trail.itertuples()}


def only(frame: pd.DataFrame, **match: Any) -> pd.Series:
    """The single row of `frame` whose columns equal `match`."""
    mask = pd.Series(True, index=frame.index)
    for column, value in match.items():
        mask &= frame[column] == value
    assert mask.sum() == 1, f"{mask.sum()} rows match {match}:\n{frame}"
    return frame[mask].iloc[0]


# --- reading the case tables -----------------------------------------------------------

_ARITHMETIC: dict[type, Callable[..., float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow, ast.USub: operator.neg,
}  # fmt: skip


def number(written: float | str | None) -> float | None:
    """A number of the cases file: as YAML read it, or the arithmetic a quoted one spells."""
    if not isinstance(written, str):
        return written

    def evaluate(node: ast.expr) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
            return _ARITHMETIC[type(node.op)](evaluate(node.left), evaluate(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _ARITHMETIC:
            return _ARITHMETIC[type(node.op)](evaluate(node.operand))
        raise ValueError(f"not arithmetic: {written!r}")

    return evaluate(ast.parse(written, mode="eval").body)


def interval(written: list[Any]) -> tuple[float, float]:
    low, high = map(number, written)
    return low, high


_BUILDERS = {"mt": (mt, "millions"), "growth": (growth, "pct"), "target": (target, "millions")}


def built(spec: dict[str, Any]) -> Row:
    """A claim of the cases file, made by the builder its key names (see the file's header)."""
    fields = dict(spec)
    claim_id, source_id = fields.pop("id"), fields.pop("source")
    for key, (builder, amount) in _BUILDERS.items():
        if key in fields:
            return builder(claim_id, source_id, **{amount: fields.pop(key)}, **fields)
    return claim(claim_id=claim_id, source_id=source_id, **fields)


def claims_of(specs: list[dict[str, Any]]) -> list[Row]:
    return [built(spec) for spec in specs]


def sources_of(specs: dict[str, list[Any]]) -> list[Row]:
    return [source(source_id, *spec) for source_id, spec in specs.items()]


def as_is(value: Any) -> Any:
    return value


def cases(table: str, **fields: Callable[[Any], Any]) -> list[Any]:
    """The cases of one table as pytest params: each of `fields` read with its function."""
    return [
        pytest.param(*(read(case[name]) for name, read in fields.items()), id=case["id"])
        for case in CASES[table]
    ]


NAMED = {name: built(spec) for name, spec in CASES["claims"].items()}


# --- rounding and intervals ------------------------------------------------------------

ROUNDING_STEPS = cases("rounding_steps", text=as_is, step=number)


@pytest.mark.parametrize(("text", "step"), ROUNDING_STEPS)
def test_rounding_step(text: str, step: float | None) -> None:
    if step is None:
        assert rounding_step(text) is None
    else:
        assert rounding_step(text) == pytest.approx(step)


INTERVALS = cases("intervals", value=number, text=as_is, qualifier=as_is, expected=interval)


@pytest.mark.parametrize(("value", "text", "qualifier", "expected"), INTERVALS)
def test_claim_interval(
    value: float, text: str, qualifier: str, expected: tuple[float, float]
) -> None:
    low, high = claim_interval(value, text, qualifier)
    assert (low, high) == (pytest.approx(expected[0]), pytest.approx(expected[1]))
    assert low <= value <= high


def test_rounding_intervals_are_open_above() -> None:
    """"2.7 million" and "2.8 million" meet at 2.75, which rounds to 2.8 only: no value
    is allowed by both; each shares values with 2.76 million."""
    low_27, high_27 = claim_interval(2.7e6, "2.7 million tons", "exact")
    low_28, high_28 = claim_interval(2.8e6, "2.8 million tons", "exact")
    at_276 = claim_interval(2.76e6, "2.76 million tons", "exact")
    assert high_27 < 2.75e6 == low_28 and high_27 == pytest.approx(2.75e6)
    assert not overlaps((low_27, high_27), (low_28, high_28))
    assert overlaps((low_28, high_28), at_276) and not overlaps((low_27, high_27), at_276)
    assert claim_interval(4.5e6, "no figure here", "exact") == (4.5e6, 4.5e6)


OVERLAPS = cases("overlaps", a=interval, b=interval, expected=as_is)


@pytest.mark.parametrize(("a", "b", "expected"), OVERLAPS)
def test_overlaps_is_symmetric(a, b, expected: bool) -> None:
    assert overlaps(a, b) is expected
    assert overlaps(b, a) is expected


# --- provenance ------------------------------------------------------------------------

ORIGINATORS = cases("originators", publisher=as_is, expected=as_is)


@pytest.mark.parametrize(("publisher", "expected"), ORIGINATORS)
def test_originator(publisher: str | None, expected: str | None) -> None:
    assert originator(publisher) == expected


def test_one_house_gives_one_key() -> None:
    assert originator(QAZINFORM) == originator(KAZINFORM)
    assert originator(BISHKEK) == originator(EU_REPORTER)
    assert originator(ASTANA) != originator(KAZINFORM)


def test_prepare_adds_provenance_interval_and_point() -> None:
    claims = [
        mt("a", "s1", 4.5),
        mt("f", "s2", 4.2, status="forecast"),
        target("t", "s2", 10, "2024"),
        mt("other", "s2", 4.2, "2023"),
    ]
    sources = [source("s1", QAZINFORM, "2025-05-15"), source("s2", ASTANA, "2024-07-03")]
    prepared = prepare(*frames(claims, sources)).set_index("claim_id")

    a = prepared.loc["a"]
    assert a["publisher"] == QAZINFORM
    assert a["published"] == date(2025, 5, 15)
    assert a["origin"] == "kazinform"
    assert (a["low"], a["high"]) == (pytest.approx(4.45e6), pytest.approx(4.55e6))
    assert prepared.loc["f", "origin"] == "astana times"
    assert prepared.loc["t", "kind"] == "target"
    assert prepared.loc["a", "kind"] == prepared.loc["f", "kind"] == "estimate"
    # a forecast and an actual of one figure are one point; a target and another year are not
    assert prepared.loc["a", "point_id"] == prepared.loc["f", "point_id"]
    assert prepared.loc["t", "point_id"] != prepared.loc["a", "point_id"]
    assert prepared.loc["other", "point_id"] != prepared.loc["a", "point_id"]


def test_prepare_source_without_publisher_counts_as_its_own_origin() -> None:
    claims = [mt("a", "s1", 4.5), mt("b", "s2", 4.5)]
    sources = [source("s1", None, "2025-05-15"), source("s2", ASTANA, "2025-05-15")]
    prepared = prepare(*frames(claims, sources)).set_index("claim_id")
    assert prepared.loc["a", "origin"] == "source:s1"
    assert prepared.loc["b", "origin"] == "astana times"


# --- the resolution cascade ------------------------------------------------------------


class Point(NamedTuple):
    claims: list[Row]
    sources: list[Row]
    state: str  # resolved / disputed
    value: float | None  # None: disputed, no value
    status: str  # status of the resolved row
    rule: str  # the rules that fired, in order
    verdicts: dict[str, tuple[str, str]]  # claim_id -> (verdict, rule)
    conflict: bool | None  # None: not asserted
    n_sources: int


def point(case: dict[str, Any]) -> Point:
    return Point(
        claims=claims_of(case["claims"]),
        sources=sources_of(case["sources"]),
        state=case["state"],
        value=number(case["value"]),
        status=case["status"],
        rule=case["rule"],
        # one word stands for a verdict given by the rule of the same name
        verdicts={
            c: (v, v) if isinstance(v, str) else tuple(v) for c, v in case["verdicts"].items()
        },
        conflict=case["conflict"],
        n_sources=case["n_sources"],
    )


CASCADE = [pytest.param(point(case), id=case["id"]) for case in CASES["cascade"]]


@pytest.mark.parametrize("case", CASCADE)
def test_cascade(case: Point) -> None:
    resolved, trail = resolved_and_trail(case.claims, case.sources)

    assert len(resolved) == 1
    row = resolved.iloc[0]
    assert row["state"] == case.state
    assert row["status"] == case.status
    assert row["rule"] == case.rule
    assert row["n_claims"] == len(case.claims)
    assert row["n_sources"] == case.n_sources
    if case.conflict is not None:
        assert bool(row["conflict"]) is case.conflict
    if case.value is None:
        assert pd.isna(row["value"])
        assert pd.isna(row["claim_id"])
    else:
        assert row["value"] == pytest.approx(case.value)
        chosen = [c for c, (v, _) in case.verdicts.items() if v == "chosen"]
        if chosen:
            assert row["claim_id"] == chosen[0]
        else:  # a spread's value is the median of its forecasters, no one claim's
            assert row["state"] == "spread" and pd.isna(row["claim_id"])

    assert verdicts(trail) == case.verdicts
    assert set(trail["point_id"]) == {row["point_id"]}


def test_disputed_point_spans_the_values() -> None:
    claims = [mt("a", "s1", 4.5), mt("b", "s2", 4.2)]
    sources = [source("s1", KAZINFORM, "2025-05-15"), source("s2", ASTANA, "2025-05-15")]
    resolved, trail = resolved_and_trail(claims, sources)
    row = resolved.iloc[0]
    assert row["state"] == "disputed"
    assert pd.isna(row["value"])
    assert row["low"] == pytest.approx(4.2e6)
    assert row["high"] == pytest.approx(4.5e6)
    assert "4.5 million tons" in row["value_text"] and "4.2 million tons" in row["value_text"]
    assert pd.isna(row["publisher"])
    assert bool(row["conflict"]) is True
    # each disputed claim's reason names the figure it disagrees with
    reasons = trail.set_index("claim_id")["reason"]
    assert "4.2 million tons" in reasons["a"]
    assert "4.5 million tons" in reasons["b"]


def test_trail_keeps_each_claims_interval() -> None:
    claims = [mt("f", "s1", 4.2, status="forecast"), mt("a", "s2", 4.5)]
    sources = [source("s1", ASTANA, "2024-07-03"), source("s2", KAZINFORM, "2025-05-15")]
    _, trail = resolved_and_trail(claims, sources)
    assert list(trail.columns) == TRAIL_COLUMNS
    rows = trail.set_index("claim_id")
    assert (rows.loc["f", "low"], rows.loc["f", "high"]) == (
        pytest.approx(4.15e6),
        pytest.approx(4.25e6),
    )
    assert (rows.loc["a", "low"], rows.loc["a", "high"]) == (
        pytest.approx(4.45e6),
        pytest.approx(4.55e6),
    )


def test_resolve_point_on_prepared_rows() -> None:
    claims = [mt("a", "s1", 4.5), mt("b", "s2", 4.5), mt("c", "s3", 4.2)]
    sources = [source("s1", KAZINFORM, "2025-05-14"), source("s2", ASTANA, "2025-05-15"),
               source("s3", TREND, "2025-05-16")]  # fmt: skip
    prepared = prepare(*frames(claims, sources)).sort_values("published")
    rows = [{k: (None if k == "base_period" else v) for k, v in r.items()}
            for r in prepared.to_dict("records")]  # fmt: skip
    row, trail = resolve_point(rows)
    assert row["state"] == "resolved"
    assert row["value"] == pytest.approx(4.5e6)
    assert row["publisher"] == ASTANA  # the later of the two equally precise 4.5s
    assert {t["claim_id"]: t["verdict"] for t in trail} == {
        "a": "agrees", "b": "chosen", "c": "outvoted",
    }  # fmt: skip
    outvoted = next(t for t in trail if t["claim_id"] == "c")
    assert ASTANA in outvoted["reason"] and KAZINFORM in outvoted["reason"]


DIFFERENT_KEYS = [
    pytest.param(*claims_of(case["pair"]), id=case["id"]) for case in CASES["different_keys"]
]


@pytest.mark.parametrize(("first", "second"), DIFFERENT_KEYS)
def test_different_keys_never_conflict(first: Row, second: Row) -> None:
    sources = [source("s1", KAZINFORM, "2025-05-15"), source("s2", ASTANA, "2025-05-15")]
    resolved, trail = resolved_and_trail([first, second], sources)
    assert len(resolved) == 2
    assert set(resolved["state"]) == {"resolved"}
    assert not resolved["conflict"].any()
    assert sorted(resolved["value"]) == pytest.approx(sorted([first["value"], second["value"]]))
    assert verdicts(trail) == {"a": ("chosen", "single"), "b": ("chosen", "single")}


# --- implied values --------------------------------------------------------------------

LEVEL_2023 = NAMED["level_2023"]
GROWTH_2024 = NAMED["growth_2024"]
IMPLIED_SOURCES = sources_of(CASES["sources"]["implied"])
# 2.76 million (2023) x (1 + 62%), every end at its rounding: [2.755, 2.765] x [1.615, 1.625]
LEVEL_2024_LOW = 2.755e6 * 1.615
LEVEL_2024_HIGH = 2.765e6 * 1.625


def implied_from(claims: list[Row]) -> tuple[pd.DataFrame, pd.DataFrame]:
    resolved, _ = resolved_and_trail(claims, IMPLIED_SOURCES)
    return resolved, implied_values(resolved)


GROWTH_CHECKS = cases("growth_checks", stated=claims_of, check=as_is, stated_id=as_is)


@pytest.mark.parametrize(("stated", "check", "stated_id"), GROWTH_CHECKS)
def test_growth_and_base_level_imply_the_level(
    stated: list[Row], check: str, stated_id: str | None
) -> None:
    _, implied = implied_from([LEVEL_2023, GROWTH_2024, *stated])
    assert list(implied.columns) == IMPLIED_COLUMNS
    row = only(implied, measure="level", period="2024")
    assert row["unit"] == "t"
    assert row["status"] == "actual"
    assert row["low"] == pytest.approx(LEVEL_2024_LOW)  # ~4.449 million
    assert row["high"] == pytest.approx(LEVEL_2024_HIGH)  # ~4.493 million
    assert row["value"] == pytest.approx(2.76e6 * 1.62)
    assert row["consistency"] == check
    assert set(row["inputs"].split(",")) == {"l23", "g24"}
    if stated_id is None:
        assert pd.isna(row["stated_claim_id"])
    else:
        assert row["stated_claim_id"] == stated_id
        assert check in row["formula"]


def test_level_pair_checks_the_stated_growth() -> None:
    _, implied = implied_from([LEVEL_2023, GROWTH_2024, mt("l24", "s3", 4.5, "2024")])
    row = only(implied, measure="growth", period="2024")
    assert row["unit"] == "pct_change"
    assert row["base_period"] == "2023"
    # [4.45, 4.55] / [2.755, 2.765] - 1 = [+60.9%, +65.2%], which holds the stated 62% (61.5-62.5)
    assert row["low"] == pytest.approx((4.45 / 2.765 - 1) * 100)
    assert row["high"] == pytest.approx((4.55 / 2.755 - 1) * 100)
    assert row["value"] == pytest.approx((4.5 / 2.76 - 1) * 100)
    assert row["consistency"] == "consistent"
    assert row["stated_claim_id"] == "g24"


def test_fill_gaps_adds_the_implied_level() -> None:
    resolved, implied = implied_from([LEVEL_2023, GROWTH_2024])
    series = fill_gaps(resolved, implied)
    assert len(series) == len(resolved) + 1
    row = only(series, state="implied")
    assert (row["metric"], row["entity"], row["period"], row["measure"], row["unit"]) == (
        METRIC, ENTITY, "2024", "level", "t",
    )  # fmt: skip
    assert row["status"] == "actual"
    assert row["rule"] == "implied"
    assert row["value"] == pytest.approx(2.76e6 * 1.62)
    assert (row["low"], row["high"]) == (
        pytest.approx(LEVEL_2024_LOW),
        pytest.approx(LEVEL_2024_HIGH),
    )
    assert row["n_claims"] == 0
    assert bool(row["conflict"]) is False
    assert row["period_end"] == date(2024, 12, 31)
    # the gap's point is the one a stated 2024 level would have
    stated = prepare(*frames([mt("x", "s3", 4.5, "2024")], IMPLIED_SOURCES))
    assert row["point_id"] == stated["point_id"].iloc[0]


def test_fill_gaps_leaves_stated_points_alone() -> None:
    resolved, implied = implied_from([LEVEL_2023, GROWTH_2024, mt("l24", "s3", 4.8, "2024")])
    series = fill_gaps(resolved, implied)
    assert len(series) == len(resolved)
    assert "implied" not in set(series["state"])


def test_multiple_implies_the_base_level() -> None:
    three_times = claim(
        claim_id="x3", source_id="s2", value=3.0, unit="x", value_text="three times",
        period="2023", measure="growth", base_period="2021",
    )  # fmt: skip
    resolved, implied = implied_from([LEVEL_2023, three_times])
    row = only(implied, measure="level", period="2021")
    assert row["value"] == pytest.approx(2.76e6 / 3)  # about 0.92 million
    # [2.755, 2.765] million / [2.5, 3.5]
    assert row["low"] == pytest.approx(2.755e6 / 3.5)
    assert row["high"] == pytest.approx(2.765e6 / 2.5)
    assert row["consistency"] == "fills_gap"
    assert row["status"] == "actual"
    assert row["period_start"] == date(2021, 1, 1)
    filled = fill_gaps(resolved, implied)
    assert only(filled, state="implied", period="2021")["value"] == pytest.approx(920_000)


def test_negative_growth_implies_a_lower_level() -> None:
    down = growth("d24", "s2", -24, "2024", "2023")  # "24%" written, value -24
    base = mt("l23", "s1", 2.6, "2023")
    _, implied = implied_from([base, down])
    row = only(implied, measure="level", period="2024")
    # [2.55, 2.65] million x (1 + [-24.5%, -23.5%])
    assert row["low"] == pytest.approx(2.55e6 * 0.755)
    assert row["high"] == pytest.approx(2.65e6 * 0.765)
    assert row["value"] == pytest.approx(2.6e6 * 0.76)


def test_level_pair_implies_growth() -> None:
    resolved, implied = implied_from([mt("l22", "s1", 2.4, "2022"), LEVEL_2023])
    row = only(implied, measure="growth", period="2023")
    assert row["unit"] == "pct_change"
    assert row["base_period"] == "2022"
    assert row["value"] == pytest.approx(15.0)  # 2.76 / 2.4 = 1.15
    # [2.755, 2.765] / [2.35, 2.45] - 1
    assert row["low"] == pytest.approx((2.755 / 2.45 - 1) * 100)
    assert row["high"] == pytest.approx((2.765 / 2.35 - 1) * 100)
    assert row["consistency"] == "fills_gap"
    gap = only(fill_gaps(resolved, implied), state="implied")
    assert (gap["measure"], gap["unit"], gap["base_period"]) == ("growth", "pct_change", "2022")


NOTHING_IMPLIED = cases("nothing_implied", claims=claims_of)


@pytest.mark.parametrize("claims", NOTHING_IMPLIED)
def test_nothing_implied(claims: list[Row]) -> None:
    _, implied = implied_from(claims)
    assert implied.empty


def test_disputed_level_implies_nothing() -> None:
    claims = [mt("a", "s1", 2.76, "2023"), mt("b", "s3", 2.5, "2023"), GROWTH_2024]
    sources = [source("s1", KAZINFORM, "2024-02-27"), source("s2", QAZINFORM, "2025-05-14"),
               source("s3", ASTANA, "2024-02-27")]  # fmt: skip
    resolved, _ = resolved_and_trail(claims, sources)
    assert only(resolved, measure="level")["state"] == "disputed"
    assert implied_values(resolved).empty


# --- forecast errors -------------------------------------------------------------------

FORECAST_SOURCES = sources_of(CASES["sources"]["forecasts"])


def test_forecast_error_against_the_actual() -> None:
    claims = [mt("f", "s1", 4.2, status="forecast"), mt("a", "s2", 4.5)]
    errors = run(claims, FORECAST_SOURCES).forecast_errors
    assert list(errors.columns) == FORECAST_ERROR_COLUMNS
    assert len(errors) == 1
    row = errors.iloc[0]
    assert row["forecast_claim_id"] == "f"
    assert row["actual_claim_id"] == "a"
    assert row["error"] == pytest.approx(-300_000)
    assert row["error_pct"] == pytest.approx(-300_000 / 4.5e6 * 100)  # -6.667
    assert row["error_pct"] == pytest.approx(-6.667, abs=1e-3)
    assert row["forecaster"] == ASTANA
    assert row["forecast_published"] == date(2024, 7, 3)
    assert row["actual_publisher"] == KAZINFORM
    assert row["actual_published"] == date(2025, 5, 15)
    assert bool(row["within_interval"]) is False
    # 2024-07-03 to 2024-12-31: 28 days of July, then 31 + 30 + 31 + 30 + 31
    assert row["lead_days"] == 181


def test_forecast_within_the_actuals_rounding() -> None:
    claims = [mt("f", "s1", 4.5, status="forecast"), mt("a", "s2", 4.52)]
    row = run(claims, FORECAST_SOURCES).forecast_errors.iloc[0]
    assert row["error"] == pytest.approx(-20_000)
    assert row["error_pct"] == pytest.approx(-20_000 / 4.52e6 * 100)
    # [4.45, 4.55] million holds [4.515, 4.525] million
    assert bool(row["within_interval"]) is True


def test_every_forecast_of_the_point_is_scored() -> None:
    claims = [mt("f1", "s1", 4.2, status="forecast"), mt("f2", "s3", 4.6, status="forecast"),
              mt("a", "s2", 4.5)]  # fmt: skip
    errors = run(claims, FORECAST_SOURCES).forecast_errors.set_index("forecast_claim_id")
    assert errors.loc["f1", "error"] == pytest.approx(-300_000)
    assert errors.loc["f2", "error"] == pytest.approx(100_000)
    assert errors.loc["f2", "forecaster"] == TREND


NO_FORECAST_ERROR = cases("no_forecast_error", claims=claims_of)


@pytest.mark.parametrize("claims", NO_FORECAST_ERROR)
def test_no_forecast_error_without_a_resolved_actual(claims: list[Row]) -> None:
    errors = run(claims, FORECAST_SOURCES).forecast_errors
    assert errors.empty


def test_forecast_errors_called_directly() -> None:
    prepared = prepare(
        *frames([mt("f", "s1", 4.2, status="forecast"), mt("a", "s2", 4.5)], FORECAST_SOURCES)
    )
    resolved, _ = resolve(prepared)
    errors = forecast_errors(prepared, resolved)
    assert errors["error"].tolist() == pytest.approx([-300_000])


# --- targets ---------------------------------------------------------------------------

TARGET_SOURCES = sources_of(CASES["sources"]["targets"])


class History(NamedTuple):
    claims: list[Row]
    # (claim_id, target_id, seq, event, previous_deadline) in publication order
    events: list[tuple[str, str, int, str, str | None]]


HISTORIES = [
    pytest.param(
        History(claims_of(case["claims"]), [tuple(event) for event in case["events"]]),
        id=case["id"],
    )
    for case in CASES["histories"]
]


@pytest.mark.parametrize("case", HISTORIES)
def test_target_history_events(case: History) -> None:
    history = run(case.claims, TARGET_SOURCES).target_history
    assert list(history.columns) == TARGET_HISTORY_COLUMNS
    got = [
        (
            r.claim_id,
            r.target_id,
            r.seq,
            r.event,
            None if pd.isna(r.previous_deadline) else r.previous_deadline,
        )
        for r in history.itertuples()
    ]
    assert sorted(got) == sorted(case.events)


def test_brought_forward_deadline_in_detail() -> None:
    result = run([target("t30", "s1", 10, "2030"), target("t27", "s2", 10, "2027")], TARGET_SOURCES)
    second = only(result.target_history, claim_id="t27")
    assert second["target_id"] == "t30"
    assert second["deadline"] == "2027"
    assert second["previous_deadline"] == "2030"
    assert second["previous_claim_id"] == "t30"
    assert second["previous_published"] == date(2024, 7, 3)
    assert second["published"] == date(2025, 5, 14)
    assert second["publisher"] == QAZINFORM
    assert "2030" in second["change"] and "2027" in second["change"]
    assert pd.isna(only(result.target_history, claim_id="t30")["change"])

    assert list(result.targets.columns) == TARGET_COLUMNS
    summary = only(result.targets, target_id="t30")
    assert summary["deadline"] == "2027"
    assert summary["value"] == pytest.approx(10e6)
    assert summary["revisions"] == 1
    assert summary["first_stated"] == date(2024, 7, 3)
    assert summary["last_stated"] == date(2025, 5, 14)


def test_restatement_is_no_revision() -> None:
    result = run([target("a", "s1", 10, "2030"), target("b", "s2", 10, "2030")], TARGET_SOURCES)
    assert pd.isna(only(result.target_history, claim_id="b")["change"])
    assert only(result.targets, target_id="a")["revisions"] == 0


def test_target_history_called_directly() -> None:
    prepared = prepare(
        *frames([target("a", "s1", 5, "2025"), target("b", "s1", 10, "2030")], TARGET_SOURCES)
    )
    resolved, _ = resolve(prepared)
    history, targets = target_history(prepared, resolved)
    assert sorted(history["target_id"]) == ["a", "b"]
    assert sorted(targets["deadline"]) == ["2025", "2030"]


PROGRESS_SOURCES = sources_of(CASES["sources"]["progress"])
GOAL_2027 = NAMED["goal_2027"]
ACTUAL_2024 = NAMED["actual_2024"]


class Progress(NamedTuple):
    claims: list[Row]
    latest_period: str | None
    progress_pct: float | None
    required_growth_pct: float | None
    recent_growth_pct: float | None
    outlook: str


PROGRESS = [
    pytest.param(
        Progress(
            claims_of(case["claims"]),
            case["latest_period"],
            *(
                number(case[f])
                for f in ("progress_pct", "required_growth_pct", "recent_growth_pct")
            ),
            case["outlook"],
        ),
        id=case["id"],
    )
    for case in CASES["progress"]
]


@pytest.mark.parametrize("case", PROGRESS)
def test_target_progress(case: Progress) -> None:
    targets = run(case.claims, PROGRESS_SOURCES).targets
    row = only(targets, target_id="goal")

    def check(column: str, expected: float | None) -> None:
        if expected is None:
            assert pd.isna(row[column]), column
        else:
            assert row[column] == pytest.approx(expected), column

    if case.latest_period is None:
        assert pd.isna(row["latest_actual_period"])
    else:
        assert row["latest_actual_period"] == case.latest_period
    check("progress_pct", case.progress_pct)
    check("required_growth_pct", case.required_growth_pct)
    check("recent_growth_pct", case.recent_growth_pct)
    assert row["outlook"] == case.outlook


def test_required_growth_by_hand() -> None:
    row = only(run([GOAL_2027, ACTUAL_2024], PROGRESS_SOURCES).targets, target_id="goal")
    assert row["required_growth_pct"] == pytest.approx(30.5, abs=0.05)
    assert row["latest_actual"] == pytest.approx(4.5e6)


def test_latest_actual_is_the_last_year_before_the_deadline() -> None:
    claims = [GOAL_2027, mt("a23", "s3", 2.76, "2023"), ACTUAL_2024]
    row = only(run(claims, PROGRESS_SOURCES).targets, target_id="goal")
    assert row["latest_actual_period"] == "2024"
    assert row["latest_actual"] == pytest.approx(4.5e6)


def test_rate_target_has_no_progress() -> None:
    inflation = claim(
        claim_id="goal", source_id="s2", metric="kz_inflation", entity="Kazakhstan", value=4.0,
        unit="%", value_text="4%", period="2025", status="target",
    )  # fmt: skip
    actual = claim(
        claim_id="i24", source_id="s2", metric="kz_inflation", entity="Kazakhstan", value=8.6,
        unit="%", value_text="8.6%", period="2024", char_start=30,
    )  # fmt: skip
    row = only(run([inflation, actual], PROGRESS_SOURCES).targets, target_id="goal")
    assert pd.isna(row["progress_pct"])
    assert row["outlook"] == "unclear"


# --- the whole run ---------------------------------------------------------------------


def test_reconcile_returns_every_table() -> None:
    claims = [
        LEVEL_2023, GROWTH_2024, mt("f24", "s1", 4.2, status="forecast"), mt("a24", "s2", 4.5),
        target("t30", "s1", 10, "2030"), target("t27", "s2", 10, "2027"),
    ]  # fmt: skip
    sources = [source("s1", ASTANA, "2024-07-03"), source("s2", QAZINFORM, "2025-05-14")]
    result = run(claims, sources)
    assert list(result.resolved.columns) == RESOLVED_COLUMNS
    assert list(result.trail.columns) == TRAIL_COLUMNS
    # points: 2023 level, 2024 level, 2024 growth, two targets
    assert sorted(result.resolved["state"]) == ["resolved"] * 5
    assert len(result.trail) == len(claims)
    assert result.forecast_errors["error"].tolist() == pytest.approx([-300_000])
    assert only(result.implied, measure="level", period="2024")["consistency"] == "consistent"
    assert len(result.target_history) == 2
    assert len(result.targets) == 1
    summary = result.targets.iloc[0]
    assert summary["progress_pct"] == pytest.approx(45.0)
    assert summary["outlook"] == "on_track"


def test_reconcile_with_no_claims() -> None:
    result = run([], [source("s1", ASTANA, "2024-07-03")])
    for frame in (result.resolved, result.trail, result.implied, result.forecast_errors,
                  result.target_history, result.targets):  # fmt: skip
        assert frame.empty
    assert list(result.resolved.columns) == RESOLVED_COLUMNS


# --- scale: columns for the common case, metric by metric for memory ----------------------

PORT = "port_cargo_throughput"
SEVERAL_METRICS = claims_of(CASES["several_metrics"])
SEVERAL_SOURCES = sources_of(CASES["sources"]["several_metrics"])


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a canonical order, missing values as None: frames compared as sets."""
    frame = frame.astype(object).where(frame.notna(), None)
    ordered = frame.sort_values(list(frame.columns), key=lambda c: c.astype(str))
    return ordered.reset_index(drop=True)


def test_reconcile_is_separable_by_metric() -> None:
    """The store reconciles one metric at a time: that must give what one run gives."""
    claims, sources = frames(SEVERAL_METRICS, SEVERAL_SOURCES)
    whole = reconcile(claims, sources)
    parts = [reconcile(part, sources) for _, part in claims.groupby("metric")]
    assert len(parts) == 3
    for table in ("resolved", "trail", "implied", "forecast_errors", "target_history", "targets"):
        joined = pd.concat([getattr(p, table) for p in parts], ignore_index=True)
        pd.testing.assert_frame_equal(
            _sorted(getattr(whole, table)), _sorted(joined), check_dtype=False, obj=table
        )
    # The shared GDP sentence does not make the two outlets one origin for the port figure.
    port = only(whole.resolved, metric=PORT, period="2023")
    assert port["rule"] == "independent_majority,precision"
    assert (port["value"], port["n_sources"]) == (2.6e6, 3)


COLUMNAR = cases("columnar", claims=claims_of)
COLUMNAR_SOURCES = sources_of(CASES["sources"]["columnar"])


@pytest.mark.parametrize("claims", COLUMNAR)
def test_resolve_in_columns_matches_resolve_point(claims: list[Row]) -> None:
    """`resolve` settles agreeing points in columns: the rows must be `resolve_point`'s."""
    prepared = prepare(*frames(claims, COLUMNAR_SOURCES))
    resolved, trail = resolve(prepared)
    rows = sorted(prepared.to_dict("records"), key=lambda r: (
        not pd.isna(r["published"]), r["published"] if not pd.isna(r["published"]) else date.min,
        r["source_id"], r["char_start"],
    ))  # statement order  # fmt: skip
    rows = [{k: None if k in ("base_period", "entity", "publisher") and pd.isna(v) else v
             for k, v in r.items()} for r in rows]  # fmt: skip
    expected, expected_trail = resolve_point(rows)
    assert len(resolved) == 1
    got = resolved.iloc[0].to_dict()
    for column in RESOLVED_COLUMNS:
        assert (got[column] == expected[column]) or (
            pd.isna(got[column]) and expected[column] is None
        ), column
    assert trail.to_dict("records") == expected_trail


@pytest.mark.parametrize(
    "bounds", [[interval(pair) for pair in bounds] for bounds in CASES["disagreements"]]
)
def test_disagreements_count_and_name_the_claims_that_do_not_overlap(bounds) -> None:
    """Sorted bounds give what comparing every pair gives; at most five are named."""
    rows = [{"low": low, "high": high} for low, high in bounds]
    for (count, listed), (low, high) in zip(disagreements(rows), bounds, strict=True):
        apart = [i for i, other in enumerate(bounds) if not overlaps((low, high), other)]
        assert count == len(apart)
        assert set(listed) <= set(apart) and len(listed) == min(len(apart), 5)
        assert listed == sorted(listed)
        if len(apart) <= 5:
            assert listed == apart


# --- issue 16: undated claims, revisions, spreads, mirror statistics, plausibility ---------

UNDATED_SOURCES = sources_of(CASES["sources"]["forecasts"])
UNDATED = cases("undated", claims=claims_of, undated=as_is, resolved=as_is)


@pytest.mark.parametrize(("claims", "undated", "resolved"), UNDATED)
def test_undated_claims_are_listed_not_compared(
    claims: list[Row], undated: dict[str, str], resolved: int
) -> None:
    result = run(claims, UNDATED_SOURCES)
    listed = result.undated.set_index("claim_id")
    assert list(result.undated.columns) == UNDATED_COLUMNS
    assert dict(listed["status"]) == undated
    for claim_id, status in undated.items():
        assert listed.loc[claim_id, "reason"] == settings().undated_reasons[status]
    assert len(result.resolved[result.resolved["state"] != "implied"]) == resolved
    assert not set(undated) & set(result.trail["claim_id"])  # never in the cascade
    assert not set(undated) & set(result.target_history["claim_id"])
    assert not set(undated) & set(result.forecast_errors["forecast_claim_id"])
    assert not result.resolved["conflict"].any()


def test_spread_keeps_min_median_max_and_names_the_forecasters() -> None:
    case = next(c for c in CASES["cascade"] if c["id"] == "spread-of-forecasters")
    result = run(claims_of(case["claims"]), sources_of(case["sources"]))
    row = only(result.resolved, state="spread")
    assert (row["low"], row["value"], row["high"]) == (4.2e6, 4.6e6, 5.0e6)
    assert row["value_text"].startswith("3 forecasters: 4.2 million tons to 5.0 million tons")
    assert not row["conflict"]
    reasons = result.trail.set_index("claim_id")["reason"]
    assert "forecast by IMF" in reasons["imf"] and "median 4.6 million" in reasons["imf"]
    claims = pd.DataFrame(claims_of(case["claims"])).assign(publisher="x", published=None)
    members = point_members(result, claims, "spread")
    assert sorted(members["member_originator"]) == ["ADB", "IMF", "World Bank"]


def test_mirror_statistics_show_both_figures() -> None:
    case = next(c for c in CASES["cascade"] if c["id"] == "mirror-statistics")
    result = run(claims_of(case["claims"]), sources_of(case["sources"]))
    row = only(result.resolved, state="mirror")
    assert (row["low"], row["high"]) == (1.96e9, 3.8e9)
    assert "$3.8 billion (China customs)" in row["value_text"]
    assert "about $1.96 billion (Tajikistan statistics agency)" in row["value_text"]
    reason = result.trail.set_index("claim_id").loc["tj", "reason"]
    assert "Tajikistan's agency" in reason and "China's agency China customs gives $3.8 billion" in reason
    assert result.forecast_errors.empty  # no actual was chosen, none to score against


REVISIONS = [
    pytest.param(case, id=case["id"]) for case in CASES["cascade"] if case["id"].startswith("revision-")
]


@pytest.mark.parametrize("case", REVISIONS)
def test_revisions_table_gives_old_and_new_vintage(case: dict[str, Any]) -> None:
    claims = claims_of(case["claims"])
    sources = sources_of(case["sources"])
    result = run(claims, sources)
    published = {s["source_id"]: s["published"] for s in sources}
    frame = pd.DataFrame(claims).assign(published=lambda f: f["source_id"].map(published))
    rows = revision_rows(result, frame)
    old = next(c for c, v in case["verdicts"].items() if v[0] == "superseded")
    new = next(c for c, v in case["verdicts"].items() if v[0] == "chosen")
    spec = next(c for c in case["claims"] if c["id"] == old)
    originator = spec.get("originator") or case["sources"][spec["source"]][0]
    (row,) = rows.itertuples()
    assert (row.old_claim_id, row.new_claim_id, row.originator) == (old, new, originator)
    assert row.old_published <= row.new_published
    assert verdict_counts(result)["revisions"] == 1


FORECAST_BASIS_SOURCES = sources_of(CASES["sources"]["forecast_basis"])
FORECAST_BASIS = [pytest.param(case, id=case["id"]) for case in CASES["forecast_basis"]]


@pytest.mark.parametrize("case", FORECAST_BASIS)
def test_forecast_scored_against_the_best_supported_actual(case: dict[str, Any]) -> None:
    errors = run(claims_of(case["claims"]), FORECAST_BASIS_SOURCES).forecast_errors
    assert sorted(errors["forecast_claim_id"]) == sorted(case.get("scored", ["f"]))
    row = only(errors, forecast_claim_id="f")
    assert row["actual_claim_id"] == case["actual"]
    assert row["actual_basis"] == case["basis"]
    actual = next(c for c in claims_of(case["claims"]) if c["claim_id"] == case["actual"])
    assert row["error"] == pytest.approx(4.2e6 - actual["value"])


PER_HEAD = [pytest.param(case, id=case["id"]) for case in CASES["per_head"]]


@pytest.mark.parametrize("case", PER_HEAD)
def test_gdp_against_gdp_per_capita_and_population(case: dict[str, Any]) -> None:
    common = {"source_id": "s1", "entity": case["entity"], "period": "2023", "unit": "USD"}
    gdp = claim(claim_id="gdp", metric="gdp", value=case["gdp"]["value"],
                value_text=case["gdp"]["text"], **common)  # fmt: skip
    head = claim(claim_id="head", metric="gdp_per_capita", value=case["per_capita"]["value"],
                 value_text=case["per_capita"]["text"], char_start=80, **common)  # fmt: skip
    result = run([gdp, head], [source("s1", TREND, "2024-03-15")])
    point = only(result.resolved, metric="gdp")
    verdict = result.trail.set_index("claim_id").loc["gdp"]
    if case["flagged"]:
        assert (point["state"], verdict["verdict"]) == ("implausible", "implausible")
        assert pd.isna(point["value"])
        for fragment in case["arithmetic"]:
            assert fragment in verdict["reason"]
    else:
        assert (point["state"], verdict["verdict"]) == ("resolved", "chosen")
    assert only(result.resolved, metric="gdp_per_capita")["state"] == "resolved"


def test_scope_keeps_implied_values_apart() -> None:
    """Growth via the seaports implies nothing from the whole route's level, and the
    reverse; within one scope it does."""
    seaports = {"scope": "via seaports"}
    apart = [LEVEL_2023, growth("g24", "s2", 62, "2024", "2023", **seaports)]
    assert implied_from(apart)[1].empty
    together = [mt("l23", "s1", 2.76, "2023", **seaports),
                growth("g24", "s2", 62, "2024", "2023", **seaports)]  # fmt: skip
    resolved, implied = implied_from(together)
    row = only(implied, measure="level", period="2024")
    assert row["scope"] == "via seaports"
    gap = only(fill_gaps(resolved, implied), state="implied")
    assert gap["scope"] == "via seaports"


def test_frames_without_the_optional_columns_read_as_null() -> None:
    """Before the extractor writes originator/scope/superseded, claims come without them."""
    claims, sources = frames([mt("a", "s1", 4.5), mt("b", "s2", 4.2)],
                             [source("s1", KAZINFORM, "2025-05-15"), source("s2", ASTANA, "2025-05-15")])  # fmt: skip
    claims = claims.drop(columns=[c for c in OPTIONAL_CLAIM_COLUMNS if c in claims.columns])
    prepared = prepare(claims, sources).set_index("claim_id")
    assert prepared.loc["a", "originator"] == KAZINFORM  # the publisher stands in
    assert prepared.loc["a", "origin"] == "kazinform"
    assert prepared["scope"].isna().all() and not prepared["superseded"].any()
    assert prepared.loc["a", "point_id"] == prepared.loc["b", "point_id"]


PARTS_OF_A_YEAR = cases("parts_of_a_year", claims=claims_of, check=as_is)


@pytest.mark.parametrize(("claims", "check"), PARTS_OF_A_YEAR)
def test_part_of_a_year_cannot_exceed_the_year(claims: list[Row], check: str | None) -> None:
    _, implied = implied_from(claims)
    found = implied[implied["inputs"] == "part"]
    if check is None:
        assert found.empty
        return
    (row,) = found.itertuples()
    part = claims[0]
    assert (row.period, row.measure, row.consistency, row.stated_claim_id) == (
        "2022" if part["period"].startswith("2022") else "2024", "level", check, "year")
    assert row.high == float("inf") and row.low <= part["value"]
    assert f"is part of {row.period}: {row.period} holds at least" in row.formula
    assert row.formula.endswith(check)


# --- the series step of a store that wrote the points first -----------------------------

KTZ, RAIL = "KTZ", "Middle Corridor rail"
SERIES_SOURCES = [source("s1", TREND, "2025-02-01"), source("s2", KAZINFORM, "2025-03-01"),
                  source("s3", ASTANA, "2025-04-01"), source("s4", None, None)]  # fmt: skip
SERIES_CASES = [
    pytest.param([mt("a", "s1", 2.76, "2023"), growth("b", "s2", 62, "2024", "2023")],
                 id="a-growth-fills-the-gap"),
    pytest.param([mt("a", "s1", 2.76, "2023"), mt("b", "s2", 4.5, "2024"),
                  mt("c", "s3", 4.5, "2024"), growth("d", "s2", 62, "2024", "2023")],
                 id="a-tie-of-two-claims-and-a-checked-growth"),
    pytest.param([mt("a", "s1", 2.76, "2023", entity=None), growth("b", "s2", 62, "2024", "2023",
                  entity=None), mt("c", "s3", 1.0, "2023", entity=KTZ),
                  growth("d", "s3", 10, "2024", "2023", entity=KTZ)],
                 id="many-entities-one-of-them-null"),
    pytest.param([mt("a", "s1", 2.0, "2023", scope=RAIL), growth("b", "s2", 5, "2024", "2023"),
                  mt("c", "s3", 2.76, "2023"), growth("d", "s4", 50, "2025", "2024", scope=RAIL)],
                 id="scoped-and-unscoped-series"),
    pytest.param([mt("a", "s1", 4.5, "2024"), target("b", "s2", 10, "2030"),
                  target("c", "s3", 10, "2027"), target("d", "s4", 12, "2030"),
                  mt("e", "s2", 2.76, "2023"), growth("f", "s3", 62, "2025", "2024")],
                 id="targets-revised-undated-source-and-gaps"),
]  # fmt: skip


@pytest.mark.parametrize("claims", SERIES_CASES)
def test_the_series_step_reads_only_its_inputs_of_the_points(claims: list[Row]) -> None:
    """A store reconciling a large metric a part at a time writes the resolved points as
    it goes and keeps only `SERIES_INPUTS` of them: the series step must give the same
    implied values, gap points and targets as from the whole points."""
    points = reconcile_points(*frames(claims, SERIES_SOURCES))
    whole = reconcile_series(points)
    kept = dataclasses.replace(points, resolved=points.resolved[SERIES_INPUTS])
    series = reconcile_series(kept)
    for table in ("implied", "target_history", "targets"):
        pd.testing.assert_frame_equal(getattr(series, table), getattr(whole, table), obj=table)
    gaps = series.resolved[series.resolved["state"] == "implied"]
    expected = whole.resolved.iloc[len(points.resolved) :]
    assert (whole.resolved.iloc[: len(points.resolved)]["state"] != "implied").all()
    assert len(gaps) == len(expected)
    if len(gaps):  # else the points come back as they were given
        pd.testing.assert_frame_equal(
            gaps[RESOLVED_COLUMNS].reset_index(drop=True).astype(object),
            expected[RESOLVED_COLUMNS].reset_index(drop=True).astype(object),
        )
    assert not whole.implied.empty
