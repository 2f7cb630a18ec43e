"""Helpers shared by the case-table tests (tests/cases/*.yaml)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
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
