"""Query results as text: an aligned table for a terminal, CSV or JSON for other tools."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from metrics.lexicon.catalog import Catalog

OUTPUT_FORMATS = ("table", "csv", "json")
# A claim has 18 columns; the table shows the ones a reader scans, csv/json give them all.
CLAIM_TABLE_COLUMNS = (
    "metric",
    "entity",
    "value",
    "unit",
    "period",
    "status",
    "measure",
    "qualifier",
    "value_text",
)

RESOLVED_TABLE_COLUMNS = (
    "metric",
    "entity",
    "period",
    "measure",
    "status",
    "state",
    "value",
    "unit",
    "value_text",
    "rule",
    "n_sources",
    "publisher",
)
CONFLICT_TABLE_COLUMNS = (
    "metric",
    "entity",
    "period",
    "measure",
    "verdict",
    "value_text",
    "publisher",
    "published",
    "reason",
)


def format_frame(frame: pd.DataFrame, fmt: str, table_columns: tuple[str, ...] = ()) -> str:
    """`frame` in one of `OUTPUT_FORMATS`, ending in a newline.

    csv and json give every column; the table only `table_columns` (all when empty), since
    a claim's 18 columns do not fit a terminal.
    """
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        text = frame.to_json(
            orient="records", date_format="iso", date_unit="s", force_ascii=False, indent=2
        )
        return f"{text}\n"
    return f"{text_table(frame[list(table_columns)] if table_columns else frame)}\n"


def catalog_text(catalog: Catalog) -> str:
    """The metric ids and the entity names of `catalog`, as two aligned tables."""
    metrics = pd.DataFrame(
        [(m.id, m.unit, m.measure, m.meaning) for m in catalog.metrics.values()],
        columns=["id", "unit", "measure", "meaning"],
    )
    entities = pd.DataFrame(
        [(name, ", ".join(aliases)) for name, aliases in catalog.entities.items()],
        columns=["entity", "aliases"],
    )
    return f"{text_table(metrics)}\n\n{text_table(entities)}"


def text_table(frame: pd.DataFrame) -> str:
    """Aligned plain text: text left, numbers right, nulls blank, no scientific notation."""
    if frame.empty:
        return "(no rows)"
    columns = []
    for name, series in frame.items():
        cells = [str(name), *_cells(series)]
        width = max(map(len, cells))
        numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
        columns.append([cell.rjust(width) if numeric else cell.ljust(width) for cell in cells])
    return "\n".join(" ".join(row).rstrip() for row in zip(*columns, strict=True))


def _cells(series: pd.Series) -> list[str]:
    if pd.api.types.is_datetime64_any_dtype(series):
        # DuckDB DATE columns arrive as midnight timestamps: show them as dates
        known = series.dropna()
        pattern = "%Y-%m-%d" if (known == known.dt.normalize()).all() else "%Y-%m-%d %H:%M:%S"
        return series.dt.strftime(pattern).fillna("").tolist()
    return [
        ""
        if pd.api.types.is_scalar(value) and pd.isna(value)
        else f"{value:,.15g}"
        if isinstance(value, float)
        else " ".join(str(value).splitlines())
        for value in series
    ]
