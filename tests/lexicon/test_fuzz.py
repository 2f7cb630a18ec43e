"""Property tests: the parsers never raise on arbitrary text, and numbers round-trip.

Hypothesis writes the inputs (any Unicode, number-ish fragments, dates); a failure is
shrunk to the smallest text that shows it.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from metrics.extract import extract_text
from metrics.lexicon.periods import find_periods, parse_period
from metrics.lexicon.quantities import find_quantities, parse_quantity

NUMBERISH = st.text(alphabet="0123456789 ,.-–%$€₸/()eE^+kmbnt", max_size=60)
WORDS = st.sampled_from(
    ["million", "billion", "thousand", "tons", "tonnes", "TEU", "percent", "%", "in", "by",
     "2024", "Q3", "H1", "first half of", "January", "-", "to", "and", "between", "from",
     "1e308", "10^999", "twice", "doubled", "mln", "bn", "US$", "USD", "tenge", "of"]
)  # fmt: skip
PHRASES = st.lists(st.one_of(WORDS, NUMBERISH), max_size=12).map(" ".join)
TEXTS = st.one_of(st.text(max_size=300), PHRASES)
DATES = st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
@example("9" * 10_000)  # a very long number
@example("1e308 tons and 10^999 tons")
@example("2 million hundred tons")  # "hundred" after a scale once looked up a scale it is not
def test_quantities_never_raise(text: str) -> None:
    for q in find_quantities(text):
        assert text[q.start : q.end] == q.text  # offsets point at the text as written
        assert q.value == q.value  # never NaN


@settings(max_examples=300, deadline=None)
@given(TEXTS, DATES)
def test_periods_never_raise(text: str, published: date | None) -> None:
    for mention in find_periods(text, published):
        assert mention.period.start <= mention.period.end
    parse_period(text, published)


@settings(max_examples=150, deadline=None)
@given(TEXTS, DATES)
def test_extraction_never_raises(text: str, published: date | None) -> None:
    for claim in extract_text(text, published):
        assert text[claim.char_start : claim.char_end] == claim.value_text


SCALES = {"": 1, "thousand": 1e3, "million": 1e6, "billion": 1e9}
UNITS = {"tons": "t", "tonnes": "t", "TEU": "TEU", "%": "%"}


@settings(max_examples=400, deadline=None)
@given(
    whole=st.integers(min_value=0, max_value=999_999_999),
    decimals=st.sampled_from(["", "5", "25", "75", "125"]),
    grouping=st.sampled_from([",", ""]),
    scale=st.sampled_from(sorted(SCALES)),
    unit=st.sampled_from(sorted(UNITS)),
)
def test_formatted_numbers_round_trip(
    whole: int, decimals: str, grouping: str, scale: str, unit: str
) -> None:
    """Format a value with separators, a scale word and a unit; parse it back."""
    written = f"{whole:,}".replace(",", grouping) + (f".{decimals}" if decimals else "")
    if scale:
        written += f" {scale}"
    written += unit if unit == "%" else f" {unit}"
    q = parse_quantity(f"The figure reached {written} last year.")
    assert q is not None, written
    expected = float(f"{whole}.{decimals or 0}") * SCALES[scale]
    assert (q.value, q.unit) == (pytest.approx(expected, rel=1e-12), UNITS[unit]), written
