"""PDF reports through pdfplumber: the text outside the tables, and every ruled table.

A PDF has no paragraphs, only positioned lines; they are joined back into paragraphs so
the extractor reads sentences, not page-width fragments.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import re
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from metrics.data import load
from metrics.errors import Reason, SourceError
from metrics.read.table import clean_cell
from metrics.read.text import Content, earliest_date

Box = tuple[float, float, float, float]  # x0, top, x1, bottom, as pdfplumber's bbox

_CAPTION_ABOVE = 36  # points above a PDF table searched for its title line


def read_pdf(name: str, raw: bytes) -> Content:
    """Text outside the tables, read page by page, and every ruled table with its title line.

    What a PDF costs to read is bounded before it is spent (`limits.yaml` pdf): no stream is
    inflated past a size, and the pages and the text-showing operators on them are counted
    before pdfplumber lays them out.
    """
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    limits = load("limits.yaml")["pdf"]
    pages_text = []
    tables = []
    try:
        with (
            _inflating_at_most(limits["max_stream_mb"] * 2**20),
            pdfplumber.open(io.BytesIO(raw)) as pdf,
        ):
            header = _pdf_header(pdf.metadata)
            _check_page_count(name, pdf, int(limits["max_pages"]))
            text_operators = _TextOperators(name, int(limits["max_text_operators"]))
            for number, page in enumerate(pdf.pages, start=1):
                text_operators.add(page)
                found = page.find_tables()
                boxes = [table.bbox for table in found]
                for index, table in enumerate(found, start=1):
                    rows = [[clean_cell(cell or "") for cell in row] for row in table.extract()]
                    rows = [row for row in rows if any(row)]
                    if rows:
                        tables.append(
                            (f"page {number} table {index}", rows, _pdf_caption(page, table.bbox))
                        )
                outside = page.filter(_outside(boxes))
                pages_text.append(_pdf_paragraphs(outside.extract_text_lines()))
    except (SourceError, MemoryError):
        raise
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        # pdfplumber wraps pdfminer's errors: the first argument is the original one
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise SourceError(name, Reason.ENCRYPTED, type(cause).__name__) from None
        if isinstance(cause, MemoryError):
            raise cause from None
        if isinstance(cause, _StreamTooLarge):
            detail = f"a stream of more than {cause.limit / 2**20:g} MB once inflated"
            raise SourceError(name, Reason.TOO_LARGE, detail) from None
        raise SourceError(name, Reason.BROKEN, f"{type(cause).__name__}: {cause}") from None
    prose = "\n\n".join(text for text in pages_text if text.strip())
    return Content(prose=prose, header=header, tables=tables)


class _StreamTooLarge(Exception):
    """A PDF stream inflates past the limit (a 1 MB file can hold a 1 GB stream)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"a stream inflates past {limit} bytes")
        self.limit = limit


class _BoundedInflater:
    """`zlib.decompressobj()` that raises `_StreamTooLarge` past `limit` bytes of output."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._inflater = zlib.decompressobj()
        self._left = limit

    def decompress(self, data: bytes) -> bytes:
        out = self._inflater.decompress(data, self._left + 1)
        if len(out) > self._left:
            raise _StreamTooLarge(self.limit)
        self._left -= len(out)
        return out

    @property
    def eof(self) -> bool:
        return self._inflater.eof


class _BoundedZlib:
    """What pdfminer calls `zlib`, inflating no stream past `limit` bytes."""

    error = zlib.error

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def decompressobj(self) -> _BoundedInflater:
        return _BoundedInflater(self.limit)

    def decompress(self, data: bytes) -> bytes:
        inflater = self.decompressobj()
        out = inflater.decompress(data)
        if not inflater.eof:  # as zlib.decompress says; pdfminer then salvages what it can
            raise zlib.error("incomplete or truncated stream")
        return out


@contextlib.contextmanager
def _inflating_at_most(limit: int) -> Iterator[None]:
    """pdfminer inflates every stream whole with `zlib.decompress` (`PDFStream.decode`), so
    its module's `zlib` is swapped for a bounded one while a PDF is read."""
    import pdfminer.pdftypes

    pdfminer.pdftypes.zlib = _BoundedZlib(limit)  # type: ignore[assignment]
    try:
        yield
    finally:
        pdfminer.pdftypes.zlib = zlib


def _check_page_count(name: str, pdf: Any, max_pages: int) -> None:
    """Refuse a PDF of more than `max_pages` pages before laying any out: the page tree is
    walked lazily, so this stops at the first page past the limit."""
    from pdfminer.pdfpage import PDFPage

    if sum(1 for _ in itertools.islice(PDFPage.create_pages(pdf.doc), max_pages + 1)) > max_pages:
        raise SourceError(name, Reason.TOO_LARGE, f"more than {max_pages:,} pages")


class _TextOperators:
    """The text-showing operators (Tj, TJ) of the pages read so far, counted in each page's
    content streams before pdfplumber lays the page out; too many fail the file."""

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit
        self.count = 0

    def add(self, page: Any) -> None:
        from pdfminer.pdftypes import stream_value

        for stream in page.page_obj.contents:
            data = stream_value(stream).get_data()  # pdfminer keeps it for the layout
            self.count += data.count(b"Tj") + data.count(b"TJ")
        if self.count > self.limit:
            detail = f"more than {self.limit:,} text operators"
            raise SourceError(self.name, Reason.TOO_LARGE, detail)


_PARAGRAPH_GAP = 0.9  # a gap above a line taller than this many line heights starts a paragraph


def _pdf_paragraphs(lines: list[dict[str, Any]]) -> str:
    """A page's lines joined back into paragraphs, one blank line between them.

    A PDF wraps sentences at the page edge; the text extractor reads a line break as the
    end of a heading, so wrapped lines are joined (and "corri-/dor" mended), and a
    paragraph is wherever the gap above a line is wider than the line spacing.
    """
    paragraphs: list[str] = []
    bottom = None
    for line in lines:
        text = line["text"].strip()
        if not text:
            continue
        height = line["bottom"] - line["top"]
        if paragraphs and bottom is not None and line["top"] - bottom < _PARAGRAPH_GAP * height:
            last = paragraphs[-1]
            if last.endswith("-") and text[:1].islower():
                paragraphs[-1] = last[:-1] + text
            else:
                paragraphs[-1] = f"{last} {text}"
        else:
            paragraphs.append(text)
        bottom = line["bottom"]
    return "\n\n".join(paragraphs)


def _outside(boxes: list[Box]) -> Callable[[dict[str, Any]], bool]:
    """pdfplumber's filter for the objects outside every one of `boxes`: the page's text
    without its tables, which are read as tables."""
    return lambda obj: not _inside(obj, boxes)


def _inside(obj: dict[str, Any], boxes: list[Box]) -> bool:
    if "x0" not in obj:
        return False
    return any(
        obj["x0"] >= x0 - 1
        and obj["x1"] <= x1 + 1
        and obj["top"] >= top - 1
        and obj["bottom"] <= bottom + 1
        for x0, top, x1, bottom in boxes
    )


def _pdf_caption(page: Any, bbox: Box) -> str:
    top = bbox[1]
    if top <= 1:
        return ""
    above = page.crop((0, max(0, top - _CAPTION_ABOVE), page.width, top)).extract_text() or ""
    lines = [line for line in above.splitlines() if line.strip()]
    return clean_cell(lines[-1]) if lines else ""


_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})(\d{2})")


def _pdf_header(metadata: dict[str, Any]) -> dict[str, Any]:
    header: dict[str, Any] = {}
    if isinstance(metadata.get("Title"), str) and metadata["Title"].strip():
        header["title"] = metadata["Title"].strip()
    match = _PDF_DATE.match(str(metadata.get("CreationDate", "")))
    if match:
        # a bad date (or a wrong clock) in the file's properties is not worth failing it for
        with contextlib.suppress(ValueError):
            created = date(*map(int, match.groups()))
            if earliest_date() <= created <= date.today():
                header["published"] = created.isoformat()
    return header
