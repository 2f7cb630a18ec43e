"""The `metrics` command: each command parses options, makes one library call and prints.

Library errors (`MetricsError`) surface as `Error: ...` with exit status 1 and a hint on how
to fix them; a database another process holds exits 75 (EX_TEMPFAIL: try again later), so
a cron job can tell "busy" from "broken"; usage errors keep click's exit status 2.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import functools
import io
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from metrics.defaults import DEFAULT_DB, MAX_FILE_BYTES
from metrics.errors import MetricsError, Reason, SchemaViolation, SourceError
from metrics.export import EXPORT_FORMATS, export_tables
from metrics.output import (
    CLAIM_TABLE_COLUMNS,
    CONFLICT_TABLE_COLUMNS,
    OUTPUT_FORMATS,
    RESOLVED_TABLE_COLUMNS,
    catalog_text,
    format_frame,
    plural,
    terminal_text,
)
from metrics.run.budget import FileBudget, default_memory_mb, default_timeout
from metrics.vocab import PointState, Status

if TYPE_CHECKING:
    import pandas as pd

    from metrics import pipeline
    from metrics.store import Store

# pandas, pandera, DuckDB and plotly take a second to import: each command imports what it
# needs when it runs, so `metrics --help` and `metrics --version` answer at once
# (tests/test_cli_startup.py).

DEFAULT_SOURCES = Path("sources")
SQL_TIMEOUT = 5.0
"""Seconds a `metrics sql` query may run (datasette stops its queries after one)."""
SQL_MAX_ROWS = 1000
"""Rows `metrics sql` prints as a table; more would scroll past anyone reading them."""
DEFAULT_REPORT = Path("reports/index.html")

# What to do about each unreadable file, appended to the error message.
SOURCE_HINTS = {
    Reason.NOT_FOUND: "check the path",
    Reason.UNREADABLE: "check the file's permissions, or where its symlink points",
    Reason.TOO_LARGE: "split it, or raise the limit with --max-size",
    Reason.BINARY: "check that the file is the article and not a download of something else",
    Reason.NOT_UTF8: "re-save the file as UTF-8",
    Reason.BAD_FRONT_MATTER: "fix the YAML between the two --- lines at the top",
    Reason.BAD_DATE: "write published as YYYY-MM-DD",
    Reason.FUTURE_DATE: "check the year of published",
    Reason.BAD_SIDECAR: "fix the YAML in the .meta.yaml file beside it",
    Reason.UNSUPPORTED_FORMAT: "save it as .txt, .md, .html, .csv, .xlsx or .pdf",
    Reason.EMPTY: "check that the file holds the article text",
    Reason.NO_TEXT_IN_PDF: "run OCR on the scan (e.g. ocrmypdf) and ingest the result",
    Reason.ENCRYPTED: "save an unencrypted copy (e.g. qpdf --decrypt) and ingest that",
    Reason.BROKEN: "download or export the file again",
    Reason.DATE_OUT_OF_RANGE: "check the year of published",
    Reason.TIME_BUDGET: "split it, or raise the budget with --file-timeout if the file is genuine",
    Reason.MEMORY_BUDGET: "split it, or raise the budget with --file-memory if the file is genuine",
    Reason.CRASHED: "please report it together with the file",
    Reason.NO_METRIC: (
        "name the metric and unit in a header or caption (see `metrics catalog`), "
        "or put `caption:` in a .meta.yaml file beside it"
    ),
    Reason.OUTSIDE_FOLDER: "ingest it with --follow-symlinks if you trust where it leads",
}


EXIT_LOCKED = 75
"""Exit status when another process holds the database: EX_TEMPFAIL, "try again later"."""


class _Locked(click.ClickException):
    """Another process holds the database: a distinct exit status lets a caller retry."""

    exit_code = EXIT_LOCKED


class _Group(click.Group):
    """Turns library errors raised by any command into a readable `Error:` line, with any
    character a terminal would act on (in a file name, a title) printed escaped."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            try:
                return super().invoke(ctx)
            finally:
                sys.stdout.flush()  # a full disk under `> file` fails here, not at exit
        except OSError as exc:
            if exc.errno not in _DISK_FULL:
                raise
            _stdout_to_devnull()
            where = f" writing {exc.filename}" if exc.filename else ""
            message = f"no space left on the device{where}: free some space and run it again"
            raise click.ClickException(terminal_text(message)) from exc
        except SourceError as exc:
            message = f"{exc}; {SOURCE_HINTS[exc.reason]}"
            raise click.ClickException(terminal_text(message)) from exc
        except SchemaViolation as exc:
            lines = str(exc).splitlines()  # the failure cases are a table: keep its lines
            raise click.ClickException(
                "\n".join(map(terminal_text, lines))
                + "\nThe extractor produced rows outside the claim contract: "
                "please report it together with the file."
            ) from exc
        except MetricsError as exc:
            from metrics.store import DatabaseLocked  # loaded already if it was raised

            if isinstance(exc, DatabaseLocked):
                raise _Locked(terminal_text(str(exc))) from exc
            raise click.ClickException(terminal_text(str(exc))) from exc


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def _stdout_to_devnull() -> None:
    """Send what is left in stdout's buffer nowhere: the device is full, and Python would
    otherwise fail again flushing it at exit, with a message of its own."""
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    envvar="METRICS_DB",
    show_default=True,
    show_envvar=True,
    help="DuckDB file holding the sources and claims tables.",
)
wait_option = click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0,
    metavar="SECONDS",
    envvar="METRICS_WAIT",
    show_default=True,
    show_envvar=True,
    help="While another process writes the database (or, for a command that writes, reads "
    f"it), retry for up to this long; then give up with exit status {EXIT_LOCKED}.",
)


def db_options(command: Callable[..., None]) -> Callable[..., None]:
    """--db and --wait, shared by every command that opens the database."""
    return db_option(wait_option(command))


quiet_option = click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No line per file and no progress bar: only the failures and the summary (for cron "
    "and big batches).",
)
follow_symlinks_option = click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Read files whose symlinks lead outside the folder being ingested (refused by "
    "default: a link in a downloaded folder could point at any file of yours).",
)
strict_option = click.option(
    "--strict",
    is_flag=True,
    help="Any file that fails aborts the whole batch: nothing is stored.",
)
max_size_option = click.option(
    "--max-size",
    type=click.FloatRange(min=0),
    default=MAX_FILE_BYTES / 2**20,
    metavar="MB",
    show_default=True,
    help="Refuse files larger than this (0: no limit); no article is this long, and a text "
    "dump would hold a worker for minutes.",
)
out_option = click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_REPORT,
    show_default=True,
    help="Where to write the HTML report (one self-contained file).",
)
jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=lambda: _default_jobs(),
    show_default="the number of CPUs",
    help="Processes extracting in parallel (1 extracts in this process); with --engine "
    "dask, the workers of the local cluster.",
)
engine_option = click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where extraction runs: processes on this machine, or a Dask cluster "
    "(pip install 'metrics[dask]').",
)
scheduler_option = click.option(
    "--scheduler",
    metavar="ADDRESS",
    envvar="METRICS_DASK_SCHEDULER",
    show_envvar=True,
    help="Dask scheduler, e.g. tcp://10.0.0.5:8786; without it --engine dask starts a "
    "local cluster of --jobs workers.",
)
parquet_dir_option = click.option(
    "--parquet-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where --engine dask writes one claims and one sources Parquet file per shard; "
    "the workers must see it.  [default: the database name with .parquet]",
)


file_timeout_option = click.option(
    "--file-timeout",
    type=click.FloatRange(min=0),
    default=default_timeout(),
    metavar="SECONDS",
    show_default=True,
    help="Reading and extracting one file may take this long; a file that takes longer "
    "fails alone (0: no limit). Not applied by --engine dask.",
)
file_memory_option = click.option(
    "--file-memory",
    type=click.IntRange(min=0),
    default=default_memory_mb(),
    metavar="MB",
    show_default=True,
    help="Reading and extracting one file may add this much memory to its process; a file "
    "that needs more fails alone (0: no limit). Not applied by --engine dask.",
)


def _default_jobs() -> int:
    from metrics.run.local import default_jobs

    return default_jobs()


def _use_catalog(ctx: click.Context, param: click.Parameter, path: Path | None) -> None:
    """Check the user catalog before any file is read, and set it for the workers too."""
    from metrics.lexicon.catalog import use_catalog, user_catalog

    use_catalog(path or user_catalog())


catalog_option = click.option(
    "--catalog",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    callback=_use_catalog,
    expose_value=False,
    help="Your own catalog on top of the packaged one (default: ./metrics.yaml if there is "
    "one, or $METRICS_CATALOG): metrics, entity aliases and cue words to add or override.",
)


def ingest_options(command: Callable[..., None]) -> Callable[..., None]:
    """--quiet, --strict, --max-size, --file-timeout, --file-memory, --follow-symlinks,
    --jobs, --engine, --scheduler, --parquet-dir and --catalog, shared by ingest and run."""
    for option in (
        catalog_option,
        follow_symlinks_option,
        parquet_dir_option,
        scheduler_option,
        engine_option,
        jobs_option,
        file_memory_option,
        file_timeout_option,
        max_size_option,
        strict_option,
        quiet_option,
    ):
        command = option(command)
    return command


def _ingest(
    db: Path,
    paths: tuple[Path, ...],
    *,
    wait: float,
    quiet: bool,
    strict: bool,
    max_size: float,
    file_timeout: float,
    file_memory: int,
    jobs: int,
    engine: str,
    scheduler: str | None,
    parquet_dir: Path | None,
    follow_symlinks: bool,
) -> pipeline.IngestSummary:
    """`pipeline.ingest` on the engine the options name, printing each file's outcome."""
    from metrics import pipeline
    from metrics.run import Engine, run_dask
    from metrics.store import Store

    runner: Engine | None = None
    if engine == "local" and (scheduler or parquet_dir):
        raise click.UsageError("--scheduler and --parquet-dir need --engine dask")
    if engine == "dask":
        runner = functools.partial(
            run_dask,
            scheduler=scheduler,
            parquet_dir=parquet_dir or db.with_suffix(".parquet"),
            workers=jobs,
        )
    _require_sources(paths)
    if scheduler:
        paths = tuple(p.resolve() for p in paths)  # remote workers run in another directory
    with Store(db, wait=wait) as store, _progress_of(paths, quiet) as progress:
        return pipeline.ingest(
            store,
            paths,
            progress=progress,
            jobs=jobs,
            engine=runner,
            max_bytes=round(max_size * 2**20) or None,
            strict=strict,
            follow_symlinks=follow_symlinks,
            budget=FileBudget(file_timeout or None, file_memory or None),
        )


metric_option = click.option(
    "--metric", help="Metric id, e.g. titr_cargo_volume (see `metrics catalog`)."
)
entity_option = click.option("--entity", help="Canonical entity name, e.g. TITR or Kazakhstan.")
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(OUTPUT_FORMATS),
    default="table",
    show_default=True,
    help="table for reading, csv or json (all columns) for other tools.",
)


@click.group(cls=_Group)
@click.version_option(
    package_name="metrics", prog_name="metrics", message="%(prog)s %(version)s"
)
def cli() -> None:
    """Pull quantitative claims out of news articles, reconcile them and chart the trends.

    Example:

    \b
        metrics run                    # ingest sources/, reconcile, write reports/index.html
        metrics ingest ../shared/corpus/docs
        metrics claims --metric titr_cargo_volume
        metrics conflicts
        metrics sql "SELECT * FROM forecast_errors"
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_options
@ingest_options
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], db: Path, **options: Any) -> None:
    """Extract and store the claims of source files and folders.

    Sources are articles (.txt, .md with YAML front matter), saved web pages (.html), tables
    (.csv, .tsv, .xlsx) and PDF reports (.pdf); folders are walked recursively, skipping
    hidden ones. Metadata for a file that cannot carry front matter goes in a sidecar beside
    it, NAME.meta.yaml (title, url, publisher, published). A file already stored with the
    same content is skipped, and so is a copy of another file; a changed file replaces its
    earlier claims. A file that cannot be read is reported with the reason and the others
    are still stored (all in one transaction); the exit status is then 1, or with --strict
    nothing is stored. Exit status 75: another process holds the database.

    Example:

    \b
        metrics ingest ../shared/corpus/docs --db corpus.duckdb
    """
    summary = _ingest(db, paths, **options)
    click.echo(f"{db}: {summary}")
    _report_failures(ctx, summary.failed)


def _require_sources(paths: tuple[Path, ...]) -> None:
    """Refuse, before the database is opened or created, a batch in which no path names a
    source file: an empty or mistyped folder should not look like a successful ingest."""
    from metrics.read import FORMATS
    from metrics.read.walk import folder_sources

    for path in paths:
        if path.is_dir() and next(folder_sources(path, FORMATS), None) is not None:
            return
        if not path.is_dir() and (path.exists() or path.is_symlink()):
            return  # a file named on its own is read (or refused with its reason)
    where = ", ".join(
        f"{path}/" if path.is_dir() else f"{path} (it does not exist)" for path in paths
    )
    raise click.ClickException(
        terminal_text(
            f"no source files found in {where}; sources are {', '.join(FORMATS)} files"
        )
    )


PROGRESS_BAR_FILES = 20
"""From this many files on, a terminal shows one progress bar instead of a line per file."""


@contextlib.contextmanager
def _progress_of(paths: tuple[Path, ...], quiet: bool) -> Iterator[pipeline.Progress | None]:
    """What to tell the user per file: nothing with --quiet; a progress bar on stderr for a
    batch of many files when stderr is a terminal; else a line per file (logs keep them)."""
    if quiet:
        yield None
        return
    if _stderr_is_terminal():
        from metrics.read import iter_source_files

        total = sum(1 for _ in iter_source_files(paths))
        if total >= PROGRESS_BAR_FILES:
            from tqdm import tqdm

            with tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True) as bar:
                yield lambda file, outcome: bar.update()
            return
    yield _progress


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _progress(file: Path, outcome: str) -> None:
    click.echo(terminal_text(f"{file}: {outcome}"), err=True)


def _report_failures(ctx: click.Context, failed: list[tuple[str, str]]) -> None:
    for file, message in failed:
        hints = [
            hint for r, hint in SOURCE_HINTS.items() if message.startswith(f"{file}: {r.value}")
        ]
        click.echo(f"Error: {terminal_text('; '.join([message, *hints]))}", err=True)
    if failed:
        ctx.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@out_option
@db_options
@ingest_options
@click.pass_context
def run(ctx: click.Context, paths: tuple[Path, ...], out: Path, db: Path, **options: Any) -> None:
    """Ingest, reconcile and write the report: the whole job in one command.

    PATHS default to the sample articles in sources/. Files that fail are reported and the
    rest still make the report; the exit status is then 1.

    Example:

    \b
        metrics run                       # sources/ -> metrics.duckdb -> reports/index.html
        metrics run ../shared/corpus/docs --db corpus.duckdb --out reports/corpus.html
    """
    from metrics.reconcile import SUMMARY_COLUMNS, summarize
    from metrics.report import write_report
    from metrics.store import Store

    if not paths and not DEFAULT_SOURCES.is_dir():
        raise click.ClickException(
            f"no {DEFAULT_SOURCES}/ folder here: name the articles' files or folders "
            f"(metrics run PATH...), or run it in a folder holding {DEFAULT_SOURCES}/"
        )
    summary = _ingest(db, paths or (DEFAULT_SOURCES,), **options)
    click.echo(f"{db}: {summary}")
    with Store(db, read_only=True, wait=options["wait"]) as store:  # the report only reads
        click.echo(f"reconciled: {summarize(store.reconciliation(SUMMARY_COLUMNS))}")
        click.echo(f"report: {write_report(store, out)}")
    _report_failures(ctx, summary.failed)


@cli.command()
@db_options
def reconcile(db: Path, wait: float) -> None:
    """Rebuild the reconciliation tables from the stored claims.

    `ingest` and `run` do this themselves; run it after upgrading metrics so stored claims
    are judged by the current rules.

    Example:

    \b
        metrics reconcile --db corpus.duckdb
    """
    from metrics import pipeline
    from metrics.reconcile import SUMMARY_COLUMNS, summarize
    from metrics.store import Store

    with Store(db, wait=wait) as store:
        recon = pipeline.reconcile_store(store, columns=SUMMARY_COLUMNS)
        click.echo(f"reconciled: {summarize(recon)}")


@cli.command()
@metric_option
@entity_option
@click.option("--period", help="Period label exactly as stored, e.g. 2024.")
@click.option(
    "--state",
    type=click.Choice([str(state) for state in PointState]),
    help="resolved (a stated figure holds), disputed (sources disagree), ambiguous (one "
    "article gives several values), implied (derived, fills a gap), spread (forecasters "
    "disagree: min/median/max), mirror (each partner's agency gives its own figure) or "
    "implausible (every figure an order of magnitude off).",
)
@format_option
@catalog_option
@db_options
def resolved(
    metric: str | None,
    entity: str | None,
    period: str | None,
    state: str | None,
    fmt: str,
    db: Path,
    wait: float,
) -> None:
    """The one figure that holds for each metric, entity and period, and the rule that chose it.

    Example:

    \b
        metrics resolved --metric titr_cargo_volume --entity TITR
    """
    with _reading(db, wait) as store:
        frame = store.view("resolved", metric=metric, entity=entity, period=period, state=state)
        if frame.empty:
            _check_filters(store, metric=metric, entity=entity)
    _echo_frame(frame, fmt, RESOLVED_TABLE_COLUMNS)


@cli.command()
@click.option("--metric", help="Metric id, e.g. titr_cargo_volume.")
@click.option("--entity", help="Canonical entity name, e.g. TITR.")
@format_option
@catalog_option
@db_options
def conflicts(metric: str | None, entity: str | None, fmt: str, db: Path, wait: float) -> None:
    """Figures whose sources disagree: every claim with its verdict and the reason.

    Example:

    \b
        metrics conflicts --format csv > conflicts.csv
    """
    with _reading(db, wait) as store:
        frame = store.view("conflicts", metric=metric, entity=entity)
        if frame.empty:
            _check_filters(store, metric=metric, entity=entity)
    _echo_frame(frame, fmt, CONFLICT_TABLE_COLUMNS)


@cli.command()
@out_option
@click.option("--title", default="Middle Corridor figures", show_default=True)
@click.option(
    "--metric",
    "metrics",
    multiple=True,
    help="Report only this metric (repeat for more): a large database charts only its "
    "busiest series, a narrower report shows the rest.",
)
@catalog_option
@db_options
def report(out: Path, title: str, metrics: tuple[str, ...], db: Path, wait: float) -> None:
    """Write the HTML trend report: one self-contained file that works offline.

    Example:

    \b
        metrics report --out reports/index.html
        metrics report --metric inflation --metric gdp_growth --out reports/macro.html
    """
    import duckdb

    from metrics.report import write_report
    with _reading(db, wait) as store:
        stored: set[str] | None = None
        # a file from before the claims table existed: write_report says what to do
        with contextlib.suppress(duckdb.CatalogException):
            stored = {metric for metric, _ in store.claims_per_metric()} if metrics else None
        for metric in metrics:
            if stored is not None and metric not in stored:
                _check_filters(store, metric=metric)
                raise click.ClickException(
                    terminal_text(f"no claims of metric {metric!r} in {db}: nothing to report")
                )
        summary = write_report(store, out, title=title, metrics=metrics or None)
    click.echo(f"report: {summary}")


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@format_option
@catalog_option
def extract(file: Path, fmt: str) -> None:
    """Show the claims found in one source file without storing them.

    The file is read under the default budget of `ingest` (--file-timeout, --file-memory).

    Example:

    \b
        metrics extract ../shared/corpus/docs/mfa_oceea_meeting_2025.txt --format json
    """
    from metrics.run import extract_file
    from metrics.schema import claims_frame

    with FileBudget.default().applied(str(file)):
        _, found = extract_file(file, file.parent)
    _echo_frame(claims_frame(found), fmt, CLAIM_TABLE_COLUMNS)


@cli.command()
@metric_option
@entity_option
@click.option("--period", help="Period label exactly as stored, e.g. 2024 or 2024-01..2024-05.")
@click.option("--status", type=click.Choice([str(status) for status in Status]), help="actual, forecast or target.")
@format_option
@catalog_option
@db_options
def claims(
    metric: str | None,
    entity: str | None,
    period: str | None,
    status: str | None,
    fmt: str,
    db: Path,
    wait: float,
) -> None:
    """List stored claims, optionally filtered.

    Example:

    \b
        metrics claims --metric titr_cargo_volume --status target --format csv
    """
    from metrics.store import Store

    with Store(db, read_only=True, wait=wait) as store:
        frame = store.claims(metric=metric, entity=entity, period=period, status=status)
        if frame.empty:
            _check_filters(store, metric=metric, entity=entity)
        if fmt == "table":  # csv and json have source_id, to join with the sources table
            paths = store.query("SELECT source_id, path AS source FROM sources")
            frame = frame.merge(paths, on="source_id", how="left")
    _echo_frame(frame, fmt, (*CLAIM_TABLE_COLUMNS, "source"))


@cli.command()
@click.argument("query")
@format_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=SQL_TIMEOUT,
    metavar="SECONDS",
    show_default=True,
    help="Stop a query still running after this long (0: no limit).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=0),
    default=SQL_MAX_ROWS,
    show_default=True,
    help="Rows shown in a table (0: all); --format csv or json always gives every row.",
)
@db_options
def sql(query: str, fmt: str, timeout: float, max_rows: int, db: Path, wait: float) -> None:
    """Run a read-only SQL query on the sources and claims tables and the views.

    One SELECT (WITH, FROM-first, SHOW, DESCRIBE and SUMMARIZE too); anything that could
    change the database or write elsewhere (DROP, DELETE, COPY ... TO, ATTACH, INSTALL,
    SET, PRAGMA, ...) is refused, and so is reading any file, URL or database but this one
    (read_text, read_csv, FROM 'file.csv', glob). The file is opened read-only, so this
    works next to notebooks that read it too.

    Example:

    \b
        metrics sql "SELECT s.path, c.metric, c.value, c.unit
                     FROM claims c JOIN sources s USING (source_id)"
    """
    cap = max_rows if fmt == "table" and max_rows else None
    with _reading(db, wait) as store:
        result = store.query_rows(query, timeout=timeout, max_rows=cap)
    _echo_frame(result.frame, fmt)
    if result.cut != 0:
        shown = len(result.frame)
        what = (
            f"the first {shown:,} {plural(shown, 'row')} shown, more were cut (counting them ran "
            "past --timeout)"
            if result.cut is None
            else f"{shown:,} of {result.total:,} rows shown"
        )
        click.echo(
            f"{what}; --max-rows 0 shows all, --format csv or json gives every row", err=True
        )


@cli.command()
@catalog_option
@format_option
def catalog(fmt: str) -> None:
    """List the metric ids and entity names claims are filed under.

    Example:

    \b
        metrics catalog
        metrics catalog --format csv > catalog.csv
    """
    from metrics.lexicon.catalog import load_catalog  # like `extract`: only this command needs it

    click.echo(catalog_text(load_catalog(), fmt, _table_width()), nl=False)
    if fmt == "table":  # csv and json are read by programs: one table, one object
        _echo_catalog_origins(load_catalog().origins)


@cli.command("add-claims")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--docs",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder holding the documents the rows' `doc` names: their front matter fills "
    "title, url and publisher, and the text around each quote its originator and scope.",
)
@db_options
@click.pass_context
def add_claims(
    ctx: click.Context, files: tuple[Path, ...], docs: Path | None, db: Path, wait: float
) -> None:
    """Store hand-entered claims from CSV or JSON-lines files, beside the extracted ones.

    Rows follow the gold annotations' layout: doc, quote, metric, entity, value, unit,
    period, status, measure, base_period, qualifier, published; optionally title, url,
    publisher, originator, scope, superseded, value_text. A file is stored whole or not at
    all: every bad row is reported with its line and nothing of that file is stored (exit
    status 1). Loading the same file again changes nothing; a changed file replaces what it
    stored before. The reconciliation is rebuilt.

    Example:

    \b
        metrics add-claims ../shared/corpus/gold.jsonl --docs ../shared/corpus/docs
    """
    from metrics import manual  # like `extract`: only this command reads documents
    from metrics.store import Store

    failed = False
    with Store(db, wait=wait) as store:
        for file in files:
            summary = manual.add_claims(store, file, docs)
            click.echo(f"{db}: {summary}")
            for error in summary.errors:
                click.echo(f"Error: {error}", err=True)
            failed = failed or bool(summary.errors)
    if failed:
        ctx.exit(1)


@cli.command()
@click.argument("claim_id")
@click.option("--why", help="Why the claim is wrong or out of scope (kept with it).")
@click.option("--undo", is_flag=True, help="Count the claim in the reconciliation again.")
@db_options
def exclude(claim_id: str, why: str | None, undo: bool, db: Path, wait: float) -> None:
    """Hide a claim from the reconciliation without deleting it, and rebuild it.

    The claim stays in `claims`; the table `exclusions` holds it with the reason. Take the
    id from `metrics claims --format csv` or `metrics conflicts`.

    Example:

    \b
        metrics exclude 3f2a9c0d1e4b5a67 --why "Jan-Apr 2025 growth, not 2024"
        metrics exclude 3f2a9c0d1e4b5a67 --undo
    """
    from metrics import manual
    from metrics.store import Store

    if not undo and why is None:
        raise click.UsageError("say why with --why TEXT (or give --undo)")
    with Store(db, wait=wait) as store:
        if undo:
            manual.restore_claim(store, claim_id)
            click.echo(f"{claim_id}: counts again; reconciliation rebuilt")
        else:
            manual.exclude_claim(store, claim_id, why or "")
            click.echo(f"{claim_id}: excluded; reconciliation rebuilt")


@contextlib.contextmanager
def _reading(db: Path, wait: float) -> Iterator[Store]:
    """The database opened read-only, with a warning when an ingest stopped between its
    commits: its reconciled views are then out of date until the next ingest or `metrics
    reconcile` rebuilds them."""
    from metrics.store import Store

    with Store(db, read_only=True, wait=wait) as store:
        if store.reconciliation_stale():
            click.echo(
                terminal_text(
                    f"Warning: the reconciliation in {db} is out of date (an ingest stopped "
                    "before it finished); run `metrics reconcile` to rebuild it"
                ),
                err=True,
            )
        yield store


def _check_filters(store: Store, *, metric: str | None, entity: str | None = None) -> None:
    """Refuse a --metric or --entity that names nothing stored and nothing in the catalog,
    suggesting the closest names, so a typo is not mistaken for "no such figures"."""
    from metrics.lexicon.catalog import load_catalog

    catalog = load_catalog()
    for kind, value, column, listed in (
        ("metric", metric, "metric", catalog.metrics),
        ("entity", entity, "entity", catalog.entities),
    ):
        if value is None:
            continue
        stored = store.query(f"SELECT DISTINCT {column} FROM claims WHERE {column} IS NOT NULL")
        known = {*stored[column], *listed}
        if value in known:
            continue
        by_folded = {name.casefold(): name for name in known}
        close = difflib.get_close_matches(value.casefold(), by_folded, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(by_folded[c] for c in close)}?" if close else ""
        raise click.ClickException(
            terminal_text(f"no such {kind} {value!r}{hint} (`metrics catalog` lists them)")
        )


def _echo_frame(frame: pd.DataFrame, fmt: str, table_columns: tuple[str, ...] = ()) -> None:
    click.echo(format_frame(frame, fmt, table_columns, _table_width()), nl=False)


def _table_width() -> int | None:
    """The terminal's width for tables, when one shows them (or COLUMNS says it); a table
    piped to a file or another program keeps its whole values."""
    if sys.stdout.isatty() or os.environ.get("COLUMNS"):
        return shutil.get_terminal_size().columns
    return None


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="parquet",
    show_default=True,
    help="parquet keeps the column types (pandas, R, DuckDB); csv opens in a spreadsheet.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("export"),
    show_default=True,
    help="Folder to write into (created if needed); files of the same names are replaced.",
)
@db_options
def export(fmt: str, out: Path, db: Path, wait: float) -> None:
    """Write sources, claims and every reconciliation view to files, one per table.

    For pandas, R, Excel or datasette: `sources`, `claims`, `resolved`, `conflicts`,
    `implied`, `forecast_errors`, ... as OUT/NAME.parquet or OUT/NAME.csv.

    Example:

    \b
        metrics export --format csv --out export/
        python -c "import pandas as pd; print(pd.read_parquet('export/resolved.parquet'))"
    """
    with _reading(db, wait) as store:
        exported = export_tables(store, out, fmt)
    for table in exported:
        click.echo(f"{table.path}: {table.rows:,} {plural(table.rows, 'row')}")


def _echo_catalog_origins(origins: dict[str, str]) -> None:
    """Which entries a user catalog added or overrode, after `catalog_text`'s tables (nothing
    without one: every entry is then the packaged catalog's)."""
    from metrics.lexicon.catalog import PACKAGED

    by_file: dict[str, list[str]] = {}
    for entry, file in origins.items():
        by_file.setdefault(file, []).append(entry)
    for file, entries in by_file.items():
        click.echo(f"\nfrom {file}: {', '.join(entries)}")
    if origins:
        click.echo(f"\nevery other entry from {PACKAGED}")
