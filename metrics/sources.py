"""Read article files (`.txt`, `.md`, optional YAML front matter) into `Document`s.

The body is kept exactly as it is in the file after the closing `---` line, because claim
offsets (`char_start`, `char_end`) point into it. A body that starts with a blank line keeps it.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from metrics.errors import Reason, SourceError
from metrics.models import Document

FORMATS: dict[str, str] = {".txt": "txt", ".md": "md"}
"""File suffix -> `Document.format`; other files are not sources."""

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


def load_document(path: Path, root: Path | None = None) -> Document:
    """Read one article file.

    `Document.path` is `path` relative to `root` in POSIX form (or `path` itself without a
    root), so the same article keeps its `source_id` wherever the folder is mounted.
    `published` comes from the front matter or, failing that, from a `date YYYY-MM-DD` line
    at the top of the body.

    Raises `SourceError` naming the file and a `Reason` for anything that is not a readable
    article: missing file, unsupported suffix, bytes that are not UTF-8, front matter that is
    not a YAML mapping, a published value that is not a date, no text.
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():  # first: a mistyped folder name is "not found", not "unsupported"
        raise SourceError(name, Reason.NOT_FOUND)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(
            name,
            Reason.UNSUPPORTED_FORMAT,
            f"{path.suffix or 'no suffix'}; expected one of {', '.join(FORMATS)}",
        )
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(name, Reason.NOT_UTF8, f"byte {exc.start}: {exc.reason}") from None

    # A byte-order mark is an encoding artefact, not text, and would hide the front matter.
    content = content.removeprefix("\ufeff")
    header, body = _split_front_matter(name, content)
    if not body.strip():
        raise SourceError(name, Reason.EMPTY)

    published = _as_date(name, header.get("published"))
    if published is None:
        published = _date_line(name, body)
    return Document(
        path=(path.relative_to(root) if root is not None else path).as_posix(),
        text=body,
        title=_as_text(header.get("title")),
        url=_as_text(header.get("url")),
        publisher=_as_text(header.get("publisher")),
        published=published,
        format=fmt,
        content_sha256=hashlib.sha256(raw).hexdigest(),
        meta={key: value for key, value in header.items() if key not in _KNOWN_KEYS},
    )


def iter_source_files(paths: Iterable[Path | str]) -> list[tuple[Path, Path]]:
    """Expand files and folders into `(file, root)` pairs, folders walked recursively.

    `root` is the folder the user named (a file's own folder for a file), which makes
    `Document.path` the same whether a folder or a file directly in it is ingested. Inside folders
    only `.txt`/`.md` files count; hidden files and folders (`.git`, `.venv`) and a folder's
    own README (its documentation, not an article) are skipped;
    a file named explicitly is always returned, so a wrong suffix or a missing file is
    reported by `load_document` instead of vanishing silently.
    """
    found: list[tuple[Path, Path]] = []
    seen: set[Path] = set()

    def add(file: Path, root: Path) -> None:
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            found.append((file, root))

    for path in map(Path, paths):
        if not path.is_dir():
            add(path, path.parent)
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
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
    if value is None:
        return None
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
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
