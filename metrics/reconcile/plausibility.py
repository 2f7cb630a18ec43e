"""Plausibility: figures an order of magnitude off the figures related to them.

A slipped scale word ("$623.5 billion" for a GDP whose per-head figure gives about $85
billion) or a figure of another country is not a source disagreeing: it must not become
the value, nor outvote or dispute the sound figures. Two data-driven rules, both read
against one factor (`plausibility.factor` in metrics/data/reconcile.yaml):

- *Within a point*: a level (tonnes, money, counts; not rates, where 0.5 % and 5 % are
  both plausible) at least `factor` times above or below the median of its point, while at
  least `min_agreeing` claims of *other documents* lie within the factor of that median
  (figures of one article that differ tenfold are usually different things extraction
  did not tell apart: `ambiguous`, not implausible).
- *Within a document*: a level stated beside its per-head figure for the same country,
  period and unit (GDP and GDP per capita, pairs listed under `per_head`) implies a
  population; a population `factor` times off the country's (metrics/data/populations.yaml)
  flags the level, the aggregate whose scale word is where such slips happen.

The reason carries the arithmetic, and the cascade gives the claim the verdict
`implausible`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from metrics.reconcile.settings import settings
from metrics.vocab import RATE_UNITS, Measure, Unit

_NOT_LEVELS = {*RATE_UNITS, Unit.PCT_CHANGE, Unit.TIMES}
"""Units whose figures may differ tenfold and both be right."""


def human_number(value: float) -> str:
    """A number in words of scale, four significant digits: 623.5 billion, 85.32 million."""
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    for size, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million"), (1e3, " thousand")):  # fmt: skip
        if abs(value) >= size:
            return f"{value / size:.4g}{word}"
    return f"{value:.4g}"


def implausible_reasons(frame: pd.DataFrame) -> pd.Series:
    """Per claim of a prepared frame, why it is implausible (with the arithmetic), or None."""
    reasons = pd.Series(None, index=frame.index, dtype=object)
    if frame.empty:
        return reasons
    levels = _levels(frame)
    for found in (_off_the_point(frame, levels), _off_the_population(frame, levels)):
        reasons = reasons.where(reasons.notna(), found)
    return reasons.astype(object).where(reasons.notna(), None)


def _levels(frame: pd.DataFrame) -> pd.DataFrame:
    """The dated, positive levels in units that are amounts (tonnes, money, counts)."""
    positive = pd.to_numeric(frame["value"], errors="coerce") > 0
    return frame[
        (frame["measure"] == Measure.LEVEL)
        & ~frame["unit"].isin(_NOT_LEVELS)
        & frame["period"].notna()
        & positive
    ]


def _off_the_point(frame: pd.DataFrame, levels: pd.DataFrame) -> pd.Series:
    """A level `factor` times off the median of a point whose other claims agree with it."""
    s = settings()
    found = pd.Series(None, index=frame.index, dtype=object)
    # only points whose figures span the factor can hold one: in news, very few
    point = pd.Series(pd.factorize(levels["point_id"])[0], index=levels.index)
    values = levels["value"].astype(float).groupby(point)
    spans = values.transform("max") >= s.implausible_factor * values.transform("min")
    levels, point = levels[spans], point[spans]
    if levels.empty:
        return found
    value = levels["value"].astype(float)
    median = value.groupby(point).transform("median")
    ratio = pd.Series(np.maximum(value / median, median / value), index=levels.index)
    close = ratio < s.implausible_factor
    near = close.groupby(point).transform("sum")
    near_here = close.groupby([point, levels["source_id"]]).transform("sum")
    flagged = (ratio >= s.implausible_factor) & (near - near_here >= s.min_agreeing)
    hits = flagged.to_numpy()
    for i, text, v, m, r, n in zip(
        levels.index[hits], levels["value_text"][hits], value[hits].tolist(),
        median[hits].tolist(), ratio[hits].tolist(), near[hits].tolist(), strict=True,
    ):  # fmt: skip
        found[i] = (
            f"{text} ({human_number(v)}) is {r:.1f} times {'above' if v > m else 'below'} "
            f"the median {human_number(m)} of the {int(n)} figures stated for it that agree "
            f"within a factor of {s.implausible_factor:g}, from other documents too"
        )
    return found


def _off_the_population(frame: pd.DataFrame, levels: pd.DataFrame) -> pd.Series:
    """A level whose per-head figure in the same document implies a population `factor`
    times off the country's."""
    s = settings()
    found = pd.Series(None, index=frame.index, dtype=object)
    keys = ["source_id", "entity", "period", "unit"]
    for pair in s.per_head:
        totals = levels[levels["metric"] == pair.level]
        heads = levels[levels["metric"] == pair.per_head]
        if totals.empty or heads.empty:
            continue
        pairs = totals[[*keys, "value", "value_text", "period_start"]].reset_index().merge(
            heads[[*keys, "value", "value_text"]], on=keys, suffixes=("", "_head")
        )
        for row in pairs.itertuples(index=False):
            population = _population(row.entity, row.period_start)
            if population is None or pd.notna(found[row.index]):
                continue
            people, year = population
            implied = row.value / row.value_head
            ratio = max(implied / people, people / implied)
            if ratio < s.implausible_factor:
                continue
            product = row.value_head * people
            times = row.value / product
            off = f"{times:.3g} times that" if times > 1 else f"1/{1 / times:.3g} of that"
            found[row.index] = (
                f"{pair.per_head} {row.value_text_head} × population {human_number(people)} "
                f"({row.entity}, {year}) = {human_number(product)} {row.unit}; the stated "
                f"{row.value_text} is {off} (it implies {human_number(implied)} people)"
            )
    return found


def _population(country: object, start: object) -> tuple[float, int] | None:
    """The country's population in the year nearest the period's start, and that year."""
    years = settings().populations.get(country) if isinstance(country, str) else None
    if not years:
        return None
    wanted = getattr(start, "year", None) or max(years)
    year = min(years, key=lambda y: (abs(y - wanted), y))
    return years[year], year
