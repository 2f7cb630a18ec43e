"""The DuckDB fact store: `sources` (one row per article), `claims` (one row per figure)
and the reconciliation tables derived from them.

Storage only: opening the file (waiting for another process's lock), the tables, writing
validated rows, the read-only queries. What goes in, and when, is `metrics.pipeline`'s
business; it writes a whole batch in one `Store.transaction`, so the database never holds
half of an ingest. DuckDB lets one process write or many read, so open the store, do the
work and close it (`with Store(...) as store:`).
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import duckdb
import pandas as pd

from metrics.defaults import DEFAULT_DB
from metrics.errors import MetricsError
from metrics.reconcile import Reconciliation

VIEWS = (
    "resolved", "conflicts", "implied", "forecast_errors", "target_history", "targets",
    *("undated", "revisions", "spreads", "mirror_statistics", "implausible"),  # issue 16
)  # fmt: skip
"""The reconciliation's stable names for ad hoc SQL (see the README for example queries)."""

T = TypeVar("T")

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

# Columns added after the first release, each with how an older file is upgraded in place:
# `ALTER TABLE ... ADD COLUMN` fills existing rows with the default, so a database written
# before them opens as if it had been written now (claims with no originator or scope, not
# superseded; sources extracted). New files get them the same way, after `_DDL`, so both
# have the same columns in the same order.
_ADDED_COLUMNS = (
    ("claims", "originator", "VARCHAR", False),
    ("claims", "scope", "VARCHAR", False),
    ("claims", "superseded", "BOOLEAN DEFAULT false", True),
    ("sources", "origin", "VARCHAR DEFAULT 'extracted'", True),
)

# Claims an analyst hides from reconciliation without deleting them (`metrics exclude`).
_EXCLUSIONS_DDL = """
CREATE TABLE IF NOT EXISTS exclusions (
    claim_id    VARCHAR PRIMARY KEY,
    why         VARCHAR NOT NULL,
    excluded_at TIMESTAMP
);
"""

# What reconciliation derives from `claims`; the pipeline rebuilds it whole in the ingest
# transaction, so it always matches the claims it was computed from. Columns follow
# `metrics.reconcile`.
_RECONCILE_DDL = """
CREATE TABLE IF NOT EXISTS recon_resolved (
    point_id VARCHAR, metric VARCHAR, entity VARCHAR, period VARCHAR, period_start DATE,
    period_end DATE, measure VARCHAR, unit VARCHAR, base_period VARCHAR, status VARCHAR,
    state VARCHAR, value DOUBLE, low DOUBLE, high DOUBLE, value_text VARCHAR,
    claim_id VARCHAR, rule VARCHAR, conflict BOOLEAN, n_claims INTEGER, n_sources INTEGER,
    publisher VARCHAR, published DATE, url VARCHAR, quote VARCHAR
);
CREATE TABLE IF NOT EXISTS resolution_trail (
    point_id VARCHAR, claim_id VARCHAR, verdict VARCHAR, rule VARCHAR, reason VARCHAR,
    low DOUBLE, high DOUBLE
);
CREATE TABLE IF NOT EXISTS recon_implied (
    implied_id VARCHAR, metric VARCHAR, entity VARCHAR, period VARCHAR, period_start DATE,
    period_end DATE, measure VARCHAR, unit VARCHAR, base_period VARCHAR, status VARCHAR,
    value DOUBLE, low DOUBLE, high DOUBLE, formula VARCHAR, inputs VARCHAR, consistency VARCHAR,
    stated_value DOUBLE, stated_text VARCHAR, stated_claim_id VARCHAR
);
CREATE TABLE IF NOT EXISTS recon_forecast_errors (
    metric VARCHAR, entity VARCHAR, period VARCHAR, measure VARCHAR, unit VARCHAR,
    forecast_claim_id VARCHAR, forecast_value DOUBLE, forecast_text VARCHAR,
    forecaster VARCHAR, forecast_published DATE, forecast_quote VARCHAR,
    actual_claim_id VARCHAR, actual_value DOUBLE, actual_text VARCHAR,
    actual_publisher VARCHAR, actual_published DATE, error DOUBLE, error_pct DOUBLE,
    within_interval BOOLEAN, lead_days INTEGER
);
CREATE TABLE IF NOT EXISTS recon_target_history (
    target_id VARCHAR, seq INTEGER, metric VARCHAR, entity VARCHAR, measure VARCHAR,
    unit VARCHAR, event VARCHAR, claim_id VARCHAR, value DOUBLE, value_text VARCHAR,
    deadline VARCHAR, published DATE, publisher VARCHAR, previous_value DOUBLE,
    previous_deadline VARCHAR, previous_published DATE, previous_claim_id VARCHAR,
    change VARCHAR, quote VARCHAR
);
CREATE TABLE IF NOT EXISTS recon_targets (
    target_id VARCHAR, metric VARCHAR, entity VARCHAR, measure VARCHAR, unit VARCHAR,
    value DOUBLE, value_text VARCHAR, deadline VARCHAR, first_stated DATE, last_stated DATE,
    revisions INTEGER, latest_actual DOUBLE, latest_actual_period VARCHAR,
    progress_pct DOUBLE, required_growth_pct DOUBLE, recent_growth_pct DOUBLE,
    outlook VARCHAR
);
CREATE OR REPLACE VIEW implied AS
    SELECT * EXCLUDE (implied_id), implied_id FROM recon_implied
    ORDER BY metric, entity, measure, unit, period_start, period;
CREATE OR REPLACE VIEW forecast_errors AS
    SELECT * FROM recon_forecast_errors ORDER BY metric, entity, period, forecast_published;
CREATE OR REPLACE VIEW target_history AS
    SELECT * FROM recon_target_history ORDER BY metric, entity, unit, target_id, seq;
CREATE OR REPLACE VIEW targets AS
    SELECT * FROM recon_targets ORDER BY metric, entity, unit, deadline;
"""

# Issue 16: scope and originator columns added to tables of older files (the tables are
# rebuilt from the claims on every reconcile, so only their shape has to follow), the
# undated claims' table, and the views of the verdicts read from the trail.
_VERDICT_DDL = """
ALTER TABLE recon_resolved ADD COLUMN IF NOT EXISTS scope VARCHAR;
ALTER TABLE recon_implied ADD COLUMN IF NOT EXISTS scope VARCHAR;
ALTER TABLE resolution_trail ADD COLUMN IF NOT EXISTS originator VARCHAR;
ALTER TABLE resolution_trail ADD COLUMN IF NOT EXISTS superseded_by VARCHAR;
ALTER TABLE recon_forecast_errors ADD COLUMN IF NOT EXISTS actual_basis VARCHAR;
CREATE TABLE IF NOT EXISTS recon_undated (
    claim_id VARCHAR, source_id VARCHAR, metric VARCHAR, entity VARCHAR, status VARCHAR,
    measure VARCHAR, unit VARCHAR, base_period VARCHAR, scope VARCHAR, value DOUBLE,
    value_text VARCHAR, originator VARCHAR, publisher VARCHAR, published DATE, url VARCHAR,
    quote VARCHAR, reason VARCHAR
);
CREATE OR REPLACE VIEW resolved AS
    SELECT metric, entity, period, measure, unit, base_period, scope, status, state, value,
           low, high, value_text, rule, conflict, n_claims, n_sources, publisher, published,
           url, quote, claim_id, point_id, period_start, period_end
    FROM recon_resolved
    ORDER BY metric, entity, measure, unit, period_start, period;
CREATE OR REPLACE VIEW conflicts AS
    SELECT r.metric, r.entity, r.period, r.measure, r.unit, r.base_period,
           r.state, r.value AS resolved_value, r.value_text AS resolved_text,
           t.verdict, t.rule, t.reason, c.status, c.value, c.value_text, c.qualifier,
           t.low, t.high, t.originator, s.publisher, s.published, s.url, c.quote, t.claim_id,
           t.point_id, r.scope
    FROM resolution_trail t
    JOIN recon_resolved r ON r.point_id = t.point_id
    JOIN claims c ON c.claim_id = t.claim_id
    JOIN sources s ON s.source_id = c.source_id
    WHERE r.conflict
    ORDER BY r.metric, r.entity, r.period, r.measure, r.unit, s.published, c.char_start;
CREATE OR REPLACE VIEW undated AS
    SELECT * FROM recon_undated ORDER BY metric, entity, published, claim_id;
CREATE OR REPLACE VIEW revisions AS
    SELECT r.metric, r.entity, r.period, r.measure, r.unit, r.base_period, r.scope,
           t.originator, o.status, o.value AS old_value, o.value_text AS old_text,
           os.published AS old_published, n.value AS new_value, n.value_text AS new_text,
           ns.published AS new_published, t.reason, o.quote AS old_quote,
           n.quote AS new_quote, t.claim_id AS old_claim_id,
           t.superseded_by AS new_claim_id, t.point_id
    FROM resolution_trail t
    JOIN recon_resolved r ON r.point_id = t.point_id
    JOIN claims o ON o.claim_id = t.claim_id
    JOIN sources os ON os.source_id = o.source_id
    LEFT JOIN claims n ON n.claim_id = t.superseded_by
    LEFT JOIN sources ns ON ns.source_id = n.source_id
    WHERE t.verdict = 'superseded' AND t.rule = 'revision'
    ORDER BY r.metric, r.entity, r.period, t.originator, os.published;
CREATE OR REPLACE VIEW spreads AS
    SELECT r.metric, r.entity, r.period, r.measure, r.unit, r.base_period, r.scope,
           count(*) AS n_forecasts, count(DISTINCT t.originator) AS n_forecasters,
           r.low AS min_value, r.value AS median_value, r.high AS max_value,
           string_agg(t.originator || ': ' || c.value_text || ' (' ||
                      coalesce(CAST(s.published AS VARCHAR), 'undated') || ')', '; '
                      ORDER BY c.value, t.originator) AS forecasts,
           r.value_text AS summary, r.point_id
    FROM recon_resolved r
    JOIN resolution_trail t ON t.point_id = r.point_id AND t.verdict = 'spread'
    JOIN claims c ON c.claim_id = t.claim_id
    JOIN sources s ON s.source_id = c.source_id
    WHERE r.state = 'spread'
    GROUP BY ALL
    ORDER BY r.metric, r.entity, r.period;
CREATE OR REPLACE VIEW mirror_statistics AS
    SELECT r.metric, r.entity, r.period, r.measure, r.unit, r.scope, t.originator,
           c.value, c.value_text, t.reason, s.publisher, s.published, s.url, c.quote,
           t.claim_id, r.point_id
    FROM recon_resolved r
    JOIN resolution_trail t ON t.point_id = r.point_id AND t.verdict = 'mirror'
    JOIN claims c ON c.claim_id = t.claim_id
    JOIN sources s ON s.source_id = c.source_id
    WHERE r.state = 'mirror'
    ORDER BY r.metric, r.entity, r.period, c.value DESC;
CREATE OR REPLACE VIEW implausible AS
    SELECT r.metric, r.entity, r.period, r.measure, r.unit, r.scope, c.status, c.value,
           c.value_text, t.reason AS arithmetic, r.state AS point_state, t.originator,
           s.publisher, s.published, s.url, c.quote, t.claim_id, t.point_id
    FROM resolution_trail t
    JOIN recon_resolved r ON r.point_id = t.point_id
    JOIN claims c ON c.claim_id = t.claim_id
    JOIN sources s ON s.source_id = c.source_id
    WHERE t.verdict = 'implausible'
    ORDER BY r.metric, r.entity, r.period;
"""

# Table name -> the `Reconciliation` field written to it.
RECONCILE_TABLES = {
    "recon_resolved": "resolved",
    "resolution_trail": "trail",
    "recon_implied": "implied",
    "recon_forecast_errors": "forecast_errors",
    "recon_target_history": "target_history",
    "recon_targets": "targets",
    "recon_undated": "undated",
}


SCHEMA_VERSION = 2
"""The layout of the tables this version of metrics writes, recorded in the file's `meta`
table. Raise it whenever a change to the tables would make an older metrics misread a file
(and make the writer bring older files up to date before it records the new number).
2: claims.originator, scope, superseded, sources.origin and `exclusions` (`_ADDED_COLUMNS`),
which an older metrics would ignore, reconciling excluded claims and hand-entered ones'
originators as if they were not there."""

_META_DDL = "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)"

SANDBOX: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,  # no file, URL or database but this one; no extension
    "autoinstall_known_extensions": False,  # nothing is ever downloaded
    "autoload_known_extensions": False,
    "lock_configuration": True,  # and no SET undoes any of it
}
"""DuckDB settings of every connection the store opens: DuckDB's recipe for running SQL
from someone you do not trust. The database file itself (and DuckDB's own temporary files)
are still read and written; `read_text('/etc/passwd')`, `FROM 'file.csv'`, `glob('/**')`,
`read_csv('https://...')`, `ATTACH`, `INSTALL` and `LOAD` fail."""

_SQLITE_HEADER = b"SQLite format 3\0"
_DUCKDB_MAGIC = (8, b"DUCK")  # offset and bytes of DuckDB's file signature


class StoreError(MetricsError):
    """The database cannot be opened, queried or written; the message says what to do."""


class DatabaseLocked(StoreError):
    """Another process holds the file: a writer (an ingest, a notebook that opened it for
    writing) keeps everyone out, readers keep writers out."""

    def __init__(self, path: str, pid: int | None, *, readers: bool, waited: float = 0) -> None:
        self.pid = pid  # None: the holder is in another PID namespace (another container)
        self.waited = waited  # seconds spent retrying before giving up
        if readers:
            what = "the database is open for reading in another process; try again when it closes"
        else:
            what = "the database is being written by another process; try again when it finishes"
        holder = f"the lock is held by PID {pid}" if pid else "the lock is held by another process"
        if waited > 0:
            how = f"gave up after waiting {waited:.1f} s; wait longer with --wait SECONDS"
        else:
            how = "or wait for it with --wait SECONDS"
        super().__init__(f"{path}: {what} ({how}; {holder})")


class Store:
    """A DuckDB file holding the `sources` and `claims` tables and their reconciliation.

    `Store()` opens `metrics.duckdb` in the working directory and creates the tables if needed;
    `Store(":memory:")` is a throwaway database for tests. `read_only=True` never creates
    anything and lets other readers open the same file at the same time. A file another
    process is writing (or, for a writer, reading) raises `DatabaseLocked`, after retrying
    for up to `wait` seconds. A file that is not a metrics database (SQLite, text, a DuckDB
    file of other tables, one written by a newer metrics) raises `StoreError` before
    anything touches it. Every connection is opened in the `SANDBOX`: SQL run on
    `store.con`, as on `query`, reads this database and nothing else.
    """

    def __init__(
        self, path: str | Path = DEFAULT_DB, *, read_only: bool = False, wait: float = 0
    ) -> None:
        self.path = str(path)
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError(
                f"no database at {self.path}: run `metrics ingest` first "
                "or point --db / METRICS_DB at an existing file"
            )
        if self.path != ":memory:":
            _check_signature(self.path)
        self.con = _connect(self.path, read_only, wait)
        try:
            _check_schema(self.con, self.path)
            if not read_only:
                self.con.execute(_DDL)
                self._add_columns()
                self.con.execute(_EXCLUSIONS_DDL)
                self.con.execute(_RECONCILE_DDL)
                self.con.execute(_VERDICT_DDL)
                _record_schema_version(self.con)
        except duckdb.Error as exc:  # a full disk, a file system that refuses writes
            self.con.close()
            raise StoreError(f"cannot prepare {self.path}: {_one_line(exc)}") from exc
        except BaseException:
            self.con.close()
            raise

    def _add_columns(self) -> None:
        """Give a file written before `_ADDED_COLUMNS` existed those columns, in place."""
        present = set(
            self.con.execute(
                "SELECT table_name, column_name FROM duckdb_columns() "
                "WHERE schema_name = 'main' AND table_name IN ('claims', 'sources')"
            ).fetchall()
        )
        for table, column, definition, not_null in _ADDED_COLUMNS:
            if (table, column) in present:
                continue
            self.con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
            if not_null:
                self.con.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL")

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
        try:
            self.con.close()
        except duckdb.Error as exc:  # the last checkpoint could not be written (disk full)
            raise StoreError(f"closing {self.path} failed: {_one_line(exc)}") from exc

    def claims(
        self,
        metric: str | None = None,
        entity: str | None = None,
        period: str | None = None,
        status: str | None = None,
    ) -> pd.DataFrame:
        """Stored claims ordered by file path and position, narrowed by exact matches."""
        where, params = _where(
            {"c.metric": metric, "c.entity": entity, "c.period": period, "c.status": status}
        )
        sql = (
            "SELECT c.* FROM claims c JOIN sources s USING (source_id)"
            + where
            + " ORDER BY s.path, c.char_start, c.claim_id"
        )
        return self.con.execute(sql, params).df()

    def query(self, sql: str, *, timeout: float | None = None) -> pd.DataFrame:
        """Run one SELECT and return its result.

        Ad hoc SQL reads the database and nothing else: anything that could change the
        database or the machine around it (DROP, DELETE, COPY ... TO, ATTACH, INSTALL, SET,
        PRAGMA, EXPORT, ...) is refused before it runs, whether or not the file is open
        read-only, and the connection's `SANDBOX` refuses to read any other file or URL.
        A query still running after `timeout` seconds is stopped. A failing, refused or
        stopped query raises `StoreError`.
        """
        return self.query_rows(sql, timeout=timeout).frame

    def query_rows(
        self, sql: str, *, timeout: float | None = None, max_rows: int | None = None
    ) -> QueryResult:
        """`query`, keeping only the first `max_rows` rows (None: all) and counting the rest.

        The rows past `max_rows` are counted as they stream by, never held; when the time
        runs out while counting them, the first rows are still returned and `total` is None.
        """
        statement = _one_select(sql)
        kept: list[pd.DataFrame] = []
        try:
            with _time_limit(self.con, timeout):
                self.con.execute(statement)
                if max_rows is None:
                    frame = self.con.fetchdf()
                    return QueryResult(frame, len(frame))
                rows = 0
                while rows <= max_rows:  # one row more than is kept: were any cut?
                    chunk = self.con.fetch_df_chunk(1)
                    kept.append(chunk)
                    rows += len(chunk)
                    if chunk.empty:
                        break
                head = pd.concat(kept, ignore_index=True)
                total = len(head)
                if total > max_rows:
                    while not (chunk := self.con.fetch_df_chunk(_COUNT_VECTORS)).empty:
                        total += len(chunk)
                return QueryResult(head.head(max_rows), total)
        except duckdb.InterruptException as exc:
            if max_rows is not None and sum(map(len, kept)) > max_rows:  # while counting
                return QueryResult(pd.concat(kept, ignore_index=True).head(max_rows), None)
            raise StoreError(
                f"query stopped after {timeout or 0:g} s, its time limit: narrow it "
                "(WHERE, LIMIT) or allow more time with --timeout SECONDS"
            ) from exc
        except duckdb.PermissionException as exc:
            raise StoreError(
                f"query refused: it reads outside the database ({_one_line(exc)}); "
                "this SQL reads only the tables and views of the database"
            ) from exc
        except duckdb.Error as exc:
            raise StoreError(f"query failed: {_one_line(exc)}") from exc

    def reconciliation(self, columns: Mapping[str, Sequence[str]] | None = None) -> Reconciliation:
        """The stored reconciliation, as the report and notebooks read it.

        `columns`: only these columns of each table (by `Reconciliation` field; a table not
        named comes whole), for a caller that needs a few of them over many rows (the
        counts of `reconcile.SUMMARY_COLUMNS` read a tenth of a large reconciliation)."""
        wanted = columns or {}
        try:
            frames = {
                field: self.con.execute(
                    f"SELECT {', '.join(wanted[field]) if field in wanted else '*'} FROM {table}"
                ).df()
                for table, field in RECONCILE_TABLES.items()
            }
        except duckdb.CatalogException as exc:
            raise self._no_reconciliation(exc) from exc
        return Reconciliation(**frames)

    def view(self, name: str, **filters: str | None) -> pd.DataFrame:
        """One of the reconciliation views (`VIEWS`: `resolved`, `conflicts`, `implied`,
        `forecast_errors`, `target_history`, `targets`, `undated`, `revisions`, `spreads`,
        `mirror_statistics`, `implausible`), narrowed by exact column matches."""
        if name not in VIEWS:
            raise StoreError(f"no view {name!r}; the views are {', '.join(VIEWS)}")
        where, params = _where(filters)
        try:
            return self.con.execute(f"SELECT * FROM {name}{where}", params).df()
        except duckdb.CatalogException as exc:
            raise self._no_reconciliation(exc) from exc

    def _no_reconciliation(self, exc: duckdb.Error) -> StoreError:
        """A file written before reconciliation existed lacks its tables."""
        return StoreError(f"{self.path} has no reconciliation yet: run `metrics reconcile` ({exc})")

    def stored_hashes(self) -> dict[str, tuple[str, str]]:
        """`source_id` -> `(content_sha256, path)` of every stored source."""
        rows = self.con.execute("SELECT source_id, content_sha256, path FROM sources").fetchall()
        return {source_id: (sha, path) for source_id, sha, path in rows}

    def transaction(self, work: Callable[[], T]) -> T:
        """Run `work` in one transaction: all of its writes land, or none of them.

        A DuckDB failure becomes `StoreError` saying nothing was stored; anything else
        `work` raises (a strict ingest's abort, Ctrl-C) rolls back and goes on up.
        """
        try:
            self.con.execute("BEGIN TRANSACTION")
            result = work()
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            with contextlib.suppress(duckdb.TransactionException):  # a failed COMMIT ends it
                self.con.execute("ROLLBACK")
            raise StoreError(f"nothing was stored, the write failed: {_one_line(exc)}") from exc
        except BaseException:
            with contextlib.suppress(duckdb.TransactionException):
                self.con.execute("ROLLBACK")
            raise
        return result

    def write(self, sources: pd.DataFrame, claims: pd.DataFrame, replace: list[str]) -> None:
        """Add validated rows, first dropping the stored rows of the sources in `replace`.

        Runs inside `transaction`; whole frames go in at once, never row by row.
        """
        if sources.empty:
            return
        if replace:
            self.con.execute("DELETE FROM claims WHERE source_id IN ?", [replace])
            self.con.execute("DELETE FROM sources WHERE source_id IN ?", [replace])
        self.con.register("_batch_sources", sources)
        self.con.register("_batch_claims", claims)
        try:
            self.con.execute("INSERT INTO sources BY NAME SELECT * FROM _batch_sources")
            self.con.execute("INSERT INTO claims BY NAME SELECT * FROM _batch_claims")
        finally:
            with contextlib.suppress(duckdb.Error):  # an aborted transaction refuses it too
                self.con.unregister("_batch_sources")
                self.con.unregister("_batch_claims")

    def manual_sources(self, claims_file: str) -> dict[str, str]:
        """`source_id` -> fingerprint of the sources `metrics add-claims` stored from a claims
        file of this name (empty when none)."""
        rows = self.con.execute(
            "SELECT source_id, content_sha256 FROM sources WHERE origin = 'manual' "
            "AND json_extract_string(meta, '$.claims_file') = ?",
            [claims_file],
        ).fetchall()
        return dict(rows)

    def has_claim(self, claim_id: str) -> bool:
        return bool(self.con.execute("SELECT 1 FROM claims WHERE claim_id = ?", [claim_id]).fetchall())

    def exclude(self, claim_id: str, why: str, at: datetime) -> None:
        """Record that `claim_id` is hidden from reconciliation (again: the newer reason)."""
        self.con.execute(
            "INSERT OR REPLACE INTO exclusions (claim_id, why, excluded_at) VALUES (?, ?, ?)",
            [claim_id, why, at],
        )

    def include(self, claim_id: str) -> bool:
        """Drop the exclusion of `claim_id`; False when it was not excluded."""
        found = self.con.execute(
            "DELETE FROM exclusions WHERE claim_id = ? RETURNING claim_id", [claim_id]
        ).fetchall()
        return bool(found)

    def exclusions(self) -> pd.DataFrame:
        """Every excluded claim with the reason and when."""
        return self.con.execute("SELECT * FROM exclusions ORDER BY excluded_at, claim_id").df()

    def reconciliation_missing(self) -> bool:
        """Claims are stored but no reconciliation of them (a file from before it existed)."""
        ((claims, resolved),) = self.con.execute(
            "SELECT (SELECT count(*) FROM claims), (SELECT count(*) FROM recon_resolved)"
        ).fetchall()  # all: DuckDB refuses a `register` while a result is unfinished
        return bool(claims and not resolved)

    def claims_per_metric(self) -> list[tuple[str, int]]:
        """`(metric, number of claims)` for every stored metric, in metric order."""
        return self.con.execute(
            "SELECT metric, count(*) FROM claims GROUP BY ALL ORDER BY ALL"
        ).fetchall()

    def _has_table(self, name: str) -> bool:
        ((found,),) = self.con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main'",
            [name],
        ).fetchall()
        return bool(found)

    def clear_reconciliation(self) -> None:
        """Empty the reconciliation tables, before they are written again from the claims."""
        for table in RECONCILE_TABLES:
            self.con.execute(f"DELETE FROM {table}")

    def add_reconciliation(self, result: Reconciliation) -> None:
        """Append the frames of `result` to the reconciliation tables (inside `transaction`)."""
        for table, attribute in RECONCILE_TABLES.items():
            frame = getattr(result, attribute)
            if frame.empty:
                continue
            self.con.register("_frame", frame)
            try:
                self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")
            finally:
                self.con.unregister("_frame")

    # Issue 18: an ingest whose memory does not grow with the store. It commits its rows
    # every few thousand documents (`commit_point`) and rebuilds the reconciliation of the
    # metrics it touched, a part of a metric's claims at a time.

    def commit_point(self) -> None:
        """Inside `transaction`: make what was written so far durable and go on in a new
        transaction (DuckDB holds a transaction's rows and index entries in memory until it
        commits). A later failure rolls back only what follows."""
        self.con.execute("COMMIT")
        self._room_for_indexes()
        self.con.execute("BEGIN TRANSACTION")

    def _room_for_indexes(self) -> None:
        """Between transactions: a writer whose file has outgrown the memory it was opened
        with (`writer_memory`) is opened again with more. DuckDB fixes the limit when a
        connection opens, and one ingest that grows a file past about 2.5 million claims
        would otherwise fail at a commit, its keys' indexes no longer fitting."""
        if self.path == ":memory:":
            return
        if _bytes(writer_memory(self.path)) <= _bytes(self._memory_limit()) * 1.01:
            return
        self.con.close()
        self.con = _connect(self.path, False, _REOPEN_WAIT)

    def _memory_limit(self) -> str:
        (limit,) = self.con.execute("SELECT current_setting('memory_limit')").fetchone() or ("0",)
        return str(limit)

    def mark_reconciliation_stale(self, stale: bool = True) -> None:
        """Record (or clear) that claims were committed whose reconciliation is not yet
        rebuilt: an ingest stopped between its commits leaves the mark, and the next
        ingest or `metrics reconcile` rebuilds everything."""
        if stale:
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('reconciliation_stale', 'true')")
        else:
            self.con.execute("DELETE FROM meta WHERE key = 'reconciliation_stale'")

    def reconciliation_stale(self) -> bool:
        """An ingest committed claims and stopped before it rebuilt their reconciliation."""
        if not self._has_table("meta"):
            return False
        rows = self.con.execute("SELECT 1 FROM meta WHERE key = 'reconciliation_stale'").fetchall()
        return bool(rows)

    def metrics_of_sources(self, source_ids: list[str]) -> set[str]:
        """The metrics the stored claims of `source_ids` belong to."""
        if not source_ids:
            return set()
        rows = self.con.execute(
            "SELECT DISTINCT metric FROM claims WHERE source_id IN ?", [source_ids]
        ).fetchall()
        return {metric for (metric,) in rows}

    def delete_reconciliation(self, metrics: list[str]) -> None:
        """Drop the reconciliation rows of `metrics` (their trail through their points),
        before they are written again from the claims."""
        self.con.execute(
            "DELETE FROM resolution_trail WHERE point_id IN "
            "(SELECT point_id FROM recon_resolved WHERE metric IN ?)",
            [metrics],
        )
        for table in RECONCILE_TABLES:
            if table != "resolution_trail":
                self.con.execute(f"DELETE FROM {table} WHERE metric IN ?", [metrics])

    def point_groups(self, metrics: list[str]) -> list[tuple[int, int]]:
        """`(group, claims)` for the claims of `metrics` grouped by entity, period and
        unit (`group` is a hash of the three), the units `claims_of_part` reads."""
        return self.con.execute(
            f"SELECT {_POINT_GROUP.format(c='')} AS grp, count(*) FROM claims "
            "WHERE metric IN ? GROUP BY grp ORDER BY grp",
            [metrics],
        ).fetchall()

    def claims_of_part(
        self, metrics: list[str], groups: list[int] | None = None
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(claims of `metrics`, the sources they came from), with only the columns
        reconciliation reads, in stored order (`row`: their place in it).

        `groups` (from `point_groups`; None: all) narrows them to some entity, period and
        unit groups: a part of the claims that splits no point nor a document's figures of
        one entity, period and unit (plausibility compares a level with its per-head figure
        among those). Excluded claims are left out.
        """
        where, params = self._part(metrics, groups)
        claims = self.con.execute(
            f"SELECT rowid AS row, * EXCLUDE (char_end, extractor) FROM claims c WHERE {where} "
            "ORDER BY rowid",
            params,
        ).df()
        sources = self.con.execute(
            "SELECT source_id, publisher, published, url FROM sources WHERE source_id IN "
            f"(SELECT source_id FROM claims c WHERE {where})",
            params,
        ).df()
        return claims, sources

    def origin_rows(self, metrics: list[str], groups: list[int] | None = None) -> pd.DataFrame:
        """Who states each distinct quote of the claims `claims_of_part` reads: `metric`,
        `originator` (None where the claim names none), `publisher`, `source_id` (only
        where the claim names no originator and the publisher no letter or digit: such a
        source may be its own origin) and `quote`."""
        where, params = self._part(metrics, groups)
        return self.con.execute(
            "SELECT DISTINCT c.metric, c.originator, s.publisher, CASE WHEN c.originator IS NULL "
            "AND NOT regexp_matches(coalesce(s.publisher, ''), '[[:alnum:]]') "
            "THEN c.source_id END AS source_id, c.quote "
            f"FROM claims c LEFT JOIN sources s USING (source_id) WHERE {where}",
            params,
        ).df()

    def _part(self, metrics: list[str], groups: list[int] | None) -> tuple[str, dict[str, object]]:
        """The WHERE clause (on `claims c`) and parameters of a part of the claims."""
        where = "c.metric IN $metrics"
        params: dict[str, object] = {"metrics": metrics}
        if groups is not None:
            where += f" AND {_POINT_GROUP.format(c='c.')} IN $groups"
            params["groups"] = groups
        if self._has_table("exclusions"):
            where += " AND c.claim_id NOT IN (SELECT claim_id FROM exclusions)"
        return where, params


@dataclass(frozen=True)
class QueryResult:
    """The rows a query returned, or its first rows when there were more than asked for."""

    frame: pd.DataFrame
    total: int | None  # rows the query returned; None: more than `frame`, not all counted

    @property
    def cut(self) -> int | None:
        """How many rows were left out of `frame` (None: some, not counted)."""
        return None if self.total is None else self.total - len(self.frame)


_POINT_GROUP = "CAST(hash({c}entity, {c}period, {c}unit) >> 1 AS BIGINT)"
"""A claim's entity, period and unit as a number (a BIGINT, which parameters carry
exactly); two groups that share one are read together, which splits nothing."""

_COUNT_VECTORS = 64  # vectors of 2,048 rows fetched at a time while counting cut rows


def _one_select(sql: str) -> duckdb.Statement:
    """The one SELECT statement of `sql`, or `StoreError` saying why it is refused."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise StoreError(f"query failed: {_one_line(exc)}") from exc
    if len(statements) != 1:
        raise StoreError(f"query refused: {len(statements)} statements; give one SELECT")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise StoreError(
            f"query refused: {kind.name} is not a SELECT; this SQL only reads "
            "(SELECT, WITH ... SELECT, FROM, SHOW, DESCRIBE, SUMMARIZE)"
        )
    return statements[0]


@contextlib.contextmanager
def _time_limit(con: duckdb.DuckDBPyConnection, seconds: float | None) -> Iterator[None]:
    """Interrupt what `con` runs once `seconds` have passed (DuckDB then raises
    `InterruptException`); None or 0: no limit. Interrupting an idle connection is harmless,
    so a timer that fires just as the query ends does no damage."""
    if not seconds:
        yield
        return
    timer = threading.Timer(seconds, con.interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _one_line(exc: BaseException) -> str:
    """DuckDB's message without its line breaks and the `LINE 1: ... ^^^` pointer."""
    lines = [line.strip() for line in str(exc).splitlines()]
    kept = [line for line in lines if line and not line.startswith("LINE ") and set(line) != {"^"}]
    return " ".join(kept)


def _check_signature(path: str) -> None:
    """Refuse a file that is not a DuckDB database before DuckDB sees it: DuckDB would try
    to load (and, left to itself, download) its SQLite extension for a SQLite file."""
    try:
        with open(path, "rb") as file:
            head = file.read(16)
    except FileNotFoundError:
        return  # a new database
    except OSError as exc:
        raise StoreError(f"cannot open {path}: {exc.strerror or exc}") from exc
    offset, magic = _DUCKDB_MAGIC
    if head.startswith(_SQLITE_HEADER):
        what = "a SQLite database"
    elif not head:
        what = "an empty file"
    elif head[offset : offset + len(magic)] != magic:
        what = "another kind of file"
    else:
        return
    raise StoreError(
        f"{path} is {what}, not a metrics database (a DuckDB file): point --db (or METRICS_DB) at the file "
        "`metrics ingest` wrote, or at a new file"
    )


def _check_schema(con: duckdb.DuckDBPyConnection, path: str) -> None:
    """Refuse a DuckDB file whose tables are not ours, or were written by a newer metrics.

    A file with no tables at all is a new (or never-ingested) database, and one with any of
    ours is ours (a writer stopped while creating them leaves some).
    """
    tables = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() AND schema_name = 'main'"
        ).fetchall()
    }
    if tables and not tables & {"sources", "claims", "meta", *RECONCILE_TABLES}:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise StoreError(
            f"{path} is a DuckDB database but not a metrics one (its tables: {shown}; no "
            "sources, claims): point --db (or METRICS_DB) at another file"
        )
    version = schema_version(con) if "meta" in tables else None
    if version is not None and version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer metrics (schema version {version}; this one "
            f"reads up to {SCHEMA_VERSION}): upgrade metrics to read it"
        )


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version a database file records (None: a file from before versions were
    recorded, which is version 1)."""
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        return None
    try:
        return int(row[0])
    except ValueError:
        return None


def _record_schema_version(con: duckdb.DuckDBPyConnection) -> None:
    """Write `SCHEMA_VERSION` beside the tables the writer has just brought up to date."""
    con.execute(_META_DDL)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])


def _where(filters: dict[str, str | None]) -> tuple[str, list[str]]:
    """` WHERE a = ? AND b = ?` for the filters that are set, and their values."""
    used = {column: value for column, value in filters.items() if value is not None}
    where = " AND ".join(f"{column} = ?" for column in used)
    return (f" WHERE {where}" if where else ""), list(used.values())


# DuckDB: 'Could not set lock on file "x": Conflicting lock is held in /usr/bin/python (PID 12)',
# 'held in PID 12' when it cannot name the program, 'held in PID 0' when the holder is in
# another PID namespace. Other lock failures (no locking on the file system) are not a holder.
_LOCK_CONFLICT = re.compile(r"Could not set lock on file .*Conflicting lock is held")
_LOCK_PID = re.compile(r"\bPID (?P<pid>\d+)\b")
_LOCK_RETRY = 0.2  # seconds between attempts while waiting for a lock


WRITER_MEMORY = "96MB"
"""DuckDB's memory for the connection that writes a database file (DuckDB's default is 80 %
of the machine's): past it DuckDB drops cached blocks of the file and spills to temporary
files, so an ingest's memory stays flat however large the file grows. The rebuild scans
the claims once per part, so its cache fills to the limit whatever the limit is; on
100,000 documents 96 MB was as fast as 128 MB and 20 MB smaller, 80 MB still passed and
64 MB failed (benchmarks/README.md). Readers and in-memory stores keep DuckDB's default.
A large file's writer gets more (`writer_memory`)."""

INDEX_SHARE = 5
"""The primary keys' indexes as a share of the file, at most (1 / INDEX_SHARE), with
room to spare: DuckDB keeps them whole in memory while it inserts (47 bytes a claim,
39 MB of a 220 MB file of 814,000 claims) and cannot drop them as it drops cached blocks."""
_WORKING_MB = 48  # beside the indexes: a part's queries, the rows of a transaction


_REOPEN_WAIT = 5.0  # seconds: the file was ours a moment ago


def _bytes(limit: str) -> float:
    """'128MB' (DuckDB's MB is 10^6 bytes), '122.0 MiB', '1.9 GiB' in bytes."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([KMGT]?)(i?)B\s*", limit, re.IGNORECASE)
    if match is None:
        return 0.0
    power = " KMGT".index(match[2].upper() or " ")
    return float(match[1]) * (1024 if match[3] else 1000) ** power


def writer_memory(path: str) -> str:
    """DuckDB's memory limit for the writer of `path`: `WRITER_MEMORY`, or for a file so
    large that its indexes need more, those and working room. Under a fixed 128 MB a
    store of about 2.5 million claims (300,000 articles) would no longer commit: DuckDB
    refuses to allocate what its indexes need past the limit."""
    try:
        size = sum(Path(name).stat().st_size for name in (path, f"{path}.wal") if Path(name).exists())
    except OSError:  # unreadable: the connection will say why
        size = 0
    floor = int(WRITER_MEMORY.removesuffix("MB"))
    return f"{max(floor, size // INDEX_SHARE // 2**20 + _WORKING_MB)}MB"


def _settings(path: str, read_only: bool) -> dict[str, str | bool | int | float | list[str]]:
    """The connection's settings: the `SANDBOX`, and `writer_memory` for a file's writer."""
    if read_only or path == ":memory:":
        return SANDBOX
    return {**SANDBOX, "memory_limit": writer_memory(path)}


def _connect(path: str, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """DuckDB lets one process write a file, or many read it: wait up to `wait` seconds."""
    if not wait >= 0:  # NaN too: it would never time out
        raise StoreError(f"wait must be a number of seconds, 0 or more, not {wait}")
    started = time.monotonic()
    deadline = started + wait
    while True:
        try:
            return duckdb.connect(path, read_only=read_only, config=_settings(path, read_only))
        except duckdb.Error as exc:
            message = str(exc)
            if _LOCK_CONFLICT.search(message) is None:
                raise StoreError(f"cannot open {path}: {_one_line(exc)}") from exc
            now = time.monotonic()
            if now >= deadline:
                holder = _LOCK_PID.search(message)
                pid = int(holder["pid"]) if holder else None
                readers = "read-only mode" in message  # DuckDB's hint that readers hold it
                waited = now - started if wait else 0
                raise DatabaseLocked(path, pid or None, readers=readers, waited=waited) from exc
            time.sleep(_LOCK_RETRY)
