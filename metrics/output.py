"""Query results as text: an aligned table for a terminal, CSV or JSON for other tools.

Text from sources is untrusted twice over here: a CSV cell a spreadsheet would run as a
formula is written as text (`spreadsheet_safe`, also used by the report's CSV downloads),
and a character a terminal would act on (an escape sequence that clears the screen or sets
the window title, a carriage return, a bidirectional override) is printed as its escape
(`terminal_text`), in tables and in error lines.

pandas is imported by the functions that use it, not with the module: the command line
imports this one to start, and should answer `--help` without loading pandas.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

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
        return frame.apply(_spreadsheet_column).to_csv(index=False)
    if fmt == "json":
        text = frame.to_json(
            orient="records", date_format="iso", date_unit="s", force_ascii=False, indent=2
        )
        # pandas escapes the controls in strings but C1 and bidirectional ones; \uXXXX reads
        # back the same, and the newlines between values are JSON's own
        return _TERMINAL_CONTROLS.sub(_json_escape, text) + "\n"
    return f"{text_table(frame[list(table_columns)] if table_columns else frame)}\n"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[-+][\d.,% ]*")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+cmd|...`,
    `@SUM(...)`, OWASP's list of first characters) gets a leading apostrophe, which shows it
    as the text it is; numbers, and text that is a signed number ("-6.7%"), stay as they are."""
    formula = isinstance(value, str) and value.startswith(_FORMULA_START)
    return "'" + value if formula and not _SIGNED_NUMBER.fullmatch(value) else value


def _spreadsheet_column(column: pd.Series) -> pd.Series:
    """The column with `spreadsheet_safe` text cells; numbers and dates are never formulas."""
    import pandas as pd

    text = pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)
    return column.map(spreadsheet_safe) if text else column


_TERMINAL_CONTROLS = re.compile(
    "[\x00-\x1f\x7f-\x9f"  # C0 and C1 controls: ESC, CSI, BEL, CR, backspace, ...
    "\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional marks and overrides
    "\u2028\u2029]"  # line and paragraph separators
)


def _json_escape(match: re.Match[str]) -> str:
    return match[0] if match[0] == "\n" else f"\\u{ord(match[0]):04x}"


def terminal_text(text: str) -> str:
    """`text` with every character a terminal would act on written as its Python escape
    (`\\x1b`, `\\r`, `\\u202e`), so a title cannot clear the screen or retitle the window."""
    return _TERMINAL_CONTROLS.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


def catalog_text(catalog: Catalog) -> str:
    """The metric ids and the entity names of `catalog`, as two aligned tables."""
    import pandas as pd

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
    import pandas as pd

    if frame.empty:
        return "(no rows)"
    columns = []
    for name, series in frame.items():
        cells = [terminal_text(str(name)), *_cells(series)]
        width = max(map(len, cells))
        numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
        columns.append([cell.rjust(width) if numeric else cell.ljust(width) for cell in cells])
    return "\n".join(" ".join(row).rstrip() for row in zip(*columns, strict=True))


def _cells(series: pd.Series) -> list[str]:
    import pandas as pd

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
        else terminal_text(" ".join(str(value).splitlines()))
        for value in series
    ]
