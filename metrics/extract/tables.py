"""Turn tables into claims: every figure in a table's body, read through its headers.

A statistical table says in its margins what its figures are: periods along one axis
("2023", "Jan–Jun 2024"), the metric and entity along the other ("Freight via TITR"), the
unit and scale in a header or the caption ("thousand tonnes", "mln USD"). Each figure is
read against the labels of its row and column first, then the table's caption and name,
then the document's title, with the catalog's cue words and entity aliases; the words
that mark growth and shares live in data/tables.yaml, those of forecasts and targets
in data/cues.yaml with the prose extractor's.

The `extractor` of a table claim names the rule that placed its period:
`table-v1:period-in-column`, `table-v1:period-in-row` or `table-v1:period-in-caption`.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from metrics.errors import Reason, SourceError
from metrics.extract.cues import table_markers
from metrics.extract.rules import (
    claim_id,
    forecast_status,
    is_estimate,
    status_by_date,
    undated_period,
    year_before,
)
from metrics.extract.table_layout import Cell, TableLayout, is_period_label, parse_period_once
from metrics.lexicon.catalog import Catalog, Metric, load_catalog
from metrics.lexicon.periods import shift_years
from metrics.lexicon.quantities import parse_quantity, unit_of_label
from metrics.models import Claim, Document, Period, Table
from metrics.vocab import Measure, Qualifier, Status, Unit

EXTRACTOR = "table-v1"

_EXPLICIT_BASE = re.compile(r"((?:19|20)\d{2})\s*/\s*((?:19|20)\d{2})")  # "2024/2023, %"
_MINUS = re.compile(r"^\s*[−–]")  # typographic minus signs the quantity parser reads as dashes


# Every row of a table repeats its column headers: read each header once.
_unit_of_label = lru_cache(maxsize=4096)(unit_of_label)


def require_readable_tables(document: Document, claims: int, name: str) -> None:
    """Raise `SourceError` naming file `name`: a table file (no prose) with no claim at all.

    A table is ingested for its figures; when none matches the catalog the user has a fix
    to make (name the metric and unit), so say so and show what the headers were.
    """
    if claims or not document.tables or document.prose.strip():
        return
    shown = []
    for table in document.tables[:3]:
        cells = [cell for row in table.rows[:2] for cell in row if cell][:8]
        shown.append(f"{table.name}: {', '.join(cells)}")
    raise SourceError(name, Reason.NO_METRIC, "; ".join(shown))


def table_claims(document: Document, catalog: Catalog | None = None) -> list[Claim]:
    """Every figure in the document's tables that a catalog metric can be read from."""
    index = _EntityIndex(catalog or load_catalog())
    claims: list[Claim] = []
    for table in document.tables:
        if len(table.rows) < 2:
            continue
        reader = TableLayout(table)
        for cell in reader.cells():
            claim = _read_cell(document, table, reader.caption, reader.corner, cell, index)
            if claim is not None:
                claims.append(claim)
    return claims


def _read_cell(
    document: Document,
    table: Table,
    caption: str,
    corner: str,
    cell: Cell,
    index: _EntityIndex,
) -> Claim | None:
    m = table_markers()
    labels = f"{cell.row_label} | {cell.column_label} | {cell.unit_label}"
    context = f"{caption} | {corner} | {table.name}"
    title = document.title or ""
    q = parse_quantity(cell.text)
    if q is None:
        return None
    value = -abs(q.value) if _MINUS.match(cell.text) else q.value

    period, rule = _period(cell, context, title, document.published)
    chosen = _cell_metric(cell, labels, context, title, document.prose, q.unit, index)
    if chosen is None:
        return None
    _, metric, entity, unit, measure, factor = chosen
    if period is None:
        period = undated_period(metric, document.published)
        if period is None:
            return None
        rule = "undated"
    status = _status(labels, caption, period, metric, document.published)
    base = _base(period, labels, context) if measure == Measure.GROWTH else None
    start = table.offsets[cell.row][cell.column] + q.start
    end = table.offsets[cell.row][cell.column] + q.end
    where = f"{table.name}" + (f" ({caption})" if caption else "")
    quote = f'{where}, row "{cell.row_label}", column "{cell.column_label}": {cell.text}'
    value = value * factor
    return Claim(
        claim_id=claim_id(
            document.source_id, table.name, cell.row, cell.column, metric.id, unit, value
        ),
        source_id=document.source_id,
        metric=metric.id,
        entity=entity,
        value=float(value),
        unit=unit,
        value_text=q.text,
        period=period.label,
        period_start=period.start,
        period_end=period.end,
        status=status,
        measure=measure,
        base_period=base.label if base else None,
        qualifier=Qualifier.APPROX if m.approx.search(cell.text) else Qualifier.EXACT,
        quote=quote,
        char_start=start,
        char_end=end,
        extractor=f"{EXTRACTOR}:{rule}",
    )


def _cell_metric(
    cell: Cell,
    labels: str,
    context: str,
    title: str,
    prose: str,
    cell_unit: str,
    index: _EntityIndex,
) -> _MetricReading | None:
    """The reading of the cell's labels, else of the row or column it is a change of."""
    m = table_markers()
    # The label that makes the figure a change or share has its own unit ("Growth, %").
    labels_first = [cell.row_label, cell.column_label]
    if m.refers_back(cell.column_label) and not m.refers_back(cell.row_label):
        labels_first.reverse()
    unit_factor = _unit(cell_unit, [*labels_first, cell.unit_label, context, title])
    everything = f"{labels} | {context}"
    growth = bool(m.growth.search(everything))
    share = bool(m.share.search(everything))
    # The period axis names no metric: leaving it out lets a row's figures share one reading.
    named = " | ".join(
        label
        for label in (cell.row_label, cell.column_label, cell.unit_label)
        if not is_period_label(label)
    )
    chosen = index.metric(named, context, title, prose, unit_factor, growth, share)
    if cell.parent and (chosen is None or chosen[0] > 0):
        # "Growth, %" under "Freight, thousand t": the row above names the metric
        inherited = index.metric(
            f"{cell.parent} | {named}", context, title, prose, unit_factor, growth, share
        )
        if inherited is not None and inherited[0] == 0:
            chosen = inherited
    return chosen


def _base(period: Period, labels: str, context: str) -> Period | None:
    """The base a header states ("2024/2023, %"), else the year before."""
    explicit = _EXPLICIT_BASE.search(labels) or _EXPLICIT_BASE.search(context)
    if explicit and explicit.group(1) == period.label[:4]:
        return shift_years(period, int(explicit.group(2)) - int(explicit.group(1)))
    return year_before(period)


def _period(
    cell: Cell, context: str, title: str, published: date | None
) -> tuple[Period | None, str]:
    for text, rule in (
        (cell.column_label, "period-in-column"),
        (cell.column_parent, "period-in-column"),  # "y/y, %" right of "Jan–Apr 2025"
        (cell.row_label, "period-in-row"),
        (context, "period-in-caption"),
        (title, "period-in-caption"),
    ):
        period = parse_period_once(text, published) if text else None
        if period is not None:
            return period, rule
    return None, ""


def _unit(cell_unit: str, texts: list[str]) -> tuple[str, float] | None:
    """The figure's unit and multiplier: written in the cell, else the nearest label's."""
    if cell_unit:
        return cell_unit, 1.0
    for text in texts:
        found = _unit_of_label(text) if text else None
        if found is not None:
            return found
    return None


def _claim_shape(
    metric: Metric, unit_factor: tuple[str, float] | None, growth: bool, share: bool
) -> tuple[str, str, float] | None:
    """(claim unit, measure, multiplier) for a figure read as `metric`, or None."""
    unit, factor = unit_factor if unit_factor else ("", 1.0)
    measure: str
    if unit == Unit.PERCENT:
        if metric.unit == "%" and metric.measure == Measure.LEVEL and not share:
            measure = Measure.LEVEL  # "Inflation, % y/y" is a rate of its own, not a change
        elif growth or metric.rate:
            unit, measure = Unit.PCT_CHANGE, Measure.GROWTH
        elif share or metric.measure == Measure.SHARE:
            measure = Measure.SHARE
        else:
            return None
    elif unit == "":
        if growth and Unit.PCT_CHANGE in metric.units:
            unit, measure = Unit.PCT_CHANGE, Measure.GROWTH  # "Growth, y/y" in percent by convention
        elif metric.unit in ("%", Unit.PCT_CHANGE, "count", "day") and unit_factor is None:
            unit, measure = metric.unit, metric.measure
        elif metric.unit == "count":
            unit, measure = "count", Measure.LEVEL  # "Trains, thous."
        else:
            return None  # "4.5" of what? A level without a unit is not a claim
    else:
        measure = Measure.GROWTH if unit in ("x", "pp") else Measure.LEVEL
    if unit not in metric.units:
        return None
    if (metric.rate and measure != Measure.GROWTH) or (metric.measure == Measure.SHARE and measure != Measure.SHARE):
        return None
    return unit, measure, factor


def _metric(
    index: _EntityIndex,
    labels: str,
    context: str,
    title: str,
    prose: str,
    unit_factor: tuple[str, float] | None,
    growth: bool,
    share: bool,
) -> _MetricReading | None:
    """(cue level, metric, entity, unit, measure, multiplier) of the best reading.

    The best metric has its cue nearest the figure (labels, then caption, then title),
    then its entity nearest, then the highest catalog priority.
    """
    texts = (labels, context, title)
    best: tuple[tuple[float, ...], Metric, str | None, str, str, float] | None = None
    for metric in index.catalog.metrics.values():
        shape = _claim_shape(metric, unit_factor, growth, share)
        if shape is None:
            continue
        cue = _cue_level(metric, texts, share)
        if cue is None:
            continue
        entity_level, entity = _entity(index, metric, texts, prose)
        if entity_level is None:
            continue
        key = (cue, entity_level, -metric.priority)
        if best is None or key < best[0]:
            best = (key, metric, entity, *shape)
    return None if best is None else (best[0][0], *best[1:])


def _cue_level(metric: Metric, texts: tuple[str, ...], share: bool = False) -> float | None:
    """How near the figure the metric's cue is: labels 0, caption 1, title 2; a weak cue
    half a level farther, and in a share the whole it is of ("share of total trade
    turnover") a quarter level farther than what the share is (the row's "exports")."""
    for level, text in enumerate(texts):
        found = [m.start() for m in metric.cues.finditer(text)]
        if found:
            whole = share and all(_OF_WHOLE_BEFORE.search(text, 0, start) for start in found)
            return level + 0.25 if whole else level
    if metric.weak_cues is not None:
        for level, text in enumerate(texts):
            if metric.weak_cues.search(text):
                return level + 0.5
    return None


_OF_WHOLE_BEFORE = re.compile(r"\bof\s+(?:the\s+)?(?:total\s+|overall\s+|all\s+)?\Z", re.IGNORECASE)

_MetricReading = tuple[float, Metric, str | None, str, str, float]


class _EntityIndex:
    """The entities named in a text, found once: the same labels and prose serve many cells."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._found: dict[str, list[tuple[str, str]]] = {}
        self._metrics: dict[tuple[Any, ...], _MetricReading | None] = {}

    def names(self, kinds: tuple[str, ...], text: str) -> list[str]:
        found = self._found.get(text)
        if found is None:
            found = []
            for m in self.catalog.entity_pattern.finditer(text):
                entity = self.catalog.entity_of_match(m)
                if (entity.name, entity.kind) not in found:
                    found.append((entity.name, entity.kind))
            self._found[text] = found
        return [name for name, kind in found if kind in kinds]

    def metric(self, *reading: Any) -> _MetricReading | None:
        """`_metric` for these labels, worked out once per table."""
        if reading not in self._metrics:
            self._metrics[reading] = _metric(self, *reading)
        return self._metrics[reading]


def _entity(
    index: _EntityIndex, metric: Metric, texts: tuple[str, ...], prose: str
) -> tuple[int | None, str | None]:
    """(level, name) of the metric's entity in the labels, caption, title or article."""
    levels = (*texts, prose)
    named = index.names
    if metric.entity:
        fixed = index.catalog.entity_kinds[metric.entity]
        level = next(
            (i for i, t in enumerate(levels) if fixed.name in named((fixed.kind,), t)), None
        )
        if level is None:
            return None, None
        if metric.entity_label:
            label = next((n[0] for t in texts if (n := named((metric.entity_label,), t))), None)
            return level, label or fixed.name
        return level, fixed.name
    kinds = metric.entity_kinds
    if kinds and kinds[0] == "pair":
        for level, text in enumerate(texts):
            countries = named(("country",), text)
            if len(countries) >= 2:
                return level, f"{countries[0]}-{countries[1]}"
        if len(kinds) == 1:
            return None, None
        kinds = kinds[1:]
    for level, text in enumerate(levels):
        found = named(kinds, text)
        if found:
            return level, found[0]
    return (None, None) if metric.entity_required else (len(levels), None)


def _status(
    labels: str, caption: str, period: Period, metric: Metric, published: date | None
) -> str:
    """Target or forecast by a marker in the labels, else in the caption; else by the date."""
    m = table_markers()
    for text in (labels, caption):
        if m.target.search(text):
            return Status.TARGET
        word = m.forecast.search(text)
        suffix = m.forecast_year_suffix.search(text)
        if word or suffix:  # "2024E" is an estimate, "2025F" a forecast
            estimate = (word is not None and is_estimate(word.group())) or (
                suffix is not None and suffix.group().rstrip(")").endswith(("E", "e"))
            )
            return forecast_status(estimate, period, published)
    return status_by_date(period, metric, published)
