"""Score the quantity parser on the peers' own test cases (Recognizers-Text, quantulum3).

The cases are the news-relevant ones listed in /work/shared/peer_specs/relevant_cases.jsonl
(see the README there for provenance and licences), minus the NumberRange ones: the
range model is out of scope for this value/unit check. Cases judged wrong or out of
scope sit in tests/peer_specs_excluded.yaml with a reason and are printed in the
summary; nothing is skipped silently.

Groups (peer scores on the Python-supported cases, from the brief, for comparison):

* ``currency``: Recognizers CurrencyModel, amounts with a scale word (peers 56/58, 47/58);
* ``tons``: Recognizers DimensionModel, Ton / Metric ton;
* ``percent``: Recognizers PercentModel (peers 15/15, 11/15);
* ``number``: Recognizers NumberModel, numbers with scale words (peers 13/30, 15/30);
* ``quantulum3``: currency, ton and percentage cases of both quantulum3 files.

A case is right when

1. every expected result of the group's kind (currency / ton / percentage / number)
   has its own parsed quantity with the same value (relative tolerance 1e-6) and a
   matching unit (see ``RECOGNIZERS_CURRENCY`` and ``QUANTULUM_UNITS``); a
   Recognizers percentage value "100%" is 100 with unit ``%``, a NumberModel number
   is a bare number (unit ``""``);
2. an expected result without a value ("Only a small percent attain ...", "a metric
   ton is equal to ...") gets no parsed quantity of that unit over its text: the
   peer finds a unit mention with no number, so there is nothing to extract;
3. no parsed quantity gives a currency, ton or percent reading to text the peer
   reads as something else ("a twenty-pound bag of rice" is a mass, not GBP 20).

The score of each group is in the id of ``test_group_score`` (``currency=57/60``),
so ``pytest -v`` shows it without ``-s``; ``test_summary`` fails with every score
line, failing case and exclusion in its message when a group is below 90 %.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from paths import ROOT, SHARED

from metrics.lexicon.quantities import find_quantities

PEER_SPECS = Path(os.environ.get("METRICS_PEER_SPECS", SHARED / "peer_specs"))
EXCLUDED = Path(__file__).with_name("peer_specs_excluded.yaml")
CURRENCIES = ROOT / "metrics" / "data" / "currencies.tsv"
FLOOR = 0.90

if not (PEER_SPECS / "relevant_cases.jsonl").exists():
    pytest.skip(f"peer specs not found at {PEER_SPECS}", allow_module_level=True)

GROUP_OF_FILE = {
    "recognizers-text/NumberWithUnit_English_CurrencyModel.json": "currency",
    "recognizers-text/NumberWithUnit_English_DimensionModel.json": "tons",
    "recognizers-text/Number_English_PercentModel.json": "percent",
    "recognizers-text/Number_English_NumberModel.json": "number",
    "quantulum3/en_US_tests_quantities.json": "quantulum3",
    "quantulum3/en_US_tests_quantities.ambiguity.json": "quantulum3",
}
GROUPS = ("currency", "tons", "percent", "number", "quantulum3")


def _currency_rows() -> list[list[str]]:
    """`[code, names, symbols]` per row of the table, without its provenance and header lines."""
    lines = CURRENCIES.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if not line.startswith("#")][1:]


FRANCS = frozenset(code for code, names, _ in _currency_rows() if "franc" in names)
"""Every ISO code whose CLDR English name contains "franc" (the peers' bare "Franc")."""
CURRENCY_CODES = frozenset(code for code, _, _ in _currency_rows())
# Units whose readings rule 3 guards: giving one of these to text the peer reads as
# something else (a mass in pounds, a length) is a misreading.
CLAIMED_UNITS = CURRENCY_CODES | {"t", "%"}

# Recognizers `Resolution.unit` -> acceptable ISO codes; `isoCurrency` wins when given.
# A bare "Dollar" is what "$" resolves to, and "$" is USD in our table (CLDR `en`).
RECOGNIZERS_CURRENCY: dict[str, frozenset[str]] = {
    "Dollar": frozenset({"USD"}),
    "United States dollar": frozenset({"USD"}),
    "Pound": frozenset({"GBP"}),
    "Euro": frozenset({"EUR"}),
    "Franc": FRANCS,
    "Finnish markka": frozenset({"FIM"}),
    "Peseta": frozenset({"ESP"}),
    "Netherlands guilder": frozenset({"NLG"}),
    "Rupee": frozenset({"INR"}),
    "Chinese yuan": frozenset({"CNY"}),
    "Japanese yen": frozenset({"JPY"}),
    "Australian dollar": frozenset({"AUD"}),
    "Canadian dollar": frozenset({"CAD"}),
    "Hong Kong dollar": frozenset({"HKD"}),
    "Mexican peso": frozenset({"MXN"}),
}
RECOGNIZERS_TONS = {"Ton", "Metric ton"}

# quantulum3 unit names of the kinds we score -> acceptable unit codes. An empty set is
# a kind we do not model (sub-units, rates): such a case can only pass if excluded.
QUANTULUM_UNITS: dict[str, frozenset[str]] = {
    "dollar": frozenset({"USD"}),
    "euro": frozenset({"EUR"}),
    "pound sterling": frozenset({"GBP"}),
    "percentage": frozenset({"%"}),
    "tonne": frozenset({"t"}),
    "penny": frozenset(),
    "cent": frozenset(),
    "dime": frozenset(),
    "ton per day": frozenset(),
}


@dataclass(frozen=True)
class Expected:
    """One peer result: value (None if the peer gives none), units, span in the input."""

    value: float | None
    units: frozenset[str]
    text: str
    start: int
    end: int

    def __str__(self) -> str:
        unit = "|".join(sorted(self.units)) if len(self.units) < 4 else "franc"
        if self.value is None:
            return f"no {unit!r} quantity on {self.text!r}"
        return f"{self.value:g} {unit!r} ({self.text!r})"


@dataclass
class PeerCase:
    file: str
    index: int
    input: str
    python_supported: bool
    expected: list[Expected] = field(default_factory=list)  # of the group's kind
    other: list[Expected] = field(default_factory=list)  # peer readings of other kinds

    @property
    def group(self) -> str:
        return GROUP_OF_FILE[self.file]

    @property
    def label(self) -> str:
        return f"{self.file.split('/')[-1]}#{self.index}"


def _number(raw: object) -> float | None:
    if raw is None or raw == "null":
        return None
    return float(str(raw).rstrip("%"))


def _recognizers_units(group: str, result: dict) -> frozenset[str] | None:
    """The unit codes a Recognizers result stands for, or None if not of `group`'s kind."""
    kind, resolution = result["TypeName"], result.get("Resolution") or {}
    if group == "currency" and kind == "currency":
        iso = resolution.get("isoCurrency")
        if iso:
            return frozenset({iso})
        return RECOGNIZERS_CURRENCY.get(resolution["unit"], frozenset())
    if group == "tons" and kind == "dimension" and resolution.get("unit") in RECOGNIZERS_TONS:
        return frozenset({"t"})
    if group == "percent" and kind == "percentage":
        return frozenset({"%"})
    if group == "number" and kind == "number":
        return frozenset({""})
    return None


def _recognizers_case(case: PeerCase, spec: dict) -> None:
    for result in spec["Results"]:
        units = _recognizers_units(case.group, result)
        value = _number((result.get("Resolution") or {}).get("value"))
        start, end = result["Start"], result["End"] + 1  # upstream End is inclusive
        item = Expected(value, units or frozenset(), result["Text"], start, end)
        (case.expected if units is not None else case.other).append(item)


def _quantulum_case(case: PeerCase, spec: dict) -> None:
    cursor = 0
    for result in spec["res"]:
        start = case.input.find(result["surface"], cursor)
        start = start if start >= 0 else case.input.find(result["surface"])
        end = start + len(result["surface"])
        cursor = max(cursor, end)
        units = QUANTULUM_UNITS.get(result["unit"])
        item = Expected(float(result["value"]), units or frozenset(), result["surface"], start, end)
        (case.expected if units is not None else case.other).append(item)


def load_cases() -> list[PeerCase]:
    """The relevant peer cases, NumberRange ones left out, in file order."""
    specs: dict[str, list] = {}
    cases = []
    for line in (PEER_SPECS / "relevant_cases.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "range" in row["tags"]:
            continue
        if row["file"] not in specs:
            path = PEER_SPECS / row["file"]
            specs[row["file"]] = json.loads(path.read_text(encoding="utf-8-sig"))
        spec = specs[row["file"]][row["index"]]
        case = PeerCase(row["file"], row["index"], row["input"], row["python_supported"])
        if "Results" in spec:
            assert spec["Input"] == row["input"], case.label
            _recognizers_case(case, spec)
        else:
            assert spec["req"] == row["input"], case.label
            _quantulum_case(case, spec)
        cases.append(case)
    return cases


def load_excluded() -> dict[tuple[str, int], str]:
    rows = yaml.safe_load(EXCLUDED.read_text(encoding="utf-8")) or []
    return {(row["file"], row["index"]): row["reason"] for row in rows}


def _overlaps(q, item: Expected) -> bool:
    return q.start < item.end and item.start < q.end


def judge(case: PeerCase) -> tuple[bool, str]:
    """(right?, what went wrong) for one case, following rules 1-3 of the module doc."""
    try:
        found = find_quantities(case.input)
    except Exception as error:  # a crash on peer input is a wrong case, not a test error
        return False, f"raised {error!r}"
    unused = list(found)
    problems = []
    for item in case.expected:
        if item.value is None:
            clash = [q for q in found if q.unit in item.units and _overlaps(q, item)]
            if clash:
                problems.append(f"expected {item}, got {clash[0].value:g} {clash[0].unit!r}")
            continue
        match = next(
            (
                q
                for q in unused
                if q.unit in item.units
                and math.isclose(q.value, item.value, rel_tol=1e-6, abs_tol=1e-9)
            ),
            None,
        )
        if match is None:
            problems.append(f"missing {item}")
        else:
            unused.remove(match)
    for item in case.other:
        for q in found:
            if q.unit in CLAIMED_UNITS and _overlaps(q, item):
                problems.append(f"misread {item.text!r} as {q.value:g} {q.unit!r}")
    if problems:
        got = ", ".join(f"{q.value:g} {q.unit!r} ({q.text!r})" for q in found) or "nothing"
        return False, "; ".join(problems) + f" | got: {got}"
    return True, ""


@dataclass
class GroupScore:
    group: str
    right: int = 0
    total: int = 0
    supported_right: int = 0
    supported_total: int = 0
    excluded: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.total > 0 and self.right / self.total >= FLOOR

    def line(self) -> str:
        return (
            f"{self.group} {self.right}/{self.total}"
            f" (Python-supported subset {self.supported_right}/{self.supported_total};"
            f" {self.excluded} excluded)"
        )


def score(cases: list[PeerCase], excluded: dict[tuple[str, int], str]) -> dict[str, GroupScore]:
    scores = {group: GroupScore(group) for group in GROUPS}
    for case in cases:
        entry = scores[case.group]
        if (case.file, case.index) in excluded:
            entry.excluded += 1
            continue
        right, why = judge(case)
        entry.total += 1
        entry.right += right
        entry.supported_total += case.python_supported
        entry.supported_right += right and case.python_supported
        if not right:
            entry.failures.append(f"  {case.label} {case.input.strip()!r}: {why}")
    return scores


CASES = load_cases()
EXCLUSIONS = load_excluded()
SCORES = score(CASES, EXCLUSIONS)


def summary() -> str:
    lines = ["excluded peer cases:"]
    for (file, index), why in EXCLUSIONS.items():
        lines.append(f"  {file.split('/')[-1]}#{index}: {why}")
    for entry in SCORES.values():
        lines.append(entry.line())
        lines += entry.failures
    return "\n".join(lines)


def test_exclusions_name_real_cases_with_reasons():
    rows = yaml.safe_load(EXCLUDED.read_text(encoding="utf-8"))
    keys = [(row["file"], row["index"]) for row in rows]
    assert len(keys) == len(set(keys)), "an excluded case is listed twice"
    known = {(case.file, case.index) for case in CASES}
    assert [key for key in keys if key not in known] == []
    for row in rows:
        assert set(row) == {"file", "index", "reason"}, row
        assert len(row["reason"].split()) >= 5, f"give a real reason for {row}"


def test_every_case_has_something_to_check():
    assert [case.label for case in CASES if not case.expected] == []


@pytest.mark.parametrize(
    "group", GROUPS, ids=[f"{g}={SCORES[g].right}/{SCORES[g].total}" for g in GROUPS]
)
def test_group_score(group):
    entry = SCORES[group]
    assert entry.ok, entry.line() + "\n" + "\n".join(entry.failures)


def test_summary():
    text = summary()
    print(text)
    assert all(entry.ok for entry in SCORES.values()), text
