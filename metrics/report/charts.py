"""The report's plotly figures: one chart per series, drawn from the stored reconciliation.

A series is one metric, entity, measure, unit, base and period length; the fullest are
charted, at most `max_charts` of them. A series stated more than `claim_markers_max` times
is drawn as one range of stated values per period (a marker at the median, a bar from the
least to the greatest) instead of a marker and quote per claim, so a million claims still
make a page a browser opens. Every string a figure carries is HTML-escaped, because plotly
renders a subset of HTML in hovers and annotations, and every figure's JSON is made safe to
sit inside a script element.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from metrics.lexicon.catalog import load_catalog
from metrics.reconcile.frames import records, with_dates
from metrics.report.reading import ReportReader
from metrics.vocab import Measure, PointState, Status

if TYPE_CHECKING:
    from metrics.report.context import ReportSettings

UNIT_LABELS = {
    "t": "tonnes", "TEU": "TEU", "USD": "US dollars", "EUR": "euros", "KZT": "tenge",
    "%": "percent", "pct_change": "% change", "x": "times the base", "count": "count",
    "km": "km", "day": "days", "pp": "percentage points",
    "AZN": "Azerbaijani manat", "UZS": "Uzbek soum", "KGS": "Kyrgyz som", "TJS": "Tajik somoni",
    "TMT": "Turkmen manat", "GEL": "Georgian lari", "AMD": "Armenian dram", "RUB": "roubles",
    "CNY": "yuan", "MNT": "Mongolian tugrik",
}  # fmt: skip
PERIOD_CLASSES = {1: "monthly", 3: "quarterly", 6: "half-yearly", 12: "annual"}
STYLE = {
    "actual": {"color": "#1f5fa8"},
    "forecast": {"color": "#d9822b"},
    "implied": {"color": "#6b6b6b"},
    "disputed": {"color": "#c23b3b"},
    "target": {"color": "#2e8b57"},
}
UNSETTLED = ("disputed", "ambiguous", "spread", "mirror")  # charted as a band of every value
TEMPLATE = "plotly_white"  # embedded once and applied by the page, not copied per figure
QUOTE_WIDTH = 90  # characters per hover line
LEVEL_TICKS = {"tickangle": 0, "automargin": True}  # labels level, the margin fits two lines
DERIVED = "derived from other figures"  # who states an implied value
HOVER = (
    "<b>%{customdata[0]}</b>: %{customdata[1]}<br>%{customdata[2]} %{customdata[3]}"
    "<br><i>%{customdata[4]}</i><extra>%{fullData.name}</extra>"
)
SINGLE_COLUMNS = ["metric", "entity", "period", "measure", "unit", "status", "state",
                  "value_text", "publisher", "published"]  # fmt: skip
SERIES_COLUMNS = ("metric", "entity", "measure", "unit", "base_period", "period_class")
LEFT_OUT_COLUMNS = ["metric", "entity", "measure", "unit", "base_period", "periods", "points",
                    "claims"]  # fmt: skip
_MEMBER_KEY = ["metric", "entity", "period", "measure", "unit"]

Rows = list[dict[str, Any]]
Credit = list[tuple[str, str | None]]  # who states a figure, and the web address saying so
ByFigure = dict[tuple[Any, ...], Rows]


@dataclass
class Chart:
    """One charted series: its figure as JSON and the data table of every point drawn."""

    slug: str
    title: str
    metric: str
    subtitle: str
    figure_json: str
    points: pd.DataFrame
    sources: Credit  # every publisher of a point drawn, first seen first
    aggregated: bool = False  # drawn as ranges of stated values per period


@dataclass
class Trends:
    """The charts of a report, the figures with no series yet, and the series left out."""

    charts: list[Chart]
    single: pd.DataFrame  # the first `table_rows_max` single figures
    left_out: pd.DataFrame
    n_single: int  # how many single figures there are


# --- text in figures -------------------------------------------------------------------


def escape(text: str) -> str:
    """Text for a string plotly renders as HTML (hovers, annotations): no tag or entity can
    come from a source. Quotes become numeric references, which plotly decodes; of the
    named ones it knows only a few, and showed `&quot;` as written."""
    return html.escape(text, quote=False).replace('"', "&#34;").replace("'", "&#39;")


def _quote(text: str | None) -> str:
    """A quote for a hover: escaped, wrapped, and cut where it runs long."""
    if not text:
        return ""
    short = textwrap.shorten(text, width=QUOTE_WIDTH * 3, placeholder=" …")
    return "<br>".join(escape(line) for line in textwrap.wrap(short, QUOTE_WIDTH))


def _hover(period: str, written: str, credit: Credit, when: Any, quote: str | None) -> list[str]:
    return [
        escape(period or ""),
        escape(written or ""),
        escape(", ".join(name for name, _ in credit)),
        escape(day(when)),
        _quote(quote),
    ]


def day(when: Any) -> str:
    """A publication date as a reader writes it: 2024-02-27, never 2024-02-27 00:00:00."""
    if when is None or (not isinstance(when, str) and pd.isna(when)):
        return ""
    return when.date().isoformat() if isinstance(when, datetime) else str(when)


def readable_number(value: Any, digits: int) -> Any:
    """A derived figure rounded to the significant `digits` its inputs carry at best:
    401,481.481481 reads 401,500 (4 digits). Stated figures keep every digit given."""
    if (
        not isinstance(value, (int, float))
        or isinstance(value, bool)
        or not np.isfinite(value)
        or value == 0
    ):
        return value
    rounded = float(f"{value:.{digits}g}")
    return int(rounded) if rounded.is_integer() else rounded


def short_figure(value: float, unit: str, digits: int) -> str:
    """A figure for a label on a chart: 4,500,000 t -> 4.5 million tonnes; 6.7 % -> 6.7 %."""
    label = UNIT_LABELS.get(unit, unit)
    if unit in ("%", "pct_change", "pp"):
        return f"{value:.{digits}g} {'%' if unit != 'pp' else 'pp'}"
    for size, word in ((1e9, "billion"), (1e6, "million"), (1e3, "thousand")):
        if abs(value) >= size * (10 if size == 1e3 else 1):
            return f"{value / size:.{digits}g} {word} {label}"
    return f"{format_number(readable_number(value, digits))} {label}"


def format_number(value: Any, digits: int = 4) -> str:
    """A figure for a table cell or hover: 4500000.0 -> 4,500,000; 6.6666 -> 6.667."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if value in (float("inf"), float("-inf")):
        return "∞" if value > 0 else "−∞"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}g}" if abs(value) < 1000 else f"{value:,.0f}"


def safe_json(text: str) -> str:
    """JSON that cannot close the script element holding it."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def plain_title(metric: str, entity: str | None, unit: str) -> str:
    """What a chart shows, in words: "Freight carried along the Trans-Caspian route /
    Middle Corridor — TITR, tonnes" (the metric id goes beside it, in small print)."""
    meaning = _meanings().get(metric) or metric.replace("_", " ")
    return f"{meaning[:1].upper()}{meaning[1:]} — {entity or 'unspecified'}, {UNIT_LABELS.get(unit, unit)}"


@cache
def _meanings() -> dict[str, str]:
    return {m.id: m.meaning for m in load_catalog().metrics.values()}


# --- series ----------------------------------------------------------------------------


def _period_class(start: date | None, end: date | None) -> str | None:
    """Figures are charted together only over periods of one length and alignment."""
    if start is None or end is None:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months in PERIOD_CLASSES and (months == 1 or (start.month - 1) % months == 0):
        return PERIOD_CLASSES[months]
    first, last = start.strftime("%b"), end.strftime("%b")
    return f"{first}–{last} ({months} months)"


def trends(reader: ReportReader, limits: ReportSettings) -> Trends:
    """One chart per series with two or more points (targets count) or a dispute, the
    fullest first: at most `max_charts`, chosen by most points, then most claims. Single
    figures and the series left out go to tables.

    The database counts every series' points and claims; only the points of the series
    charted (and of the first single figures listed) are read, with the claims and
    sources drawn beside them."""
    periods = reader.periods()
    periods["period_class"] = pd.Series(
        [_period_class(*pair) for pair in zip(periods["period_start"], periods["period_end"], strict=True)],
        index=periods.index, dtype=object,
    )  # fmt: skip
    with reader.keys(_report_periods=periods):
        return _trends(reader, limits)


def _trends(reader: ReportReader, limits: ReportSettings) -> Trends:
    sizes = reader.series_sizes(UNSETTLED)
    series: list[tuple[Any, ...]] = [
        tuple(row.values()) for row in records(sizes[list(SERIES_COLUMNS)])
    ]
    points = sizes["points"].to_numpy(dtype=np.int64)
    stated_claims = sizes["claims"].to_numpy(dtype=np.int64)
    disputed = sizes["disputed"].to_numpy(dtype=bool)
    targeted = reader.frame(
        "SELECT metric, coalesce(entity, '') AS entity, measure, unit, count(*) AS n "
        "FROM recon_target_history GROUP BY ALL"
    )
    target_counts = {(*key, None, "annual"): n for *key, n in targeted.itertuples(index=False)}
    dated = np.array([target_counts.get(k, 0) for k in series], dtype=np.int64)
    chartable = (points + dated >= 2) | disputed
    named = [tuple(map(str, k)) for k in series]
    fullest = sorted(np.flatnonzero(chartable).tolist(),
                     key=lambda i: (-points[i], -stated_claims[i], named[i]))  # fmt: skip
    kept, left = set(fullest[: limits.max_charts]), fullest[limits.max_charts :]
    charted = sorted(kept, key=lambda i: (-points[i], named[i]))  # the page's order
    big = {i for i in charted if stated_claims[i] > limits.claim_markers_max}

    stated = reader.series_rows(_series_frame(series, charted))
    rows: dict[int, Rows] = {i: [] for i in charted}
    for row in records(stated):
        rows[row["code"]].append(row)
    ranges: dict[int, Rows] = {}
    for row in records(reader.ranges(stated[stated["code"].isin(big)] if big else stated.head(0))):
        ranges.setdefault(row["code"], []).append(row)  # sorted by code, then period start
    shown = [r for i in charted if i not in big for r in rows[i]]
    members = _members([r for r in shown if r["state"] in UNSETTLED], reader)
    outranked = _outranked(reader, shown)
    supporters = _supporters(shown, reader)
    annual = [series[i][:4] for i in charted if series[i][5] == "annual" and series[i][4] is None]
    targets = _targets(reader, annual)
    charts = [
        _chart(
            series[i],
            sorted(rows[i], key=lambda r: r["period_start"]),
            targets.get(series[i], []) if series[i][5] == "annual" else [],
            members,
            outranked,
            supporters,
            n,
            ranges.get(i),
            int(stated_claims[i]),
            limits.significant_digits,
        )
        for n, i in enumerate(charted)
    ]

    lone = sorted(np.flatnonzero(~chartable).tolist(), key=lambda i: named[i])
    listed, rows_listed = [], 0  # the series of the first `table_rows_max` single figures
    for i in lone:
        if rows_listed >= limits.table_rows_max:
            break
        listed.append(i)
        rows_listed += int(points[i])
    single = reader.series_rows(_series_frame(series, listed), limits.table_rows_max)
    left_out = pd.DataFrame(
        [(*series[i], int(points[i]), int(stated_claims[i])) for i in left],
        columns=LEFT_OUT_COLUMNS,
    )
    return Trends(charts, single.reindex(columns=SINGLE_COLUMNS), left_out, int(points[lone].sum()))


def _series_frame(series: list[tuple[Any, ...]], codes: list[int]) -> pd.DataFrame:
    """The keys of the series `codes`, each with its code and its rank in `codes`."""
    return pd.DataFrame(
        [(*series[i], i, rank) for rank, i in enumerate(codes)],
        columns=[*SERIES_COLUMNS, "code", "rank"],
    )


def _targets(reader: ReportReader, annual: list[tuple[Any, ...]]) -> ByFigure:
    """Target statements by the annual series they are drawn on (of those `annual`:
    metric, entity, measure, unit), at their deadline."""
    keys = pd.DataFrame(annual, columns=["metric", "entity", "measure", "unit"]).drop_duplicates()
    history = with_dates(
        reader.of_entities("recon_target_history", keys), "published", "previous_published"
    )
    claims = reader.claims_of(history["claim_id"].tolist())
    deadlines = claims[["claim_id", "period_start", "period_end", "url", "path"]]
    targets: ByFigure = {}
    for row in records(history.merge(deadlines, on="claim_id", how="left")):
        key = (row["metric"], row["entity"] or "", row["measure"], row["unit"], None, "annual")
        targets.setdefault(key, []).append({**row, "period": row["deadline"]})
    return targets


def _members(unsettled: Rows, reader: ReportReader) -> ByFigure:
    """Every claim of each disputed or ambiguous figure, found with one join."""
    wanted = pd.DataFrame(
        [(r["metric"], r["entity"] or "", r["period"], r["measure"], r["unit"]) for r in unsettled],
        columns=_MEMBER_KEY,
    ).drop_duplicates()
    claims = reader.claims_of_figures(wanted)
    found = claims.assign(entity=claims["entity"].fillna("")).merge(wanted, on=_MEMBER_KEY)
    members: ByFigure = {}
    for row in records(found):
        members.setdefault(tuple(row[k] for k in _MEMBER_KEY), []).append(row)
    return members


def _outranked(reader: ReportReader, rows: Rows) -> ByFigure:
    """Forecasts that met an actual, by the figure they are drawn beside (charted only)."""
    charted = pd.DataFrame(
        sorted({(r["metric"], r["entity"] or "") for r in rows}), columns=["metric", "entity"]
    )
    drawn = reader.of_entities("recon_forecast_errors", charted)
    if drawn.empty:
        return {}
    claims = reader.claims_of(drawn["forecast_claim_id"].tolist())
    where = claims[["claim_id", "url", "path"]].rename(columns={"claim_id": "forecast_claim_id"})
    outranked: ByFigure = {}
    for r in records(drawn.merge(where, on="forecast_claim_id", how="left")):
        key = (r["metric"], r["entity"] or "", r["period"], r["measure"], r["unit"])
        outranked.setdefault(key, []).append(r)
    return outranked


def _supporters(rows: Rows, reader: ReportReader) -> dict[str, Credit]:
    """Who states each resolved figure drawn: the source of the claim chosen, then every
    source that agrees with it, so a figure whose chosen sentence names no publisher is
    still credited to the outlets that state it too."""
    wanted = [r["point_id"] for r in rows if r["state"] == PointState.RESOLVED]
    backing = reader.trail_of(wanted, ["chosen", "agrees"])
    claims = reader.claims_of(backing["claim_id"].tolist())
    backing = backing.assign(agreeing=backing["verdict"] != "chosen").merge(
        claims[["claim_id", "publisher", "url", "path", "published"]], on="claim_id"
    )
    credit: dict[str, Credit] = {}
    for row in records(backing.sort_values(["agreeing", "published"], kind="stable")):
        named = credit.setdefault(row["point_id"], [])
        said = _credit(row)[0]
        if said[0] not in {name for name, _ in named}:
            named.append(said)
    return credit


def _credit(said: dict[str, Any]) -> Credit:
    """The source of one claim; one without a publisher is named by its file."""
    path = said.get("path")
    name = said.get("publisher") or (
        f"publisher not named ({PurePath(path).name})" if path else "publisher not named"
    )
    url = said.get("url")
    return [(name, url if isinstance(url, str) else None)]


# --- figures ---------------------------------------------------------------------------


class _Drawing:
    """A figure being drawn, and the data table of every point drawn on it."""

    def __init__(self, digits: int) -> None:
        self.digits = digits  # significant digits of a derived value or a label
        self.figure = go.Figure()
        self.table: Rows = []
        self.periods: dict[str, str] = {}  # where each period drawn sits on the axis

    def add(self, name: str, kind: str, items: Rows, **style: Any) -> None:
        """One trace of `items` (made by `_item`), each also a row of the table."""
        if not items:
            return
        self.figure.add_trace(
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
            self.periods[i["x"]] = i["period"]
            self.table.append({"period": i["period"], "kind": kind,
                               "value": readable_number(i["y"], self.digits) if kind == "implied" else i["y"],
                               "as written": i["written"], "sources": i["credit"],
                               "published": day(i["when"]), "quote": i["quote"] or ""})  # fmt: skip


def _item(row: dict[str, Any], y: float, written: str, credit: Credit, when: Any, quote: Any) -> dict[str, Any]:  # fmt: skip
    """A point on `row`'s period (see `_x`), with its hover."""
    return {
        "x": _x(row["period_start"], row["period_end"]),
        "y": y,
        "period": row["period"],
        "written": written,
        "credit": credit,
        "when": when,
        "quote": quote,
        "hover": _hover(row["period"], written, credit, when, quote),
    }


def _stated_item(
    row: dict[str, Any],
    claim: dict[str, Any] | None = None,
    supporters: dict[str, Credit] | None = None,
) -> dict[str, Any]:
    """A figure as stated: by `row` itself (credited to every source that states it), or by
    one `claim` of the period of `row`."""
    said = row if claim is None else claim
    credit = (supporters or {}).get(row.get("point_id", "")) if claim is None else None
    return _item(row, said["value"], said["value_text"], credit or _credit(said), said["published"],
                 said["quote"])  # fmt: skip


def _x(start: date, end: date) -> str:
    """Where a period sits on the time axis: a whole year on its year's tick (1 January),
    any other period at its middle."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return start.isoformat()
    return (start + (end - start) / 2).isoformat()


def _chart(
    key: tuple[Any, ...],
    rows: Rows,
    targets: Rows,
    members: ByFigure,
    outranked: ByFigure,
    supporters: dict[str, Credit],
    number: int,
    ranges: Rows | None,
    claims: int,
    digits: int,
) -> Chart:
    """One series: resolved actuals, forecasts, implied values, disputes and targets.

    With `ranges` (a series of more than `claim_markers_max` claims) each period shows
    the range of the values stated for it instead of a marker per claim.
    """
    metric, entity, measure, unit, base, period_class = key
    drawing = _Drawing(digits)
    _draw_resolved(drawing, key, rows, outranked, supporters, aggregated=ranges is not None)
    for r in (r for r in rows if r["state"] in UNSETTLED):
        _add_band(drawing.figure, r)
        if ranges is not None:
            continue  # the range of stated values stands for the claims
        drawing.add(f"{r['state'].capitalize()} {r['period']}: each source", r["state"],
            [_stated_item(r, c) for c in members.get((metric, entity, r["period"], measure, unit), [])],
            mode="markers", marker={"symbol": "x", "size": 10, "color": STYLE["disputed"]["color"]})  # fmt: skip
    if ranges is not None:
        _draw_ranges(drawing, ranges)
    if targets:
        _draw_targets(drawing, targets)

    label = UNIT_LABELS.get(unit, unit)
    drawing.figure.update_layout(
        height=380,
        margin={"l": 60, "r": 20, "t": 30, "b": 40},
        legend={"orientation": "h", "y": -0.15},
        hoverlabel={"align": "left"},
        yaxis={"title": {"text": label}, "exponentformat": "B", "rangemode": "tozero" if measure == Measure.LEVEL else "normal"},
        xaxis={"type": "date", **_ticks(drawing.periods, period_class)},
    )  # fmt: skip
    title = plain_title(metric, entity, unit)
    what = f"{measure}, {period_class}" + (f", vs {base}" if base else "")
    if ranges is not None:
        what += f"; {claims:,} claims, drawn as the range stated for each period"
    slug = re.sub(r"[^a-z0-9]+", "-", f"{number + 1} {metric} {entity} {measure} {period_class}".lower()).strip("-")  # fmt: skip
    return Chart(
        slug=slug,
        title=title,
        metric=metric,
        subtitle=what,
        figure_json=safe_json(drawing.figure.to_json()),
        points=pd.DataFrame(drawing.table).sort_values(["period", "kind"], kind="stable"),
        sources=_publishers(drawing.table),
        aggregated=ranges is not None,
    )


def _publishers(table: Rows) -> Credit:
    """Every publisher of a point drawn, first seen first (sources without a publisher
    last), with the first web address."""
    found: dict[str, str | None] = {}
    for row in table:
        for name, url in row["sources"]:
            if name != DERIVED and (name not in found or found[name] is None):
                found[name] = url
    return sorted(found.items(), key=lambda item: item[0].startswith("publisher not named"))


def _ticks(drawn: dict[str, str], period_class: str | None) -> dict[str, Any]:
    """Annual series tick each year (where their points sit). Others tick each period drawn,
    named as the table names it (a range on two lines, "2023-01.." over "2023-07"), while
    there are few, so a series of one month reads "2023-04" once rather than "Apr 2023" at
    every automatic tick. Labels are never turned (`LEVEL_TICKS`): where they would
    overlap, on a phone, the page's script ticks every 2, 5, ... years or every second
    period instead (templates/base.html.j2, `fittedTicks`)."""
    if period_class == "annual":
        return {"dtick": "M12", "tickformat": "%Y", **LEVEL_TICKS}
    periods = sorted(drawn.items())
    if 0 < len(periods) <= 12:
        return {"tickmode": "array", "tickvals": [x for x, _ in periods],
                "ticktext": [escape(period).replace("..", "..<br>") for _, period in periods],
                **LEVEL_TICKS}  # fmt: skip
    return {"tickformat": "%b %Y", "nticks": 6, **LEVEL_TICKS}


def _label_end(drawing: _Drawing, items: Rows, kind: str, unit: str) -> None:
    """The value at the end of a line written beside it, so the chart says what holds
    without hovering: the latest actual above its point, the last forecast below (the two
    often end on one period)."""
    if not items:
        return
    last = items[-1]
    above = kind == "actual"
    drawing.figure.add_annotation(
        x=last["x"], y=last["y"], xref="x", yref="y", showarrow=False, xanchor="right",
        yanchor="bottom" if above else "top", yshift=8 if above else -8,
        text=escape(f"{short_figure(last['y'], unit, drawing.digits)} ({last['period']})"),
        font={"size": 12, "color": STYLE[kind]["color"]}, bgcolor="rgba(255,255,255,0.8)",
        name=f"{kind} end",
    )  # fmt: skip


def _draw_resolved(
    drawing: _Drawing,
    key: tuple[Any, ...],
    rows: Rows,
    outranked: ByFigure,
    supporters: dict[str, Credit],
    *,
    aggregated: bool,
) -> None:
    """Actuals as a line, forecasts (with those an actual outranked, unless the series is
    `aggregated`) as a dashed line, implied values as hollow diamonds."""
    metric, entity, measure, unit, _, _ = key
    resolved = [r for r in rows if r["state"] == PointState.RESOLVED]
    actual = [
        _stated_item(r, supporters=supporters) for r in resolved if r["status"] == Status.ACTUAL
    ]
    drawing.add("Actual", "actual", actual, mode="lines+markers",
        line={"color": STYLE["actual"]["color"], "width": 2.5}, marker={"size": 8})  # fmt: skip
    _label_end(drawing, actual, "actual", unit)

    forecasts = [
        _stated_item(r, supporters=supporters) for r in resolved if r["status"] == Status.FORECAST
    ]
    for r in resolved:
        if r["status"] != Status.ACTUAL or aggregated:
            continue
        for f in outranked.get((metric, entity, r["period"], measure, unit), []):
            forecasts.append(_item(r, f["forecast_value"], f["forecast_text"],
                                   _credit({**f, "publisher": f["forecaster"]}),
                                   f["forecast_published"], f["forecast_quote"]))  # fmt: skip
    forecasts.sort(key=lambda i: i["x"])
    drawing.add("Forecast", "forecast", forecasts, mode="lines+markers",
        line={"color": STYLE["forecast"]["color"], "dash": "dash"},
        marker={"symbol": "circle-open", "size": 9})  # fmt: skip
    _label_end(drawing, forecasts, "forecast", unit)

    implied = [_item(r, r["value"], r["value_text"], [(DERIVED, None)], None, None)
               for r in rows if r["state"] == PointState.IMPLIED]  # fmt: skip
    drawing.add("Implied (derived)", "implied", implied, mode="markers",
        marker={"symbol": "diamond-open", "size": 10, "color": STYLE["implied"]["color"]})  # fmt: skip


def _draw_ranges(drawing: _Drawing, ranges: Rows) -> None:
    """Each period's stated values: a marker at the median, a bar from least to greatest."""
    spread = []
    for r in ranges:
        counted = f"{r['claims']:,} claims in {r['articles']:,} articles"
        spread.append({**_item(r, r["middle"], counted, [], None, None), "hover": [
            escape(r["period"]), counted,
            f"from {format_number(r['low'])} to {format_number(r['high'])}",
            f"(median {format_number(r['middle'])})", "",
        ]})  # fmt: skip
    bars = {
        "type": "data", "symmetric": False, "thickness": 1.5, "width": 6,
        "color": STYLE["implied"]["color"],
        "array": [r["high"] - r["middle"] for r in ranges],
        "arrayminus": [r["middle"] - r["low"] for r in ranges],
    }  # fmt: skip
    drawing.add("Stated values: range and median", "stated values", spread, mode="markers",
        marker={"symbol": "line-ew-open", "size": 12, "color": STYLE["implied"]["color"]},
        error_y=bars)  # fmt: skip


def _add_band(fig: go.Figure, row: dict[str, Any]) -> None:
    """A shaded band over a disputed period, spanning every source's value."""
    start, end = row["period_start"], row["period_end"]
    middle = date.fromisoformat(_x(start, end))
    half = (end - start) / 2  # centred where the period's points sit (a year on its tick)
    x0, x1 = (middle - half).isoformat(), (middle + half).isoformat()
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


def _draw_targets(drawing: _Drawing, targets: Rows) -> None:
    """Targets at their deadlines: current ones filled, superseded ones hollow, each
    revision joined to the statement it replaced."""
    latest = {t["target_id"]: t["seq"] for t in targets}
    current = [t for t in targets if t["seq"] == latest[t["target_id"]]]
    earlier = [t for t in targets if t["seq"] != latest[t["target_id"]]]

    def marker(t: dict[str, Any]) -> dict[str, Any]:
        return _item(t, t["value"], f"target {t['value_text']} by {t['deadline']}",
                     _credit(t), t["published"], t["quote"])  # fmt: skip

    drawing.add("Target", "target", [marker(t) for t in current], mode="markers",
        marker={"symbol": "star", "size": 14, "color": STYLE["target"]["color"]})  # fmt: skip
    drawing.add("Target, earlier statement", "target (earlier statement)", [marker(t) for t in earlier],
        mode="markers", marker={"symbol": "star-open", "size": 14, "color": STYLE["target"]["color"]})  # fmt: skip
    by_id: dict[str, Rows] = {}
    for t in targets:
        by_id.setdefault(t["target_id"], []).append(t)
    for chain in by_id.values():
        moves = [t for t in chain if t["event"] not in ("set", "restated")]
        for t in moves:
            before = next(p for p in chain if p["claim_id"] == t["previous_claim_id"])
            a, b = marker(before), marker(t)
            drawing.figure.add_annotation(
                x=b["x"], y=b["y"], ax=a["x"], ay=a["y"], xref="x", yref="y", axref="x",
                ayref="y", showarrow=True, arrowhead=2, arrowwidth=1.5,
                arrowcolor=STYLE["target"]["color"],
                text=escape(t["event"].replace("_", " ")), font={"size": 11},
            )  # fmt: skip
