"""The package's exceptions: one small hierarchy the CLI turns into readable messages."""

from __future__ import annotations

from enum import Enum


class Reason(Enum):
    """Why a source file could not be read."""

    NOT_FOUND = "not found"
    UNREADABLE = "cannot be read"
    TOO_LARGE = "too large for an article"
    BINARY = "binary data, not text"
    NOT_UTF8 = "not UTF-8 text"
    BAD_FRONT_MATTER = "front matter is not valid YAML key: value lines"
    BAD_DATE = "published is not a date (YYYY-MM-DD)"
    FUTURE_DATE = "published is in the future"
    BAD_SIDECAR = "metadata file is not valid YAML key: value lines"
    UNSUPPORTED_FORMAT = "unsupported file type"
    EMPTY = "no text"
    NO_TEXT_IN_PDF = "no text in the PDF (a scan? run OCR on it first)"
    ENCRYPTED = "encrypted PDF (it needs a password)"
    BROKEN = "cannot be parsed"
    NO_METRIC = "no table with a recognisable metric"
    OUTSIDE_FOLDER = "a symlink that leads outside the folder being ingested"
    DATE_OUT_OF_RANGE = "published is out of range"
    TIME_BUDGET = "exceeded the time budget"
    MEMORY_BUDGET = "exceeded the memory budget"
    CRASHED = "crashed the process reading it"


class MetricsError(Exception):
    """Base class for every error this package raises on purpose."""


class SourceError(MetricsError):
    """A source file that cannot be loaded; names the file and the reason."""

    def __init__(self, path: str, reason: Reason, detail: str = "") -> None:
        self.path = path
        self.reason = reason
        self.detail = detail
        message = f"{path}: {reason.value}"
        super().__init__(f"{message} ({detail})" if detail else message)


class CatalogError(MetricsError):
    """The metric catalog data file is inconsistent."""


class SchemaViolation(MetricsError):
    """Rows failed validation; `failure_cases` lists every failing row and check."""

    def __init__(self, table: str, failure_cases: object) -> None:
        self.table = table
        self.failure_cases = failure_cases
        super().__init__(f"{table}: rows failed validation\n{failure_cases}")


class DataFileError(MetricsError):
    """A file of the package's data (metrics/data/) is missing or not in its expected shape."""
