"""What the report reads from the database: counts and ranges aggregated by DuckDB, and
the rows the page shows, never every claim.

A page holds at most `max_charts` charts and `table_rows_max` rows per table, so the report
asks for the size of every series, picks what it charts, and reads those series' points,
the claims behind them and the first rows of each table alone; sources are joined only to
the rows shown. A million claims make a page in a few seconds and a few hundred MB.

Every query reads the tables through views of the same names (`_TABLES`) that narrow a
report of some metrics to their rows (a source counting only its claims of those metrics)
and number each row in stored order (`_row`, its rowid): the order reconciliation wrote
them in, which the page's ties follow as they did when the tables were read whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
import pandas as pd

from metrics.reconcile import SUMMARY_COLUMNS, Reconciliation, summary_counts
from metrics.reconcile.frames import with_dates
from metrics.store import RECONCILE_TABLES, Store

_IN_METRICS = "metric IN $metrics"
_TABLES = {
    "claims": _IN_METRICS,
    "sources": "source_id IN (SELECT source_id FROM main.claims WHERE metric IN $metrics)",
    "recon_resolved": _IN_METRICS,
    "resolution_trail": (
        "point_id IN (SELECT point_id FROM main.recon_resolved WHERE metric IN $metrics)"
    ),
    "recon_implied": _IN_METRICS,
    "recon_forecast_errors": _IN_METRICS,
    "recon_target_history": _IN_METRICS,
    "recon_targets": _IN_METRICS,
    "recon_undated": _IN_METRICS,
}
"""Each table the report reads, and what keeps a narrowed report's rows of it."""

_FIELDS = {field: table for table, field in RECONCILE_TABLES.items()}
"""`Reconciliation` field -> the table it is stored in."""

STATED = "r.period_start IS NOT NULL AND r.status IS DISTINCT FROM 'target'"
"""The resolved points a series is made of (targets are charted from their history)."""

SERIES_BASE = "CASE WHEN r.measure = 'growth' AND r.unit <> 'pct_change' THEN r.base_period END"
"""A series' base period: growth in % over the year before forms one series whatever base
it names; growth in other units is a series per base."""

_PROVENANCE = ["source_id", "publisher", "published", "url", "title", "path"]
"""The columns of a claim's source that the report's rows of claims carry."""


class ReportReader:
    """The report's queries over one DuckDB connection holding a store's tables, narrowed
    to `metrics` when they are given."""

    def __init__(self, con: duckdb.DuckDBPyConnection, metrics: Sequence[str] | None = None):
        self.con = con
        self.metrics = None if metrics is None else sorted(set(metrics))

    # --- plumbing ----------------------------------------------------------------------

    def frame(self, sql: str, **params: Any) -> pd.DataFrame:
        """The rows of `sql`, which reads the tables of `_TABLES` by their names."""
        return self._run(sql, params).df()

    def count(self, sql: str, **params: Any) -> int:
        """The one number `sql` (a `count(*)`) gives."""
        ((number,),) = self._run(sql, params).fetchall()
        return int(number)

    def _run(self, sql: str, params: dict[str, Any], *, relation: bool = False) -> Any:
        """The result of `sql` on the connection (as a relation, for Arrow, if `relation`)."""
        narrowed = self.metrics is not None
        views = ", ".join(
            f"{table} AS NOT MATERIALIZED (SELECT rowid AS _row, * FROM main.{table}"
            + (f" WHERE {where})" if narrowed else ")")
            for table, where in _TABLES.items()
        )
        if narrowed:
            params["metrics"] = self.metrics
        if relation:  # a relation runs on a connection no other result holds
            self.con.complete()
            return self.con.sql(f"WITH {views} {sql}", params=params)
        return self.con.execute(f"WITH {views} {sql}", params)

    @contextmanager
    def keys(self, **frames: pd.DataFrame) -> Iterator[None]:
        """`frames` readable by their names in the queries run inside the block."""
        for name, frame in frames.items():
            self.con.register(name, frame)
        try:
            yield
        finally:
            for name in frames:
                self.con.unregister(name)

    def head(self, sql: str, order: str, limit: int, **params: Any) -> tuple[pd.DataFrame, int]:
        """The first `limit` rows of `sql` in `order`, and how many rows it has."""
        total = self.count(f"SELECT count(*) FROM ({sql})", **params)
        rows = self.frame(f"SELECT * EXCLUDE (_row) FROM ({sql}) ORDER BY {order} LIMIT {int(limit)}", **params)  # fmt: skip
        return rows, total

    # --- the counts at the top ----------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """The cards at the top: the command line's counts (`summary_counts`, read from
        the few columns they need), and how many sources and claims they come from."""
        narrow = {
            field: self._run(
                f"SELECT {', '.join(columns)} FROM {_FIELDS[field]}", {}, relation=True
            )
            .to_arrow_table()
            .to_pandas(strings_to_categorical=True)  # a million verdicts in a few MB
            for field, columns in SUMMARY_COLUMNS.items()
        }
        sizes = {
            table: self.count(f"SELECT count(*) FROM {table}") for table in ("sources", "claims")
        }
        return sizes | summary_counts(Reconciliation(**narrow))

    # --- rows of claims and of the trail ---------------------------------------------------

    def claims_of(self, claim_ids: Sequence[str]) -> pd.DataFrame:
        """The claims of `claim_ids` with their sources' provenance, in stored order."""
        rows = self.frame(
            "SELECT * EXCLUDE (_row) FROM claims WHERE claim_id = ANY($ids) ORDER BY _row",
            ids=_ids(claim_ids),
        )
        return self._with_sources(rows)

    def _with_sources(self, claims: pd.DataFrame) -> pd.DataFrame:
        """`claims` with their sources' provenance, read for those sources alone (a join
        in DuckDB would read every source)."""
        sources = self.frame(
            f"SELECT {', '.join(_PROVENANCE)} FROM sources WHERE source_id = ANY($ids)",
            ids=_ids(claims["source_id"].tolist()),
        )
        rows = claims.merge(sources, on="source_id")  # in the claims' order
        return with_dates(rows, "period_start", "period_end", "published")

    def trail_of(
        self, point_ids: Sequence[str], verdicts: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """The trail rows of `point_ids` (of `verdicts` only, when given), in stored order."""
        which = " AND verdict = ANY($verdicts)" if verdicts is not None else ""
        params: dict[str, Any] = {"ids": _ids(point_ids)}
        if verdicts is not None:
            params["verdicts"] = list(verdicts)
        return self.frame(
            "SELECT * EXCLUDE (_row) FROM resolution_trail "
            f"WHERE point_id = ANY($ids){which} ORDER BY _row",
            **params,
        )

    def resolved_of(self, point_ids: Sequence[str]) -> pd.DataFrame:
        """The resolved points `point_ids`, in stored order."""
        return self.frame(
            "SELECT * EXCLUDE (_row) FROM recon_resolved WHERE point_id = ANY($ids) ORDER BY _row",
            ids=_ids(point_ids),
        )

    def reconciliation_of(self, **frames: pd.DataFrame) -> Reconciliation:
        """A `Reconciliation` of `frames` (by field), the other tables empty with their
        columns: what the verdict functions need of the rows a table shows."""
        empty = {
            field: self.frame(f"SELECT * EXCLUDE (_row) FROM {table} LIMIT 0")
            for field, table in _FIELDS.items()
            if field not in frames
        }
        return Reconciliation(**empty, **frames)

    # --- series: their sizes, and the rows of those the page shows -------------------------

    def periods(self) -> pd.DataFrame:
        """The distinct (period_start, period_end) of the points series are made of."""
        return with_dates(
            self.frame(f"SELECT DISTINCT r.period_start, r.period_end FROM recon_resolved r WHERE {STATED}"),
            "period_start", "period_end",
        )  # fmt: skip

    def series_sizes(self, unsettled: Sequence[str]) -> pd.DataFrame:
        """Per series (`_report_periods` gives each period its `period_class`): its points,
        the claims they were resolved from, and whether one is `unsettled`."""
        states = ", ".join(f"'{state}'" for state in unsettled)
        return self.frame(
            f"SELECT {_SERIES_KEY}, count(*) AS points, "
            "CAST(sum(coalesce(r.n_claims, 0)) AS BIGINT) AS claims, "
            f"coalesce(bool_or(r.state IN ({states})), false) AS disputed "
            f"FROM recon_resolved r JOIN _report_periods p ON {_PERIOD_JOIN} "
            f"WHERE {STATED} GROUP BY ALL"
        )

    def series_rows(self, series: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
        """The points of `series` (a frame of series keys with their `code` and a `rank`),
        each with its series' code, by rank and then in stored order: the first `limit`
        (None: all)."""
        if series.empty:
            return pd.DataFrame()
        keys = series.astype({"base_period": "str", "period_class": "str"})
        cut = "" if limit is None else f" LIMIT {int(limit)}"
        with self.keys(_report_series=keys):
            rows = self.frame(
                "SELECT r.* EXCLUDE (_row), k.code FROM recon_resolved r "
                f"JOIN _report_periods p ON {_PERIOD_JOIN} "
                "JOIN _report_series k ON r.metric = k.metric AND coalesce(r.entity, '') = k.entity "
                "AND r.measure = k.measure AND r.unit = k.unit "
                f"AND ({SERIES_BASE}) IS NOT DISTINCT FROM k.base_period "
                "AND CAST(p.period_class AS VARCHAR) IS NOT DISTINCT FROM k.period_class "
                f"WHERE {STATED} ORDER BY k.rank, r._row{cut}"
            )
        return with_dates(rows, "period_start", "period_end", "published")

    def ranges(self, points: pd.DataFrame) -> pd.DataFrame:
        """Per series (`code` of `points`) and period: how many claims in how many articles,
        and the least, median and greatest value they state (the median of an even count
        is the mean of the middle two, as pandas takes it)."""
        if points.empty:
            return pd.DataFrame()
        middle = "list_sort(list(c.value))"
        with self.keys(
            _report_points=points[["point_id", "code", "period", "period_start", "period_end"]]
        ):
            stats = self.frame(
                "SELECT p.code, p.period_start, p.period_end, p.period, count(*) AS claims, "
                "count(DISTINCT c.source_id) AS articles, min(c.value) AS low, "
                f"({middle}[(count(*) + 1) // 2] + {middle}[count(*) // 2 + 1]) / 2 AS middle, "
                "max(c.value) AS high "
                "FROM resolution_trail t JOIN _report_points p ON p.point_id = t.point_id "
                "JOIN claims c ON c.claim_id = t.claim_id "
                "WHERE p.period_start IS NOT NULL AND p.period_end IS NOT NULL AND p.period IS NOT NULL "
                "GROUP BY ALL ORDER BY p.code, p.period_start, p.period_end, p.period"
            )  # fmt: skip
        return with_dates(stats, "period_start", "period_end")

    def claims_of_figures(self, figures: pd.DataFrame) -> pd.DataFrame:
        """The claims (with their sources) of `figures`: metric, entity ('' for none),
        period, measure and unit, in stored order."""
        if figures.empty:
            return self.claims_of([])
        with self.keys(_report_figures=figures):
            rows = self.frame(
                "SELECT c.* EXCLUDE (_row) FROM claims c JOIN _report_figures w "
                "ON c.metric = w.metric AND coalesce(c.entity, '') = w.entity "
                "AND c.period = w.period AND c.measure = w.measure AND c.unit = w.unit "
                "ORDER BY c._row"
            )
        return self._with_sources(rows)

    def of_entities(self, table: str, keys: pd.DataFrame) -> pd.DataFrame:
        """The rows of `table` whose metric and entity ('' for none), and each other column
        `keys` has, are one of `keys`' rows, in stored order."""
        on = " AND ".join(
            "coalesce(x.entity, '') = k.entity"
            if column == "entity"
            else f"x.{column} = k.{column}"
            for column in keys.columns
        )
        if keys.empty:
            return self.frame(f"SELECT * EXCLUDE (_row) FROM {table} LIMIT 0")
        with self.keys(_report_keys=keys):
            return self.frame(
                f"SELECT x.* EXCLUDE (_row) FROM {table} x JOIN _report_keys k ON {on} ORDER BY x._row"
            )


def _ids(ids: Sequence[str]) -> list[str]:
    """`ids` once each, as a VARCHAR[] parameter (an empty list has no type of its own)."""
    return list(dict.fromkeys(ids)) or [""]


_SERIES_KEY = (
    "r.metric, coalesce(r.entity, '') AS entity, r.measure, r.unit, "
    f"{SERIES_BASE} AS base_period, CAST(p.period_class AS VARCHAR) AS period_class"
)
_PERIOD_JOIN = (
    "r.period_start = CAST(p.period_start AS DATE) "
    "AND r.period_end IS NOT DISTINCT FROM CAST(p.period_end AS DATE)"
)


def frames_store(recon: Reconciliation, claims: pd.DataFrame, sources: pd.DataFrame) -> Store:
    """A throwaway store of frames in memory (a notebook's, a test's, a benchmark's),
    written as the pipeline writes them, so the report reads them as it reads a file.

    `claims` may carry their sources' columns and `sources` their claim counts (neither is
    kept: the report joins and counts them itself); a source may lack the columns an ingest
    records and the page does not show (its content hash, format and time of ingest)."""
    store = Store(":memory:")
    con = store.con
    for column in ("path", "content_sha256", "format", "ingested_at"):
        con.execute(f"ALTER TABLE sources ALTER COLUMN {column} DROP NOT NULL")
    for table, frame in (("sources", sources), ("claims", claims)):
        stored = {name for (name,) in con.execute(f"SELECT name FROM pragma_table_info('{table}')").fetchall()}  # fmt: skip
        con.register("_frame", frame[[c for c in frame.columns if c in stored]])
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")
        con.unregister("_frame")
    store.add_reconciliation(recon)
    return store
