"""Period labels read back into dates, independently of `metrics.lexicon.periods`: the tests'
oracle for what a label such as 2024-H1 or 2021..2025 covers."""

from __future__ import annotations

import calendar
import re
from datetime import date

Bounds = tuple[date, date]


def period_bounds(label: str | None) -> Bounds | None:
    """'2023' -> (2023-01-01, 2023-12-31); also 2024-H1, 2024-Q2, 2024-05, 2024-05-14, A..B.

    Raises ValueError on a label outside the claim contract's notation.
    """
    if label is None:
        return None
    label = str(label).strip()
    if ".." in label:
        first, last = label.split("..", 1)
        return _bounds(first)[0], _bounds(last)[1]
    return _bounds(label)


def _bounds(label: str) -> Bounds:
    if m := re.fullmatch(r"(\d{4})", label):
        year = int(m[1])
        return date(year, 1, 1), date(year, 12, 31)
    if m := re.fullmatch(r"(\d{4})-H([12])", label):
        year, half = int(m[1]), int(m[2])
        return _months(year, 6 * half - 5, 6 * half)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", label):
        year, quarter = int(m[1]), int(m[2])
        return _months(year, 3 * quarter - 2, 3 * quarter)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", label):
        year, month = int(m[1]), int(m[2])
        return _months(year, month, month)
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", label):
        day = date(int(m[1]), int(m[2]), int(m[3]))
        return day, day
    raise ValueError(f"unreadable period label: {label!r}")


def _months(year: int, first: int, last: int) -> Bounds:
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])
