"""Claims as intervals: the values a figure's wording allows, and arithmetic on them.

"4.5 million" is 4.45-4.55 million and "more than 2.76" has no upper end; two claims
agree when their intervals overlap, and implied values carry the intervals of their inputs
through products and quotients.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from metrics.lexicon.quantities import parse_quantity, rounding_step
from metrics.reconcile.settings import settings

Interval = tuple[float, float]
_Written = tuple[float, float | None, float | None, float | None]
"""A quantity as written: its value, the ends of a written range, its rounding step."""
_UNREAD: tuple[None, None, None, None] = (None, None, None, None)


def claim_interval(value: float, value_text: str, qualifier: str) -> Interval:
    """The values a claim allows, from the precision it was written with and its hedge.

    "2.76 million tons" -> [2.755, 2.765) million; a range "8-9%" -> [7.5, 9.5);
    `at_least` drops the upper end, `at_most` the lower one; `approx` widens a single
    figure to the `approx_tolerance` share of it where that is wider than its rounding.

    The upper end is open (the float just below it), as rounding half up makes it:
    "2.7 million" (2.65-2.75) and "2.8 million" (2.75-2.85) share no value, so they
    disagree, while each agrees with 2.76 million.
    """
    written, written_low, written_high, step = _precision(value_text) or _UNREAD
    scale = value / written if written else 1.0
    half = abs((step or 0.0) * scale) / 2
    if written_low is not None and written_high is not None:  # a written range
        ends = sorted((written_low * scale, written_high * scale))
        low, high = ends[0] - half, ends[1] + half
    else:
        low, high = value - half, value + half
        if qualifier == "approx":
            spread = settings().approx_tolerance * abs(value)
            low, high = min(low, value - spread), max(high, value + spread)
    if qualifier == "at_least":
        high = math.inf
    elif qualifier == "at_most":
        low = -math.inf
    if low < high < math.inf:
        high = math.nextafter(high, -math.inf)
    return low, high


@lru_cache(maxsize=16384)
def _precision(value_text: str) -> _Written | None:
    """The value, range ends and rounding step of the quantity as written (None: no
    quantity); news repeats the same few texts, and those stay cached. Four numbers
    rather than the parsed `Quantity`, and 16,384 texts rather than 65,536: a store of
    100,000 documents has 91,000 distinct texts, which filled 25 MB (4 MB now, for
    about 6 s more of parsing in a rebuild of 835,000 claims)."""
    q = parse_quantity(value_text)
    return None if q is None else (q.value, q.low, q.high, rounding_step(value_text, q))


def interval_of(row: Mapping[str, Any]) -> Interval:
    """The interval of a claim row that has its `low` and `high` ends."""
    return row["low"], row["high"]


def overlaps(a: Interval, b: Interval) -> bool:
    """Two claims agree when some value is allowed by both."""
    return a[0] <= b[1] and b[0] <= a[1]


_LISTED = 5  # claims named in a reason: a figure stated a thousand times is no list to read


def disagreements(rows: Sequence[Mapping[str, Any]]) -> list[tuple[int, list[int]]]:
    """Per row: how many rows do not overlap it, and the first few of them (indices, in
    `rows` order; all of them when there are at most `_LISTED`).

    Sorted bounds make this n log n, where comparing every pair would be n squared: a
    point of the largest series can hold thousands of claims.
    """
    intervals = [interval_of(r) for r in rows]
    by_low = sorted(range(len(rows)), key=lambda i: intervals[i][0])
    by_high = sorted(range(len(rows)), key=lambda i: intervals[i][1])
    lows = [intervals[i][0] for i in by_low]
    highs = [intervals[i][1] for i in by_high]
    found = []
    for low, high in intervals:
        above = bisect_right(lows, high)  # rows from here on start above this one
        below = bisect_left(highs, low)  # rows before this end below it
        nearest = by_low[above : above + _LISTED] + by_high[max(0, below - _LISTED) : below]
        found.append((len(rows) - above + below, sorted(nearest)[:_LISTED]))
    return found


Bounds = tuple[np.ndarray, np.ndarray]
"""Intervals as columns: the low ends and the high ends."""
Ends = tuple[ArrayLike, ArrayLike]
"""The same read from anything numpy reads as floats (claim columns, arrays)."""


def interval_product(a: Ends, b: Ends) -> Bounds:
    """Products of intervals, row by row: the least and greatest corner product. A NaN
    corner (inf x 0) bounds nothing; of equal corners the first counts, as with `min`."""
    a_ends = [np.asarray(x, dtype=float) for x in a]
    b_ends = [np.asarray(y, dtype=float) for y in b]
    low = np.full(len(a_ends[0]), np.inf)
    high = np.full(len(a_ends[0]), -np.inf)
    with np.errstate(invalid="ignore"):
        for x in a_ends:
            for y in b_ends:
                product = x * y
                low = np.where(product < low, product, low)
                high = np.where(product > high, product, high)
    return low, high


def interval_quotient(a: Ends, b: Ends) -> Bounds:
    """Quotients of intervals, row by row; NaN where the divisor may be zero or negative,
    which implies nothing."""
    b_low, b_high = np.asarray(b[0], dtype=float), np.asarray(b[1], dtype=float)
    valid = b_low > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = interval_product(a, (1 / b_high, 1 / b_low))  # 1 / inf is 0: no upper end
    return np.where(valid, low, np.nan), np.where(valid, high, np.nan)
