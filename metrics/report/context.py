"""What the report's template is given: the charts, every table, the counts at the top, and
what each table leaves out.

A database of a million claims still gives a page a browser opens (settings under
`report:` in metrics/data/reconcile.yaml): at most `max_charts` charts, the others named in
a table; every table cut at `table_rows_max` rows, with its total beside it so the page can
say what was left out and which view holds all of it. Each chart's data table is also a CSV
download, in which nothing a source wrote runs as a spreadsheet formula.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import plotly.io as pio
from plotly.io.json import to_json_plotly

from metrics import data
from metrics.output import plural, spreadsheet_safe
from metrics.reconcile.frames import records, with_dates
from metrics.reconcile.verdicts import (
    implausible_rows,
    point_members,
    revision_rows,
)
from metrics.report.charts import STYLE, TEMPLATE, Chart, safe_json, trends
from metrics.report.reading import ReportReader
from metrics.vocab import PointState, Verdict


@dataclass(frozen=True)
class ReportSettings:
    """How much one page holds before the report aggregates, or names what it leaves out."""

    max_charts: int
    claim_markers_max: int
    table_rows_max: int
    significant_digits: int


@cache
def report_settings() -> ReportSettings:
    """The `report:` settings of `metrics/data/reconcile.yaml`."""
    return ReportSettings(**data.load("reconcile.yaml")["report"])


@cache
def plotly_basic_js() -> str:
    """plotly.js's basic bundle (scatter, bar, pie), which draws every chart of the report
    in a quarter of the full bundle's size (vendor/README.md says where it comes from)."""
    return (
        resources.files("metrics.report").joinpath("vendor/plotly-basic.min.js").read_text("utf-8")
    )


def report_context(
    reader: ReportReader, *, title: str, generated: datetime | None = None
) -> dict[str, Any]:
    """Every name the report's template uses, read through `reader` (see `reading`)."""
    limits = report_settings()
    rows_max = limits.table_rows_max
    charted = trends(reader, limits)
    conflicts = _conflicts(reader, rows_max)
    tables = {
        "single": (charted.single, charted.n_single),
        "left_out": (charted.left_out.head(rows_max), len(charted.left_out)),
        "implied": reader.head(_IMPLIED_CHECKS, "_row", rows_max),
        "forecast_errors": reader.head("SELECT * FROM recon_forecast_errors", "_row", rows_max),
        "targets": reader.head("SELECT * FROM recon_targets", "_row", rows_max),
        "target_history": _dated(
            reader.head("SELECT * FROM recon_target_history", "_row", rows_max),
            "published",
            "previous_published",
        ),
        "sources": _dated(reader.head(_SOURCES, "published, path", rows_max), "published"),
        "undated": _dated(
            reader.head("SELECT * FROM recon_undated", "_row", rows_max), "published"
        ),
        "revisions": _revisions(reader, rows_max),
        "implausible": _implausible(reader, rows_max),
    }
    spreads, n_spreads = _members_of(reader, Verdict.SPREAD, rows_max)
    mirrors, n_mirrors = _members_of(reader, Verdict.MIRROR, rows_max)
    totals = {name: total for name, (_, total) in tables.items()} | {
        "conflicts": conflicts["n_real"], "ambiguous": conflicts["n_ambiguous"],
        "rounding": conflicts["n_rounding"], "spreads": n_spreads, "mirrors": n_mirrors,
    }  # fmt: skip
    return {
        "title": title,
        "generated": (generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        "plotly_js": plotly_basic_js(),
        "template_json": safe_json(to_json_plotly(pio.templates[TEMPLATE])),
        "counts": reader.counts(),
        "charts": [_chart_section(chart) for chart in charted.charts],
        "conflicts": conflicts,
        "spreads": spreads,
        "mirrors": mirrors,
        "totals": totals,
        "max_charts": limits.max_charts,
        "claim_markers_max": limits.claim_markers_max,
        "style": STYLE,
        "plural": plural,  # "1 target", "2 targets": worded as the command line words them
        **{name: records(frame) for name, (frame, _) in tables.items()},
    }


_IMPLIED_CHECKS = "SELECT * FROM recon_implied WHERE consistency IS DISTINCT FROM 'fills_gap'"
"""Implied values checked against a stated one (those that fill a gap are charted)."""
_SOURCES = (
    "SELECT s.*, coalesce(n.claims, 0) AS claims FROM sources s LEFT JOIN "
    "(SELECT source_id, count(*) AS claims FROM claims GROUP BY source_id) n USING (source_id)"
)
"""Every source with how many claims it holds (of the metrics reported)."""


def _dated(table: tuple[pd.DataFrame, int], *columns: str) -> tuple[pd.DataFrame, int]:
    frame, total = table
    return with_dates(frame, *columns), total


def _chart_section(chart: Chart) -> dict[str, Any]:
    """A chart as the page shows it: the figure, its data table and the table as a CSV."""
    flat = chart.points.assign(sources=[
        "; ".join(f"{name} {url}" if url else name for name, url in credit)
        for credit in chart.points["sources"]
    ], value=chart.points["value"].map(csv_number))  # fmt: skip
    return {
        "slug": chart.slug,
        "title": chart.title,
        "metric": chart.metric,
        "subtitle": chart.subtitle,
        "sources": chart.sources,
        "figure_json": chart.figure_json,
        "table": chart.points.to_dict("records"),
        "csv": flat.map(spreadsheet_safe).to_csv(index=False),
        "aggregated": chart.aggregated,
    }


def csv_number(value: Any) -> Any:
    """A figure as a CSV cell reads it: 2.76, not the float 2.7600000000000002 a sum left;
    4500000, not 4500000.0; never 1e+21 (15 significant digits, what a double holds)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return value
    return np.format_float_positional(float(f"{value:.15g}"), trim="-")


def _conflicts(reader: ReportReader, limit: int) -> dict[str, Any]:
    """Real disagreements (sources that state different values for one figure), each with
    a one-line why; then what only looks like one, counted and folded: several values in
    one article (ambiguous) and sources whose values agree within their rounding. The
    first `limit` points of each, with every claim, its verdict and quote."""
    groups = {
        name: reader.head(f"SELECT * FROM recon_resolved WHERE {where}", "_row", limit)
        for name, where in _CONFLICT_GROUPS.items()
    }
    shown = pd.concat([frame for frame, _ in groups.values()])
    trail = reader.trail_of(shown["point_id"].tolist())
    claims = reader.claims_of(trail["claim_id"].tolist())
    members: dict[str, list[dict[str, Any]]] = {}
    stated = trail.merge(claims, on="claim_id", suffixes=("", "_claim"))
    for row in records(stated.sort_values("published", kind="stable")):  # oldest first
        members.setdefault(row["point_id"], []).append(row)
    found: dict[str, Any] = {}
    for name, (frame, total) in groups.items():
        points = [{**p, "claims": members.get(p["point_id"], [])} for p in records(frame)]
        found[name] = [{**p, "why": _why(p)} for p in points]
        found[f"n_{name}"] = total
    return found


_FLAGGED = "coalesce(conflict, false)"
_CONFLICT_GROUPS = {
    "real": f"{_FLAGGED} AND state IS DISTINCT FROM 'ambiguous'",
    "ambiguous": f"{_FLAGGED} AND state = 'ambiguous'",
    "rounding": f"NOT {_FLAGGED} AND point_id IN (SELECT t.point_id FROM resolution_trail t "
    "JOIN claims c ON c.claim_id = t.claim_id JOIN recon_resolved r ON r.point_id = t.point_id "
    "WHERE t.verdict = 'agrees' AND c.value IS DISTINCT FROM r.value)",
}
"""The points of each kind of conflict: flagged between sources, flagged within one
article, and agreeing claims written as other values than the one resolved."""


def _why(point: dict[str, Any]) -> str:
    """One line on why the claims of a point differ, or why that is no disagreement."""
    stated = point["claims"]
    values = sorted({(c["value"], c["value_text"]) for c in stated if c["value"] is not None})
    publishers = sorted({c.get("publisher") or "an unnamed source" for c in stated})
    if point["state"] == PointState.AMBIGUOUS:
        return (f"One article ({', '.join(publishers)}) gives {len(values)} values for this figure; "
                "they probably describe different things, so none is taken.")  # fmt: skip
    if not values:
        return ""
    (low, low_text), (high, high_text) = values[0], values[-1]
    apart = f" ({abs(high - low) / abs(low):.0%} apart)" if low else ""
    said = f"{len(publishers)} sources state {low_text} to {high_text}{apart}"
    if point["state"] == PointState.RESOLVED and not point["conflict"]:
        return f"{said}: the same figure within the rounding of each, so they agree."
    if point["state"] == PointState.DISPUTED:
        return f"{said}; no rule settles it, so the figure stays disputed."
    rule = str(point["rule"]).replace("_", " ").replace(",", ", then ")
    return f"{said}; {point['value_text']} was taken by the rule {rule}."


def _members_of(reader: ReportReader, state: str, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The first `limit` points of `state` (spread, mirror) in the order of `point_members`,
    each with its members, and how many points there are.

    The database picks the points that can come first (by metric, entity, period and least
    member value, ties kept) and `point_members` orders those alone."""
    joined = (
        "FROM recon_resolved r JOIN resolution_trail t ON t.point_id = r.point_id "
        "AND t.verdict = $state JOIN claims c ON c.claim_id = t.claim_id WHERE r.state = $state"
    )
    total = reader.count(f"SELECT count(DISTINCT r.point_id) {joined}", state=state)
    first = reader.frame(
        f"SELECT r.point_id {joined} GROUP BY r.point_id, r.metric, r.entity, r.period "
        "QUALIFY rank() OVER (ORDER BY r.metric, r.entity, r.period, min(c.value)) <= $limit",
        state=state, limit=limit,
    )["point_id"].tolist()  # fmt: skip
    resolved = reader.resolved_of(first)
    trail = reader.trail_of(first, [state])
    recon = reader.reconciliation_of(resolved=resolved, trail=trail)
    members = point_members(recon, reader.claims_of(trail["claim_id"].tolist()), state)
    points: dict[str, dict[str, Any]] = {}
    for row in records(members):
        if row["point_id"] not in points and len(points) < limit:
            points[row["point_id"]] = {**row, "members": []}
        if row["point_id"] in points:
            points[row["point_id"]]["members"].append(row)
    return list(points.values()), total


def _revisions(reader: ReportReader, limit: int) -> tuple[pd.DataFrame, int]:
    """The first `limit` rows of `revision_rows` and how many there are: the database
    picks the revisions that can come first (ties kept), `revision_rows` orders them."""
    first, trail, total = _first_of_verdict(
        reader,
        Verdict.SUPERSEDED,
        "FROM resolution_trail t JOIN recon_resolved r ON r.point_id = t.point_id "
        "JOIN claims o ON o.claim_id = t.claim_id JOIN sources s ON s.source_id = o.source_id "
        "WHERE t.verdict = 'superseded' AND t.rule = 'revision'",
        columns="t.point_id, t.claim_id, t.superseded_by",
        order="r.metric, r.entity, r.period, s.published",
        limit=limit,
    )
    resolved = reader.resolved_of(first["point_id"].tolist())
    claims = reader.claims_of([*first["claim_id"], *first["superseded_by"].dropna()])
    rows = revision_rows(reader.reconciliation_of(trail=trail, resolved=resolved), claims)
    return rows.head(limit), total


def _implausible(reader: ReportReader, limit: int) -> tuple[pd.DataFrame, int]:
    """The first `limit` rows of `implausible_rows` and how many there are, picked as
    `_revisions` picks its rows."""
    first, trail, total = _first_of_verdict(
        reader,
        Verdict.IMPLAUSIBLE,
        "FROM resolution_trail t JOIN claims c ON c.claim_id = t.claim_id "
        "WHERE t.verdict = 'implausible'",
        columns="t.point_id, t.claim_id",
        order="c.metric, c.entity, c.period",
        limit=limit,
    )
    claims = reader.claims_of(first["claim_id"].tolist())
    rows = implausible_rows(reader.reconciliation_of(trail=trail), claims)
    return rows.head(limit), total


def _first_of_verdict(
    reader: ReportReader, verdict: str, joined: str, *, columns: str, order: str, limit: int
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """The trail rows of one verdict that can be among a table's first `limit` (`columns`
    of them, picked by `order` with ties kept), their trail entries, and how many there
    are in all (`joined`: the FROM and WHERE that select them)."""
    total = reader.count(f"SELECT count(*) {joined}")
    first = reader.frame(
        f"SELECT {columns} {joined} QUALIFY rank() OVER (ORDER BY {order}) <= $limit",
        limit=limit,
    )
    trail = reader.trail_of(first["point_id"].tolist(), [verdict])
    return first, trail[trail["claim_id"].isin(first["claim_id"])], total


def http_only(url: Any) -> str | None:
    """A link target only for web addresses: a source's `javascript:` URL stays text."""
    return url if isinstance(url, str) and re.match(r"https?://", url, re.IGNORECASE) else None
