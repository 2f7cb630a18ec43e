"""The HTML trend report: one self-contained page of charts and tables from the store.

Everything comes from the stored reconciliation, so the page shows exactly what
`metrics resolved` and the SQL views show. plotly.js is embedded once and every figure is
a JSON block drawn by a few lines of script, so the file works offline. Text from sources
(quotes, publishers, titles) is escaped twice over: jinja2 autoescapes the page, and the
strings inside figures are HTML-escaped because plotly renders a subset of HTML in hovers.

`reading` asks the database for what the page shows, `charts` draws the figures, `context`
gathers what the template is given (and how much of it one page holds), and `templates/`
lays it out: `report.html.j2` fills `base.html.j2`
with one partial per section.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import duckdb
import jinja2
import pandas as pd

from metrics.errors import MetricsError
from metrics.reconcile import Reconciliation
from metrics.report.charts import day, format_number
from metrics.report.context import ReportSettings, http_only, report_context, report_settings
from metrics.report.reading import ReportReader, frames_store
from metrics.store import Store

__all__ = [
    "ReportError",
    "ReportSettings",
    "ReportSummary",
    "render_report",
    "report_settings",
    "write_report",
]


@dataclass(frozen=True)
class ReportSummary:
    """What `metrics report` prints: where the page went, how many charts, how big."""

    path: Path
    charts: int
    size: int

    def __str__(self) -> str:
        return f"{self.path}: {self.charts} charts, {self.size / 1e6:.1f} MB"


def write_report(
    store: Store,
    out: Path | str,
    *,
    title: str = "Middle Corridor figures",
    metrics: Collection[str] | None = None,
) -> ReportSummary:
    """Render the report of everything in `store` to `out` (folders are created).

    `metrics` narrows it to those metrics: a report of fewer series charts series that a
    report of a large database leaves out (`max_charts`). The page is read from the
    database as it shows it (`reading`): counts and ranges aggregated there, and only the
    rows drawn or listed read out.
    """
    out = Path(out)
    reader = ReportReader(store.con, None if metrics is None else list(metrics))
    try:
        page, charts = _render(reader, title=title)
    except duckdb.CatalogException as exc:  # a file from before reconciliation existed
        raise store._no_reconciliation(exc) from exc
    _write_whole(out, page)
    return ReportSummary(out, charts, out.stat().st_size)


class ReportError(MetricsError):
    """The report cannot be written where it was asked for (a full disk, permissions)."""


def _write_whole(out: Path, page: str) -> None:
    """Write `page` to a file beside `out`, then put it in place: a reader never sees half
    a report, and a write that fails (disk full) leaves no half file behind. The temporary
    name is short, so an `out` whose name is near the system's limit works too."""
    partial = out.with_name(f".report-{os.getpid()}.partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(page, encoding="utf-8")
        partial.replace(out)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise ReportError(f"cannot write the report {out}: {exc.strerror or exc}") from exc


def render_report(
    recon: Reconciliation,
    claims: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    title: str,
    generated: datetime | None = None,
) -> tuple[str, int]:
    """The report page of frames in memory (claims joined to their sources' columns, and
    the sources), as a string, and how many charts it holds: what `write_report` writes
    of a store holding them."""
    with frames_store(recon, claims, sources) as store:
        return _render(ReportReader(store.con), title=title, generated=generated)


def _render(
    reader: ReportReader, *, title: str, generated: datetime | None = None
) -> tuple[str, int]:
    context = report_context(reader, title=title, generated=generated)
    return _template().render(**context), len(context["charts"])


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("metrics.report", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,  # a partial ends its line, as it would inline
    )
    env.filters["number"] = format_number
    env.filters["day"] = day
    env.filters["http_only"] = http_only
    env.filters["tojson_compact"] = lambda value: json.dumps(value, ensure_ascii=False)
    return env.get_template("report.html.j2")
