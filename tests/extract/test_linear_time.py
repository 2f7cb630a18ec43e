"""No text makes extraction slower than linear: adversarial strings, at two sizes.

Each string repeats one pattern that once made a stage of the extractor quadratic (or
worse) or that could: runs of digits and separators for the number patterns, chains of
ranges ("1 to 1 to ..." recursed through the whole text), sentences of figures without a
date (each walked its whole paragraph), one endless sentence (figures x periods in it),
entity names (each figure scanned every mention). Four times the text may take a little
more than four times as long; quadratic work takes sixteen. The bound is generous (eight
times, plus a fixed allowance) so that a loaded machine does not fail it, and the time is
this process's CPU time, best of two runs.
"""

from __future__ import annotations

import time

import pytest

from metrics.extract import extract_claims
from metrics.models import Document

pytestmark = pytest.mark.slow

PATTERNS = {
    "comma-groups": "1,",
    "space-groups": "1 000 ",
    "dot-groups": "1.000.",
    "digits": "9",
    "number-words": "one ",
    "scale-words": "million ",
    "compound-number-words": "twenty-one hundred and ",
    "fractions": "half a ",
    "powers": "10^9 1e9 ",
    "years": "2024 ",
    "year-ranges": "2024-",
    "quarters": "Q1 2024 ",
    "months": "January ",
    "range-chain": "1 to ",
    "dash-chain": "1-",
    "between-chain": "between 2024 and ",
    "from-chain": "from 5 to ",
    "currency-symbols": "$",
    "currency-codes": "USD 1 ",
    "percents": "5% ",
    "open-brackets": "(",
    "stops": ". ",
    "blank": " ",
    "no-blanks": "ab",
    "line-breaks": "1\n",
    "cue-words": "cargo volume freight ",
    "change-words": "increased by ",
    "undated-sentences": "Cargo 5 tons. ",
    "endless-sentence": "TITR freight grew 62% to 4.5 million tons in 2024, up from ",
    "entities": "Kazakhstan China ",
    "deadlines": "by 2030 by ",
    "halves": "in the first half of 2024 ",
}
SMALL = 5_000  # characters
GROWTH = 4
ALLOWED_RATIO = 8  # linear is 4, quadratic 16
ALLOWANCE = 0.25  # seconds: start-up noise on the small text


def _document(text: str) -> Document:
    return Document(path="adversarial.txt", text=text)


def _cpu_seconds(text: str) -> float:
    document = _document(text)
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        extract_claims(document)
        best = min(best, time.process_time() - start)
    return best


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    """Load the catalog and compile the patterns before anything is timed."""
    extract_claims(_document("TITR cargo volume reached 4.5 million tons in 2024."))


@pytest.mark.parametrize("unit", PATTERNS.values(), ids=PATTERNS.keys())
def test_four_times_the_text_takes_about_four_times_as_long(unit: str) -> None:
    small = unit * (SMALL // len(unit))
    large = unit * (GROWTH * SMALL // len(unit))
    t_small, t_large = _cpu_seconds(small), _cpu_seconds(large)
    assert t_large <= ALLOWED_RATIO * t_small + ALLOWANCE, (
        f"{len(small)} chars: {t_small:.3f}s, {len(large)} chars: {t_large:.3f}s"
    )


@pytest.mark.parametrize("shift", range(0, 48, 6))
def test_a_sentence_read_in_windows_keeps_every_figure_whole(shift: int) -> None:
    """Windows are cut at a clause break, so no figure is split between two of them."""
    clause = "TITR cargo volume reached 4.5 million tons in 2024, "
    text = "x" * shift + " " + clause * 200
    claims = extract_claims(_document(text))
    assert len(claims) == 200
    assert {(c.value, c.unit, c.period) for c in claims} == {(4.5e6, "t", "2024")}
