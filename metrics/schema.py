"""The fact-table contract as pandera schemas: nothing reaches the database unchecked.

Validation is lazy so one run reports every bad row, not just the first; the store rejects a
file's claims as a whole when any of them fails.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from datetime import datetime
from operator import attrgetter

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from metrics.data import load
from metrics.errors import SchemaViolation
from metrics.models import CLAIM_COLUMNS, SOURCE_COLUMNS, SOURCE_FORMATS, Claim, Document
from metrics.vocab import Measure, Qualifier, SourceOrigin, Status, Unit

_POINT = r"\d{4}(?:-(?:H[12]|Q[1-4]|0[1-9]|1[0-2]))?"  # 2024, 2024-H1, 2024-Q1, 2024-05
PERIOD_PATTERN = rf"^{_POINT}(?:\.\.{_POINT})?$"
"""Period labels: a year, half, quarter or month, or a range `A..B` of those."""


def originator_names() -> list[str]:
    """What `claims.originator` may hold: the organisations of originators.yaml."""
    return [entry["name"] for entry in load("originators.yaml")["originators"]]


def scope_labels() -> list[str]:
    """What `claims.scope` may hold besides "through <place>": the labels of provenance.yaml's
    scopes."""
    return [entry["label"] for entry in load("provenance.yaml")["scopes"]]


def place_scope_pattern() -> str:
    """The "through <place>" scopes (provenance.yaml place_scope_label), as a pattern."""
    label = load("provenance.yaml")["place_scope_label"]
    return "^" + re.escape(label).replace(re.escape("{place}"), r"\S.*") + "$"


class ClaimSchema(pa.DataFrameModel):
    """One row per claim; columns and types follow `metrics.models.Claim`."""

    claim_id: Series[str] = pa.Field(unique=True, str_length={"min_value": 1})
    source_id: Series[str] = pa.Field(str_length={"min_value": 1})
    metric: Series[str] = pa.Field(str_length={"min_value": 1})
    entity: Series[str] = pa.Field(nullable=True)
    value: Series[float]
    unit: Series[str] = pa.Field(isin=list(Unit))
    value_text: Series[str]
    period: Series[str] = pa.Field(nullable=True, str_matches=PERIOD_PATTERN)
    period_start: Series[pa.Date] = pa.Field(nullable=True)
    period_end: Series[pa.Date] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(isin=list(Status))
    measure: Series[str] = pa.Field(isin=list(Measure))
    base_period: Series[str] = pa.Field(nullable=True, str_matches=PERIOD_PATTERN)
    qualifier: Series[str] = pa.Field(isin=list(Qualifier))
    quote: Series[str]
    char_start: Series[int] = pa.Field(ge=0)
    char_end: Series[int]
    extractor: Series[str]
    originator: Series[str] = pa.Field(nullable=True, isin=originator_names())
    scope: Series[str] = pa.Field(nullable=True)
    superseded: Series[bool]

    class Config:
        strict = True
        coerce = True

    @pa.check("scope")
    @classmethod
    def scope_known(cls, scope: pd.Series) -> pd.Series[bool]:
        """A scope is one of provenance.yaml's labels or a "through <place>" scope."""
        return scope.isin(scope_labels()) | scope.str.match(place_scope_pattern())

    @pa.check("value")
    @classmethod
    def value_finite(cls, value: pd.Series) -> pd.Series[bool]:
        """inf would poison every sum and difference reconciliation takes (NaN is caught
        as a null)."""
        return pd.to_numeric(value, errors="coerce").abs().ne(math.inf)  # text: coerce says

    @pa.dataframe_check
    @classmethod
    def span_not_empty(cls, df: pd.DataFrame) -> pd.Series[bool]:
        return df["char_end"] > df["char_start"]

    @pa.dataframe_check
    @classmethod
    def period_start_not_after_end(cls, df: pd.DataFrame) -> pd.Series[bool]:
        """Both bounds or neither: a period known at one end only cannot be compared."""
        start, end = df["period_start"], df["period_end"]
        return (start.isna() & end.isna()) | (start <= end)


class SourceSchema(pa.DataFrameModel):
    """One row per article file; `meta` is the leftover front matter as a JSON object."""

    source_id: Series[str] = pa.Field(unique=True, str_length={"min_value": 1})
    path: Series[str] = pa.Field(str_length={"min_value": 1})
    title: Series[str] = pa.Field(nullable=True)
    url: Series[str] = pa.Field(nullable=True)
    publisher: Series[str] = pa.Field(nullable=True)
    published: Series[pa.Date] = pa.Field(nullable=True)
    content_sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    format: Series[str] = pa.Field(isin=SOURCE_FORMATS)
    ingested_at: Series[pa.DateTime]
    meta: Series[str]
    origin: Series[str] = pa.Field(isin=list(SourceOrigin))

    class Config:
        strict = True
        coerce = True


def validate_claims(df: pd.DataFrame) -> pd.DataFrame:
    """Return `df` coerced to the claim contract, or raise `SchemaViolation("claims", ...)`."""
    return _validate(ClaimSchema, "claims", df)


def validate_sources(df: pd.DataFrame) -> pd.DataFrame:
    """Return `df` coerced to the source contract, or raise `SchemaViolation("sources", ...)`."""
    return _validate(SourceSchema, "sources", df)


_claim_row = attrgetter(*CLAIM_COLUMNS)
"""A claim's fields in column order: `dataclasses.astuple` without the deep copy it makes of
every field (all are scalars), 1 µs a claim rather than 17."""


def claims_frame(claims: Iterable[Claim]) -> pd.DataFrame:
    """Claims as a frame with exactly `CLAIM_COLUMNS`, also when there are none."""
    return pd.DataFrame([_claim_row(claim) for claim in claims], columns=list(CLAIM_COLUMNS))


def sources_frame(
    documents: Iterable[Document],
    ingested_at: datetime,
    origin: SourceOrigin = SourceOrigin.EXTRACTED,
) -> pd.DataFrame:
    """Source rows for `documents`; the text itself stays in the files."""
    rows = [
        {
            "source_id": doc.source_id,
            "path": doc.path,
            "title": doc.title,
            "url": doc.url,
            "publisher": doc.publisher,
            "published": doc.published,
            "content_sha256": doc.content_sha256,
            "format": doc.format,
            "ingested_at": ingested_at,
            "meta": json.dumps(doc.meta, ensure_ascii=False, sort_keys=True, default=str),
            "origin": str(origin),
        }
        for doc in documents
    ]
    return pd.DataFrame(rows, columns=list(SOURCE_COLUMNS))


def describe_failures(violation: SchemaViolation) -> str:
    """One line per failed check, e.g. `unit: isin([...]) failed for 'kg'`."""
    cases = violation.failure_cases
    if not isinstance(cases, pd.DataFrame) or "check" not in cases:
        return str(cases)
    parts = []
    for (context, column, check), group in cases.groupby(
        ["schema_context", "column", "check"], sort=False, dropna=False
    ):
        if context == "DataFrameSchema" and group["index"].notna().all():
            # a row check lists every cell of each failing row: count the rows instead
            rows = group["index"].nunique()
            parts.append(f"{check} failed for {rows} row(s)")
        else:
            values = ", ".join(repr(v) for v in group["failure_case"].unique()[:3])
            parts.append(f"{column}: {check} failed for {values}")
    return "; ".join(dict.fromkeys(parts))


def _validate(model: type[pa.DataFrameModel], table: str, df: pd.DataFrame) -> pd.DataFrame:
    try:
        return model.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise SchemaViolation(table, exc.failure_cases) from exc
