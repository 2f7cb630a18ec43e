"""The records that flow through the pipeline: documents, quantities, periods and claims."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Table:
    """A table as its cells' text, placed in its document's text.

    A table's claims need offsets like any other claim, so each table is written out as text
    after the document's prose (`render_tables`) and `offsets[r][c]` is where cell `rows[r][c]`
    starts in `Document.text`.
    """

    name: str  # "table 2", "sheet Cargo", "page 3 table 1": how the quote names it
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""  # the words around it that say what it holds ("thousand tonnes")
    start: int = 0
    offsets: tuple[tuple[int, ...], ...] = ()


SOURCE_FORMATS = ("txt", "md", "html", "csv", "xlsx", "pdf")
"""What `Document.format` may be: the kinds of file `metrics.read` reads (its `FORMATS`)."""


@dataclass(frozen=True)
class Document:
    """One source article, page or table file.

    `text` is the body after any front matter, followed by the tables written out as text;
    every character offset in a claim (`char_start`, `char_end`) points into it. The text
    extractors read only `prose`, the part before the tables.
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
    tables: tuple[Table, ...] = ()

    @property
    def prose(self) -> str:
        """The running text, without the tables written out after it."""
        return self.text[: self.tables[0].start] if self.tables else self.text

    @property
    def source_id(self) -> str:
        """Stable per path, so a changed file replaces its earlier claims."""
        return source_id_of(self.path)


def source_id_of(path: str) -> str:
    """The `source_id` of a document stored under `path`."""
    return hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]


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
    # Provenance (issue 16), after the columns older databases have, so an upgraded table
    # keeps the same column order as a new one.
    originator: str | None = None  # who states the figure: a `name` of originators.yaml
    scope: str | None = None  # a coverage restriction ("via seaports"): a label of scopes.yaml
    superseded: bool = False  # an earlier vintage a revision sentence restates


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
    "origin",
)
