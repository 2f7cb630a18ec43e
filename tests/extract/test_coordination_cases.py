"""Coordination and list cases: invented sentences whose figures share a verb, a lead, a
unit or a whole (metrics/extract/coordination.py).

The cases live in `tests/cases/coordination_cases.yaml` and are compared exactly as the
extraction cases are (`test_extract_cases.check_case`): the complete claim list, every
field, and the entity each case gives. The unit tests below pin the grammar of
`coordination.py` on its own.
"""

from __future__ import annotations

import paths
import pytest
from case_tables import short_rules, with_known_gaps
from test_extract_cases import Case, check_case, load_cases, read_yaml

from metrics.extract.coordination import (
    category_follows,
    is_list_sentence,
    joins_items,
    respective_items,
    with_category,
    with_elided_units,
)
from metrics.lexicon.quantities import find_quantities

CASES_FILE = paths.CASES / "coordination_cases.yaml"
RAW = read_yaml(CASES_FILE)
CASES = load_cases(RAW)

# Known gaps, each with the first thing it gets wrong (strict: a fix must remove the entry).
KNOWN_GAPS: dict[str, str] = {}


@pytest.mark.parametrize("case", with_known_gaps(CASES, KNOWN_GAPS, key=lambda c: c.id))
def test_case(case: Case) -> None:
    check_case(case)


def test_every_rule_has_enough_cases() -> None:
    assert len(RAW) == 9 and not short_rules(RAW), short_rules(RAW)
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"


def test_list_gate_needs_two_figures_or_a_marker() -> None:
    one = find_quantities("Exports rose by 5% in 2023.")
    assert not is_list_sentence("Exports rose by 5% in 2023.", one)
    text = "Freight grew: coal – 5%."
    assert is_list_sentence(text, find_quantities(text))
    assert not is_list_sentence("No figures here.", [])


def test_items_are_joined_without_a_verb_of_their_own() -> None:
    assert joins_items(" for timber and ")
    assert joins_items(", and imports by ")
    assert joins_items(", while from containers by ")
    assert not joins_items(", while inflation was ")
    assert not joins_items(" in 2023; imports reached ")


def test_category_right_after_a_figure() -> None:
    text = "1.1 Mt of coal, 300,000 t for fertiliser and 90,000 t were grain"
    q = find_quantities(text)
    assert category_follows(text, q[1].end, text.index("fertiliser"))
    assert category_follows(text, q[2].end, text.index("grain"))
    assert not category_follows(text, q[1].end, text.index("grain"))


def test_respectively_pairs_items_in_order() -> None:
    text = "Exports, imports and transit rose by 5%, 7% and 9%, respectively."
    quantities = find_quantities(text)
    found = respective_items(text, quantities, quantities[1])
    assert found is not None
    spans, own = found
    assert own == 1 and len(spans) == 3
    assert "imports" in text[spans[own][0] : spans[own][1]]
    plain = "Exports rose by 5% and 7%."
    plain_quantities = find_quantities(plain)
    assert respective_items(plain, plain_quantities, plain_quantities[1]) is None


def test_elided_unit_is_taken_only_after_a_joiner() -> None:
    text = "It moved 2 million tons by rail and about 350,000 by road."
    units = [q.unit for q in with_elided_units(text, find_quantities(text))]
    assert units == ["t", "t"]
    dateline = "It moved 1.5 million tons. Reported on July 19, 2023"
    units = [q.unit for q in with_elided_units(dateline, find_quantities(dateline))]
    assert units[0] == "t" and all(u == "" for u in units[1:])


def test_range_of_scaled_numbers_keeps_each_value() -> None:
    values = [q.value for q in find_quantities("from 2 million to 8 million tons")]
    assert values == [2e6, 8e6]
    values = [q.value for q in find_quantities("from 2 to 8 million tons")]
    assert values == [2e6, 8e6]


def test_category_suffix_replaces_an_earlier_one() -> None:
    assert with_category("Poti port", "grain") == "Poti port (grain)"
    assert with_category("Poti port (grain)", "oil") == "Poti port (oil)"
    assert with_category(None, "oil") is None
