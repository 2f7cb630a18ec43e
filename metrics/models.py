"""The records that flow through the pipeline: documents, quantities, periods and claims."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Document:
    """One source article.

    `text` is the body after any front matter; every character offset in a claim
    (`char_start`, `char_end`) points into it.
    """

    path: str
    text: str
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: date | None = None
    format: str = "txt"
    content_sha256: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def source_id(self) -> str:
        """Stable per path, so a changed file replaces its earlier claims."""
        return hashlib.sha1(self.path.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Quantity:
    """A number with its unit, normalised to the base unit, keeping the text as written.

    `unit` is a canonical code: `t`, `TEU`, an ISO 4217 currency (`USD`, `KZT`, ...),
    `%`, `pp`, `x` (a multiple), `km`, `day`, or `""` for a bare number.
    `low`/`high` are set for a written range ("3-4%"), whose `value` is the midpoint.
    """

    value: float
    unit: str
    text: str
    start: int
    end: int
    low: float | None = None
    high: float | None = None
    noun: str | None = None  # what a bare count counts ("containers", "jobs")

    @property
    def is_range(self) -> bool:
        return self.low is not None


@dataclass(frozen=True)
class Period:
    """A span of time with a label in the claim contract's notation.

    Labels: `2023`, `2024-H1`, `2024-Q1`, `2024-05`, `2024-01..2024-05`, `2021..2025`.
    """

    label: str
    start: date
    end: date


@dataclass(frozen=True)
class Claim:
    """One row of the `claims` fact table; the field names are a public contract."""

    claim_id: str
    source_id: str
    metric: str
    entity: str | None
    value: float
    unit: str
    value_text: str
    period: str | None
    period_start: date | None
    period_end: date | None
    status: str
    measure: str
    base_period: str | None
    qualifier: str
    quote: str
    char_start: int
    char_end: int
    extractor: str


CLAIM_COLUMNS: tuple[str, ...] = tuple(Claim.__dataclass_fields__)
SOURCE_COLUMNS: tuple[str, ...] = (
    "source_id",
    "path",
    "title",
    "url",
    "publisher",
    "published",
    "content_sha256",
    "format",
    "ingested_at",
    "meta",
)
