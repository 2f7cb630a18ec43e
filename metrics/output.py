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


def format_frame(
    frame: pd.DataFrame, fmt: str, table_columns: tuple[str, ...] = (), width: int | None = None
) -> str:
    """`frame` in one of `OUTPUT_FORMATS`, ending in a newline.

    csv and json give every column; the table only `table_columns` (all when empty), since
    a claim's 18 columns do not fit a terminal, cut to `width` characters a row (None: no
    limit) as `text_table` does.
    """
    if fmt == "csv":
        return frame.apply(_spreadsheet_column).to_csv(index=False)
    if fmt == "json":
        if frame.empty:
            return "[]\n"  # pandas writes an empty list with a blank line inside
        text = frame.to_json(
            orient="records", date_format="iso", date_unit="s", force_ascii=False, indent=2
        )
        # pandas escapes the controls in strings but C1 and bidirectional ones; \uXXXX reads
        # back the same, and the newlines between values are JSON's own
        return _TERMINAL_CONTROLS.sub(_json_escape, text) + "\n"
    return f"{text_table(frame[list(table_columns)] if table_columns else frame, width)}\n"


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


def catalog_frames(catalog: Catalog) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The metric ids and the entity names of `catalog`, as two frames, each entry with the
    file it came from (`origin`: the packaged catalog's path, or a user catalog's)."""
    import pandas as pd

    from metrics.lexicon.catalog import PACKAGED

    metrics = pd.DataFrame(
        [(m.id, m.unit, m.measure, m.meaning, catalog.origins.get(f"metric {m.id}", PACKAGED))
         for m in catalog.metrics.values()],
        columns=["id", "unit", "measure", "meaning", "origin"],
    )  # fmt: skip
    entities = pd.DataFrame(
        [(name, ", ".join(aliases), catalog.origins.get(f"entity {name}", PACKAGED))
         for name, aliases in catalog.entities.items()],
        columns=["entity", "aliases", "origin"],
    )  # fmt: skip
    return metrics, entities


def catalog_text(catalog: Catalog, fmt: str = "table", width: int | None = None) -> str:
    """The metric ids and the entity names of `catalog`, ending in a newline: two aligned
    tables (the files the entries came from are named after them, see `metrics catalog`);
    one CSV with a `kind` column (metric or entity, `name` for both id and entity) and an
    `origin` column; or one JSON object holding the two lists, each entry with its origin."""
    import pandas as pd

    metrics, entities = catalog_frames(catalog)
    if fmt == "table":
        shown = (frame.drop(columns="origin") for frame in (metrics, entities))
        return "\n\n".join(text_table(frame, width) for frame in shown) + "\n"
    if fmt == "csv":
        rows = pd.concat(
            [
                metrics.rename(columns={"id": "name"}).assign(kind="metric"),
                entities.rename(columns={"entity": "name"}).assign(kind="entity"),
            ],
            ignore_index=True,
        )
        columns = ["kind", "name", "unit", "measure", "meaning", "aliases", "origin"]
        return format_frame(rows[columns], fmt)
    listed, named = (format_frame(frame, fmt).strip() for frame in (metrics, entities))
    return f'{{"metrics": {listed}, "entities": {named}}}\n'


TEXT_COLUMN_MIN = 8
"""A text column cut to fit the terminal keeps at least this many characters, so that the
nine columns of `conflicts` fit 80."""
CUT = "…"


def text_table(frame: pd.DataFrame, width: int | None = None) -> str:
    """Aligned plain text: text left, numbers right, nulls blank, no scientific notation.

    Rows longer than `width` characters (None: no limit) have their widest text columns cut,
    each ending in "…", down to `TEXT_COLUMN_MIN`; numbers and dates are never cut, and
    --format csv or json gives the whole values.
    """
    import pandas as pd

    if frame.empty:
        return "(no rows)"
    columns, numeric, whole = [], [], []
    for name, series in frame.items():
        columns.append([terminal_text(str(name)), *_cells(series)])
        is_number = pd.api.types.is_numeric_dtype(series)
        numeric.append(is_number and not pd.api.types.is_bool_dtype(series))
        whole.append(is_number or pd.api.types.is_datetime64_any_dtype(series))
    widths = _fitted_widths(columns, whole, width)
    aligned = [
        [_cut(cell, w).rjust(w) if is_number else _cut(cell, w).ljust(w) for cell in cells]
        for cells, w, is_number in zip(columns, widths, numeric, strict=True)
    ]
    return "\n".join(" ".join(row).rstrip() for row in zip(*aligned, strict=True))


def _fitted_widths(columns: list[list[str]], whole: list[bool], width: int | None) -> list[int]:
    """Each column's width: its longest cell, the widest text columns narrowed one character
    at a time while the row (with one space between columns) is longer than `width`."""
    widths = [max(map(len, cells)) for cells in columns]
    if width is None:
        return widths
    floors = [w if keep else min(w, TEXT_COLUMN_MIN) for w, keep in zip(widths, whole, strict=True)]
    while sum(widths) + len(widths) - 1 > width:
        cuttable = [i for i, w in enumerate(widths) if w > floors[i]]
        if not cuttable:
            break  # as narrow as it gets: the terminal wraps what is left
        widest = max(cuttable, key=widths.__getitem__)
        widths[widest] -= 1
    return widths


def _cut(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[: width - len(CUT)] + CUT


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
