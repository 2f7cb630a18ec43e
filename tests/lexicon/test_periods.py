"""Period cases: the first period expression in a phrase, resolved against `published`.

The cases in `tests/cases/period_cases.yaml` are grouped by the shape of the expression
(years, deadlines, relative years, halves, quarters, months, month ranges, year-to-date,
multi-year spans, and phrases that hold no period). Its header records the conventions
decided for ambiguous phrasings ("over the past five years", a month with no year, a bare
day-of-month date).

A result must cover exactly the expected span (start and end dates, as the corpus scorer
compares them), and its label must denote that same span: `2023-Q1` and
`2023-01..2023-03` are both accepted where the case expects either.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import paths
import pytest
import yaml
from period_labels import period_bounds

from metrics.lexicon.periods import (
    _PERIOD,
    EXAMPLE_PUBLISHED,
    PERIOD_RULES,
    PeriodRule,
    find_periods,
    parse_period,
)

CASES_FILE = paths.CASES / "period_cases.yaml"

@dataclass(frozen=True)
class PeriodCase:
    group: str
    id: str
    text: str
    published: date | None
    label: str | None


def load_cases(path: Path = CASES_FILE) -> list[PeriodCase]:
    """Read the YAML mapping of group -> cases into `PeriodCase` records."""
    data: dict[str, list[dict[str, Any]]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        PeriodCase(
            group=group,
            id=item["id"],
            text=item["text"],
            published=item["published"],
            label=None if item["label"] is None else str(item["label"]),
        )
        for group, items in data.items()
        for item in items
    ]


CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_parse_period(case: PeriodCase) -> None:
    result = parse_period(case.text, case.published)
    where = f"{case.group}/{case.id}: {case.text!r} published {case.published}"
    if case.label is None:
        assert result is None, f"{where}: expected no period, got {result}"
        return
    assert result is not None, f"{where}: expected {case.label}, got None"
    expected = period_bounds(case.label)
    got = (result.start, result.end)
    assert got == expected, f"{where}: expected {case.label} {expected}, got {result}"
    assert period_bounds(result.label) == expected, (
        f"{where}: label {result.label!r} does not denote {case.label} {expected}"
    )


def test_cases_file_is_well_formed() -> None:
    ids = Counter(case.id for case in CASES)
    assert not [i for i, n in ids.items() if n > 1], "duplicate case ids"
    assert len(CASES) >= 60
    for case in CASES:
        assert case.text.strip(), case.id
        assert case.published is None or type(case.published) is date, case.id
        if case.label is not None:
            start, end = period_bounds(case.label)
            assert start <= end, case.id
        assert (case.group == "negative") <= (case.label is None), case.id


@pytest.mark.parametrize("rule", PERIOD_RULES, ids=lambda rule: rule.name)
def test_rule_examples(rule: PeriodRule) -> None:
    """Each rule's examples are read whole by that rule, with the label written beside them."""
    for text, label in rule.examples.items():
        found = [(m.start, m.end, m.period.label) for m in find_periods(text, EXAMPLE_PUBLISHED)]
        assert rule_of(text) == rule.name, text
        assert found == ([] if label is None else [(0, len(text), label)]), text


def rule_of(text: str) -> str | None:
    """The rule the scanner matched at the start of `text`."""
    m = _PERIOD.match(text)
    return m.lastgroup if m else None
