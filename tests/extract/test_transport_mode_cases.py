"""Transport mode cases: invented texts whose claims hinge on the mode of transport a figure
is about (metrics/extract/modes.py, metrics/data/transport_modes.yaml).

The cases live in `tests/cases/transport_mode_cases.yaml` and are compared exactly as the
extraction cases are (`test_extract_cases.check_case`). The unit tests below pin the scope
rules of `modes.py` on their own.
"""

from __future__ import annotations

import paths
import pytest
from case_tables import short_rules, with_known_gaps
from test_extract_cases import Case, check_case, load_cases, read_yaml

from metrics.extract.modes import lead_mode, mode_in_sentence, mode_mentions

CASES_FILE = paths.CASES / "transport_mode_cases.yaml"
RAW = read_yaml(CASES_FILE)
CASES = load_cases(RAW)

# Known gaps, each with the first thing it gets wrong (strict: a fix must remove the entry).
KNOWN_GAPS: dict[str, str] = {}


@pytest.mark.parametrize("case", with_known_gaps(CASES, KNOWN_GAPS, key=lambda c: c.id))
def test_case(case: Case) -> None:
    check_case(case)


def test_every_rule_has_enough_cases_and_every_case_names_entities() -> None:
    assert not short_rules(RAW), short_rules(RAW)
    for case in CASES:
        assert all(claim.entity for claim in case.claims), case.id


@pytest.mark.parametrize(
    ("text", "modes"),
    [
        ("cargo carried by rail and by sea", ["rail", "sea"]),
        ("Railways and airlines", ["rail", "air"]),
        ("across all modes of transport", ["all"]),
        ("the trail and the railing", []),  # words that only contain "rail"
        ("Maritime traffic", ["sea"]),
    ],
)
def test_mode_mentions(text: str, modes: list[str]) -> None:
    assert [m.mode for m in mode_mentions(text)] == modes


@pytest.mark.parametrize(
    ("title", "first", "mode"),
    [
        ("Rail freight in 2024", "By sea, it carried 2 Mt.", "rail"),  # the title first
        (None, "By sea, it carried 2 Mt.", "sea"),
        ("Rail and road transport in 2024", "By sea, it carried 2 Mt.", None),  # two modes: none
        ("Transport across all modes", "Railways carried 2 Mt.", None),
        ("Results for 2024", "Railways carried 2 Mt.", "rail"),  # a title with no mode
        (None, None, None),
    ],
)
def test_lead_mode(title: str | None, first: str | None, mode: str | None) -> None:
    assert lead_mode(title, first) == mode


def test_mode_in_sentence_prefers_the_clause_then_before_then_after() -> None:
    text = "By road, 3 Mt; and 2 Mt were carried by rail"
    mentions = mode_mentions(text)
    second_clause = (text.index("and"), len(text))
    assert mode_in_sentence(mentions, second_clause, text.index("2 Mt"), text) == "rail"
    assert mode_in_sentence(mentions, (0, text.index(";")), text.index("3 Mt"), text) == "road"
    assert mode_in_sentence(mentions[:1], second_clause, text.index("2 Mt"), text) == "road"
    assert mode_in_sentence([], second_clause, text.index("2 Mt"), text) is None


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("5 Mt of cargo and 2 million passengers were carried by rail", "rail"),
        ("5 Mt of cargo moved, and 2 million passengers went by rail", None),  # a comma between
        ("5 Mt of cargo moved; trains carried the rest by rail", None),
    ],
)
def test_mode_after_the_figure_only_with_no_punctuation_between(text: str, mode: str | None) -> None:
    breaks = [text.index(mark) for mark in (" and", ";") if mark in text]
    first_clause = (0, min(breaks, default=len(text)))
    assert mode_in_sentence(mode_mentions(text), first_clause, 0, text) == mode
