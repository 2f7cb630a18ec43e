"""Entity attribution cases: invented sentences whose claims hinge on which entity a figure
is about (bilateral pairs, sectors, "the country", regions and groups of economies).

The cases live in `tests/cases/entity_cases.yaml` and are compared exactly as the
extraction cases are (`test_extract_cases.compare`): the complete claim list, every field,
and the entity each case gives. The unit tests below pin the rules of
`metrics/extract/entities.py` on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import paths
import pytest
from case_tables import short_rules, with_known_gaps
from test_extract_cases import Case, check_case, load_cases, read_yaml

from metrics.extract.entities import pair_name, topic_of

CASES_FILE = paths.CASES / "entity_cases.yaml"
RAW = read_yaml(CASES_FILE)
CASES = load_cases(RAW)

# Known gaps, each with the first thing it gets wrong (strict: a fix must remove the entry).
KNOWN_GAPS: dict[str, str] = {
    # the entity is right once the figure is bilateral trade; "X–Y trade grew" is no cue of
    # bilateral_trade yet (vocabulary, issue 15 section 5)
    "pair_dash_partner_first": "MISS 14 pct_change 2023 bilateral_trade",
}


@pytest.mark.parametrize("case", with_known_gaps(CASES, KNOWN_GAPS, key=lambda c: c.id))
def test_case(case: Case) -> None:
    check_case(case)


def test_every_rule_has_enough_cases_and_every_case_names_entities() -> None:
    assert not short_rules(RAW), short_rules(RAW)
    for case in CASES:
        assert any(claim.entity for claim in case.claims), case.id


@dataclass
class _Mention:
    start: int
    end: int
    name: str
    kind: str
    explicit: bool = True


def test_pair_name_reporting_country_first_then_text_order() -> None:
    china, kz = _Mention(0, 5, "China", "country"), _Mention(10, 20, "Kazakhstan", "country")
    az = _Mention(30, 40, "Azerbaijan", "country")
    region = _Mention(0, 12, "Central Asia", "region")
    assert pair_name(china, kz) == "Kazakhstan-China"
    assert pair_name(kz, az) == "Kazakhstan-Azerbaijan"
    assert pair_name(az, kz) == "Azerbaijan-Kazakhstan"
    assert pair_name(region, china) == "China-Central Asia"


def test_topic_is_the_most_named_country_first_on_a_tie() -> None:
    mentions = [
        _Mention(0, 1, "Uzbekistan", "country"),
        _Mention(2, 3, "China", "country"),
        _Mention(4, 5, "Uzbekistan", "country"),
        _Mention(6, 7, "Russia", "country"),
        _Mention(8, 9, "China", "country", explicit=False),
    ]
    assert topic_of(mentions, "country") == "Uzbekistan"
    assert topic_of(mentions[1:4], "country") == "China"
    assert topic_of(mentions, "port") is None
