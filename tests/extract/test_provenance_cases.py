"""Provenance cases: invented texts whose figures hinge on who states them and on the part of
a flow they cover (metrics/extract/provenance.py, metrics/data/provenance.yaml).

The cases live in `tests/cases/provenance_cases.yaml`; each figure is placed as a claim at
its place in the text, so the cases hold provenance to its rules whatever the extractor
reads. The tests below them pin the names a hand-written originator or scope may take, and
that extracted claims carry both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import paths
import pytest
import yaml
from case_tables import short_rules, with_known_gaps

from metrics.data import load
from metrics.extract import extract_text
from metrics.extract.provenance import originator_named, scope_named, with_provenance
from metrics.models import Claim
from metrics.schema import place_scope_pattern

CASES_FILE = paths.CASES / "provenance_cases.yaml"
RAW: dict[str, list[dict[str, Any]]] = yaml.safe_load(CASES_FILE.read_text("utf-8"))


@dataclass(frozen=True)
class Case:
    rule: str
    id: str
    text: str
    figures: tuple[dict[str, Any], ...]


CASES = [
    Case(rule, case["id"], case["text"], tuple(case["figures"]))
    for rule, cases in RAW.items()
    for case in cases
]

# Known gaps, each with the first thing it gets wrong (strict: a fix must remove the entry).
KNOWN_GAPS: dict[str, str] = {}


def _claim(text: str, figure: dict[str, Any]) -> Claim:
    """The figure as the extractor would store it, at its `nth` place in `text`."""
    start = -1
    for _ in range(figure.get("nth", 1)):
        start = text.index(figure["at"], start + 1)
    return Claim(
        claim_id=f"c{start}",
        source_id="s",
        metric=figure["metric"],
        entity=figure["entity"],
        value=0.0,
        unit="",
        value_text=figure["at"],
        period=None,
        period_start=None,
        period_end=None,
        status="actual",
        measure="level",
        base_period=None,
        qualifier="exact",
        quote="",
        char_start=start,
        char_end=start + len(figure["at"]),
        extractor="test",
    )


@pytest.mark.parametrize("case", with_known_gaps(CASES, KNOWN_GAPS, key=lambda c: c.id))
def test_case(case: Case) -> None:
    claims = with_provenance(case.text, [_claim(case.text, f) for f in case.figures])
    got = [(c.value_text, c.originator, c.scope) for c in claims]
    want = [(f["at"], f["originator"], f["scope"]) for f in case.figures]
    assert got == want


def test_every_rule_has_enough_cases_and_names_exist() -> None:
    assert not short_rules(RAW), short_rules(RAW)
    names = {entry["name"] for entry in load("originators.yaml")["originators"]}
    labels = {entry["label"] for entry in load("provenance.yaml")["scopes"]}
    for case in CASES:
        for figure in case.figures:
            assert figure["originator"] in names | {None}, (case.id, figure["originator"])
            scope = figure["scope"]
            known = scope in labels | {None} or re.match(place_scope_pattern(), scope)
            assert known, (case.id, scope)


def test_a_claim_that_names_its_originator_keeps_it() -> None:
    text = "The IMF expects Kazakhstan to grow 4.1% in 2025."
    claim = _claim(text, {"at": "4.1%", "metric": "gdp_growth", "entity": "Kazakhstan"})
    given = Claim(**{**claim.__dict__, "originator": "ADB", "scope": "transit"})
    assert with_provenance(text, [given]) == [given]


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("ADB", "ADB"),
        ("Asian Development Bank", "ADB"),
        ("General Administration of Customs of China", "China customs"),
        ("Kazakh Foreign Ministry", "Kazakhstan government"),
        ("  Geostat ", "Geostat"),
        ("Asian Development", None),
        ("Reuters", None),
    ],
)
def test_originator_named(written: str, name: str | None) -> None:
    assert originator_named(written) == name


@pytest.mark.parametrize(
    ("written", "label"),
    [("by rail", "by rail"), ("by railway", "by rail"), ("via the seaports", "via seaports"),
     ("transit", "transit"), ("along the route", None)],
)
def test_scope_named(written: str, label: str | None) -> None:
    assert scope_named(written) == label


def test_extracted_claims_carry_originator_and_scope() -> None:
    claims = extract_text(
        "According to the ADB, Kazakhstan's economy will grow by 4.7% in 2026. "
        "Some 3.1 million tons of Middle Corridor cargo moved by rail in 2024.",
        published=None,
    )
    by_text = {c.value_text: c for c in claims}
    assert by_text["4.7%"].originator == "ADB"
    assert by_text["3.1 million tons"].scope == "by rail"
