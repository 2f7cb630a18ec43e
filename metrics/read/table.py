"""Table files (`.csv`, `.tsv`, `.xlsx`) as tables, and any document's tables as text.

Every reader hands its tables over as rows of cell text; `render_tables` writes them out
after the prose so each cell has an offset, like a number in a sentence.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from metrics.errors import Reason, SourceError
from metrics.models import Table
from metrics.read.text import Content, decode


def read_csv(name: str, raw: bytes) -> Content:
    """One table; the delimiter (comma, semicolon, tab, bar) is sniffed, not assumed."""
    text = decode(name, raw)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [
            [clean_cell(cell) for cell in row] for row in csv.reader(io.StringIO(text), dialect)
        ]
    except csv.Error as exc:
        raise SourceError(name, Reason.BROKEN, str(exc)) from None
    rows = [row for row in rows if any(row)]
    return Content(prose="", tables=[(Path(name).name, rows, "")] if rows else [])


def read_xlsx(name: str, raw: bytes) -> Content:
    """One table per sheet; numbers as Excel shows them (no `2760.0` for 2760)."""
    import zipfile

    import pandas as pd

    try:
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


def _excel_cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # empty / NaN
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_cell(value)


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
