"""Articles as text: encodings and byte-order marks, YAML front matter, a leading dateline.

The body is kept exactly as it is in the file after the closing `---` line, because claim
offsets (`char_start`, `char_end`) point into it. `Content`, what every reader makes of a
file's bytes, lives here because plain text is the case every other format builds on.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

import yaml

from metrics.errors import Reason, SourceError


@dataclass
class Content:
    """What a reader makes of a file's bytes, before metadata and tables are merged."""

    prose: str
    header: dict[str, Any] = field(default_factory=dict)
    tables: list[tuple[str, list[list[str]], str]] = field(
        default_factory=list
    )  # name, rows, caption


class _TextDatesLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text and refuses aliases.

    PyYAML turns `2024-13-45` into a bare ValueError instead of a YAML error, and would hand
    `meta` date objects that JSON cannot hold; parsing `published` ourselves avoids both.
    An alias (`*name`) repeats a node without copying it, so a kilobyte of nested aliases
    ("billion laughs") becomes gigabytes once the metadata is written out as JSON; metadata
    has no use for them.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed", self.peek_event().start_mark
            )
        return super().compose_node(parent, index)


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _loader_for(text: str) -> type[yaml.SafeLoader]:
    """libyaml's safe loader, with `_TextDatesLoader`'s resolvers, when PyYAML has it and
    `text` holds no `*` (every alias does): it reads the same mapping about ten times
    faster, which is most of what reading a short article costs, but composes in C, where
    `compose_node` cannot refuse an alias. Otherwise `_TextDatesLoader`."""
    fast = _FAST_TEXT_DATES_LOADER
    return fast if fast is not None and "*" not in text else _TextDatesLoader


def _fast_text_dates_loader() -> type[yaml.SafeLoader] | None:
    base = getattr(yaml, "CSafeLoader", None)
    if base is None:
        return None
    loader: type[yaml.SafeLoader] = type("_FastTextDatesLoader", (base,), {})
    loader.yaml_implicit_resolvers = _TextDatesLoader.yaml_implicit_resolvers
    return loader


_FAST_TEXT_DATES_LOADER = _fast_text_dates_loader()

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


def read_text(name: str, raw: bytes) -> Content:
    """A `.txt` or `.md` article: its front matter as the header, the rest as prose."""
    header, body = _split_front_matter(name, decode(name, raw))
    return Content(prose=body, header=header)


def _split_front_matter(name: str, content: str) -> tuple[dict[str, Any], str]:
    if not _OPENING_FENCE.match(content):
        return {}, content
    match = _FRONT_MATTER.match(content)
    if match is None:
        raise SourceError(name, Reason.BAD_FRONT_MATTER, "no closing --- line")
    try:
        header = yaml_mapping(match["yaml"])
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: an explicit !!timestamp
        raise SourceError(name, Reason.BAD_FRONT_MATTER, " ".join(str(exc).split())) from None
    except NotAMapping as exc:
        raise SourceError(
            name, Reason.BAD_FRONT_MATTER, f"expected key: value lines, got a {exc}"
        ) from None
    return header, content[match.end() :]


class NotAMapping(TypeError):
    """YAML metadata that is a list or a scalar; the message is its type's name."""


def yaml_mapping(text: str) -> dict[str, Any]:
    """Front matter or a sidecar as `key: value` pairs: keys as text, dates left as text.

    Empty YAML is no keys. Raises `yaml.YAMLError` or `ValueError` (an explicit
    `!!timestamp`) for bad YAML and `NotAMapping` for YAML that is not a mapping.
    """
    try:
        header = yaml.load(text, Loader=_loader_for(text))  # safe: a SafeLoader
    except RecursionError:  # PyYAML composes nested collections recursively
        raise yaml.YAMLError("nested too deeply") from None
    if header is None:
        return {}
    if not isinstance(header, dict):
        raise NotAMapping(type(header).__name__)
    return {str(key): value for key, value in header.items()}


def as_date(name: str, value: object) -> date | None:
    """An ISO date no later than tomorrow (a publisher a time zone ahead is already there)
    and no earlier than `earliest_date`.

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
            if published < earliest_date():
                detail = f"{published}: before {earliest_date()}, the earliest date stored"
                raise SourceError(name, Reason.DATE_OUT_OF_RANGE, detail)
            return published
    raise SourceError(name, Reason.BAD_DATE, repr(value))


@cache
def earliest_date() -> date:
    """The first whole day pandas' datetime64[ns] holds (1677-09-22): the rows pass through
    it on their way to the store, so an older date would fail the whole shard."""
    import pandas as pd

    return date.fromisoformat(pd.Timestamp.min.ceil("D").date().isoformat())


def date_line(name: str, body: str) -> date | None:
    """The date of a `date YYYY-MM-DD` line among the first lines of `body`, if any."""
    top = [line for line in body.splitlines() if line.strip()][:_DATE_LINE_LOOKAHEAD]
    for line in top:
        match = _DATE_LINE.match(line.strip())
        if match:
            return as_date(name, match["date"])
    return None


_UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose mark begins it
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
"""Byte-order marks that name their encoding beyond doubt (Windows Notepad's "Unicode")."""


def decode(name: str, raw: bytes) -> str:
    """The file's text: UTF-8, or UTF-16/32 when a byte-order mark says so; else refused."""
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
