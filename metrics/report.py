"""The HTML trend report: one self-contained page of charts and tables from the store.

Everything comes from the stored reconciliation, so the page shows exactly what
`metrics resolved` and the SQL views show. plotly.js is embedded once and every figure is
a JSON block drawn by a few lines of script, so the file works offline. Text from sources
(quotes, publishers, titles) is escaped twice over: jinja2 autoescapes the page, and the
strings inside figures are HTML-escaped because plotly renders a subset of HTML in hovers.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.io.json import to_json_plotly
from plotly.offline import get_plotlyjs

from metrics.catalog import load_catalog
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


def write_report(
    store: Store, out: Path | str, *, title: str = "Middle Corridor figures"
) -> ReportSummary:
    """Render the report of everything in `store` to `out` (folders are created)."""
    out = Path(out)
    page, charts = render_report(
        store.reconciliation(),
        store.query(
            "SELECT c.*, s.publisher, s.published, s.url, s.title, s.path "
            "FROM claims c JOIN sources s USING (source_id)"
        ),
        store.query(
            "SELECT s.*, (SELECT count(*) FROM claims c WHERE c.source_id = s.source_id) "
            "AS claims FROM sources s ORDER BY published, path"
        ),
        title=title,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(out)  # a reader never sees half a report
    return ReportSummary(out, charts, out.stat().st_size)


def render_report(
    recon: Reconciliation,
    claims: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    title: str,
    generated: datetime | None = None,
) -> tuple[str, int]:
    """The report page as a string, and how many charts it holds."""
    resolved = with_dates(recon.resolved, "period_start", "period_end", "published")
    claims = with_dates(claims, "period_start", "period_end", "published")
    history = with_dates(recon.target_history, "published", "previous_published")
    sources = with_dates(sources, "published")
    charts, single = _charts(resolved, claims, history, recon.forecast_errors)
    conflicts = _conflicts(recon, claims)
    page = _template().render(
        title=title,
        generated=(generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        plotly_js=get_plotlyjs(),
        template_json=_safe_json(to_json_plotly(pio.templates[TEMPLATE])),
        counts=_counts(recon, claims, sources, conflicts),
        charts=charts,
        single=records(single),
        conflicts=conflicts,
        implied=records(recon.implied[recon.implied["consistency"] != "fills_gap"]),
        forecast_errors=records(recon.forecast_errors),
        targets=records(recon.targets),
        target_history=records(history),
        sources=records(sources),
        style=STYLE,
    )
    return page, len(charts)


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


def _quote(text: str | None) -> str:
    """A quote for a hover: escaped, wrapped, and cut where it runs long."""
    if not text:
        return ""
    short = textwrap.shorten(text, width=QUOTE_WIDTH * 3, placeholder=" …")
    return "<br>".join(html.escape(line) for line in textwrap.wrap(short, QUOTE_WIDTH))


def _hover(period: str, written: str, who: str | None, when: Any, quote: str | None) -> list[str]:
    return [
        html.escape(period or ""),
        html.escape(written or ""),
        html.escape(who or "derived from other figures"),
        html.escape(str(when) if when else ""),
        _quote(quote),
    ]


HOVER = (
    "<b>%{customdata[0]}</b>: %{customdata[1]}<br>%{customdata[2]} %{customdata[3]}"
    "<br><i>%{customdata[4]}</i><extra>%{fullData.name}</extra>"
)


def _series_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["metric"],
        row["entity"] or "",
        row["measure"],
        row["unit"],
        row.get("base_period") if row["measure"] == "growth" else None,
        _period_class(row["period_start"], row["period_end"]),
    )


def _charts(
    resolved: pd.DataFrame,
    claims: pd.DataFrame,
    history: pd.DataFrame,
    forecast_errors: pd.DataFrame,
) -> tuple[list[_Chart], pd.DataFrame]:
    """One chart per series with two or more points or a dispute; single figures go to a
    table."""
    points: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    stated = resolved[resolved["period_start"].notna() & (resolved["status"] != "target")]
    for row in records(stated):  # targets are charted from their history
        if row["measure"] == "growth" and row["unit"] == "pct_change":
            row["base_period"] = None  # year-on-year growth rates form one series
        points.setdefault(_series_key(row), []).append(row)
    targets: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    deadlines = claims.set_index("claim_id")[["period_start", "period_end"]]
    for row in records(history):
        start, end = deadlines.loc[row["claim_id"]]
        key = (row["metric"], row["entity"] or "", row["measure"], row["unit"], None, "annual")
        targets.setdefault(key, []).append(
            {**row, "period": row["deadline"], "period_start": start, "period_end": end}
        )
    outranked: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in records(forecast_errors):  # forecasts that met an actual: shown beside it
        key = (r["metric"], r["entity"] or "", r["period"], r["measure"], r["unit"])
        outranked.setdefault(key, []).append(r)
    charts: list[_Chart] = []
    single: list[dict[str, Any]] = []
    # The fullest series first: they are what the reader came for.
    for key in sorted(points, key=lambda k: (-len(points[k]), tuple(map(str, k)))):
        rows = sorted(points[key], key=lambda r: r["period_start"])
        series_targets = targets.get(key, []) if key[5] == "annual" else []
        disputed = any(r["state"] in UNSETTLED for r in rows)
        if len(rows) + len(series_targets) < 2 and not disputed:
            single.extend(rows)
            continue
        charts.append(_chart(key, rows, series_targets, claims, outranked, len(charts)))
    columns = ["metric", "entity", "period", "measure", "unit", "status", "state", "value_text",
               "publisher", "published"]  # fmt: skip
    return charts, pd.DataFrame(single, columns=columns)


def _chart(
    key: tuple[Any, ...],
    rows: list[dict[str, Any]],
    targets: list[dict[str, Any]],
    claims: pd.DataFrame,
    outranked: dict[tuple[Any, ...], list[dict[str, Any]]],
    number: int,
) -> _Chart:
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
        if r["status"] != "actual":
            continue
        for f in outranked.get((metric, entity, r["period"], measure, unit), []):
            forecasts.append(item(r, f["forecast_value"], f["forecast_text"], f["forecaster"],
                                  f["forecast_published"], f["forecast_quote"]))  # fmt: skip
    forecasts.sort(key=lambda i: i["x"])
    add("Forecast", "forecast", forecasts, mode="lines+markers",
        line={"color": STYLE["forecast"]["color"], "dash": "dash"},
        marker={"symbol": "circle-open", "size": 9})  # fmt: skip

    implied = [item(r, r["value"], r["value_text"], None, None, None)
               for r in rows if r["state"] == "implied"]  # fmt: skip
    add("Implied (derived)", "implied", implied, mode="markers",
        marker={"symbol": "diamond-open", "size": 10, "color": STYLE["implied"]["color"]})  # fmt: skip

    for r in (r for r in rows if r["state"] in UNSETTLED):
        _add_band(fig, r, claims)
        members = claims[
            (claims["metric"] == metric)
            & (claims["entity"].fillna("") == entity)
            & (claims["period"] == r["period"])
            & (claims["measure"] == measure)
            & (claims["unit"] == unit)
        ]
        add(f"{r['state'].capitalize()} {r['period']}: each source", r["state"],
            [item(r, c["value"], c["value_text"], c["publisher"], c["published"], c["quote"])
             for c in records(members)],
            mode="markers", marker={"symbol": "x", "size": 10, "color": STYLE["disputed"]["color"]})  # fmt: skip

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
    frame = pd.DataFrame(table).sort_values(["period", "kind"], kind="stable")
    slug = re.sub(r"[^a-z0-9]+", "-", f"{number + 1} {metric} {entity} {measure} {period_class}".lower()).strip("-")  # fmt: skip
    return _Chart(
        slug=slug,
        title=title,
        subtitle=what,
        figure_json=_safe_json(fig.to_json()),
        table=frame.to_dict("records"),
        csv=frame.to_csv(index=False),
    )


def _add_band(fig: go.Figure, row: dict[str, Any], claims: pd.DataFrame) -> None:
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
                text=html.escape(t["event"].replace("_", " ")), font={"size": 11},
            )  # fmt: skip


def _safe_json(text: str) -> str:
    """JSON that cannot close the script element holding it."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- tables ----------------------------------------------------------------------------


def _conflicts(recon: Reconciliation, claims: pd.DataFrame) -> list[dict[str, Any]]:
    """Every point with disagreeing claims, with each claim's verdict and quote."""
    points = recon.resolved[recon.resolved["conflict"].fillna(False).astype(bool)]
    trail = recon.trail.merge(claims, on="claim_id", suffixes=("", "_claim"))
    groups = []
    for point in records(points):
        members = trail[trail["point_id"] == point["point_id"]].sort_values("published")
        groups.append({**point, "claims": records(members)})
    return groups


def _counts(
    recon: Reconciliation, claims: pd.DataFrame, sources: pd.DataFrame, conflicts: list[Any]
) -> dict[str, int]:
    resolved = recon.resolved
    return {
        "sources": len(sources),
        "claims": len(claims),
        "figures": int((resolved["state"] != "implied").sum()),
        "disputed": int((resolved["state"] == "disputed").sum()),
        "ambiguous": int((resolved["state"] == "ambiguous").sum()),
        "conflicts": len(conflicts),
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
