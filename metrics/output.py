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


def plural(n: int, one: str, many: str | None = None) -> str:
    """The words for `n` things: "forecast error" for 1, "forecast errors" for 0 or 2
    (`many` where adding an s will not do). The command line's summary and the report's
    cards both word their counts through it."""
    return one if n == 1 else many or f"{one}s"


def format_frame(
    frame: pd.DataFrame, fmt: str, table_columns: tuple[str, ...] = (), width: int | None = None
) -> str:
    """`frame` in one of `OUTPUT_FORMATS`, ending in a newline.

    csv and json give every column; the table only `table_columns` (all when empty), since
    a claim's 18 columns do not fit a terminal, fitted to `width` characters a row (None:
    no limit) as `text_table` does.
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


FOLD_ORDER = (
    "quote", "reason", "formula", "url", "source", "title", "meaning", "publisher", "rule",
    "n_sources", "n_claims", "qualifier", "published", "originator", "scope", "base_period",
    "value_text", "measure", "status", "state", "verdict",
)  # fmt: skip
"""Columns that fold under their row, first to last, while a row is wider than the terminal
(the long text first, then what a reader scans least); then any other column (of a `metrics
sql` query), the rightmost first, but `GRID_KEPT`."""
GRID_KEPT = ("metric", "entity", "period", "value", "unit")
"""Columns that never fold: what a row is about stays in the grid, whole."""
TEXT_COLUMN_MIN = 8
"""A text column cut to fit the terminal, the last resort when even the columns that never
fold are wider than it, keeps at least this many characters."""
CUT = "…"
# Where a text cell may wrap: after a space, between the words of "North-South" (not inside
# "2023-01") and after the ".." of a period range; never inside an id, a number or a word.
_BREAKS = re.compile(r"(?<=\s)(?=\S)|(?<=[^\W\d_]-)(?=[^\W\d_])|(?<=\.\.)(?=\S)")
# The last resort before a cut, when even the columns that never fold are wider than the
# terminal: an id wraps after its underscores ("port_transit_" / "cargo_throughput"), whole.
_ID_BREAKS = re.compile(f"{_BREAKS.pattern}|(?<=[_/-])(?=\\w)")


def text_table(frame: pd.DataFrame, width: int | None = None) -> str:
    """Aligned plain text: text left, numbers right, nulls blank, no scientific notation,
    a fraction rounded to what a reader reads (17,971,662,938; 4.16667).

    A row longer than `width` characters (None: no limit) gives way without cutting a word,
    number or id: the columns of `FOLD_ORDER` (then the others but `GRID_KEPT`) move, first
    to last, to a line under their row ("  reason: ...", wrapped to the width) until the
    rest can fit, then the text columns left wrap onto more lines at spaces. Only when even
    the columns that never fold are too wide is text cut, ending in "…". --format csv or
    json gives the whole values.
    """
    import pandas as pd

    if frame.empty:
        return "(no rows)"
    columns: dict[str, list[str]] = {}
    numeric: set[str] = set()  # right-aligned
    whole: set[str] = set()  # never wrapped: numbers, dates
    for name, series in frame.items():
        label = terminal_text(str(name))
        columns[label] = _cells(series)
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            whole.add(label)
            if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
                numeric.add(label)
    grid = list(columns)
    if width is not None and _natural_width(columns) > width:
        others = [n for n in reversed(columns) if n not in FOLD_ORDER and n not in GRID_KEPT]
        for name in [*(n for n in FOLD_ORDER if n in columns), *others]:
            if _least_width(columns, grid, whole) <= width or len(grid) == 1:
                break
            grid.remove(name)
    folded = [name for name in columns if name not in grid]  # in the table's order
    widths = _fitted_widths({name: columns[name] for name in grid}, whole, width)

    def line(cells: dict[str, str]) -> str:
        return " ".join(
            cells[n].rjust(widths[n]) if n in numeric else cells[n].ljust(widths[n]) for n in grid
        ).rstrip()

    lines = [line({name: name for name in grid})]
    for row in range(len(frame)):
        wrapped = {n: _wrapped(columns[n][row], widths[n], n in whole) for n in grid}
        for at in range(max(map(len, wrapped.values()))):
            lines.append(
                line({n: cell[at] if at < len(cell) else "" for n, cell in wrapped.items()})
            )
        under = "; ".join(f"{n}: {columns[n][row]}" for n in folded if columns[n][row])
        if under:
            lines.extend(_wrapped(under, max(width or 0, 20), False, indent="  "))
    return "\n".join(lines)


def _natural_width(columns: dict[str, list[str]]) -> int:
    return sum(max(map(len, [n, *cells])) for n, cells in columns.items()) + len(columns) - 1


def _least_width(columns: dict[str, list[str]], grid: list[str], whole: set[str]) -> int:
    """The narrowest the row of `grid` can be without cutting: the columns that never wrap
    whole, the others as wide as their longest word (and their name)."""
    return sum(_floor(n, columns[n], n in whole) for n in grid) + len(grid) - 1


def _floor(name: str, cells: list[str], whole: bool, breaks: re.Pattern[str] = _BREAKS) -> int:
    words = cells if whole else [w.strip() for c in cells for w in breaks.split(c)]
    return max(map(len, [name, *words]))


def _fitted_widths(
    columns: dict[str, list[str]], whole: set[str], width: int | None
) -> dict[str, int]:
    """Each column's width: its longest cell, the text column with the most room to give
    narrowed one character at a time while the row (one space between columns) is longer
    than `width`: to their longest word first, then (the last resort) to `TEXT_COLUMN_MIN`."""
    widths = {n: max(map(len, [n, *cells])) for n, cells in columns.items()}
    if width is None:
        return widths
    for floors in (
        {n: _floor(n, cells, n in whole) for n, cells in columns.items()},
        {n: _floor(n, cells, n in whole, _ID_BREAKS) for n, cells in columns.items()},
        {n: w if n in whole else min(w, TEXT_COLUMN_MIN) for n, w in widths.items()},
    ):
        while sum(widths.values()) + len(widths) - 1 > width:
            narrower = [n for n, w in widths.items() if w > floors[n]]
            if not narrower:
                break  # as narrow as this floor allows
            widths[max(narrower, key=lambda n: widths[n] - floors[n])] -= 1
    return widths


def _wrapped(cell: str, width: int, whole: bool, indent: str = "") -> list[str]:
    """`cell` in lines of at most `width` characters, broken where `_BREAKS` allows, or
    `_ID_BREAKS` when a word is longer than the line (a part still longer is cut, ending in
    "…"); a number or date stays one line."""
    if whole or len(cell) + len(indent) <= width:
        return [indent + cell]
    for breaks in (_BREAKS, _ID_BREAKS):
        lines: list[str] = []
        line = ""
        for word in breaks.split(cell):
            if line and len(indent) + len((line + word).rstrip()) > width:
                lines.append(indent + line.rstrip())
                line = ""
            line += word
        lines.append(indent + line.rstrip())
        if all(len(text) <= width for text in lines):
            return lines
    return [text if len(text) <= width else text[: width - len(CUT)] + CUT for text in lines]


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
        else _readable(value)
        if isinstance(value, float)
        else terminal_text(" ".join(str(value).splitlines()))
        for value in series
    ]


def _readable(value: float) -> str:
    """A float as a reader reads it: whole numbers whole (24,100,000,000), fractions to six
    significant digits (4.16667), or to the unit from 100,000 on (17,971,662,938)."""
    if value.is_integer() or abs(value) >= 1e5:
        return f"{value:,.0f}"
    return f"{value:,.6g}"
