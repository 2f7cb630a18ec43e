"""The layout of a table: its title rows, header rows, label columns and figure cells.

Tables come flattened from CSV, spreadsheets and HTML, with merged cells blank and the
title sometimes written inside; this finds which rows and columns are labels, so that each
figure can be read through the labels of its row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from metrics.extract.cues import table_markers
from metrics.lexicon.periods import parse_period
from metrics.models import Table

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


@dataclass(frozen=True)
class Cell:
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
parse_period_once = lru_cache(maxsize=4096)(parse_period)

_PERIOD_LABEL_WORDS = 4  # "Jan–Jun 2024", "9 months of 2024"; longer text is a title


def is_period_label(cell: str) -> bool:
    """A header that is a period and nothing else, not a title that mentions one."""
    return bool(_YEAR_LIKE.fullmatch(cell)) or (
        not _is_figure(cell)
        and len(cell.split()) <= _PERIOD_LABEL_WORDS
        and parse_period_once(cell, None) is not None
    )


class TableLayout:
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
            if len(filled) != 1 or _is_figure(filled[0]) or is_period_label(filled[0]):
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
            if cells and all(is_period_label(c) for c in cells):
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

    def cells(self) -> list[Cell]:
        column_labels = self.column_labels
        unit_columns = {
            c
            for c in range(self.label_columns)
            if table_markers().unit_column.fullmatch(column_labels[c])
        }
        refers_back = table_markers().refers_back
        column_parents = [
            column_labels[c - 1] if c > self.label_columns and refers_back(column_labels[c]) else ""
            for c in range(len(column_labels))
        ]
        found: list[Cell] = []
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
                Cell(
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
