"""Claims an analyst adds or hides by hand, beside the ones the extractor found.

A figure no article carries (a phone call, a scanned table) or a correction of the extractor
goes in a claims file in the gold annotations' layout (`add_claims`), one row per claim, and
is stored like an ingested document's claims: validated by the same schema, its source
marked `origin = manual`, the reconciliation rebuilt in the same transaction. A claim the
extractor got wrong is hidden from the reconciliation, not deleted (`exclude_claim`), so
re-ingesting its article does not bring it back and `restore_claim` undoes it.

A claims file is stored whole or not at all: a bad row is reported with its line and
reason and nothing of that file is written, since a file stored in part would count as
loaded ("same file again = unchanged") and hide the rows it lost.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from metrics.errors import MetricsError, SchemaViolation, SourceError
from metrics.extract.prose import revised_from
from metrics.extract.provenance import originator_named, scope_named, with_provenance
from metrics.extract.rules import claim_id as make_claim_id
from metrics.extract.segment import sentences
from metrics.lexicon.periods import period_from_label
from metrics.lexicon.quantities import find_quantities
from metrics.models import SOURCE_FORMATS, Claim, Document
from metrics.read import load_document
from metrics.schema import claims_frame, sources_frame, validate_claims, validate_sources
from metrics.store import Store, StoreError
from metrics.vocab import SourceOrigin

REQUIRED_FIELDS = (
    "doc",
    "quote",
    "metric",
    "entity",
    "value",
    "unit",
    "period",
    "status",
    "measure",
    "base_period",
    "qualifier",
    "published",
)
"""The fields of `../shared/corpus/gold.jsonl` every row must have (values may be empty
where the claim contract allows a null)."""
OPTIONAL_FIELDS = (
    "title",
    "url",
    "publisher",
    "originator",
    "scope",
    "superseded",
    "value_text",
)
"""Fields a row may add: the source's front matter, who states the figure and its scope
(names of originators.yaml and provenance.yaml's scopes, or one of their aliases), whether
a revision restates it, and the figure as written (found in the quote when absent)."""
EXTRACTOR = "manual"
"""`claims.extractor` of a hand-entered claim."""

_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0", ""}


class ClaimsFileError(MetricsError):
    """A claims file that cannot be read at all (missing, not CSV or JSON lines)."""


@dataclass(frozen=True)
class AddSummary:
    """What `add_claims` did with one file; `errors` are `FILE:LINE: reason` lines."""

    file: str
    sources: int = 0
    claims: int = 0
    unchanged: bool = False
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if self.errors:
            return f"{self.file}: {len(self.errors)} bad row(s), nothing stored"
        if self.unchanged:
            return f"{self.file}: unchanged"
        return f"{self.file}: {self.sources} sources, {self.claims} claims"


def add_claims(store: Store, path: Path | str, docs: Path | str | None = None) -> AddSummary:
    """Store the claims of the CSV or JSON-lines file `path`, replacing the ones an earlier
    version of the same file (known by its name) stored, and rebuild the reconciliation.

    A row's `doc` names its source; when `docs` holds a file of that name, its front matter
    fills the title, URL and publisher the row leaves out, the quote is placed in its text
    (so the claim's offsets point into it) and the text around the quote gives the
    originator and scope the row leaves out. The same file (and documents) again changes
    nothing. A file with any bad row stores nothing; every bad row is in `errors`.
    Raises `ClaimsFileError` for a file that cannot be read at all.
    """
    path = Path(path)
    rows = read_rows(path)
    documents = _documents(rows, Path(docs) if docs is not None else None)
    fingerprint = _fingerprint(path, documents)
    stored = store.manual_sources(path.name)
    if stored and all(sha == fingerprint for sha in stored.values()):
        return AddSummary(path.name, unchanged=True)
    ingested_at = datetime.now(UTC).replace(tzinfo=None)
    sources, claims, errors = manual_frames(path.name, rows, documents, fingerprint, ingested_at)
    if errors:
        return AddSummary(path.name, errors=errors)

    def work() -> None:
        store.write(sources, claims, replace=list(stored))
        rebuild(store)

    store.transaction(work)
    return AddSummary(path.name, sources=len(sources), claims=len(claims))


def exclude_claim(store: Store, claim_id: str, why: str) -> None:
    """Hide `claim_id` from the reconciliation, with the reason, and rebuild it.

    Raises `StoreError` for a claim that is not stored or an empty reason.
    """
    if not why.strip():
        raise StoreError("say why the claim is excluded (--why TEXT): the reason is kept")
    if not store.has_claim(claim_id):
        raise StoreError(f"no claim {claim_id!r} is stored; `metrics claims` lists them")
    at = datetime.now(UTC).replace(tzinfo=None)

    def work() -> None:
        store.exclude(claim_id, why.strip(), at)
        rebuild(store)

    store.transaction(work)


def restore_claim(store: Store, claim_id: str) -> None:
    """Undo `exclude_claim`: `claim_id` counts in the reconciliation again, which is rebuilt.

    Raises `StoreError` when the claim is not excluded.
    """

    def work() -> None:
        if not store.include(claim_id):
            raise StoreError(f"claim {claim_id!r} is not excluded")
        rebuild(store)

    store.transaction(work)


def rebuild(store: Store) -> None:
    """The reconciliation rebuilt from the stored claims, inside the caller's transaction."""
    from metrics.pipeline import rebuild_reconciliation  # the pipeline imports the store too

    rebuild_reconciliation(store)


# -- reading ----------------------------------------------------------------------------


Row = tuple[int, dict[str, Any]]
"""A row of a claims file with the line it starts on."""


def read_rows(path: Path) -> list[Row]:
    """The rows of a claims file: `.csv` with a header row, or `.jsonl` with one JSON object
    a line (blank lines skipped). Raises `ClaimsFileError` when it cannot be read."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ClaimsFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise ClaimsFileError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(text)
    if suffix in (".jsonl", ".ndjson"):
        return _json_rows(text)
    raise ClaimsFileError(f"{path}: not a claims file; give a .csv or .jsonl file")


def _csv_rows(text: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[Row] = []
    line = 2  # the header is line 1
    for record in reader:
        rows.append((line, dict(record)))
        line = reader.line_num + 1
    return rows


def _json_rows(text: str) -> list[Row]:
    rows: list[Row] = []
    for line, content in enumerate(text.splitlines(), start=1):
        if not content.strip():
            continue
        try:
            record = json.loads(content)
        except json.JSONDecodeError as exc:
            record = _NotARow(f"not JSON ({exc.msg})")
        if not isinstance(record, dict):
            record = record if isinstance(record, _NotARow) else _NotARow("not a JSON object")
        rows.append((line, record))
    return rows


class _NotARow(dict[str, Any]):
    """A line that is no row at all, carrying why."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


def _documents(rows: list[Row], docs: Path | None) -> dict[str, Document]:
    """The documents of `docs` the rows name (read once each); a name with no readable
    file there is left out (the row is then stored on its own words)."""
    if docs is None:
        return {}
    found: dict[str, Document] = {}
    for _, record in rows:
        name = record.get("doc")
        if not isinstance(name, str) or not name or name in found:
            continue
        file = docs / name
        if file.is_file():
            try:
                found[name] = load_document(file, docs)
            except SourceError:
                continue
    return found


def _fingerprint(path: Path, documents: dict[str, Document]) -> str:
    """What a load depends on: the file's bytes and the documents its rows were read in."""
    digest = hashlib.sha256(path.read_bytes())
    for name in sorted(documents):
        digest.update(f"\0{name}\0{documents[name].content_sha256}".encode())
    return digest.hexdigest()


# -- building rows ------------------------------------------------------------------------


def manual_frames(
    name: str,
    rows: list[Row],
    documents: dict[str, Document],
    fingerprint: str,
    ingested_at: datetime,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(sources, claims, errors) of the claims file `name`: validated frames, or the
    `NAME:LINE: reason` of every bad row."""
    errors: list[str] = []
    claims: list[Claim] = []
    lines: list[int] = []
    sources: dict[str, Document] = {}
    seen: dict[str, int] = {}
    for line, record in rows:
        try:
            claim, source = _claim(name, record, documents, seen)
        except ValueError as exc:
            errors.append(f"{name}:{line}: {exc}")
            continue
        claims.append(claim)
        lines.append(line)
        sources.setdefault(claim.source_id, source)
    if not rows:
        errors.append(f"{name}: no claims in the file")
    if errors:
        return pd.DataFrame(), pd.DataFrame(), errors
    claims = _with_provenance(claims, sources, documents)
    try:
        claim_rows = validate_claims(claims_frame(claims))
    except SchemaViolation as exc:
        return pd.DataFrame(), pd.DataFrame(), _row_failures(name, exc, lines)
    source_rows = sources_frame(sources.values(), ingested_at, SourceOrigin.MANUAL)
    source_rows["content_sha256"] = fingerprint
    return validate_sources(source_rows), claim_rows, []


def _claim(
    name: str, record: dict[str, Any], documents: dict[str, Document], seen: dict[str, int]
) -> tuple[Claim, Document]:
    """The claim of one row and the source it belongs to; ValueError says what is wrong."""
    if isinstance(record, _NotARow):
        raise ValueError(record.reason)
    unknown = sorted(set(record) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}")
    missing = [key for key in REQUIRED_FIELDS if key not in record]
    if missing:
        raise ValueError(f"missing field(s) {', '.join(missing)}")
    doc = _text(record, "doc")
    quote = _text(record, "quote")
    if not doc or not quote:
        raise ValueError("doc and quote must not be empty")
    value = _number(record["value"])
    period = _period(record, "period")
    base = _period(record, "base_period")
    value_text = _text(record, "value_text") or _value_text(quote, value)
    document = documents.get(doc)
    at = document.text.find(quote) if document else 0
    if at < 0:
        raise ValueError(f"quote not found in {doc}: {quote[:60]!r}")
    offset = quote.find(value_text)  # the figure's place in the quote, else the whole quote
    start, end = (at + offset, at + offset + len(value_text)) if offset >= 0 else (at, at + len(quote))
    source = _source(name, doc, record, document)
    fields = ("metric", "entity", "unit", "period", "status", "measure", "base_period")
    key = make_claim_id(source.source_id, quote, value, *(record[f] for f in fields))
    seen[key] = seen.get(key, 0) + 1  # the same row twice is two claims, as written
    claim = Claim(
        claim_id=key if seen[key] == 1 else make_claim_id(key, seen[key]),
        source_id=source.source_id,
        metric=_text(record, "metric") or "",
        entity=_text(record, "entity"),
        value=value,
        unit=_text(record, "unit") or "",
        value_text=value_text,
        period=period.label if period else None,
        period_start=period.start if period else None,
        period_end=period.end if period else None,
        status=_text(record, "status") or "",
        measure=_text(record, "measure") or "",
        base_period=base.label if base else None,
        qualifier=_text(record, "qualifier") or "",
        quote=quote,
        char_start=start,
        char_end=end,
        extractor=EXTRACTOR,
        originator=_named(record, "originator", originator_named, "originators.yaml"),
        scope=_named(record, "scope", scope_named, "provenance.yaml scopes"),
        superseded=_flag(record.get("superseded")),
    )
    return claim, source


def _source(name: str, doc: str, record: dict[str, Any], document: Document | None) -> Document:
    """The manual source of a row: `doc` within the claims file `name`, with the row's
    front matter, else the document's."""
    published = record.get("published")
    if published in (None, ""):
        day = document.published if document else None
    else:
        try:
            day = date.fromisoformat(str(published))
        except ValueError:
            raise ValueError(f"published is not a date (YYYY-MM-DD): {published!r}") from None
    suffix = Path(doc).suffix.lstrip(".").lower()
    return Document(
        path=f"{name}:{doc}",
        text="",
        title=_text(record, "title") or (document.title if document else None),
        url=_text(record, "url") or (document.url if document else None),
        publisher=_text(record, "publisher") or (document.publisher if document else None),
        published=day,
        format=suffix if suffix in SOURCE_FORMATS else "txt",
        meta={"claims_file": name, "doc": doc},
    )


def _with_provenance(
    claims: list[Claim], sources: dict[str, Document], documents: dict[str, Document]
) -> list[Claim]:
    """Claims with the originator and scope their document's text gives, where the row
    gave none, and marked superseded where the text revises them ("raised its forecast to
    5.5% from 5.0%": the 5.0%). The whole sentence around a quote is read, not only the
    quote."""
    by_doc: dict[str, list[int]] = {}
    for n, claim in enumerate(claims):
        by_doc.setdefault(sources[claim.source_id].meta["doc"], []).append(n)
    out = list(claims)
    for doc, numbers in by_doc.items():
        document = documents.get(doc)
        if document is None:
            continue
        probes = [replace(claims[n], quote="") for n in numbers]  # "": cut the sentence anew
        cut = sentences(document.text, document.published)
        starts = [s.start for s in cut]
        for n, found in zip(numbers, with_provenance(document.text, probes), strict=True):
            sentence = cut[max(0, bisect_right(starts, found.char_start) - 1)]
            vintage = revised_from(sentence.text, found.char_start - sentence.start)
            out[n] = replace(
                claims[n],
                originator=found.originator,
                scope=found.scope,
                superseded=claims[n].superseded or vintage,
            )
    return out


def _row_failures(name: str, violation: SchemaViolation, lines: list[int]) -> list[str]:
    """One `NAME:LINE: column: check failed for value` per failing row and check."""
    cases = violation.failure_cases
    if not isinstance(cases, pd.DataFrame) or "index" not in cases:
        return [f"{name}: {violation}"]
    out = []
    for _, case in cases.iterrows():
        index = case["index"]
        where = f"{name}:{lines[int(index)]}" if pd.notna(index) else name
        column = case.get("column")
        value = case.get("failure_case")
        what = f"{column}: " if isinstance(column, str) else ""
        out.append(f"{where}: {what}{case['check']} failed for {value!r}")
    return list(dict.fromkeys(out))


# -- fields -------------------------------------------------------------------------------


def _text(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    return str(value).strip() or None


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"value is not a number: {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"value is not a finite number: {value!r}")
    return number


def _period(record: dict[str, Any], key: str) -> Any:
    label = _text(record, key)
    if label is None:
        return None
    try:
        return period_from_label(label)
    except ValueError:
        raise ValueError(
            f"{key} is not a period label (2024, 2024-H1, 2024-Q1, 2024-05, A..B): {label!r}"
        ) from None


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"superseded is not true or false: {value!r}")


def _named(
    record: dict[str, Any], key: str, lookup: Callable[[str], str | None], where: str
) -> str | None:
    given = _text(record, key)
    if given is None:
        return None
    name = lookup(given)
    if name is None:
        raise ValueError(f"{key} {given!r} is not in {where} (add it there first)")
    return name


def _value_text(quote: str, value: float) -> str:
    """The figure as the quote writes it: the quantity in it whose value is the row's (a
    percentage or multiple compared as written), else the value itself."""
    for quantity in find_quantities(quote):
        if math.isclose(quantity.value, value, rel_tol=1e-9, abs_tol=1e-12):
            return quantity.text
    return f"{value:g}"
