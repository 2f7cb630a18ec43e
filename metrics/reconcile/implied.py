"""Implied values: what resolved figures imply about each other, and the gaps they fill.

A growth with a level for its base period implies the level of its own period (and with
a level for its own period, the base level); a pair of levels a year apart implies their
growth; a flow's level for part of a year implies at least that much for the year. Where
a stated figure exists the implied one checks it; where none does, the implied value
fills the gap in the series (a lower bound alone fills none).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from metrics.lexicon.periods import period_from_label, shift_years
from metrics.models import Period
from metrics.reconcile.cascade import RESOLVED_COLUMNS, signed
from metrics.reconcile.frames import as_objects, concat, point_ids
from metrics.reconcile.intervals import Interval, interval_product, interval_quotient
from metrics.reconcile.plausibility import human_number as _human
from metrics.reconcile.settings import settings
from metrics.vocab import RATE_UNITS, Measure, PointState, Status, Unit

IMPLIED_COLUMNS = [
    "implied_id", "metric", "entity", "period", "period_start", "period_end", "measure",
    "unit", "base_period", "status", "value", "low", "high", "formula", "inputs", "consistency",
    "stated_value", "stated_text", "stated_claim_id", "scope",
]  # fmt: skip
"""Level units whose change in % is ambiguous (points or percent): they imply nothing."""
IMPLIED_INPUTS = ["metric", "entity", "period", "measure", "unit", "base_period", "status",
                  "value", "low", "high", "value_text", "claim_id", "scope"]  # fmt: skip
"""The columns of a resolved point that implied values read."""
_SERIES = ["metric", "entity", "scope"]
"""A series: figures of different scope ("via seaports", the whole route) imply nothing
about each other. Inside this module an unscoped figure has scope "" (a join key)."""
_LEVEL_VALUES = ["value", "low", "high", "value_text", "claim_id"]


def _span(interval: Interval) -> str:
    return f"{_human(interval[0])}-{_human(interval[1])}"


@cache
def _period(label: str) -> Period:
    """A period from its label; a series repeats the same few labels."""
    return period_from_label(label)


@cache
def _year_before(label: str) -> str:
    """The label of the same span a year earlier: the base of year-on-year growth."""
    return shift_years(_period(label), -1).label


def implied_values(resolved: pd.DataFrame) -> pd.DataFrame:
    """Levels implied by growth claims and their base levels, growth implied by level pairs.

    A growth claim with a level for its base period implies the level of its own period
    (and with a level for its own period, the base level); a pair of levels a year apart
    implies their growth. Where a stated figure exists the implied one checks it.
    Worked on columns: joins find the levels, numpy does the interval arithmetic, and
    only the formulas are written row by row.
    """
    points = resolved.loc[resolved["state"] == PointState.RESOLVED, IMPLIED_INPUTS]
    points = as_objects(points, ["entity", "period", "base_period", "scope"])
    points = points.assign(scope=points["scope"].fillna(""))
    levels = points[(points["measure"] == Measure.LEVEL) & points["period"].notna()]
    levels = levels.drop_duplicates([*_SERIES, "period", "unit", "status"], keep="last")
    growths = points[
        (points["measure"] == Measure.GROWTH) & points["base_period"].notna() & points["period"].notna()
    ]
    frame = concat([
        _levels_from_growth(growths, levels), _growth_from_levels(levels, growths),
        _years_from_parts(levels),
    ])  # fmt: skip
    return frame.drop_duplicates("implied_id").reset_index(drop=True)


def _side(levels: pd.DataFrame, prefix: str, keys: dict[str, str]) -> pd.DataFrame:
    """`levels` ready to join: the `keys` columns renamed to the other side's names, the
    values prefixed (`before_value`, `after_claim_id`)."""
    frame = levels[[*_SERIES, *keys, *_LEVEL_VALUES]]
    return frame.rename(columns={**keys, **{v: f"{prefix}_{v}" for v in _LEVEL_VALUES}})


def _levels_from_growth(growths: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """Each growth in % or as a multiple, with each level unit of its series: times the
    base period's actual level it gives its own period's level (checked against the
    level stated for it), or divided into its own period's level the base level."""
    g = growths[growths["unit"].isin([Unit.PCT_CHANGE, "x"])]
    pct = (g["unit"] == Unit.PCT_CHANGE).to_numpy()
    g = g.assign(
        _order=np.arange(len(g)),
        factor_low=np.where(pct, 1 + g["low"] / 100, g["low"]),
        factor_high=np.where(pct, 1 + g["high"] / 100, g["high"]),
        factor=np.where(pct, 1 + g["value"] / 100, g["value"]),
        how=[f"× {t}" if u == "x" else f"× (1 + {t})"
             for t, u in zip(map(signed, g["value"], g["value_text"]), g["unit"], strict=True)],
    )  # fmt: skip
    units = levels[[*_SERIES, "unit"]].drop_duplicates()
    units = units[~units["unit"].isin(RATE_UNITS)].rename(columns={"unit": "level_unit"})
    pairs = g.merge(units, on=_SERIES).sort_values(["_order", "level_unit"])
    actual = levels[levels["status"] == Status.ACTUAL]
    pairs = pairs.merge(
        _side(actual, "before", {"period": "base_period", "unit": "level_unit"}),
        how="left", on=[*_SERIES, "base_period", "level_unit"],
    ).merge(
        _side(levels, "after", {"period": "period", "unit": "level_unit", "status": "status"}),
        how="left", on=[*_SERIES, "period", "level_unit", "status"],
    )  # fmt: skip
    has_before = pairs["before_claim_id"].notna()
    forward = pairs[has_before]
    low, high = interval_product(
        (forward["before_low"], forward["before_high"]),
        (forward["factor_low"], forward["factor_high"]),
    )
    rows = [
        _implied(
            forward, period=forward["period"], measure=Measure.LEVEL, unit=forward["level_unit"],
            status=forward["status"], value=forward["before_value"] * forward["factor"],
            low=low, high=high, inputs=[forward["before_claim_id"], forward["claim_id"]],
            stated="after",
            formula=_texts(
                "{text} ({base}) {how} = {span} {unit} for {period}",
                text=forward["before_value_text"], base=forward["base_period"],
                how=forward["how"], span=_spans(low, high), unit=forward["level_unit"],
                period=forward["period"],
            ),
        )
    ]  # fmt: skip
    back = pairs[~has_before & pairs["after_claim_id"].notna()]
    low, high = interval_quotient(
        (back["after_low"], back["after_high"]), (back["factor_low"], back["factor_high"])
    )
    implies = ~np.isnan(low)
    back, low, high = back[implies], low[implies], high[implies]
    rows.append(
        _implied(
            back, period=back["base_period"], measure=Measure.LEVEL, unit=back["level_unit"],
            status=Status.ACTUAL, value=back["after_value"] / back["factor"], low=low, high=high,
            inputs=[back["after_claim_id"], back["claim_id"]], stated=None,
            formula=_texts(
                "{text} ({period}) ÷ {how} = {span} {unit} for {base}",
                text=back["after_value_text"], period=back["period"],
                how=[how[2:] for how in back["how"]], span=_spans(low, high),
                unit=back["level_unit"],
                base=back["base_period"],
            ),
        )
    )  # fmt: skip
    return pd.concat(rows).sort_index(kind="stable")  # one row per growth and unit, in order


def _growth_from_levels(levels: pd.DataFrame, growths: pd.DataFrame) -> pd.DataFrame:
    """Each actual level with a positive actual level a year before: their ratio gives
    the growth in %, checked against the growth stated for the year."""
    after = levels[(levels["status"] == Status.ACTUAL) & ~levels["unit"].isin(RATE_UNITS)]
    bases = {label: _year_before(label) for label in after["period"].unique()}
    after = after.assign(base_period=after["period"].map(bases).astype(object))
    actual = levels[levels["status"] == Status.ACTUAL]
    pairs = after.merge(
        _side(actual, "before", {"period": "base_period", "unit": "unit"}),
        on=[*_SERIES, "base_period", "unit"],
    )
    pairs = pairs[(pairs["before_value"] > 0) & (pairs["before_low"] > 0)]
    stated = growths[(growths["unit"] == Unit.PCT_CHANGE) & (growths["status"] == Status.ACTUAL)]
    stated = stated.drop_duplicates([*_SERIES, "period", "base_period"], keep="last")
    pairs = pairs.merge(
        _side(stated, "stated", {"period": "period", "base_period": "base_period"}),
        how="left",
        on=[*_SERIES, "period", "base_period"],
    )
    low, high = interval_quotient(
        (pairs["low"], pairs["high"]), (pairs["before_low"], pairs["before_high"])
    )
    low, high = (low - 1) * 100, (high - 1) * 100
    return _implied(
        pairs, period=pairs["period"], measure=Measure.GROWTH, unit=Unit.PCT_CHANGE, status=Status.ACTUAL,
        value=(pairs["value"] / pairs["before_value"] - 1) * 100, low=low, high=high,
        inputs=[pairs["claim_id"], pairs["before_claim_id"]], stated="stated",
        base_period=pairs["base_period"],
        formula=_texts(
            "{text} ({period}) ÷ {before} ({base}) - 1 = {low:+.1f}% to {high:+.1f}%",
            text=pairs["value_text"], period=pairs["period"], before=pairs["before_value_text"],
            base=pairs["base_period"], low=low.tolist(), high=high.tolist(),
        ),
    )  # fmt: skip


@cache
def _year_holding(label: str) -> str | None:
    """The year a part of a year lies in ("2022-01..2022-10" -> "2022"), else None."""
    period = _period(label)
    year = str(period.start.year)
    return year if period.end.year == period.start.year and label != year else None


def _years_from_parts(levels: pd.DataFrame) -> pd.DataFrame:
    """Each actual level of a flow for part of a year, with the year's stated level: the
    year holds at least the part, checked against the stated year (never a gap filled)."""
    s = settings()
    actual = levels[
        (levels["status"] == Status.ACTUAL)
        & levels["unit"].isin(s.additive_units)
        & ~levels["metric"].isin(s.not_additive_metrics)
    ]
    years = {label: _year_holding(label) for label in actual["period"].unique()}
    parts = actual.assign(year=actual["period"].map(years).astype(object))
    pairs = parts[parts["year"].notna()].merge(
        _side(actual, "stated", {"period": "year", "unit": "unit"}), on=[*_SERIES, "year", "unit"]
    )
    low, high = pairs["low"].to_numpy(dtype=float), np.full(len(pairs), np.inf)
    return _implied(
        pairs, period=pairs["year"], measure=Measure.LEVEL, unit=pairs["unit"],
        status=Status.ACTUAL, value=pairs["value"], low=low, high=high,
        inputs=[pairs["claim_id"]], stated="stated",
        formula=_texts(
            "{text} ({period}) is part of {year}: {year} holds at least {low} {unit}",
            text=pairs["value_text"], period=pairs["period"], year=pairs["year"],
            low=[_human(x) for x in low.tolist()], unit=pairs["unit"],
        ),
    )  # fmt: skip


def _texts(template: str, **columns: Iterable[Any]) -> list[str]:
    """`template` filled in row by row from `columns` (by field name)."""
    names = list(columns)
    rows = zip(*columns.values(), strict=True)
    return [template.format_map(dict(zip(names, row, strict=True))) for row in rows]


def _spans(low: np.ndarray, high: np.ndarray) -> list[str]:
    return [_span(interval) for interval in zip(low.tolist(), high.tolist(), strict=True)]


def _implied(
    rows: pd.DataFrame, *, period: Any, measure: str, unit: Any, status: Any, value: Any,
    low: np.ndarray, high: np.ndarray, inputs: list[pd.Series], formula: list[str],
    stated: str | None, base_period: Any = None,
) -> pd.DataFrame:  # fmt: skip
    """One implied value per row of `rows`, as IMPLIED_COLUMNS; where the columns
    prefixed `stated` name a stated figure it is checked against it (else `fills_gap`)."""
    frame = pd.DataFrame({
        "metric": rows["metric"], "entity": rows["entity"], "period": period,
        "measure": measure, "unit": unit, "base_period": base_period, "status": status,
        "value": value, "low": low, "high": high, "formula": formula,
        "inputs": inputs[0] + "," + inputs[1] if len(inputs) > 1 else inputs[0],
        "consistency": "fills_gap",
        "stated_value": None, "stated_text": None, "stated_claim_id": None,
        "scope": rows["scope"].where(rows["scope"] != "", None),
    }, index=rows.index)  # fmt: skip
    if stated is not None:
        figure = rows[[f"{stated}_{v}" for v in _LEVEL_VALUES]].set_axis(_LEVEL_VALUES, axis=1)
        known = figure["claim_id"].notna()
        agrees = (frame["low"] <= figure["high"]) & (figure["low"] <= frame["high"])
        check = pd.Series(np.where(agrees, "consistent", "inconsistent"), index=frame.index)
        frame["consistency"] = check.where(known, "fills_gap")
        frame["formula"] = [
            f"{f}; stated {text} ({_span((lo, hi))}): {c}" if k else f
            for f, k, text, lo, hi, c in zip(
                frame["formula"], known, figure["value_text"], figure["low"], figure["high"],
                frame["consistency"], strict=True,
            )
        ]  # fmt: skip
        frame["stated_value"] = figure["value"].where(known, None)
        frame["stated_text"] = figure["value_text"].where(known, None)
        frame["stated_claim_id"] = figure["claim_id"].where(known, None)
    periods = {label: _period(label) for label in frame["period"].unique()}
    frame["period_start"] = frame["period"].map(lambda label: periods[label].start)
    frame["period_end"] = frame["period"].map(lambda label: periods[label].end)
    second = inputs[1] if len(inputs) > 1 else [""] * len(frame)
    frame["implied_id"] = [
        hashlib.sha1(f"{measure}|{p}|{a}|{b}".encode()).hexdigest()[:16]
        for p, a, b in zip(frame["period"], inputs[0], second, strict=True)
    ]
    return frame[IMPLIED_COLUMNS]


def fill_gaps(resolved: pd.DataFrame, implied: pd.DataFrame) -> pd.DataFrame:
    """Resolved points plus one `implied` point where a series has no stated figure."""
    gaps = implied[implied["consistency"] == "fills_gap"].copy()
    if gaps.empty:
        return resolved
    gaps["kind"] = "estimate"
    gaps["point_id"] = point_ids(gaps)
    gaps = gaps[~gaps["point_id"].isin(resolved["point_id"])]
    gaps = gaps.assign(width=gaps["high"] - gaps["low"]).sort_values(["width", "implied_id"])
    gaps = gaps.drop_duplicates("point_id")
    filled = gaps.assign(
        state=PointState.IMPLIED, rule="implied", conflict=False, n_claims=0, n_sources=0,
        value_text=gaps["formula"], claim_id=None, publisher=None, published=None, url=None,
        quote=None,
    )[RESOLVED_COLUMNS]  # fmt: skip
    return pd.concat([resolved, filled], ignore_index=True)
