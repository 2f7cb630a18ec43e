"""Read: source files into `Document`s — articles, web pages, table files and PDF reports.

The first stage of the pipeline. Articles (`.txt`, `.md`) may open with YAML front matter
(`text`); web pages give their main text, metadata and `<table>`s (`html`); CSV, TSV and
XLSX files are read as tables (`table`); PDF reports give their text and ruled tables
(`pdf`). `walk` finds the files in a folder and reads a file's `NAME.meta.yaml` sidecar,
whose keys override what the file itself says. `FORMATS` is the one list of which suffix is
read how; the formats it may name are `metrics.models.SOURCE_FORMATS`, the data contract.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from metrics.errors import Reason, SourceError
from metrics.models import Document
from metrics.read.html import read_html
from metrics.read.pdf import read_pdf
from metrics.read.table import read_article, read_csv, read_xlsx, render_tables
from metrics.read.text import Content, as_date, date_line
from metrics.read.walk import (
    SIDECAR_SUFFIX,
    content_hash,
    document_path,
    folder_sources,
    links_below,
    read_bytes,
    read_sidecar,
    sha256,
    stat_failure,
)

__all__ = [
    "FORMATS",
    "SIDECAR_SUFFIX",
    "SourceFormat",
    "content_hash",
    "document_path",
    "iter_source_files",
    "load_document",
    "render_tables",
]


class SourceFormat(NamedTuple):
    """How files of one suffix are read."""

    name: str  # `Document.format`: one of `metrics.models.SOURCE_FORMATS`
    read: Callable[[str, bytes], Content]  # (name for errors, bytes) -> content


FORMATS: dict[str, SourceFormat] = {
    ".txt": SourceFormat("txt", read_article),
    ".md": SourceFormat("md", read_article),
    ".html": SourceFormat("html", read_html),
    ".htm": SourceFormat("html", read_html),
    ".csv": SourceFormat("csv", read_csv),
    ".tsv": SourceFormat("csv", read_csv),
    ".xlsx": SourceFormat("xlsx", read_xlsx),
    ".pdf": SourceFormat("pdf", read_pdf),
}
"""File suffix -> its format and reader; other files are not sources."""

_TEXT_KEYS = ("title", "url", "publisher")
"""Metadata stored as one text value each: a list or mapping there is refused, not stored
as its Python text ("['https://a', 'https://b']")."""
_KNOWN_KEYS = (*_TEXT_KEYS, "published")


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
            raise SourceError(name, Reason.UNREADABLE, stat_failure(path))
        raise SourceError(name, Reason.NOT_FOUND)
    source_format = FORMATS.get(path.suffix.lower())
    if source_format is None:
        raise SourceError(
            name,
            Reason.UNSUPPORTED_FORMAT,
            f"{path.suffix or 'no suffix'}; expected one of {', '.join(FORMATS)}",
        )
    fmt = source_format.name
    raw = read_bytes(name, path)
    sidecar_raw, sidecar = read_sidecar(name, path)
    content = source_format.read(name, raw)
    _check_text_keys(name, content.header, Reason.BAD_FRONT_MATTER)
    _check_text_keys(name, sidecar, Reason.BAD_SIDECAR)
    header = {**content.header, **sidecar}
    # A bare CSV cannot say "thousand tonnes of freight"; its sidecar's `caption` can.
    caption = _as_text(header.get("caption")) or ""
    text, tables = render_tables(
        content.prose, [(table, rows, own or caption) for table, rows, own in content.tables]
    )
    if not text.strip():
        raise SourceError(name, Reason.NO_TEXT_IN_PDF if fmt == "pdf" else Reason.EMPTY)

    published = as_date(name, header.get("published"))
    if published is None:
        published = date_line(name, content.prose)
    return Document(
        path=document_path(path, root),
        text=text,
        title=_as_text(header.get("title")),
        url=_as_text(header.get("url")),
        publisher=_as_text(header.get("publisher")),
        published=published,
        format=fmt,
        content_sha256=sha256(raw, sidecar_raw),
        meta={key: value for key, value in header.items() if key not in _KNOWN_KEYS},
        tables=tables,
    )


def iter_source_files(paths: Iterable[Path | str]) -> Iterator[tuple[Path, Path]]:
    """Expand files and folders into `(file, root)` pairs, folders walked recursively.

    `root` is the folder the user named (a file's own folder for a file), which makes
    `Document.path` the same whether a folder or a file directly in it is ingested. Inside
    folders only the files `walk.folder_sources` counts for a suffix in `FORMATS` are
    yielded; a file named explicitly is always yielded, so a wrong suffix or a missing
    file is reported by `load_document` instead of vanishing silently. Pairs are yielded
    as the folders are walked, and a file met twice is remembered as text: a listing of
    100,000 files held as `Path` objects would cost the ingest's writer 80 MB.
    """
    seen: set[str] = set()
    for path in map(Path, paths):
        if path.is_dir():
            files, root = folder_sources(path, FORMATS), path
        else:
            files, root = iter([path]), path.parent
        real_root = os.path.realpath(root)
        for file in files:
            # never raises: a symlink loop fails when read
            key = (
                os.path.realpath(file)
                if links_below(file, root)
                else os.path.join(real_root, os.path.relpath(file, root))
            )
            if key not in seen:
                seen.add(key)
                yield file, root


def _check_text_keys(name: str, header: dict[str, object], reason: Reason) -> None:
    """Refuse `url: [a, b]` and the like: which of the values is the source's is a choice
    only its author can make."""
    for key in _TEXT_KEYS:
        value = header.get(key)
        if isinstance(value, list | dict):
            kind = "list" if isinstance(value, list) else "mapping"
            detail = f"{key} is a {kind}; give one value (keep others under another key)"
            raise SourceError(name, reason, detail)


def _as_text(value: object) -> str | None:
    """YAML reads `title: 2024` as an int; the contract wants text or nothing."""
    return None if value is None else str(value)
