"""Read source files into `Document`s: articles, web pages and table files.

Articles (`.txt`, `.md`) may open with YAML front matter; their body is kept exactly as it
is in the file after the closing `---` line, because claim offsets (`char_start`,
`char_end`) point into it. Web pages (`.html`) give their main text and metadata through
trafilatura and their `<table>`s through pandas; table files (`.csv`, `.xlsx`) and PDF
reports (text and tables, through pdfplumber) are read as tables. Any file can have a
sidecar `NAME.meta.yaml` whose keys override what the file itself says.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from metrics.errors import Reason, SourceError
from metrics.models import Document, Table

FORMATS: dict[str, str] = {
    ".txt": "txt",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".pdf": "pdf",
}
"""File suffix -> `Document.format`; other files are not sources."""

SIDECAR_SUFFIX = ".meta.yaml"
"""`page.html.meta.yaml` beside `page.html` holds its title, url, publisher, published."""

_KNOWN_KEYS = ("title", "url", "publisher", "published")


class _TextDatesLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text.

    PyYAML turns `2024-13-45` into a bare ValueError instead of a YAML error, and would hand
    `meta` date objects that JSON cannot hold; parsing `published` ourselves avoids both.
    """


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_FRONT_MATTER = re.compile(
    r"""
    \A---[ \t]*\r?\n        # opening fence on the first line
    (?P<yaml>.*?)           # YAML, possibly empty
    ^---[ \t]*(?:\r?\n|\Z)  # closing fence on a line of its own
    """,
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)
_OPENING_FENCE = re.compile(r"---[ \t]*\r?\n")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# "date 2025-12-06 Images | gov.kz": a dateline some copied pages carry instead of front matter.
_DATE_LINE = re.compile(r"^date:?[ \t]+(?P<date>\d{4}-\d{2}-\d{2})\b", re.IGNORECASE)
_DATE_LINE_LOOKAHEAD = 3  # non-blank lines at the top of the body; later "date" lines are prose


@dataclass
class _Content:
    """What a reader makes of a file's bytes, before metadata and tables are merged."""

    prose: str
    header: dict[str, Any] = field(default_factory=dict)
    tables: list[tuple[str, list[list[str]], str]] = field(
        default_factory=list
    )  # name, rows, caption


def load_document(path: Path, root: Path | None = None) -> Document:
    """Read one source file.

    `Document.path` is `path` relative to `root` in POSIX form (or `path` itself without a
    root), so the same file keeps its `source_id` wherever the folder is mounted.
    Metadata comes from the file (front matter, the page's own tags, PDF properties), then
    from the sidecar `NAME.meta.yaml`, which wins; `published` falls back on a
    `date YYYY-MM-DD` line at the top of the text.

    Raises `SourceError` naming the file and a `Reason` for anything that is not a readable
    source: missing or unreadable file (permissions, a symlink loop), unsupported suffix,
    binary data or bytes that are not UTF-8, front matter or sidecar that is not a YAML
    mapping, a published value that is not a date or lies in the future, an encrypted or
    broken file, no text.
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():  # first: a mistyped folder name is "not found", not "unsupported"
        if path.is_symlink():  # a link to nothing, or to itself through others
            raise SourceError(name, Reason.UNREADABLE, _stat_failure(path))
        raise SourceError(name, Reason.NOT_FOUND)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(
            name,
            Reason.UNSUPPORTED_FORMAT,
            f"{path.suffix or 'no suffix'}; expected one of {', '.join(FORMATS)}",
        )
    raw = _read_bytes(name, path)
    sidecar_raw, sidecar = _read_sidecar(name, path)
    content = _READERS[fmt](name, raw)
    header = {**content.header, **sidecar}
    # A bare CSV cannot say "thousand tonnes of freight"; its sidecar's `caption` can.
    caption = _as_text(header.get("caption")) or ""
    text, tables = render_tables(
        content.prose, [(table, rows, own or caption) for table, rows, own in content.tables]
    )
    if not text.strip():
        raise SourceError(name, Reason.NO_TEXT_IN_PDF if fmt == "pdf" else Reason.EMPTY)

    published = _as_date(name, header.get("published"))
    if published is None:
        published = _date_line(name, content.prose)
    return Document(
        path=document_path(path, root),
        text=text,
        title=_as_text(header.get("title")),
        url=_as_text(header.get("url")),
        publisher=_as_text(header.get("publisher")),
        published=published,
        format=fmt,
        content_sha256=_sha256(raw, sidecar_raw),
        meta={key: value for key, value in header.items() if key not in _KNOWN_KEYS},
        tables=tables,
    )


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


def document_path(path: Path, root: Path | None = None) -> str:
    """The path a document is stored under (its `source_id` is derived from it)."""
    return (path.relative_to(root) if root is not None else path).as_posix()


def content_hash(path: Path) -> str:
    """The `content_sha256` `load_document` would give, from the bytes alone.

    Re-ingesting an unchanged folder compares this and skips the parsing. Raises `OSError`
    when the file cannot be read (`load_document` then says why).
    """
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    return _sha256(path.read_bytes(), sidecar.read_bytes() if sidecar.is_file() else b"")


def _sha256(raw: bytes, sidecar_raw: bytes) -> str:
    return hashlib.sha256(raw + sidecar_raw).hexdigest()


def _read_bytes(name: str, path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:  # permissions, a file that vanished, an I/O error
        raise SourceError(name, Reason.UNREADABLE, exc.strerror or str(exc)) from None


def _stat_failure(path: Path) -> str:
    try:
        path.stat()
    except OSError as exc:
        return exc.strerror or str(exc)
    return "not a regular file"


def iter_source_files(paths: Iterable[Path | str]) -> list[tuple[Path, Path]]:
    """Expand files and folders into `(file, root)` pairs, folders walked recursively.

    `root` is the folder the user named (a file's own folder for a file), which makes
    `Document.path` the same whether a folder or a file directly in it is ingested. Inside
    folders only files with a suffix in `FORMATS` count (a sidecar `.meta.yaml` is read with
    its file); hidden files and folders (`.git`, `.venv`), the `NAME_files` folders a browser
    saves a page's scripts and frames in, and a folder's own README (its documentation, not
    an article) are skipped; a file named explicitly is always returned, so a wrong suffix or a missing file is
    reported by `load_document` instead of vanishing silently.
    """
    found: list[tuple[Path, Path]] = []
    seen: set[Path] = set()

    def add(file: Path, root: Path) -> None:
        key = Path(os.path.realpath(file))  # never raises: a symlink loop fails when read
        if key not in seen:
            seen.add(key)
            found.append((file, root))

    for path in map(Path, paths):
        if not path.is_dir():
            add(path, path.parent)
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not d.endswith("_files"))
            for name in sorted(files):
                readme = Path(name).stem.lower() == "readme"
                if not name.startswith(".") and not readme and Path(name).suffix.lower() in FORMATS:
                    add(Path(folder) / name, path)
    return found


def _split_front_matter(name: str, content: str) -> tuple[dict[str, Any], str]:
    if not _OPENING_FENCE.match(content):
        return {}, content
    match = _FRONT_MATTER.match(content)
    if match is None:
        raise SourceError(name, Reason.BAD_FRONT_MATTER, "no closing --- line")
    try:
        header = yaml.load(match["yaml"], Loader=_TextDatesLoader)  # safe: a SafeLoader
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: an explicit !!timestamp
        raise SourceError(name, Reason.BAD_FRONT_MATTER, " ".join(str(exc).split())) from None
    if header is None:
        header = {}
    if not isinstance(header, dict):
        raise SourceError(
            name,
            Reason.BAD_FRONT_MATTER,
            f"expected key: value lines, got a {type(header).__name__}",
        )
    return {str(key): value for key, value in header.items()}, content[match.end() :]


def _as_date(name: str, value: object) -> date | None:
    """An ISO date no later than tomorrow (a publisher a time zone ahead is already there).

    A future date is a typo, and reconciliation would take the article for the newest.
    """
    if value is None:
        return None
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            published = date.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            if published > date.today() + timedelta(days=1):
                raise SourceError(name, Reason.FUTURE_DATE, published.isoformat())
            return published
    raise SourceError(name, Reason.BAD_DATE, repr(value))


def _date_line(name: str, body: str) -> date | None:
    top = [line for line in body.splitlines() if line.strip()][:_DATE_LINE_LOOKAHEAD]
    for line in top:
        match = _DATE_LINE.match(line.strip())
        if match:
            return _as_date(name, match["date"])
    return None


def _as_text(value: object) -> str | None:
    """YAML reads `title: 2024` as an int; the contract wants text or nothing."""
    return None if value is None else str(value)


def _read_sidecar(name: str, path: Path) -> tuple[bytes, dict[str, Any]]:
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return b"", {}
    raw = _read_bytes(str(sidecar), sidecar)
    try:
        header = yaml.load(raw.decode("utf-8"), Loader=_TextDatesLoader)  # safe: a SafeLoader
    except (UnicodeDecodeError, yaml.YAMLError, ValueError) as exc:
        detail = f"{sidecar.name}: {' '.join(str(exc).split())}"
        raise SourceError(name, Reason.BAD_SIDECAR, detail) from None
    if header is None:
        return raw, {}
    if not isinstance(header, dict):
        raise SourceError(
            name, Reason.BAD_SIDECAR, f"{sidecar.name} holds a {type(header).__name__}"
        )
    return raw, {str(key): value for key, value in header.items()}


_UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose mark begins it
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
"""Byte-order marks that name their encoding beyond doubt (Windows Notepad's "Unicode")."""


def _decode(name: str, raw: bytes) -> str:
    encoding = next((codec for bom, codec in _UNICODE_BOMS if raw.startswith(bom)), "utf-8")
    # Text has no NUL bytes, unless it is UTF-16/32, which its byte-order mark says.
    if encoding == "utf-8" and b"\0" in raw:
        raise SourceError(name, Reason.BINARY, f"a NUL byte at {raw.index(0)}")
    try:
        content = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        detail = f"byte {exc.start}: {exc.reason}"
        guess = _legacy_encoding(raw) if encoding == "utf-8" else None
        if guess:
            detail += f"; perhaps {guess}, e.g. iconv -f {guess} -t utf-8"
        raise SourceError(name, Reason.NOT_UTF8, detail) from None
    # A byte-order mark is an encoding artefact, not text, and would hide the front matter.
    return content.removeprefix("\ufeff")


LEGACY_ENCODINGS = (
    "cp1251", "koi8_r", "kz1048", "cp1254", "cp1250", "cp1252", "gb18030",
)  # fmt: skip
"""What a non-UTF-8 article along the corridor is likely saved in (Russian, Kazakh, Turkish,
Central European, Western, Chinese): named in the error so the fix is one iconv away."""
_LEGACY_EVIDENCE = 16  # non-ASCII bytes needed for a guess; a stray byte says nothing


def _legacy_encoding(raw: bytes) -> str | None:
    """The likeliest legacy encoding, if enough bytes are not ASCII to tell."""
    if sum(byte >= 0x80 for byte in raw[:65536]) < _LEGACY_EVIDENCE:
        return None
    import charset_normalizer

    best = charset_normalizer.from_bytes(raw[:65536], cp_isolation=list(LEGACY_ENCODINGS)).best()
    return best.encoding if best is not None else None


def _read_text(name: str, raw: bytes) -> _Content:
    header, body = _split_front_matter(name, _decode(name, raw))
    return _Content(prose=body, header=header)


_BOILERPLATE_TAGS = ("nav", "header", "footer", "aside", "form")
_CAPTION_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "figcaption", "strong", "b")
_CAPTION_MAX = 200  # characters; a longer paragraph before a table is prose, not its title


def _read_html(name: str, raw: bytes) -> _Content:
    """Main text and metadata by trafilatura; tables outside page furniture by pandas."""
    import lxml.html
    import trafilatura

    try:
        tree = lxml.html.fromstring(raw)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise SourceError(name, Reason.BROKEN, str(exc)) from None
    tables = []
    for element in tree.iter("table"):
        if next(element.iterancestors(*_BOILERPLATE_TAGS), None) is not None:
            continue  # a table in the menu or footer is page furniture
        rows = _html_table_rows(element)
        if rows:
            tables.append((f"table {len(tables) + 1}", rows, _html_caption(element)))
    # Tables first: trafilatura prunes the tree it is given, and parsing twice costs more.
    page = trafilatura.bare_extraction(
        tree, with_metadata=True, include_tables=False, include_comments=False
    )
    header: dict[str, Any] = {}
    prose = ""
    if page is not None:
        # trafilatura puts one paragraph on a line; the extractor reads blank-line paragraphs
        prose = "\n\n".join(line for line in (page.text or "").splitlines() if line.strip())
        header = {
            "title": page.title,
            "url": page.url,
            "publisher": page.sitename or page.hostname,
            "published": page.date,
        }
        header = {key: value for key, value in header.items() if value}
    return _Content(prose=prose, header=header, tables=tables)


def _html_table_rows(element: Any) -> list[list[str]]:
    """The table's header and body rows as text, merged cells repeated (pandas.read_html)."""
    import lxml.html
    import pandas as pd

    width = max(
        (sum(_span(cell) for cell in row.xpath("./td|./th")) for row in element.iter("tr")),
        default=0,
    )
    if width == 0:
        return []
    markup = lxml.html.tostring(element, encoding="unicode")
    try:
        frame = pd.read_html(
            io.StringIO(markup),
            thousands=None,  # keep cells as written: the quote shows them
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
    rows += [[_clean_cell(value) for value in record] for record in frame.itertuples(index=False)]
    return rows


def _span(cell: Any) -> int:
    try:
        return max(1, int(cell.get("colspan", 1)))
    except ValueError:
        return 1


def _header_cell(value: object) -> str:
    text = _clean_cell(value)
    return "" if text.startswith("Unnamed: ") else text  # pandas' name for an empty header


def _clean_cell(value: object) -> str:
    return " ".join(str(value).split())


def _html_caption(element: Any) -> str:
    caption = element.find("caption")
    if caption is not None:
        return _clean_cell(caption.text_content())
    figure = next(element.iterancestors("figure"), None)
    if figure is not None and figure.find("figcaption") is not None:
        return _clean_cell(figure.find("figcaption").text_content())
    before = element.getprevious()
    if before is not None and before.tag in _CAPTION_TAGS:
        text = _clean_cell(before.text_content())
        if len(text) <= _CAPTION_MAX:
            return text
    return ""


def _read_csv(name: str, raw: bytes) -> _Content:
    text = _decode(name, raw)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [
            [_clean_cell(cell) for cell in row] for row in csv.reader(io.StringIO(text), dialect)
        ]
    except csv.Error as exc:
        raise SourceError(name, Reason.BROKEN, str(exc)) from None
    rows = [row for row in rows if any(row)]
    return _Content(prose="", tables=[(Path(name).name, rows, "")] if rows else [])


def _read_xlsx(name: str, raw: bytes) -> _Content:
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
    return _Content(prose="", tables=tables)


def _excel_cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # empty / NaN
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _clean_cell(value)


_CAPTION_ABOVE = 36  # points above a PDF table searched for its title line


def _read_pdf(name: str, raw: bytes) -> _Content:
    """Text outside the tables, read page by page, and every ruled table with its title line."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    pages_text = []
    tables = []
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            header = _pdf_header(pdf.metadata)
            for number, page in enumerate(pdf.pages, start=1):
                found = page.find_tables()
                boxes = [table.bbox for table in found]
                for index, table in enumerate(found, start=1):
                    rows = [[_clean_cell(cell or "") for cell in row] for row in table.extract()]
                    rows = [row for row in rows if any(row)]
                    if rows:
                        tables.append(
                            (f"page {number} table {index}", rows, _pdf_caption(page, table.bbox))
                        )
                outside = page.filter(lambda obj, boxes=boxes: not _inside(obj, boxes))
                pages_text.append(_pdf_paragraphs(outside.extract_text_lines()))
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        # pdfplumber wraps pdfminer's errors: the first argument is the original one
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise SourceError(name, Reason.ENCRYPTED, type(cause).__name__) from None
        raise SourceError(name, Reason.BROKEN, f"{type(cause).__name__}: {cause}") from None
    prose = "\n\n".join(text for text in pages_text if text.strip())
    return _Content(prose=prose, header=header, tables=tables)


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


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    if "x0" not in obj:
        return False
    return any(
        obj["x0"] >= x0 - 1
        and obj["x1"] <= x1 + 1
        and obj["top"] >= top - 1
        and obj["bottom"] <= bottom + 1
        for x0, top, x1, bottom in boxes
    )


def _pdf_caption(page: Any, bbox: tuple[float, float, float, float]) -> str:
    top = bbox[1]
    if top <= 1:
        return ""
    above = page.crop((0, max(0, top - _CAPTION_ABOVE), page.width, top)).extract_text() or ""
    lines = [line for line in above.splitlines() if line.strip()]
    return _clean_cell(lines[-1]) if lines else ""


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
            if created <= date.today():
                header["published"] = created.isoformat()
    return header


_READERS: dict[str, Callable[[str, bytes], _Content]] = {
    "txt": _read_text,
    "md": _read_text,
    "html": _read_html,
    "csv": _read_csv,
    "xlsx": _read_xlsx,
    "pdf": _read_pdf,
}
