"""The HTML trend report: one self-contained page of charts and tables from the store.

Everything comes from the stored reconciliation, so the page shows exactly what
`metrics resolved` and the SQL views show. plotly.js is embedded once and every figure is
a JSON block drawn by a few lines of script, so the file works offline. Text from sources
(quotes, publishers, titles) is escaped twice over: jinja2 autoescapes the page, and the
strings inside figures are HTML-escaped because plotly renders a subset of HTML in hovers.

A database of a million claims still gives a page a browser opens (settings under
`report:` in metrics/data/reconcile.yaml): at most `max_charts` charts, the series with the
most points, the others named in a table; a series stated more than `claim_markers_max`
times drawn as one range of stated values per period instead of a marker (and quote) per
claim; every table cut at `table_rows_max` rows, with a note saying what was left out and
which view holds all of it.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import yaml
from plotly.io.json import to_json_plotly
from plotly.offline import get_plotlyjs

from metrics.lexicon.catalog import load_catalog
from metrics.reconcile import Reconciliation, records, with_dates
from metrics.store import Store

UNIT_LABELS = {
    "t": "tonnes", "TEU": "TEU", "USD": "US dollars", "EUR": "euros", "KZT": "tenge",
    "%": "percent", "pct_change": "% change", "x": "times the base", "count": "count",
    "km": "km", "day": "days", "pp": "percentage points",
}  # fmt: skip
PERIOD_CLASSES = {1: "monthly", 3: "quarterly", 6: "half-yearly", 12: "annual"}
STYLE = {
    "actual": {"color": "#1f5fa8"},
    "forecast": {"color": "#d9822b"},
    "implied": {"color": "#6b6b6b"},
    "disputed": {"color": "#c23b3b"},
    "target": {"color": "#2e8b57"},
}
UNSETTLED = ("disputed", "ambiguous")  # no value chosen: charted as a band of every value
TEMPLATE = "plotly_white"  # embedded once and applied by the page, not copied per figure
QUOTE_WIDTH = 90  # characters per hover line


@dataclass(frozen=True)
class ReportSettings:
    """How much one page holds before the report aggregates, or names what it leaves out."""

    max_charts: int
    claim_markers_max: int
    table_rows_max: int


@cache
def report_settings() -> ReportSettings:
    """The `report:` settings of `metrics/data/reconcile.yaml`."""
    text = resources.files("metrics").joinpath("data/reconcile.yaml").read_text("utf-8")
    return ReportSettings(**yaml.safe_load(text)["report"])


@dataclass(frozen=True)
class ReportSummary:
    path: Path
    charts: int
    size: int

    def __str__(self) -> str:
        return f"{self.path}: {self.charts} charts, {self.size / 1e6:.1f} MB"


@dataclass
class _Chart:
    slug: str
    title: str
    subtitle: str
    figure_json: str
    table: list[dict[str, Any]]
    csv: str
    aggregated: bool = False  # drawn as ranges of stated values per period


def write_report(
    store: Store,
    out: Path | str,
    *,
    title: str = "Middle Corridor figures",
    metrics: Collection[str] | None = None,
) -> ReportSummary:
    """Render the report of everything in `store` to `out` (folders are created).

    `metrics` narrows it to those metrics: a report of fewer series charts series that a
    report of a large database leaves out (`max_charts`).
    """
    out = Path(out)
    recon = store.reconciliation()
    claims = store.query(
        "SELECT c.*, s.publisher, s.published, s.url, s.title, s.path "
        "FROM claims c JOIN sources s USING (source_id)"
    )
    sources = store.query(
        "SELECT s.*, (SELECT count(*) FROM claims c WHERE c.source_id = s.source_id) "
        "AS claims FROM sources s ORDER BY published, path"
    )
    if metrics is not None:
        recon, claims, sources = _narrowed(recon, claims, sources, set(metrics))
    page, charts = render_report(recon, claims, sources, title=title)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(out)  # a reader never sees half a report
    return ReportSummary(out, charts, out.stat().st_size)


def _narrowed(
    recon: Reconciliation, claims: pd.DataFrame, sources: pd.DataFrame, metrics: set[str]
) -> tuple[Reconciliation, pd.DataFrame, pd.DataFrame]:
    """The reconciliation, claims and sources of `metrics` alone (sources counting only
    their claims of those metrics)."""

    def kept(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["metric"].isin(metrics)]

    resolved = kept(recon.resolved)
    claims = kept(claims)
    counts = claims["source_id"].value_counts()
    sources = sources[sources["source_id"].isin(counts.index)]
    recon = Reconciliation(
        resolved=resolved,
        trail=recon.trail[recon.trail["point_id"].isin(resolved["point_id"])],
        implied=kept(recon.implied),
        forecast_errors=kept(recon.forecast_errors),
        target_history=kept(recon.target_history),
        targets=kept(recon.targets),
    )
    return recon, claims, sources.assign(claims=sources["source_id"].map(counts))


def render_report(
    recon: Reconciliation,
    claims: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    title: str,
    generated: datetime | None = None,
) -> tuple[str, int]:
    """The report page as a string, and how many charts it holds."""
    limits = report_settings()
    resolved = with_dates(recon.resolved, "period_start", "period_end", "published")
    claims = with_dates(claims, "period_start", "period_end", "published")
    history = with_dates(recon.target_history, "published", "previous_published")
    sources = with_dates(sources, "published")
    trends = _trends(resolved, claims, history, recon, limits)
    conflicts, conflicting = _conflicts(recon, claims, limits.table_rows_max)
    tables = {
        "single": trends.single,
        "left_out": trends.left_out,
        "implied": recon.implied[recon.implied["consistency"] != "fills_gap"],
        "forecast_errors": recon.forecast_errors,
        "targets": recon.targets,
        "target_history": history,
        "sources": sources,
    }
    totals = {name: len(frame) for name, frame in tables.items()} | {"conflicts": conflicting}
    page = _template().render(
        title=title,
        generated=(generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        plotly_js=get_plotlyjs(),
        template_json=_safe_json(to_json_plotly(pio.templates[TEMPLATE])),
        counts=_counts(recon, claims, sources, conflicting),
        charts=trends.charts,
        conflicts=conflicts,
        totals=totals,
        max_charts=limits.max_charts,
        claim_markers_max=limits.claim_markers_max,
        style=STYLE,
        **{name: records(frame.head(limits.table_rows_max)) for name, frame in tables.items()},
    )
    return page, len(trends.charts)


# --- series and figures ----------------------------------------------------------------


def _period_class(start: date | None, end: date | None) -> str | None:
    """Figures are charted together only over periods of one length and alignment."""
    if start is None or end is None:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months in PERIOD_CLASSES and (months == 1 or (start.month - 1) % months == 0):
        return PERIOD_CLASSES[months]
    first, last = start.strftime("%b"), end.strftime("%b")
    return f"{first}–{last} ({months} months)"


def _midpoint(start: date, end: date) -> str:
    return (start + (end - start) / 2).isoformat()


def _metric_label(metric: str) -> str:
    found = _meanings().get(metric)
    return f"{found} ({metric})" if found else metric


@cache
def _meanings() -> dict[str, str]:
    return {m.id: m.meaning for m in load_catalog().metrics.values()}


def _escape(text: str) -> str:
    """Text for a string plotly renders as HTML (hovers, annotations): no tag or entity can
    come from a source. Quotes become numeric references, which plotly decodes; of the
    named ones it knows only a few, and showed `&quot;` as written."""
    return html.escape(text, quote=False).replace('"', "&#34;").replace("'", "&#39;")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[-+][\d.,% ]*")


def _spreadsheet_text(value: Any) -> Any:
    """A CSV cell a spreadsheet would run as a formula (`=HYPERLINK(...)`, `@SUM(...)`)
    gets a leading apostrophe, which shows it as the text it is; signed numbers stay."""
    formula = isinstance(value, str) and value.startswith(_FORMULA_START)
    return "'" + value if formula and not _SIGNED_NUMBER.fullmatch(value) else value


def _quote(text: str | None) -> str:
    """A quote for a hover: escaped, wrapped, and cut where it runs long."""
    if not text:
        return ""
    short = textwrap.shorten(text, width=QUOTE_WIDTH * 3, placeholder=" …")
    return "<br>".join(_escape(line) for line in textwrap.wrap(short, QUOTE_WIDTH))


DERIVED = "derived from other figures"  # who states an implied value


def _hover(period: str, written: str, who: str | None, when: Any, quote: str | None) -> list[str]:
    return [
        _escape(period or ""),
        _escape(written or ""),
        _escape(who or "publisher not named"),
        _escape(str(when) if when else ""),
        _quote(quote),
    ]


HOVER = (
    "<b>%{customdata[0]}</b>: %{customdata[1]}<br>%{customdata[2]} %{customdata[3]}"
    "<br><i>%{customdata[4]}</i><extra>%{fullData.name}</extra>"
)


@dataclass
class _Trends:
    """The charts of a report, the figures with no series yet, and the series left out."""

    charts: list[_Chart]
    single: pd.DataFrame
    left_out: pd.DataFrame


SINGLE_COLUMNS = ["metric", "entity", "period", "measure", "unit", "status", "state",
                  "value_text", "publisher", "published"]  # fmt: skip
LEFT_OUT_COLUMNS = ["metric", "entity", "measure", "unit", "base_period", "periods", "points",
                    "claims"]  # fmt: skip


def _series_keys(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """The series of each figure: metric, entity, measure, unit, base period and period
    length. Growth in % over the year before forms one series whatever base it names."""
    ends = list(zip(frame["period_start"], frame["period_end"], strict=True))
    classes = {pair: _period_class(*pair) for pair in set(ends)}
    named_base = (frame["measure"] == "growth") & (frame["unit"] != "pct_change")
    base = frame["base_period"].astype(object)
    base = base.where(named_base & base.notna(), None)
    return list(zip(
        frame["metric"], frame["entity"].fillna(""), frame["measure"], frame["unit"], base,
        [classes[pair] for pair in ends], strict=True,
    ))  # fmt: skip


def _trends(
    resolved: pd.DataFrame,
    claims: pd.DataFrame,
    history: pd.DataFrame,
    recon: Reconciliation,
    limits: ReportSettings,
) -> _Trends:
    """One chart per series with two or more points (targets count) or a dispute, the
    fullest first: at most `max_charts`, chosen by most points, then most claims. Single
    figures and the series left out go to tables."""
    stated = resolved[resolved["period_start"].notna() & (resolved["status"] != "target")]
    keys = _series_keys(stated)  # targets are charted from their history, beside actuals
    numbers: dict[tuple[Any, ...], int] = {}
    code = np.array([numbers.setdefault(k, len(numbers)) for k in keys], dtype=np.int64)
    stated = stated.assign(code=code)
    series = list(numbers)
    points = np.bincount(code, minlength=len(series))
    stated_claims = np.bincount(code, stated["n_claims"].fillna(0), len(series)).astype(int)
    disputed = np.bincount(code, stated["state"].isin(UNSETTLED), len(series)) > 0
    targets = _targets(history, claims)
    dated = [len(targets.get(k, ())) if k[5] == "annual" else 0 for k in series]
    chartable = (points + np.array(dated, dtype=int) >= 2) | disputed
    named = [tuple(map(str, k)) for k in series]
    fullest = sorted(np.flatnonzero(chartable).tolist(),
                     key=lambda i: (-points[i], -stated_claims[i], named[i]))  # fmt: skip
    kept, left = set(fullest[: limits.max_charts]), fullest[limits.max_charts :]
    charted = sorted(kept, key=lambda i: (-points[i], named[i]))  # the page's order
    big = {i for i in charted if stated_claims[i] > limits.claim_markers_max}

    rows: dict[int, list[dict[str, Any]]] = {i: [] for i in charted}
    for row in records(stated[np.isin(code, charted)]):
        rows[row["code"]].append(row)
    ranges = _ranges(stated[np.isin(code, list(big))], recon.trail, claims)
    shown = [r for i in charted if i not in big for r in rows[i]]
    members = _members([r for r in shown if r["state"] in UNSETTLED], claims)
    outranked = _outranked(recon.forecast_errors, shown)
    charts = [
        _chart(
            series[i],
            sorted(rows[i], key=lambda r: r["period_start"]),
            targets.get(series[i], []) if series[i][5] == "annual" else [],
            members,
            outranked,
            n,
            ranges.get(i),
            int(stated_claims[i]),
        )
        for n, i in enumerate(charted)
    ]

    lone = stated[~chartable[code]]  # one figure each, listed in the order of their series
    lone_codes = lone["code"].tolist()
    lone = lone.iloc[sorted(range(len(lone)), key=lambda n: named[lone_codes[n]])]
    left_out = pd.DataFrame(
        [(*series[i], int(points[i]), int(stated_claims[i])) for i in left],
        columns=LEFT_OUT_COLUMNS,
    )
    return _Trends(charts, lone[SINGLE_COLUMNS], left_out)


def _targets(
    history: pd.DataFrame, claims: pd.DataFrame
) -> dict[tuple[Any, ...], list[dict[str, Any]]]:
    """Target statements by the annual series they are drawn on, at their deadline."""
    deadlines = claims[["claim_id", "period_start", "period_end"]]
    targets: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in records(history.merge(deadlines, on="claim_id", how="left")):
        key = (row["metric"], row["entity"] or "", row["measure"], row["unit"], None, "annual")
        targets.setdefault(key, []).append({**row, "period": row["deadline"]})
    return targets


_MEMBER_KEY = ["metric", "entity", "period", "measure", "unit"]


def _members(
    unsettled: list[dict[str, Any]], claims: pd.DataFrame
) -> dict[tuple[Any, ...], list[dict[str, Any]]]:
    """Every claim of each disputed or ambiguous figure, found with one join."""
    wanted = pd.DataFrame(
        [(r["metric"], r["entity"] or "", r["period"], r["measure"], r["unit"]) for r in unsettled],
        columns=_MEMBER_KEY,
    ).drop_duplicates()
    found = claims.assign(entity=claims["entity"].fillna("")).merge(wanted, on=_MEMBER_KEY)
    members: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in records(found):
        members.setdefault(tuple(row[k] for k in _MEMBER_KEY), []).append(row)
    return members


def _outranked(
    forecast_errors: pd.DataFrame, rows: list[dict[str, Any]]
) -> dict[tuple[Any, ...], list[dict[str, Any]]]:
    """Forecasts that met an actual, by the figure they are drawn beside (charted only)."""
    charted = {(r["metric"], r["entity"] or "") for r in rows}
    pairs = zip(forecast_errors["metric"], forecast_errors["entity"].fillna(""), strict=True)
    outranked: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in records(forecast_errors[[pair in charted for pair in pairs]]):
        key = (r["metric"], r["entity"] or "", r["period"], r["measure"], r["unit"])
        outranked.setdefault(key, []).append(r)
    return outranked


def _ranges(
    points: pd.DataFrame, trail: pd.DataFrame, claims: pd.DataFrame
) -> dict[int, list[dict[str, Any]]]:
    """Per series (by `code`) and period: how many claims in how many articles, and the
    least, median and greatest value they state."""
    members = trail.loc[trail["point_id"].isin(points["point_id"]), ["point_id", "claim_id"]]
    members = members.merge(claims[["claim_id", "value", "source_id"]], on="claim_id").merge(
        points[["point_id", "code", "period", "period_start", "period_end"]], on="point_id"
    )
    stats = members.groupby(["code", "period_start", "period_end", "period"], as_index=False).agg(
        claims=("claim_id", "size"), articles=("source_id", "nunique"), low=("value", "min"),
        middle=("value", "median"), high=("value", "max"),
    )  # fmt: skip
    ranges: dict[int, list[dict[str, Any]]] = {}
    for row in records(stats):  # sorted by code, then period start
        ranges.setdefault(row["code"], []).append(row)
    return ranges


def _chart(
    key: tuple[Any, ...],
    rows: list[dict[str, Any]],
    targets: list[dict[str, Any]],
    members: dict[tuple[Any, ...], list[dict[str, Any]]],
    outranked: dict[tuple[Any, ...], list[dict[str, Any]]],
    number: int,
    ranges: list[dict[str, Any]] | None,
    claims: int,
) -> _Chart:
    """One series: resolved actuals, forecasts, implied values, disputes and targets.

    With `ranges` (a series of more than `claim_markers_max` claims) each period shows
    the range of the values stated for it instead of a marker per claim.
    """
    metric, entity, measure, unit, base, period_class = key
    fig = go.Figure()
    table: list[dict[str, Any]] = []

    def add(name: str, kind: str, items: list[dict[str, Any]], **style: Any) -> None:
        if not items:
            return
        fig.add_trace(
            go.Scatter(
                name=name,
                x=[i["x"] for i in items],
                y=[i["y"] for i in items],
                customdata=[i["hover"] for i in items],
                hovertemplate=HOVER,
                **style,
            )
        )
        for i in items:
            table.append({"period": i["period"], "kind": kind, "value": i["y"],
                          "as written": i["written"], "source": i["who"] or "",
                          "published": str(i["when"] or "")})  # fmt: skip

    def item(row: dict[str, Any], y: float, written: str, who: Any, when: Any, quote: Any) -> dict[str, Any]:  # fmt: skip
        return {
            "x": _midpoint(row["period_start"], row["period_end"]),
            "y": y,
            "period": row["period"],
            "written": written,
            "who": who,
            "when": when,
            "hover": _hover(row["period"], written, who, when, quote),
        }

    resolved = [r for r in rows if r["state"] == "resolved"]
    actual = [item(r, r["value"], r["value_text"], r["publisher"], r["published"], r["quote"])
              for r in resolved if r["status"] == "actual"]  # fmt: skip
    add("Actual", "actual", actual, mode="lines+markers",
        line={"color": STYLE["actual"]["color"], "width": 2.5}, marker={"size": 8})  # fmt: skip

    forecasts = [item(r, r["value"], r["value_text"], r["publisher"], r["published"], r["quote"])
                 for r in resolved if r["status"] == "forecast"]  # fmt: skip
    for r in resolved:
        if r["status"] != "actual" or ranges is not None:
            continue
        for f in outranked.get((metric, entity, r["period"], measure, unit), []):
            forecasts.append(item(r, f["forecast_value"], f["forecast_text"], f["forecaster"],
                                  f["forecast_published"], f["forecast_quote"]))  # fmt: skip
    forecasts.sort(key=lambda i: i["x"])
    add("Forecast", "forecast", forecasts, mode="lines+markers",
        line={"color": STYLE["forecast"]["color"], "dash": "dash"},
        marker={"symbol": "circle-open", "size": 9})  # fmt: skip

    implied = [item(r, r["value"], r["value_text"], DERIVED, None, None)
               for r in rows if r["state"] == "implied"]  # fmt: skip
    add("Implied (derived)", "implied", implied, mode="markers",
        marker={"symbol": "diamond-open", "size": 10, "color": STYLE["implied"]["color"]})  # fmt: skip

    for r in (r for r in rows if r["state"] in UNSETTLED):
        _add_band(fig, r)
        if ranges is not None:
            continue  # the range of stated values stands for the claims
        add(f"{r['state'].capitalize()} {r['period']}: each source", r["state"],
            [item(r, c["value"], c["value_text"], c["publisher"], c["published"], c["quote"])
             for c in members.get((metric, entity, r["period"], measure, unit), [])],
            mode="markers", marker={"symbol": "x", "size": 10, "color": STYLE["disputed"]["color"]})  # fmt: skip

    if ranges is not None:  # each period's stated values: a marker at the median, a bar
        spread = []
        for r in ranges:
            counted = f"{r['claims']:,} claims in {r['articles']:,} articles"
            spread.append({**item(r, r["middle"], counted, None, None, None), "hover": [
                _escape(r["period"]), counted,
                f"from {_number(r['low'])} to {_number(r['high'])}",
                f"(median {_number(r['middle'])})", "",
            ]})  # fmt: skip
        bars = {
            "type": "data", "symmetric": False, "thickness": 1.5, "width": 6,
            "color": STYLE["implied"]["color"],
            "array": [r["high"] - r["middle"] for r in ranges],
            "arrayminus": [r["middle"] - r["low"] for r in ranges],
        }  # fmt: skip
        add("Stated values: range and median", "stated values", spread, mode="markers",
            marker={"symbol": "line-ew-open", "size": 12, "color": STYLE["implied"]["color"]},
            error_y=bars)  # fmt: skip

    if targets:
        _add_targets(fig, targets, add, item)

    label = UNIT_LABELS.get(unit, unit)
    fig.update_layout(
        height=380,
        margin={"l": 60, "r": 20, "t": 30, "b": 40},
        legend={"orientation": "h", "y": -0.15},
        hoverlabel={"align": "left"},
        yaxis={"title": {"text": label}, "exponentformat": "B", "rangemode": "tozero" if measure == "level" else "normal"},
        xaxis={"type": "date", **({"dtick": "M12", "tickformat": "%Y"} if period_class == "annual" else {"tickformat": "%b %Y"})},
    )  # fmt: skip
    title = f"{_metric_label(metric)} — {entity or 'unspecified'}"
    what = f"{measure}, {label}, {period_class}" + (f", vs {base}" if base else "")
    if ranges is not None:
        what += f"; {claims:,} claims, drawn as the range stated for each period"
    frame = pd.DataFrame(table).sort_values(["period", "kind"], kind="stable")
    slug = re.sub(r"[^a-z0-9]+", "-", f"{number + 1} {metric} {entity} {measure} {period_class}".lower()).strip("-")  # fmt: skip
    return _Chart(
        slug=slug,
        title=title,
        subtitle=what,
        figure_json=_safe_json(fig.to_json()),
        table=frame.to_dict("records"),
        csv=frame.map(_spreadsheet_text).to_csv(index=False),
        aggregated=ranges is not None,
    )


def _add_band(fig: go.Figure, row: dict[str, Any]) -> None:
    """A shaded band over a disputed period, spanning every source's value."""
    x0, x1 = row["period_start"].isoformat(), row["period_end"].isoformat()
    fig.add_trace(
        go.Scatter(
            name=f"{row['state'].capitalize()} {row['period']}: range",
            x=[x0, x1, x1, x0, x0],
            y=[row["low"], row["low"], row["high"], row["high"], row["low"]],
            fill="toself",
            mode="lines",
            line={"width": 0},
            fillcolor="rgba(194, 59, 59, 0.18)",
            hoverinfo="skip",
        )
    )


def _add_targets(fig: go.Figure, targets: list[dict[str, Any]], add: Any, item: Any) -> None:
    """Targets at their deadlines: current ones filled, superseded ones hollow, each
    revision joined to the statement it replaced."""
    latest = {t["target_id"]: t["seq"] for t in targets}
    current = [t for t in targets if t["seq"] == latest[t["target_id"]]]
    earlier = [t for t in targets if t["seq"] != latest[t["target_id"]]]

    def marker(t: dict[str, Any]) -> dict[str, Any]:
        return item(t, t["value"], f"target {t['value_text']} by {t['deadline']}",
                    t["publisher"], t["published"], t["quote"])  # fmt: skip

    add("Target", "target", [marker(t) for t in current], mode="markers",
        marker={"symbol": "star", "size": 14, "color": STYLE["target"]["color"]})  # fmt: skip
    add("Target, earlier statement", "target (earlier statement)", [marker(t) for t in earlier],
        mode="markers", marker={"symbol": "star-open", "size": 14, "color": STYLE["target"]["color"]})  # fmt: skip
    by_id: dict[str, list[dict[str, Any]]] = {}
    for t in targets:
        by_id.setdefault(t["target_id"], []).append(t)
    for chain in by_id.values():
        moves = [t for t in chain if t["event"] not in ("set", "restated")]
        for t in moves:
            before = next(p for p in chain if p["claim_id"] == t["previous_claim_id"])
            a, b = marker(before), marker(t)
            fig.add_annotation(
                x=b["x"], y=b["y"], ax=a["x"], ay=a["y"], xref="x", yref="y", axref="x",
                ayref="y", showarrow=True, arrowhead=2, arrowwidth=1.5,
                arrowcolor=STYLE["target"]["color"],
                text=_escape(t["event"].replace("_", " ")), font={"size": 11},
            )  # fmt: skip


def _safe_json(text: str) -> str:
    """JSON that cannot close the script element holding it."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- tables ----------------------------------------------------------------------------


def _conflicts(
    recon: Reconciliation, claims: pd.DataFrame, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The first `limit` points with disagreeing claims, each claim with its verdict and
    quote, and how many points disagree in all."""
    conflicting = recon.resolved[recon.resolved["conflict"].fillna(False).astype(bool)]
    points = conflicting.head(limit)
    trail = recon.trail[recon.trail["point_id"].isin(points["point_id"])]
    trail = trail.merge(claims, on="claim_id", suffixes=("", "_claim"))
    members: dict[str, list[dict[str, Any]]] = {}
    for row in records(trail.sort_values("published", kind="stable")):  # oldest first
        members.setdefault(row["point_id"], []).append(row)
    groups = [{**point, "claims": members.get(point["point_id"], [])} for point in records(points)]
    return groups, len(conflicting)


def _counts(
    recon: Reconciliation, claims: pd.DataFrame, sources: pd.DataFrame, conflicts: int
) -> dict[str, int]:
    resolved = recon.resolved
    return {
        "sources": len(sources),
        "claims": len(claims),
        "figures": int((resolved["state"] != "implied").sum()),
        "disputed": int((resolved["state"] == "disputed").sum()),
        "ambiguous": int((resolved["state"] == "ambiguous").sum()),
        "conflicts": conflicts,
        "consistent": int((recon.implied["consistency"] == "consistent").sum()),
        "inconsistent": int((recon.implied["consistency"] == "inconsistent").sum()),
        "gaps_filled": int((resolved["state"] == "implied").sum()),
        "forecast_errors": len(recon.forecast_errors),
        "targets": len(recon.targets),
        "revisions": int(recon.targets["revisions"].fillna(0).sum()),
    }


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("metrics", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = _number
    env.filters["http_only"] = _http_only
    env.filters["tojson_compact"] = lambda value: json.dumps(value, ensure_ascii=False)
    return env.get_template("report.html.j2")


def _number(value: Any, digits: int = 4) -> str:
    """A figure for a table cell: 4500000.0 -> 4,500,000; 6.6666 -> 6.667."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if value in (float("inf"), float("-inf")):
        return "∞" if value > 0 else "−∞"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}g}" if abs(value) < 1000 else f"{value:,.0f}"


def _http_only(url: Any) -> str | None:
    """A link target only for web addresses: a source's `javascript:` URL stays text."""
    return url if isinstance(url, str) and re.match(r"https?://", url, re.IGNORECASE) else None
