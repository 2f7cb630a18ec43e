"""Table files (`.csv`, `.tsv`, `.xlsx`) as tables, and any document's tables as text.

Every reader hands its tables over as rows of cell text; `render_tables` writes them out
after the prose so each cell has an offset, like a number in a sentence.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from metrics.data import load
from metrics.errors import Reason, SourceError
from metrics.models import Table
from metrics.read.text import Content, decode, read_text


def table_limits() -> tuple[int, int]:
    """(rows, cells) a table may have at most: `limits.yaml` tables."""
    limits = load("limits.yaml")["tables"]
    return int(limits["max_rows"]), int(limits["max_cells"])


def check_table_size(name: str, table: str, rows: int, cells: int) -> None:
    """Refuse a table past `table_limits`, before it is built rather than after."""
    max_rows, max_cells = table_limits()
    if rows > max_rows:
        raise SourceError(name, Reason.TOO_LARGE, f"{table} has more than {max_rows:,} rows")
    if cells > max_cells:
        raise SourceError(name, Reason.TOO_LARGE, f"{table} has more than {max_cells:,} cells")


def read_csv(name: str, raw: bytes) -> Content:
    """One table; the delimiter (comma, semicolon, tab, bar) is sniffed, not assumed."""
    text = decode(name, raw)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    max_rows, max_cells = table_limits()
    rows, cells = [], 0
    try:
        for record in csv.reader(io.StringIO(text), dialect):
            row = [clean_cell(cell) for cell in record]
            if any(row):
                rows.append(row)
                cells += len(row)
                if len(rows) > max_rows or cells > max_cells:
                    check_table_size(name, Path(name).name, len(rows), cells)
    except csv.Error as exc:
        raise SourceError(name, Reason.BROKEN, str(exc)) from None
    return Content(prose="", tables=[(Path(name).name, rows, "")] if rows else [])


def read_xlsx(name: str, raw: bytes) -> Content:
    """One table per sheet; numbers as Excel shows them (no `2760.0` for 2760)."""
    import pandas as pd

    try:
        _check_workbook_size(name, zipfile.ZipFile(io.BytesIO(raw)))
        sheets = pd.read_excel(io.BytesIO(raw), sheet_name=None, header=None, dtype=object)
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise SourceError(name, Reason.BROKEN, f"not a readable .xlsx workbook: {exc}") from None
    tables = []
    for sheet, frame in sheets.items():
        rows = [
            [_excel_cell(value) for value in record] for record in frame.itertuples(index=False)
        ]
        rows = [row for row in rows if any(row)]
        if rows:
            tables.append((f"sheet {sheet}", rows, ""))
    return Content(prose="", tables=tables)


_CELL_REFERENCE = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3})([0-9]{1,7})\"")


def _check_workbook_size(name: str, workbook: zipfile.ZipFile) -> None:
    """Refuse a workbook whose parts would inflate past the limit, or a sheet whose cells
    reach farther than a table may, before anything is parsed.

    zipfile inflates no part past the size the zip's directory declares, so the declared
    sizes bound what reading costs. pandas pads every row to the widest, up to the last
    row holding a cell, so one cell at XFD1048576 would make 17 billion.
    """
    limit = load("limits.yaml")["xlsx"]["max_uncompressed_mb"] * 2**20
    declared = sum(part.file_size for part in workbook.infolist())
    if declared > limit:
        detail = f"{declared / 2**20:,.0f} MB uncompressed, over the limit of {limit / 2**20:g} MB"
        raise SourceError(name, Reason.TOO_LARGE, detail)
    for part in workbook.infolist():
        if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
            last_row = last_column = 0
            for column, row in _CELL_REFERENCE.findall(workbook.read(part)):
                last_row = max(last_row, int(row))
                last_column = max(last_column, _column_number(column))
            sheet = f"worksheet {Path(part.filename).name}"
            check_table_size(name, sheet, last_row, last_row * last_column)


def _column_number(letters: bytes) -> int:
    """`b"A"` is 1, `b"XFD"` is 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _excel_cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # empty / NaN
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_cell(value)


CAPTION_MAX = 200  # characters; a longer paragraph before a table is prose, not its title

_PIPE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
_DELIMITER_ROW = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_EMPHASIS = re.compile(r"^(\*\*|__|\*|_|`)(.+)\1$")


def read_article(name: str, raw: bytes) -> Content:
    """A `.txt` or `.md` article (`read_text`), its Markdown pipe tables read as tables."""
    content = read_text(name, raw)
    content.prose, content.tables = pipe_tables(content.prose)
    return content


def pipe_tables(text: str) -> tuple[str, list[tuple[str, list[list[str]], str]]]:
    """The Markdown pipe tables of an article's text, taken out of it: its prose (each
    table left as a blank line) and (name, rows, caption) for each table.

    A table is a row of cells between pipes, a delimiter row of dashes under it ("|---|:-:|")
    and the rows that follow; its caption is the short line written right before it
    ("Cargo handled by Caspian ports, million tonnes:").
    """
    if "|" not in text:
        return text, []
    lines = text.split("\n")
    kept: list[str] = []
    tables: list[tuple[str, list[list[str]], str]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if (
            index + 1 < len(lines)
            and _PIPE_ROW.match(line)
            and _DELIMITER_ROW.match(lines[index + 1])
        ):
            end = index + 2
            while end < len(lines) and _PIPE_ROW.match(lines[end]):
                end += 1
            rows = [_pipe_cells(row) for row in (line, *lines[index + 2 : end])]
            tables.append((f"table {len(tables) + 1}", rows, _caption_before(kept)))
            kept.append("")
            index = end
            continue
        kept.append(line)
        index += 1
    return "\n".join(kept), tables


def _pipe_cells(row: str) -> list[str]:
    cells = _CELL_SPLIT.split(row.strip()[1:-1])
    return [_EMPHASIS.sub(r"\2", clean_cell(cell.replace("\\|", "|"))) for cell in cells]


def _caption_before(lines: list[str]) -> str:
    """The last non-blank line before a table, if it is short and at most one blank line up."""
    for line in reversed(lines[-2:]):
        if line.strip():
            text = clean_cell(line.lstrip("#").strip())
            return text if len(text) <= CAPTION_MAX else ""
    return ""


def clean_cell(value: object) -> str:
    """A cell's text on one line: a wrapped header cell reads like its words."""
    return " ".join(str(value).split())


def render_tables(
    prose: str, tables: Iterable[tuple[str, list[list[str]], str]]
) -> tuple[str, tuple[Table, ...]]:
    """The document text: `prose`, then each table written out as `cell | cell` lines.

    Writing the tables out gives every cell an offset, so a table claim points at its
    cell like a text claim points at its number.
    """
    parts = [prose]
    length = len(prose)
    placed = []
    for table_name, rows, caption in tables:
        heading = f"\n\n[{table_name}{': ' + caption if caption else ''}]\n"
        start = length + 2  # the heading's "[" after the blank line
        parts.append(heading)
        length += len(heading)
        offsets = []
        for row in rows:
            row_offsets = []
            for i, cell in enumerate(row):
                if i:
                    parts.append(" | ")
                    length += 3
                row_offsets.append(length)
                parts.append(cell)
                length += len(cell)
            parts.append("\n")
            length += 1
            offsets.append(tuple(row_offsets))
        placed.append(
            Table(
                name=table_name,
                rows=tuple(map(tuple, rows)),
                caption=caption,
                start=start,
                offsets=tuple(offsets),
            )
        )
    return "".join(parts), tuple(placed)
