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
from metrics.reconcile import Reconciliation, summary_counts
from metrics.reconcile.frames import records, with_dates
from metrics.reconcile.verdicts import (
    implausible_rows,
    point_members,
    revision_rows,
)
from metrics.report.charts import STYLE, TEMPLATE, Chart, safe_json, trends
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
    recon: Reconciliation,
    claims: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    title: str,
    generated: datetime | None = None,
) -> dict[str, Any]:
    """Every name the report's template uses."""
    limits = report_settings()
    resolved = with_dates(recon.resolved, "period_start", "period_end", "published")
    claims = with_dates(claims, "period_start", "period_end", "published")
    history = with_dates(recon.target_history, "published", "previous_published")
    sources = with_dates(sources, "published")
    charted = trends(resolved, claims, history, recon, limits)
    conflicts = _conflicts(recon, claims, limits.table_rows_max)
    tables = {
        "single": charted.single,
        "left_out": charted.left_out,
        "implied": recon.implied[recon.implied["consistency"] != "fills_gap"],
        "forecast_errors": recon.forecast_errors,
        "targets": recon.targets,
        "target_history": history,
        "sources": sources,
        "undated": with_dates(recon.undated, "published"),
        "revisions": revision_rows(recon, claims),
        "implausible": implausible_rows(recon, claims),
    }
    spreads, n_spreads = _grouped(
        point_members(recon, claims, Verdict.SPREAD), limits.table_rows_max
    )
    mirrors, n_mirrors = _grouped(
        point_members(recon, claims, Verdict.MIRROR), limits.table_rows_max
    )
    totals = {name: len(frame) for name, frame in tables.items()} | {
        "conflicts": conflicts["n_real"], "ambiguous": conflicts["n_ambiguous"],
        "rounding": conflicts["n_rounding"], "spreads": n_spreads, "mirrors": n_mirrors,
    }  # fmt: skip
    return {
        "title": title,
        "generated": (generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        "plotly_js": plotly_basic_js(),
        "template_json": safe_json(to_json_plotly(pio.templates[TEMPLATE])),
        "counts": _counts(recon, claims, sources),
        "charts": [_chart_section(chart) for chart in charted.charts],
        "conflicts": conflicts,
        "spreads": spreads,
        "mirrors": mirrors,
        "totals": totals,
        "max_charts": limits.max_charts,
        "claim_markers_max": limits.claim_markers_max,
        "style": STYLE,
        "plural": plural,  # "1 target", "2 targets": worded as the command line words them
        **{name: records(frame.head(limits.table_rows_max)) for name, frame in tables.items()},
    }


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


def _conflicts(recon: Reconciliation, claims: pd.DataFrame, limit: int) -> dict[str, Any]:
    """Real disagreements (sources that state different values for one figure), each with
    a one-line why; then what only looks like one, counted and folded: several values in
    one article (ambiguous) and sources whose values agree within their rounding. The
    first `limit` points of each, with every claim, its verdict and quote."""
    resolved = recon.resolved
    flagged = resolved["conflict"].fillna(False).astype(bool)
    ambiguous = resolved["state"] == PointState.AMBIGUOUS
    trail = recon.trail
    agreeing = (
        trail[trail["verdict"] == Verdict.AGREES]
        .merge(claims[["claim_id", "value"]], on="claim_id")
        .merge(resolved[["point_id", "value"]], on="point_id", suffixes=("", "_resolved"))
    )
    rounded = agreeing.loc[agreeing["value"] != agreeing["value_resolved"], "point_id"].unique()
    groups = {
        "real": resolved[flagged & ~ambiguous],
        "ambiguous": resolved[flagged & ambiguous],
        "rounding": resolved[~flagged & resolved["point_id"].isin(rounded)],
    }
    shown = pd.concat([frame.head(limit) for frame in groups.values()])
    members: dict[str, list[dict[str, Any]]] = {}
    stated = trail[trail["point_id"].isin(shown["point_id"])].merge(
        claims, on="claim_id", suffixes=("", "_claim")
    )
    for row in records(stated.sort_values("published", kind="stable")):  # oldest first
        members.setdefault(row["point_id"], []).append(row)
    found: dict[str, Any] = {}
    for name, frame in groups.items():
        points = [
            {**p, "claims": members.get(p["point_id"], [])} for p in records(frame.head(limit))
        ]
        found[name] = [{**p, "why": _why(p)} for p in points]
        found[f"n_{name}"] = len(frame)
    return found


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


def _grouped(members: pd.DataFrame, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The first `limit` points of `members` (one row per member claim), each with its
    members, and how many points there are."""
    points: dict[str, dict[str, Any]] = {}
    for row in records(members):
        if row["point_id"] not in points and len(points) < limit:
            points[row["point_id"]] = {**row, "members": []}
        if row["point_id"] in points:
            points[row["point_id"]]["members"].append(row)
    return list(points.values()), int(members["point_id"].nunique())


def _counts(recon: Reconciliation, claims: pd.DataFrame, sources: pd.DataFrame) -> dict[str, int]:
    """The cards at the top: the command line's counts (`summary_counts`), and the size of
    what they were drawn from."""
    return {"sources": len(sources), "claims": len(claims)} | summary_counts(recon)


def http_only(url: Any) -> str | None:
    """A link target only for web addresses: a source's `javascript:` URL stays text."""
    return url if isinstance(url, str) and re.match(r"https?://", url, re.IGNORECASE) else None
