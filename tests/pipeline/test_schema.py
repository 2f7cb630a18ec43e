"""The claim and source contracts: good frames pass, and every bad row is reported at once."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

import pandas as pd
import pytest

from metrics.errors import SchemaViolation
from metrics.models import CLAIM_COLUMNS, SOURCE_COLUMNS, Claim, Document
from metrics.schema import (
    PERIOD_PATTERN,
    claims_frame,
    describe_failures,
    sources_frame,
    validate_claims,
    validate_sources,
)

GOOD = Claim(
    claim_id="c0",
    source_id="s1",
    metric="titr_cargo_volume",
    entity="TITR",
    value=4_500_000.0,
    unit="t",
    value_text="4.5 million tons",
    period="2024",
    period_start=date(2024, 1, 1),
    period_end=date(2024, 12, 31),
    status="actual",
    measure="level",
    base_period=None,
    qualifier="exact",
    quote="in 2024, reaching 4.5 million tons",
    char_start=10,
    char_end=44,
    extractor="test",
)


def good_claims(n: int) -> list[Claim]:
    return [replace(GOOD, claim_id=f"c{i}") for i in range(n)]


def test_good_claims_pass_and_are_coerced() -> None:
    claims = [
        GOOD,
        replace(GOOD, claim_id="growth", value=62, unit="pct_change", measure="growth",
                base_period="2023", qualifier="approx"),
        replace(GOOD, claim_id="no-period", entity=None, period=None, period_start=None,
                period_end=None, status="forecast"),
        replace(GOOD, claim_id="range", period="2024-01..2024-05", period_end=date(2024, 5, 31),
                status="target", unit="%", measure="share"),
    ]
    out = validate_claims(claims_frame(claims))
    assert list(out.columns) == list(CLAIM_COLUMNS)
    assert out["value"].dtype == "float64"
    assert len(out) == 4


def test_no_claims_is_a_valid_frame() -> None:
    assert list(validate_claims(claims_frame([])).columns) == list(CLAIM_COLUMNS)


BAD_ROWS = [
    pytest.param({"unit": "kg"}, "isin", id="unit"),
    pytest.param({"status": "maybe"}, "isin", id="status"),
    pytest.param({"measure": "total"}, "isin", id="measure"),
    pytest.param({"qualifier": "roughly"}, "isin", id="qualifier"),
    pytest.param({"char_start": -1}, "greater_than_or_equal_to", id="negative-offset"),
    pytest.param({"char_end": 10}, "span_not_empty", id="empty-span"),
    pytest.param({"period": "2024-13"}, "str_matches", id="period-label"),
    pytest.param({"base_period": "last year"}, "str_matches", id="base-period-label"),
    pytest.param({"period_start": date(2025, 1, 1)}, "period_start_not_after_end",
                 id="start-after-end"),
    pytest.param({"period_end": None}, "period_start_not_after_end", id="one-bound-only"),
    pytest.param({"metric": None}, "not_nullable", id="metric-null"),
    pytest.param({"value": "n/a"}, "coerce_dtype", id="value-not-a-number"),
    pytest.param({"value": float("inf")}, "value_finite", id="value-infinite"),
    pytest.param({"value": -float("inf")}, "value_finite", id="value-minus-infinite"),
    pytest.param({"claim_id": ""}, "str_length", id="empty-claim-id"),
]


@pytest.mark.parametrize(("changes", "check"), BAD_ROWS)
def test_bad_row_is_named(changes: dict, check: str) -> None:
    frame = claims_frame(good_claims(3))
    for column, value in changes.items():
        frame[column] = frame[column].astype(object)
        frame.at[1, column] = value
    with pytest.raises(SchemaViolation) as raised:
        validate_claims(frame)
    cases = raised.value.failure_cases
    assert raised.value.table == "claims"
    assert set(cases["index"]) == {1}
    assert cases["check"].str.contains(check).any()


def test_every_bad_row_is_reported() -> None:
    """Lazy validation: one run lists all bad rows, not only the first."""
    claims = good_claims(2 + len(BAD_ROWS))
    frame = claims_frame(claims).astype(object)
    bad_rows = range(2, len(claims))
    for row, case in zip(bad_rows, BAD_ROWS, strict=True):
        for column, value in case.values[0].items():
            frame.at[row, column] = value
    with pytest.raises(SchemaViolation) as raised:
        validate_claims(frame)
    assert set(raised.value.failure_cases["index"]) == set(bad_rows)


def test_duplicate_claim_ids_are_both_reported() -> None:
    frame = claims_frame([*good_claims(2), GOOD])
    with pytest.raises(SchemaViolation) as raised:
        validate_claims(frame)
    cases = raised.value.failure_cases
    assert set(cases.loc[cases["check"] == "field_uniqueness", "index"]) == {0, 2}


@pytest.mark.parametrize(
    ("change", "check"),
    [
        pytest.param(lambda df: df.assign(note="x"), "column_in_schema", id="extra-column"),
        pytest.param(lambda df: df.drop(columns="quote"), "column_in_dataframe",
                     id="missing-column"),
    ],
)
def test_frame_shape_is_strict(change, check: str) -> None:
    with pytest.raises(SchemaViolation) as raised:
        validate_claims(change(claims_frame(good_claims(2))))
    assert check in set(raised.value.failure_cases["check"])


@pytest.mark.parametrize(
    ("label", "valid"),
    [
        ("2023", True),
        ("2024-H1", True),
        ("2024-Q1", True),
        ("2024-05", True),
        ("2024-01..2024-05", True),
        ("2021..2025", True),
        ("2024-H3", False),
        ("2024-Q5", False),
        ("2024-13", False),
        ("2024-5", False),
        ("24", False),
        ("2024..", False),
        ("2024/2025", False),
        ("FY2024", False),
    ],
)
def test_period_labels(label: str, valid: bool) -> None:
    assert bool(re.match(PERIOD_PATTERN, label)) is valid


def test_describe_failures_names_checks_and_values() -> None:
    frame = claims_frame(good_claims(3))
    frame.at[0, "unit"] = "kg"
    frame.at[2, "char_end"] = 10
    with pytest.raises(SchemaViolation) as raised:
        validate_claims(frame)
    summary = describe_failures(raised.value)
    assert "unit: isin" in summary
    assert "'kg'" in summary
    assert "span_not_empty failed for 1 row(s)" in summary


DOC = Document(path="docs/a.txt", text="Body.", title="T", published=date(2024, 7, 3),
               content_sha256="0" * 64, meta={"date_note": "inferred"})


def test_good_sources_pass() -> None:
    frame = sources_frame([DOC, replace(DOC, path="b.md", format="md", published=None)],
                          datetime(2025, 1, 1, 12))
    out = validate_sources(frame)
    assert list(out.columns) == list(SOURCE_COLUMNS)
    assert out.loc[0, "meta"] == '{"date_note": "inferred"}'


@pytest.mark.parametrize(
    ("document", "check"),
    [
        pytest.param(replace(DOC, content_sha256="abc"), "str_matches", id="bad-hash"),
        pytest.param(replace(DOC, format="docx"), "isin", id="bad-format"),
        pytest.param(DOC, "field_uniqueness", id="same-path-twice"),
    ],
)
def test_bad_sources_are_reported(document: Document, check: str) -> None:
    with pytest.raises(SchemaViolation) as raised:
        validate_sources(sources_frame([DOC, document], datetime(2025, 1, 1)))
    cases = raised.value.failure_cases
    assert raised.value.table == "sources"
    assert 1 in set(cases["index"])
    assert cases["check"].str.contains(check).any()


def test_failure_cases_is_a_frame() -> None:
    with pytest.raises(SchemaViolation) as raised:
        validate_claims(claims_frame([replace(GOOD, unit="kg")]))
    assert isinstance(raised.value.failure_cases, pd.DataFrame)
