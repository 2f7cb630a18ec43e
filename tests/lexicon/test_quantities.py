"""Case tables for metrics.lexicon.quantities: the quantities of news-style sentences.

The cases live in `tests/cases/quantity_cases.yaml` (its header describes the layout):
the first quantity of a sentence, grouped by the form it exercises, every quantity with a
unit of a longer sentence, numbers that are no quantities, and the cheap look that lets
sentences through to the parser.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest
import yaml
from paths import CASES

from metrics.lexicon.quantities import find_quantities, might_hold_quantity, parse_quantity

CASES: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (CASES / "quantity_cases.yaml").read_text("utf-8")
)


class Example(NamedTuple):
    text: str  # the sentence
    value: float  # expected value of the first quantity, in the base unit
    unit: str  # its unit code
    written: str | None  # its text as written; None = not checked (bare counts)
    low: float | None = None  # range ends, for "3-4%"
    high: float | None = None


def _example(case: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
    example = Example(
        case["text"],
        case["value"],
        case["unit"],
        case["written"],
        case.get("low"),
        case.get("high"),
    )
    return pytest.param(example, id=case["id"], marks=marks)


EXAMPLES = [_example(case) for case in CASES["first_quantity"]]


def _approx(value: float | None):
    return None if value is None else pytest.approx(value, rel=1e-9)


@pytest.mark.parametrize("example", EXAMPLES)
def test_first_quantity(example: Example):
    q = parse_quantity(example.text)
    assert q is not None
    got = (q.value, q.unit, q.text if example.written is not None else None, q.low, q.high)
    expected = (
        _approx(example.value),
        example.unit,
        example.written,
        _approx(example.low),
        _approx(example.high),
    )
    assert got == expected
    assert example.text[q.start : q.end] == q.text


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_cheap_look_never_misses_a_quantity(example: Example):
    """The extractor skips sentences `might_hold_quantity` rejects; no table case may be one."""
    assert might_hold_quantity(example.text)


@pytest.mark.parametrize(
    ("text", "expected"), [(case["text"], case["might_hold"]) for case in CASES["cheap_look"]]
)
def test_cheap_look_for_a_quantity(text: str, expected: bool):
    assert might_hold_quantity(text) is expected
    if not expected:
        assert find_quantities(text) == []


@pytest.mark.parametrize("example", EXAMPLES)
def test_offsets_point_at_the_text_as_written(example: Example):
    found = find_quantities(example.text)
    assert found, "nothing found"
    assert found[0] == parse_quantity(example.text)
    for q in found:
        assert example.text[q.start : q.end] == q.text
    assert [q.start for q in found] == sorted(q.start for q in found)


# Sentences with several quantities: every quantity that has a unit, in order.
SEVERAL = [
    pytest.param(case["text"], case["quantities"], id=case["id"]) for case in CASES["several"]
]


@pytest.mark.parametrize(("text", "expected"), SEVERAL)
def test_all_quantities_with_units(text, expected):
    found = [q for q in find_quantities(text) if q.unit]
    assert [(q.value, q.unit, q.text) for q in found] == [
        (_approx(v), u, t) for v, u, t in expected
    ]
    for q in found:
        assert text[q.start : q.end] == q.text


# Numbers that are not quantities: years, dates, ordinals, labels. find_quantities may
# return them as bare numbers, but never with a unit.
NO_UNIT = [pytest.param(case["text"], id=case["id"]) for case in CASES["no_unit"]]


@pytest.mark.parametrize("text", NO_UNIT)
def test_no_quantity_with_a_unit(text):
    assert [q for q in find_quantities(text) if q.unit] == []
