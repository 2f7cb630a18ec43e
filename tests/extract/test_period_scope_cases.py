"""Period scope cases: which period a figure takes, and which its change compares with.

The cases in `tests/cases/period_scope_cases.yaml` are invented phrasings, grouped by the
scope rule they exercise (asides, comparisons, "the same period", year to date, the level
reached after a comparison, a plan's period). Only the dating of the figures listed is
checked: each must be extracted once with that period and base period.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import paths
import pytest
import yaml
from case_tables import short_rules, with_known_gaps

from metrics.extract import extract_claims
from metrics.models import Document

CASES_FILE = paths.CASES / "period_scope_cases.yaml"
RAW: dict[str, list[dict[str, Any]]] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
CASES = [(rule, case) for rule, cases in RAW.items() for case in cases]
REL_TOL = 0.005

# Cases a rule of another mechanism still gets wrong, with what it does; strict xfails.
KNOWN_GAPS: dict[str, str] = {
    "estimate_carried_growth": "measure: 'growth of exports was estimated at 11%' read as a share (no base)",
}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b)) + 1e-9


@pytest.mark.parametrize("entry", with_known_gaps(CASES, KNOWN_GAPS, key=lambda e: e[1]["id"]))
def test_period_scope(entry: tuple[str, dict[str, Any]]) -> None:
    rule, case = entry
    document = Document(
        path="<case>", text=case["text"], published=case["published"], title=case.get("title")
    )
    claims = list(extract_claims(document))
    problems = []
    for value, period, base in case["expect"]:
        found = [c for c in claims if _close(float(value), float(c.value))]
        got = [(c.period, c.base_period) for c in found]
        if (period, base) not in got:
            problems.append(f"{value}: expected period={period} base={base}, got {got}")
    if problems:
        listed = "; ".join(f"{c.value:g} {c.unit} {c.period} base={c.base_period}" for c in claims)
        pytest.fail(f"{rule}/{case['id']}: " + " | ".join(problems) + f"\n  all: {listed}")


def test_every_rule_has_ten_phrasings() -> None:
    ids = [case["id"] for _, case in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert not short_rules(RAW), short_rules(RAW)
    for cases in RAW.values():
        for case in cases:
            assert type(case["published"]) is date and case["expect"], case["id"]
