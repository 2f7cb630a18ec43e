"""Helpers shared by the case-table tests (tests/cases/*.yaml)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import pytest

Case = TypeVar("Case")


def with_known_gaps(
    cases: Iterable[Case],
    gaps: Mapping[str, str],
    key: Callable[[Case], str],
    test_id: Callable[[Case], str] | None = None,
) -> list[Any]:
    """One pytest parameter per case; a case named in `gaps` is a strict xfail with that
    reason, so fixing the gap fails the test until its entry is removed."""
    params = []
    for case in cases:
        reason = gaps.get(key(case))
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason is not None else []
        params.append(pytest.param(case, id=(test_id or key)(case), marks=marks))
    return params


MIN_CASES_PER_RULE = 10
"""Every mechanism's case table holds at least this many invented phrasings per rule."""


def short_rules(raw: Mapping[str, Sequence[Any]], minimum: int = MIN_CASES_PER_RULE) -> dict[str, int]:
    """The rules (groups) of a case table with fewer than `minimum` cases, and their sizes."""
    return {rule: len(cases) for rule, cases in raw.items() if len(cases) < minimum}
