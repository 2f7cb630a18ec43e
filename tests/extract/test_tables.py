"""Table extraction cases: small statistical tables and the complete set of claims each holds.

The cases are in `tests/cases/table_cases.yaml` (its header says how they are written),
the single cells and unit labels in `tests/cases/table_cells.yaml`. Each table is rendered
as a CSV document would be and read by `table_claims`; the expected claims are COMPLETE.

Claims are compared as `(metric, entity, value, unit, period, status, measure, base_period)`
with the value in the base unit (4.5 million tonnes -> 4500000). Every claim must also point
at its figure (`text[char_start:char_end] == value_text`), name the rule that dated it
(`table-v1:...`) and quote the table with the labels of its row and column. Known gaps of
the extractor are strict xfails with the first thing it gets wrong; a fix flips them to XPASS.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
import yaml
from paths import CASES

from metrics.extract import table_claims
from metrics.lexicon.quantities import unit_of_label
from metrics.models import Claim, Document
from metrics.read import render_tables

FIELDS = ("metric", "entity", "value", "unit", "period", "status", "measure", "base_period")

Expected = tuple[str, str | None, float, str, str | None, str, str, str | None]


def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((CASES / name).read_text("utf-8"))
    return loaded


def _table_cases() -> list[Any]:
    params = []
    for group, cases in _load("table_cases.yaml").items():
        for case in cases:
            reason = case.get("xfail")
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            expected = [tuple(claim[f] for f in FIELDS) for claim in case["claims"]]
            params.append(
                pytest.param(
                    case["rows"],
                    case.get("caption", ""),
                    case.get("title", ""),
                    case["published"],
                    case.get("prose", ""),
                    expected,
                    id=f"{group}/{case['id']}",
                    marks=marks,
                )
            )
    return params


CELLS = _load("table_cells.yaml")


def _cells(section: str, *fields: str) -> list[Any]:
    return [pytest.param(*(case[f] for f in fields), id=case["id"]) for case in CELLS[section]]


def _document(
    rows: list[list[str]], caption: str, title: str, published: date | None, prose: str
) -> Document:
    text, tables = render_tables(prose, [("table 1", rows, caption)])
    return Document(
        path="t.csv", text=text, title=title, published=published, tables=tables, format="csv"
    )


def _key(c: Claim) -> Expected:
    return (
        c.metric,
        c.entity,
        float(f"{c.value:.6g}"),
        c.unit,
        c.period,
        c.status,
        c.measure,
        c.base_period,
    )


def _normalised(e: Expected) -> Expected:
    metric, entity, value, unit, period, status, measure, base = e
    return (metric, entity, float(f"{value:.6g}"), unit, period, status, measure, base)


_FIGURE = re.compile(r"[~+\-−–\d][\d\s.,%*]*")


def _cell_at(document: Document, offset: int) -> tuple[int, int]:
    """(row, column) of the cell a claim's offset falls in."""
    table = document.tables[0]
    for r, row in enumerate(table.offsets):
        for c, start in enumerate(row):
            if start <= offset < start + max(len(table.rows[r][c]), 1):
                return r, c
    raise AssertionError(f"offset {offset} is in no cell")


def _check_quote(document: Document, claim: Claim) -> None:
    rows = document.tables[0].rows
    r, c = _cell_at(document, claim.char_start)
    assert claim.quote.startswith("table 1"), claim.quote
    row_label = next((cell for cell in rows[r][:c] if cell), None)
    if row_label is not None:
        assert row_label in claim.quote, (row_label, claim.quote)
    header = next(
        (row[c] for row in rows[:r] if c < len(row) and row[c] and not _FIGURE.fullmatch(row[c])),
        None,
    ) or next((row[c] for row in rows[:r] if c < len(row) and row[c]), None)
    if header is not None:
        assert header in claim.quote, (header, claim.quote)


@pytest.mark.parametrize(
    ("rows", "caption", "title", "published", "prose", "expected"), _table_cases()
)
def test_table(
    rows: list[list[str]],
    caption: str,
    title: str,
    published: date | None,
    prose: str,
    expected: list[Expected],
) -> None:
    document = _document(rows, caption, title, published, prose)
    claims = table_claims(document)
    assert sorted(map(_key, claims), key=repr) == sorted(map(_normalised, expected), key=repr)
    for claim in claims:
        assert document.text[claim.char_start : claim.char_end] == claim.value_text
        assert claim.extractor.startswith("table-v1:"), claim.extractor
        _check_quote(document, claim)


@pytest.mark.parametrize(("cell", "qualifier"), _cells("qualifiers", "cell", "qualifier"))
def test_table_qualifier(cell: str, qualifier: str) -> None:
    document = _document(
        [["", "2024"], ["Freight via TITR, mln t", cell]], "", "", date(2025, 5, 15), ""
    )
    [claim] = table_claims(document)
    assert (claim.value, claim.qualifier) == (4_500_000, qualifier)


@pytest.mark.parametrize("cell", _cells("negative_changes", "cell"))
def test_negative_change_cell(cell: str) -> None:
    document = _document(
        [["", "Jan–Jul 2023"], ["Cargo handled at Aktau port, change y/y, %", cell]],
        "",
        "",
        date(2023, 9, 4),
        "",
    )
    [claim] = table_claims(document)
    assert (claim.metric, claim.entity, claim.value, claim.unit, claim.measure) == (
        "port_cargo_throughput",
        "Aktau port",
        -24,
        "pct_change",
        "growth",
    )
    assert document.text[claim.char_start : claim.char_end] == claim.value_text


def test_claim_ids_are_stable_and_distinct() -> None:
    # TITR freight 2023 and 2024 (The Astana Times, 2024-02-27; Qazinform, May 2025).
    rows = [["", "2023", "2024"], ["Cargo via TITR, mln t", "2.76", "4.5"]]
    first = table_claims(_document(rows, "", "", date(2025, 5, 15), ""))
    again = table_claims(_document(rows, "", "", date(2025, 5, 15), ""))
    assert [c.claim_id for c in first] == [c.claim_id for c in again]
    assert len({c.claim_id for c in first}) == 2


@pytest.mark.parametrize(("label", "expected"), _cells("unit_labels", "label", "expected"))
def test_unit_of_label(label: str, expected: list[Any] | None) -> None:
    """The unit and multiplier a header gives the figures under it."""
    assert unit_of_label(label) == (tuple(expected) if expected else None)
