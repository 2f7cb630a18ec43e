"""Turn tables into claims: every figure in a table's body, read through its headers.

A statistical table says in its margins what its figures are: periods along one axis
("2023", "Jan–Jun 2024"), the metric and entity along the other ("Freight via TITR"), the
unit and scale in a header or the caption ("thousand tonnes", "mln USD"). Each figure is
read against the labels of its row and column first, then the table's caption and name,
then the document's title, with the catalog's cue words and entity aliases; the words
that mark forecasts, targets, growth and shares live in data/tables.yaml.

The `extractor` of a table claim names the rule that placed its period:
`table-v1:period-in-column`, `table-v1:period-in-row` or `table-v1:period-in-caption`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

from metrics.errors import Reason, SourceError
from metrics.lexicon.catalog import Catalog, Metric, load_catalog
from metrics.lexicon.periods import month_span, parse_period, shift_years, year_period
from metrics.lexicon.quantities import parse_quantity, unit_of_label
from metrics.models import Claim, Document, Period, Table

EXTRACTOR = "table-v1"

# A cell that holds one figure and nothing else: "2 760", "4,500.5", "-3.2", "62%", "~4.5",
# "1 234,5*" (a footnote mark after it).
_FIGURE_CELL = re.compile(
    r"""
    (?:~|≈|about\s+|approx\.?\s+)?   # approximate
    [+\-−–]?\s*                      # sign
    \d[\d\s.,'\u00a0\u202f]*         # digits with group and decimal separators
    (?:\s*%)?                        # percent
    \s*[*¹²³⁴⁵⁶⁷⁸⁹†‡]*               # footnote marks
    """,
    re.VERBOSE | re.IGNORECASE,
)
# "—", "-", "n/a", "..", "x": no figure, as good as an empty cell.
_MISSING = re.compile(r"[-–—‑.…x*]+|n/?a|n\.a\.|none|nil", re.IGNORECASE)
_YEAR_LIKE = re.compile(r"(?:19|20)\d{2}\s*(?:[*¹²³FfEe]|\([FfEe]\))?")
_EXPLICIT_BASE = re.compile(r"((?:19|20)\d{2})\s*/\s*((?:19|20)\d{2})")  # "2024/2023, %"
_MULTI_YEAR = re.compile(r"\d{4}\.\.\d{4}")
_MINUS = re.compile(r"^\s*[−–]")  # typographic minus signs the quantity parser reads as dashes


@dataclass(frozen=True)
class _Markers:
    forecast: re.Pattern[str]
    forecast_year_suffix: re.Pattern[str]
    target: re.Pattern[str]
    growth: re.Pattern[str]
    share: re.Pattern[str]
    unit_column: re.Pattern[str]
    approx: re.Pattern[str]

    def refers_back(self, label: str) -> bool:
        """A label that is only a change or share of something named before it."""
        return bool(self.growth.search(label) or self.share.search(label))


def _words(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE)


@cache
def _markers() -> _Markers:
    data: dict[str, Any] = yaml.safe_load(
        resources.files("metrics").joinpath("data/tables.yaml").read_text("utf-8")
    )
    return _Markers(
        forecast=_words(data["forecast"]),
        forecast_year_suffix=re.compile(data["forecast_year_suffix"]),
        target=_words(data["target"]),
        growth=_words(data["growth"]),
        share=_words(data["share"]),
        unit_column=re.compile(r"\s*(?:" + "|".join(data["unit_column"]) + r")\s*", re.I),
        approx=re.compile(r"^\s*(?:" + "|".join(data["approx"]) + ")", re.IGNORECASE),
    )


@dataclass(frozen=True)
class _Cell:
    """One figure of a table with the texts that describe it."""

    row: int
    column: int
    text: str
    row_label: str
    column_label: str
    unit_label: str  # the row's entry in a "Unit" column
    row_parent: str = ""  # the row a "Growth, %" row refers to: the level row above it
    column_parent: str = ""  # the column a "y/y, %" column refers to: the one to its left

    @property
    def parent(self) -> str:
        return " ".join(filter(None, [self.row_parent, self.column_parent]))


def _is_figure(cell: str) -> bool:
    return bool(cell) and _FIGURE_CELL.fullmatch(cell) is not None


# Every row of a table repeats its column headers: read each header once.
_parse_period = lru_cache(maxsize=4096)(parse_period)
_unit_of_label = lru_cache(maxsize=4096)(unit_of_label)

_PERIOD_LABEL_WORDS = 4  # "Jan–Jun 2024", "9 months of 2024"; longer text is a title


def _is_period_label(cell: str) -> bool:
    """A header that is a period and nothing else, not a title that mentions one."""
    return bool(_YEAR_LIKE.fullmatch(cell)) or (
        not _is_figure(cell)
        and len(cell.split()) <= _PERIOD_LABEL_WORDS
        and _parse_period(cell, None) is not None
    )


class _TableReader:
    """Reads one table: finds its header rows and label columns, then each figure."""

    def __init__(self, table: Table) -> None:
        width = max(len(row) for row in table.rows)
        self.rows = [
            ["" if _MISSING.fullmatch(cell) else cell for cell in row] + [""] * (width - len(row))
            for row in table.rows
        ]
        self.titles = self._title_rows()
        body_start = len(self.titles)
        header_count = self._header_count(body_start)
        self.headers = self.rows[body_start : body_start + header_count]
        self.first_data = body_start + header_count
        self.label_columns = self._label_columns()
        self.caption = " ".join(filter(None, [table.caption, *self.titles]))
        # The header over the row labels often says what they are ("Middle Corridor", "$ bn").
        self.column_labels = self._column_labels()
        self.corner = " ".join(filter(None, self.column_labels[: self.label_columns]))

    def _title_rows(self) -> list[str]:
        """Leading rows of one cell of text: the table's title written inside it."""
        titles = []
        for row in self.rows[:-1]:
            filled = [cell for cell in row if cell]
            if len(filled) != 1 or _is_figure(filled[0]) or _is_period_label(filled[0]):
                break
            titles.append(filled[0])
        return titles

    def _header_count(self, start: int) -> int:
        """Rows after the titles with no figure outside the first column (years allowed)."""
        count = 0
        for row in self.rows[start:]:
            if any(_is_figure(c) and not _YEAR_LIKE.fullmatch(c) for c in row[1:]):
                break
            if count and row[0] and not any(row[1:]):
                break  # only a first-column label under the header: a sub-heading row
            count += 1
        return count if count < len(self.rows) - start else 0

    def _label_columns(self) -> int:
        """How many leading columns hold labels (text) rather than figures."""
        data = self.rows[self.first_data :]
        count = 0
        for column in range(len(self.rows[0]) - 1):
            cells = [row[column] for row in data if row[column]]
            if cells and all(_is_figure(c) and not _YEAR_LIKE.fullmatch(c) for c in cells):
                break
            count += 1
            if cells and all(_is_period_label(c) for c in cells):
                break  # years down this column: the columns after it hold figures
        return max(count, 1)

    def _column_labels(self) -> list[str]:
        """Each column's header rows joined, a merged upper header carried to the right."""
        labels = [""] * len(self.rows[0])
        for depth, row in enumerate(self.headers):
            carried = ""
            for column, cell in enumerate(row):
                upper = depth < len(self.headers) - 1
                if cell:
                    carried = cell
                elif upper and column >= self.label_columns:
                    cell = carried
                if cell and cell not in labels[column].split(" / "):
                    labels[column] = f"{labels[column]} / {cell}" if labels[column] else cell
        return labels

    def cells(self) -> list[_Cell]:
        column_labels = self.column_labels
        unit_columns = {
            c
            for c in range(self.label_columns)
            if _markers().unit_column.fullmatch(column_labels[c])
        }
        refers_back = _markers().refers_back
        column_parents = [
            column_labels[c - 1] if c > self.label_columns and refers_back(column_labels[c]) else ""
            for c in range(len(column_labels))
        ]
        found = []
        section = previous_first = previous_label = ""
        for r in range(self.first_data, len(self.rows)):
            row = self.rows[r]
            figures = [c for c in range(self.label_columns, len(row)) if _is_figure(row[c])]
            labels = [row[c] for c in range(self.label_columns) if c not in unit_columns]
            if not figures:
                if any(labels):
                    section = " ".join(filter(None, labels))  # a sub-heading row
                continue
            if not labels[0] and previous_first and len(labels) > 1:
                labels[0] = previous_first  # a grouped first column, written once
            previous_first = labels[0] or previous_first
            row_label = " ".join(filter(None, [section, *labels]))
            unit_label = " ".join(row[c] for c in sorted(unit_columns))
            row_parent = previous_label if refers_back(row_label) and previous_label else ""
            found.extend(
                _Cell(
                    r,
                    c,
                    row[c],
                    row_label,
                    column_labels[c],
                    unit_label,
                    row_parent,
                    column_parents[c],
                )
                for c in figures
            )
            if not row_parent:
                previous_label = row_label  # a second change row still refers to the level
        return found


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
        reader = _TableReader(table)
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
    cell: _Cell,
    index: _EntityIndex,
) -> Claim | None:
    m = _markers()
    labels = f"{cell.row_label} | {cell.column_label} | {cell.unit_label}"
    context = f"{caption} | {corner} | {table.name}"
    title = document.title or ""
    q = parse_quantity(cell.text)
    if q is None:
        return None
    value = -abs(q.value) if _MINUS.match(cell.text) else q.value

    period, rule = _period(cell, context, title, document.published)
    # The label that makes the figure a change or share has its own unit ("Growth, %").
    labels_first = [cell.row_label, cell.column_label]
    if m.refers_back(cell.column_label) and not m.refers_back(cell.row_label):
        labels_first.reverse()
    unit_factor = _unit(q.unit, [*labels_first, cell.unit_label, context, title])
    everything = f"{labels} | {context}"
    growth = bool(m.growth.search(everything))
    share = bool(m.share.search(everything))
    # The period axis names no metric: leaving it out lets a row's figures share one reading.
    named = " | ".join(
        label
        for label in (cell.row_label, cell.column_label, cell.unit_label)
        if not _is_period_label(label)
    )
    chosen = index.metric(named, context, title, document.prose, unit_factor, growth, share)
    if cell.parent and (chosen is None or chosen[0] > 0):
        # "Growth, %" under "Freight, thousand t": the row above names the metric
        inherited = index.metric(
            f"{cell.parent} | {named}", context, title, document.prose, unit_factor, growth, share
        )
        if inherited is not None and inherited[0] == 0:
            chosen = inherited
    if chosen is None:
        return None
    _, metric, entity, unit, measure, factor = chosen
    if period is None:
        period = _undated_period(metric, document.published)
        if period is None:
            return None
        rule = "undated"
    status = _status(labels, caption, period, metric, document.published)
    base = None
    if measure == "growth":
        explicit = _EXPLICIT_BASE.search(labels) or _EXPLICIT_BASE.search(context)
        if explicit and period is not None and explicit.group(1) == period.label[:4]:
            base = shift_years(period, int(explicit.group(2)) - int(explicit.group(1)))
        elif not _MULTI_YEAR.fullmatch(period.label):  # "2021..2025" has no year before it
            base = shift_years(period, -1)
    start = table.offsets[cell.row][cell.column] + q.start
    end = table.offsets[cell.row][cell.column] + q.end
    where = f"{table.name}" + (f" ({caption})" if caption else "")
    quote = f'{where}, row "{cell.row_label}", column "{cell.column_label}": {cell.text}'
    value = value * factor
    key = f"{document.source_id}|{table.name}|{cell.row}|{cell.column}|{metric.id}|{unit}|{value!r}"
    return Claim(
        claim_id=hashlib.sha1(key.encode("utf-8")).hexdigest()[:16],
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
        qualifier="approx" if m.approx.search(cell.text) else "exact",
        quote=quote,
        char_start=start,
        char_end=end,
        extractor=f"{EXTRACTOR}:{rule}",
    )


def _period(
    cell: _Cell, context: str, title: str, published: date | None
) -> tuple[Period | None, str]:
    for text, rule in (
        (cell.column_label, "period-in-column"),
        (cell.column_parent, "period-in-column"),  # "y/y, %" right of "Jan–Apr 2025"
        (cell.row_label, "period-in-row"),
        (context, "period-in-caption"),
        (title, "period-in-caption"),
    ):
        period = _parse_period(text, published) if text else None
        if period is not None:
            return period, rule
    return None, ""


def _undated_period(metric: Metric, published: date | None) -> Period | None:
    """A capacity table with no year is as of publication, like the same figure in text."""
    if published is None:
        return None
    if metric.undated == "published_year":
        return year_period(published.year)
    if metric.undated == "published_month":
        return month_span(published.year, published.month, published.year, published.month)
    return None


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
    if unit == "%":
        if metric.unit == "%" and metric.measure == "level" and not share:
            measure = "level"  # "Inflation, % y/y" is a rate of its own, not a change
        elif growth or metric.rate:
            unit, measure = "pct_change", "growth"
        elif share or metric.measure == "share":
            measure = "share"
        else:
            return None
    elif unit == "":
        if growth and "pct_change" in metric.units:
            unit, measure = "pct_change", "growth"  # "Growth, y/y" in percent by convention
        elif metric.unit in ("%", "pct_change", "count", "day") and unit_factor is None:
            unit, measure = metric.unit, metric.measure
        elif metric.unit == "count":
            unit, measure = "count", "level"  # "Trains, thous."
        else:
            return None  # "4.5" of what? A level without a unit is not a claim
    else:
        measure = "growth" if unit in ("x", "pp") else "level"
    if unit not in metric.units:
        return None
    if (metric.rate and measure != "growth") or (metric.measure == "share" and measure != "share"):
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
        cue = _cue_level(metric, texts)
        if cue is None:
            continue
        entity_level, entity = _entity(index, metric, texts, prose)
        if entity_level is None:
            continue
        key = (cue, entity_level, -metric.priority)
        if best is None or key < best[0]:
            best = (key, metric, entity, *shape)
    return None if best is None else (best[0][0], *best[1:])


def _cue_level(metric: Metric, texts: tuple[str, ...]) -> float | None:
    for level, text in enumerate(texts):
        if metric.cues.search(text):
            return level
    if metric.weak_cues is not None:
        for level, text in enumerate(texts):
            if metric.weak_cues.search(text):
                return level + 0.5
    return None


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
    """Target or forecast by a marker in the labels, else in the caption; else by the date.

    An estimate for a period that had ended when the document came out is the first
    reading of an actual figure ("2024e" in a 2025 report), as in the text extractor.
    """
    m = _markers()
    finished = published is not None and period.end < published
    for text in (labels, caption):
        if m.target.search(text):
            return "target"
        word = m.forecast.search(text)
        suffix = m.forecast_year_suffix.search(text)
        if word or suffix:
            estimate = (word is not None and word.group().lower().startswith("est")) or (
                suffix is not None and suffix.group().rstrip(")").endswith(("E", "e"))
            )
            return "actual" if finished and estimate else "forecast"
    if published is not None and period.start > published:
        return metric.future
    return "actual"
