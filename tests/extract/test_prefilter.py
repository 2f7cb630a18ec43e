"""The article-level prefilter (`prose.may_hold_claims`): an article it passes over must be
one whose prose holds no claim, so skipping it changes nothing.

Invented sentences: what it must pass over (news on something else, numbers and all) and
what it must not (each of the three ways a first claim can start). Then every case of the
extraction table: a text the prefilter passes over must be one with no expected claim.
"""

from __future__ import annotations

import pytest
from test_extract_cases import CASES, Case

from metrics.extract import extract_text
from metrics.extract.prose import may_hold_claims
from metrics.extract.segment import sentences
from metrics.lexicon.catalog import load_catalog


def _may_hold(text: str) -> bool:
    return may_hold_claims(sentences(text), text, load_catalog())


PREFILTER_CASES = [
    # (id, text, may hold claims)
    (
        "sports",
        "The Valley Wolves beat the Desert Foxes 3-1 on Sunday in front of 12,400 fans.",
        False,
    ),
    ("weather", "Temperatures will rise to 38 degrees on Friday and fall to 21 at night.", False),
    ("culture", "The orchestra will give 6 performances, the first at 7:30 on Monday.", False),
    ("no_numbers", "The festival of traditional music opened in the old quarter.", False),
    ("cue", "Cargo handled at the port of Aktau rose by 12% in 2024.", True),
    ("weak_cue", "The volume reached 4.1 million tonnes in 2023.", True),
    ("count_noun", "Some 320 wagons crossed the border at Dostyk last week.", True),
    ("sector", "Construction (10.3%) led the economy in the first quarter.", True),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(t, e) for _, t, e in PREFILTER_CASES],
    ids=[c[0] for c in PREFILTER_CASES],
)
def test_prefilter_case(text: str, expected: bool) -> None:
    assert _may_hold(text) is expected
    if not expected:
        assert extract_text(text) == []


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_prefilter_passes_over_no_claim_of_the_extraction_cases(case: Case) -> None:
    if not _may_hold(case.text):
        assert case.claims == ()
