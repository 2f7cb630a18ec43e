"""Status cases: invented sentences and the status (and "up to" qualifier) of one figure each.

Cases of revisions also say whether the figure is the superseded, earlier vintage.

`tests/cases/status_cases.yaml` holds, per rule of `metrics/extract/status.py`, at least
ten phrasings written for this suite. A case names its figure by value; the text must yield
a claim with that value, and the claim must have the case's status and, where given, its
qualifier. Metric and entity are other mechanisms' work and are not checked here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import paths
import pytest
import yaml
from case_tables import with_known_gaps

from metrics.vocab import Qualifier, Status

CASES_FILE = paths.CASES / "status_cases.yaml"
REL_TOL = 0.005

# Known gaps, each with its reason; strict, so a fix must remove the entry.
KNOWN_GAPS: dict[str, str] = {}


@dataclass(frozen=True)
class StatusCase:
    rule: str
    id: str
    text: str
    published: date
    value: float
    status: str
    qualifier: str | None
    superseded: bool | None  # given where the rule decides it: an earlier vintage or not


def load_cases() -> list[StatusCase]:
    raw = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    return [
        StatusCase(
            rule,
            item["id"],
            item["text"],
            item["published"],
            float(item["value"]),
            item["status"],
            item.get("qualifier"),
            item.get("superseded"),
        )
        for rule, items in raw.items()
        for item in items
    ]


CASES = load_cases()


def _figure(case: StatusCase, claims: list[Any]) -> Any:
    for claim in claims:
        value = float(claim.value)
        if abs(value - case.value) <= REL_TOL * max(abs(value), abs(case.value)):
            return claim
    return None


@pytest.mark.parametrize(
    "case",
    with_known_gaps(CASES, KNOWN_GAPS, key=lambda c: c.id, test_id=lambda c: f"{c.rule}/{c.id}"),
)
def test_status_case(case: StatusCase) -> None:
    from metrics.extract import extract_text

    claims = list(extract_text(case.text, case.published))
    claim = _figure(case, claims)
    found = [(c.value, c.status, c.qualifier) for c in claims]
    assert claim is not None, f"{case.id}: no claim of {case.value:g} in {found} «{case.text}»"
    got = (claim.status, claim.qualifier if case.qualifier else None)
    assert got == (case.status, case.qualifier), f"{case.id}: «{case.text}» -> {found}"
    if case.superseded is not None:
        assert claim.superseded is case.superseded, f"{case.id}: superseded {claim.superseded}"


def test_status_cases_file() -> None:
    """Unique ids, the vocabulary's statuses and qualifiers, and >= 10 cases per rule."""
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    for case in CASES:
        assert case.status in set(Status), case.id
        assert case.qualifier is None or case.qualifier in set(Qualifier), case.id
        assert type(case.published) is date, case.id
    rules = {c.rule for c in CASES}
    short = {r: n for r in rules if (n := sum(c.rule == r for c in CASES)) < 10}
    assert not short, f"rules with fewer than 10 cases: {short}"
