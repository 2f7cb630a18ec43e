"""The DuckDB fact store: `sources` (one row per article) and `claims` (one row per figure).

A batch is validated completely before anything is written and then written in one
transaction, so the database never holds half of an ingest. DuckDB lets one process write
or many read, so open the store, do the work and close it (`with Store(...) as store:`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import duckdb
import pandas as pd

from metrics.errors import MetricsError, SchemaViolation, SourceError
from metrics.models import Claim, Document
from metrics.schema import (
    claims_frame,
    describe_failures,
    sources_frame,
    validate_claims,
    validate_sources,
)
from metrics.sources import iter_source_files, load_document

DEFAULT_DB = Path("metrics.duckdb")

Extractor = Callable[[Document], list[Claim]]
Progress = Callable[[Path, str], None]
"""Called once per file with what happened to it: `"12 claims"`, `"unchanged"` or `"failed"`."""

_DDL = """
CREATE TABLE IF NOT EXISTS sources (
    source_id      VARCHAR PRIMARY KEY,
    path           VARCHAR NOT NULL,
    title          VARCHAR,
    url            VARCHAR,
    publisher      VARCHAR,
    published      DATE,
    content_sha256 VARCHAR NOT NULL,
    format         VARCHAR NOT NULL,
    ingested_at    TIMESTAMP NOT NULL,
    meta           JSON
);
CREATE TABLE IF NOT EXISTS claims (
    claim_id     VARCHAR PRIMARY KEY,
    source_id    VARCHAR NOT NULL,
    metric       VARCHAR NOT NULL,
    entity       VARCHAR,
    value        DOUBLE NOT NULL,
    unit         VARCHAR NOT NULL,
    value_text   VARCHAR NOT NULL,
    period       VARCHAR,
    period_start DATE,
    period_end   DATE,
    status       VARCHAR NOT NULL,
    measure      VARCHAR NOT NULL,
    base_period  VARCHAR,
    qualifier    VARCHAR NOT NULL,
    quote        VARCHAR NOT NULL,
    char_start   INTEGER NOT NULL,
    char_end     INTEGER NOT NULL,
    extractor    VARCHAR NOT NULL
);
"""


class StoreError(MetricsError):
    """The database cannot be opened, queried or written; the message says what to do."""


@dataclass(frozen=True)
class IngestSummary:
    """What one `Store.ingest` call did; `failed` holds `(path, message)` per rejected file."""

    documents: int = 0
    claims: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.documents} documents, {self.claims} claims, "
            f"{self.skipped} skipped, {len(self.failed)} failed"
        )


class Store:
    """A DuckDB file holding the `sources` and `claims` tables.

    `Store()` opens `metrics.duckdb` in the working directory and creates the tables if needed;
    `Store(":memory:")` is a throwaway database for tests. `read_only=True` never creates
    anything and lets other readers open the same file at the same time.
    """

    def __init__(self, path: str | Path = DEFAULT_DB, *, read_only: bool = False) -> None:
        self.path = str(path)
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError(
                f"no database at {self.path}: run `metrics ingest` first "
                "or point --db / METRICS_DB at an existing file"
            )
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(_open_failure(self.path, exc)) from exc
        if not read_only:
            self.con.execute(_DDL)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the file so other processes (a notebook, `metrics sql`) can open it."""
        self.con.close()

    def ingest(
        self,
        paths: Iterable[Path | str],
        *,
        progress: Progress | None = None,
        extractor: Extractor | None = None,
    ) -> IngestSummary:
        """Load, extract and store every article file under `paths` (files or folders).

        A file that cannot be read or whose claims fail the schema goes to
        `IngestSummary.failed` and the others go on. A file whose content hash is already
        stored under its `source_id` is skipped; a changed file replaces its earlier source
        row and claims. Everything that passed is written in one transaction; if that fails
        it is rolled back and `StoreError` is raised, leaving the stored data as it was.
        """
        if extractor is None:
            # Imported here so that read-only use (`metrics sql`) never loads the pattern set.
            from metrics.extract import extract_claims

            extractor = extract_claims
        report = progress or (lambda file, outcome: None)
        stored = dict(self.con.execute("SELECT source_id, content_sha256 FROM sources").fetchall())
        accepted: dict[str, tuple[Document, pd.DataFrame]] = {}
        skipped = 0
        failed: list[tuple[str, str]] = []

        def fail(file: Path, message: str) -> None:
            failed.append((str(file), message))
            report(file, "failed")

        for file, root in iter_source_files(paths):
            try:
                doc = load_document(file, root)
            except SourceError as exc:
                fail(file, str(exc))
                continue
            if doc.source_id in accepted:
                fail(
                    file,
                    f"{file}: same path {doc.path!r} as another file in this batch; "
                    "ingest the two folders separately",
                )
                continue
            if stored.get(doc.source_id) == doc.content_sha256:
                skipped += 1
                report(file, "unchanged")
                continue
            try:
                claims = validate_claims(claims_frame(extractor(doc)))
            except SchemaViolation as exc:
                fail(file, f"{file}: claims failed validation ({describe_failures(exc)})")
                continue
            accepted[doc.source_id] = (doc, claims)
            report(file, f"{len(claims)} claim{'' if len(claims) == 1 else 's'}")

        if accepted:
            self._write(accepted.values())
        return IngestSummary(
            documents=len(accepted),
            claims=sum(len(claims) for _, claims in accepted.values()),
            skipped=skipped,
            failed=failed,
        )

    def claims(
        self,
        metric: str | None = None,
        entity: str | None = None,
        period: str | None = None,
        status: str | None = None,
    ) -> pd.DataFrame:
        """Stored claims ordered by file path and position, narrowed by exact matches."""
        filters = {"metric": metric, "entity": entity, "period": period, "status": status}
        used = {column: value for column, value in filters.items() if value is not None}
        where = " AND ".join(f"c.{column} = ?" for column in used)
        sql = (
            "SELECT c.* FROM claims c JOIN sources s USING (source_id)"
            + (f" WHERE {where}" if where else "")
            + " ORDER BY s.path, c.char_start, c.claim_id"
        )
        return self.con.execute(sql, list(used.values())).df()

    def query(self, sql: str) -> pd.DataFrame:
        """Run any SQL and return its result; a failing query raises `StoreError`."""
        try:
            return self.con.execute(sql).df()
        except duckdb.Error as exc:
            raise StoreError(f"query failed: {exc}") from exc

    def _write(self, batch: Iterable[tuple[Document, pd.DataFrame]]) -> None:
        docs, frames = zip(*batch, strict=True)
        ingested_at = datetime.now(UTC).replace(tzinfo=None)  # TIMESTAMP has no zone: UTC
        sources = validate_sources(sources_frame(docs, ingested_at))
        claims = pd.concat(frames, ignore_index=True)
        # DuckDB keeps the first of two equal keys in one INSERT without a word, so catch
        # ids shared between files here.
        duplicated = claims[claims["claim_id"].duplicated(keep=False)]
        if not duplicated.empty:
            raise SchemaViolation("claims", duplicated[["claim_id", "source_id", "quote"]])
        self.con.register("_batch_sources", sources)
        self.con.register("_batch_claims", claims)
        try:
            self.con.execute("BEGIN TRANSACTION")
            self.con.execute(
                "DELETE FROM claims WHERE source_id IN (SELECT source_id FROM _batch_sources)"
            )
            self.con.execute(
                "DELETE FROM sources WHERE source_id IN (SELECT source_id FROM _batch_sources)"
            )
            self.con.execute("INSERT INTO sources BY NAME SELECT * FROM _batch_sources")
            self.con.execute("INSERT INTO claims BY NAME SELECT * FROM _batch_claims")
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            with contextlib.suppress(duckdb.TransactionException):  # a failed COMMIT ends it
                self.con.execute("ROLLBACK")
            raise StoreError(f"nothing was stored, the write failed: {exc}") from exc
        finally:
            self.con.unregister("_batch_sources")
            self.con.unregister("_batch_claims")


def _open_failure(path: str, exc: duckdb.Error) -> str:
    if "lock" in str(exc).lower():
        return (
            f"{path} is open in another process (a running ingest or a notebook); "
            f"close it and retry ({exc})"
        )
    return f"cannot open {path}: {exc}"
