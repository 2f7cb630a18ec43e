"""Web pages (`.html`, `.htm`): main text and metadata by trafilatura, tables by pandas.

Tables are taken from the page before trafilatura sees it, because trafilatura prunes the
tree it is given; tables inside menus, headers and footers are page furniture and skipped.
"""

from __future__ import annotations

import io
from typing import Any

from metrics.data import load
from metrics.errors import Reason, SourceError
from metrics.read.table import CAPTION_MAX, check_table_size, clean_cell
from metrics.read.text import Content

_BOILERPLATE_TAGS = ("nav", "header", "footer", "aside", "form")
_CAPTION_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "figcaption", "strong", "b")


def read_html(name: str, raw: bytes) -> Content:
    """Main text and metadata by trafilatura; tables outside page furniture by pandas."""
    import lxml.html
    import trafilatura

    try:
        tree = lxml.html.fromstring(raw)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise SourceError(name, Reason.BROKEN, str(exc)) from None
    tables: list[tuple[str, list[list[str]], str]] = []
    for element in tree.iter("table"):
        if next(element.iterancestors(*_BOILERPLATE_TAGS), None) is not None:
            continue  # a table in the menu or footer is page furniture
        rows = _html_table_rows(name, f"table {len(tables) + 1}", element)
        if rows:
            tables.append((f"table {len(tables) + 1}", rows, _html_caption(element)))
    # Tables first: trafilatura prunes the tree it is given, and parsing twice costs more.
    page = trafilatura.bare_extraction(
        tree, with_metadata=True, include_tables=False, include_comments=False
    )
    header: dict[str, Any] = {}
    prose = ""
    if page is not None and not isinstance(page, dict):  # a Document, as as_dict is False
        # trafilatura puts one paragraph on a line; the extractor reads blank-line paragraphs
        prose = "\n\n".join(line for line in (page.text or "").splitlines() if line.strip())
        header = {
            "title": page.title,
            "url": page.url,
            "publisher": page.sitename or page.hostname,
            "published": page.date,
        }
        header = {key: value for key, value in header.items() if value}
    return Content(prose=prose, header=header, tables=tables)


def _html_table_rows(name: str, table: str, element: Any) -> list[list[str]]:
    """The table's header and body rows as text, merged cells repeated (pandas.read_html).

    Spans are clamped as browsers clamp them, and a table that would still hold more cells
    than any table may is refused before pandas builds it.
    """
    import lxml.html
    import pandas as pd

    _clamp_spans(element)
    rows = list(element.iter("tr"))
    width = max((sum(_span(cell) for cell in row.xpath("./td|./th")) for row in rows), default=0)
    if width == 0:
        return []
    # a rowspan past the last row adds rows (pandas repeats the cell into them)
    depth = (
        len(rows)
        + max((_span(cell, "rowspan") for cell in element.iter("td", "th")), default=1)
        - 1
    )
    check_table_size(name, table, depth, depth * width)
    markup = lxml.html.tostring(element, encoding="unicode")
    try:
        frame = pd.read_html(
            io.StringIO(markup),
            # keep cells as written: the quote shows them. pandas takes `str | None`;
            # pandas-stubs 3.1 types it `str` only
            thousands=None,  # type: ignore[arg-type]
            keep_default_na=False,
            converters={column: str for column in range(width)},
        )[0]
    except (ValueError, IndexError):  # no rows pandas can read
        return []
    rows = []
    if not isinstance(frame.columns, pd.RangeIndex):
        levels = (
            list(zip(*frame.columns, strict=True))
            if isinstance(frame.columns, pd.MultiIndex)
            else [tuple(frame.columns)]
        )
        rows = [[_header_cell(value) for value in level] for level in levels]
    rows += [[clean_cell(value) for value in record] for record in frame.itertuples(index=False)]
    return rows


def _span(cell: Any, attribute: str = "colspan") -> int:
    try:
        return max(1, int(cell.get(attribute, 1)))
    except ValueError:
        return 1


def _clamp_spans(element: Any) -> None:
    """Cap every colspan and rowspan at the HTML standard's limits (`limits.yaml` html)."""
    limits = load("limits.yaml")["html"]
    caps = {"colspan": int(limits["max_colspan"]), "rowspan": int(limits["max_rowspan"])}
    for cell in element.iter("td", "th"):
        for attribute, cap in caps.items():
            if _span(cell, attribute) > cap:
                cell.set(attribute, str(cap))


def _header_cell(value: object) -> str:
    text = clean_cell(value)
    return "" if text.startswith("Unnamed: ") else text  # pandas' name for an empty header


def _html_caption(element: Any) -> str:
    caption = element.find("caption")
    if caption is not None:
        return clean_cell(caption.text_content())
    figure = next(element.iterancestors("figure"), None)
    if figure is not None and figure.find("figcaption") is not None:
        return clean_cell(figure.find("figcaption").text_content())
    before = element.getprevious()
    if before is not None and before.tag in _CAPTION_TAGS:
        text = clean_cell(before.text_content())
        if len(text) <= CAPTION_MAX:
            return text
    return ""
