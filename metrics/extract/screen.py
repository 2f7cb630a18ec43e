"""A whole article screened in one pass: does any word that could start a claim occur in it?

Most articles of a news feed are about something else. Telling so with `re` means
searching each sentence for each metric's cues, which costs about as much per byte as
reading an article on topic. Hyperscan (a multi-pattern matcher in C) runs every cue,
counted noun and sector of the catalog over the article at once, and `metrics.extract`
reads the article only when one of them occurs (off-topic news goes about forty times
faster); in an article it reads, each sentence learns which metrics' cues may be in it.

The screen must never pass over an article that `prose.may_hold_claims` would read:
- each pattern goes in `relaxed`: without the assertions whose truth depends on where the
  text is cut (lookarounds, anchors), it matches in the whole article wherever the
  original matches within one of its sentences, and more. Word boundaries stay, since
  they carry most of a cue's selectivity ("day" is not in "Sunday"), and a sentence
  begins and ends beside a space, a line break or punctuation, where a boundary is the
  same in the sentence and in the article;
- Hyperscan's `\\w`, `\\d`, `\\s` and `\\b` know ASCII only, so the article is scanned in
  ASCII, each other character as what it is to `re` (`_as_scanned`): a space " ", a
  digit "0", a letter "x", anything else "?"; patterns meet those characters so too, and
  a negated class becomes "any character";
- an article the screen cannot judge so gets no verdict and is read the slower way: one
  with a character whose lower case is longer, a long s (which `re` matches to "s"), a
  control character `re` takes for a space, or a run without spaces in which
  `segment.windows` may cut a sentence inside a word.
Without Hyperscan (it has no wheel for some platforms) there is no screen and every
article goes the slower way, to the same claims.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from metrics.extract.segment import SENTENCE_MAX, Screened, Sentence
from metrics.lexicon.catalog import Catalog

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised where no wheel exists
    hyperscan = None  # type: ignore[assignment]

_FLAGS = ("HS_FLAG_CASELESS", "HS_FLAG_DOTALL", "HS_FLAG_ALLOWEMPTY")

_UNSURE = re.compile("[\x1c-\x1f\u017f]")
"""Characters the screen cannot judge as `re` does: ASCII controls that `re` takes for a
space and Hyperscan does not, and the long s, which `re`'s IGNORECASE matches to "s"."""

_NOT_ASCII = re.compile(r"[^\x00-\x7f]")

_CUT_IN_A_WORD = re.compile(f"[^ ]{{{SENTENCE_MAX // 2}}}")
"""A run in which `segment.windows` may cut a long sentence inside a word: it cuts at a
space in the second half of each window when there is one."""

_ASSERTION_OPENERS = ("(?=", "(?!", "(?<=", "(?<!")


def relaxed(pattern: str) -> str:
    """`pattern` without the assertions that a cut of the text changes, and in lower case.

    Lookaheads and lookbehinds, `\\B`, `\\A`, `\\Z`, `^` and `$` go; `\\b` stays (see the
    module's note); named groups become plain ones (Hyperscan knows no names). What is
    left matches wherever the pattern matches, and more: a screen built of relaxed
    patterns may let an article through that holds no cue but never stops one that does.
    Literal letters are lowered because the screen scans lower-cased text.
    """
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            escape = pattern[index : index + 2]
            if not escape.isascii():
                out.append(_literal(escape[1]))
            elif escape[1:] not in ("B", "A", "Z"):
                out.append(escape)
            index += 2
        elif char == "[":
            end = _class_end(pattern, index)
            out.append(_class(pattern[index:end]))
            index = end
        elif pattern.startswith(_ASSERTION_OPENERS, index):
            index = _group_close(pattern, index) + 1
        elif pattern.startswith("(?P<", index):
            out.append("(?:")
            index = pattern.index(">", index) + 1
        elif char in "^$":
            index += 1
        else:
            out.append("".join(_literal(c) for c in char.lower()))
            index += 1
    return "".join(out)


def _literal(char: str) -> str:
    scanned = _as_scanned(char)
    return "\\?" if scanned == "?" and char != "?" else scanned


@cache
def _as_scanned(char: str) -> str:
    """A character as the screen scans it: one outside ASCII as what it is to `re` (a
    space, a `\\d` digit, another `\\w` character, or none of these)."""
    if char.isascii():
        return char
    if char.isspace():
        return " "
    if char.isdecimal():
        return "0"
    return "x" if char.isalnum() else "?"


def _scanned_text(char: re.Match[str]) -> str:
    return _as_scanned(char.group())


def _class(part: str) -> str:
    """A character class as the screen scans it: its letters lowered and mapped by
    `_as_scanned`, its escapes (`\\S`, `\\W`) kept; a negated class becomes any character,
    since what it leaves out may be scanned as a character it lets in."""
    if part.startswith("[^"):
        return "."
    pieces = re.split(r"(\\.)", part)
    return "".join(
        p if p.startswith("\\") else "".join(_as_scanned(c) for c in p.lower()) for p in pieces
    )


def _class_end(pattern: str, start: int) -> int:
    """The offset just after the character class that opens at `start`."""
    index = start + 1
    if pattern[index : index + 1] == "^":
        index += 1
    if pattern[index : index + 1] == "]":
        index += 1  # a "]" first in a class is one of its letters
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


def _group_close(pattern: str, start: int) -> int:
    """The offset of the ")" that closes the group opening at `start`."""
    depth, index = 0, start
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise ValueError(f"unbalanced group in {pattern!r}")


class Screen:
    """Patterns compiled into one Hyperscan database: `hits` tells where each may match in
    a text (none: the text holds none of them)."""

    def __init__(self, patterns: Iterable[str]) -> None:
        expressions = [relaxed(p).encode() for p in patterns]
        if not expressions:
            raise ValueError("a screen needs at least one pattern")
        flags = 0
        for name in _FLAGS:
            flags |= getattr(hyperscan, name)
        key = hashlib.sha256(repr((getattr(hyperscan, "__version__", ""), flags, expressions)).encode())
        folder = cache_dir()
        cached = folder / f"screen-{key.hexdigest()[:32]}.hsdb" if folder else None
        self._database: Any = _load(cached) if cached else None
        if self._database is None:
            self._database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            self._database.compile(
                expressions=expressions,
                ids=list(range(len(expressions))),
                elements=len(expressions),
                flags=[flags] * len(expressions),
            )
            if cached:
                _save(cached, self._database)
        self._local = threading.local()  # Hyperscan's scratch space serves one scan at a time

    def hits(self, text: str) -> list[tuple[int, int]] | None:
        """(pattern index, end offset in `text`) of every place a pattern may match, in
        order of the end; None when unsure (see `_scanned`). Every match of a pattern in
        a sentence of `text` ends at one of these offsets."""
        data = _scanned(text)
        if data is None:
            return None
        found: list[tuple[int, int]] = []
        self._database.scan(data, match_event_handler=_note, context=found, scratch=self._scratch())
        return found

    def _scratch(self) -> Any:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._database)
        return scratch


CACHE_ENV = "METRICS_CACHE_DIR"
"""Where compiled screens are kept; by default `$XDG_CACHE_HOME/metrics` or
`~/.cache/metrics`."""


def cache_dir() -> Path | None:
    """Compiling the catalog's screen takes a few tenths of a second, and every worker
    process of every ingest would pay it; a compiled database loads in microseconds."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "metrics"
    home = Path(os.path.expanduser("~"))
    if not home.is_absolute():  # no home to find: then no cache (not a folder "~" here)
        return None
    return home / ".cache" / "metrics"


def _load(path: Path) -> Any:
    """The database compiled into `path`, or None when there is none that loads (absent,
    cut short, or from another Hyperscan or processor)."""
    try:
        database = hyperscan.loadb(path.read_bytes(), hyperscan.HS_MODE_BLOCK)
        hyperscan.Scratch(database)  # refuses a database this processor cannot run
    except (OSError, hyperscan.error):
        return None
    return database


def _save(path: Path, database: Any) -> None:
    """Keep `database` in `path`, whole or not at all; a cache that cannot be written is
    no error, only slower next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as part:
            part.write(hyperscan.dumpb(database))
        os.replace(part.name, path)
    except OSError:
        return


def _scanned(text: str) -> bytes | None:
    """`text` as the screen scans it: lower-cased, each character outside ASCII as
    `_as_scanned` says, so that an offset in it is the same offset in `text`. None when a
    character makes that unsure: one whose lower case is longer, one of `_UNSURE`, or a
    run in which a sentence may be cut inside a word."""
    lowered = text.lower()
    if len(lowered) != len(text) or _UNSURE.search(lowered) or _CUT_IN_A_WORD.search(text):
        return None
    if not lowered.isascii():
        lowered = _NOT_ASCII.sub(_scanned_text, lowered)
    return lowered.encode("ascii")


def _note(pattern_id: int, start: int, end: int, flags: int, found: list[tuple[int, int]]) -> None:
    found.append((pattern_id, end))


def build_screen(patterns: Iterable[str]) -> Screen | None:
    """A `Screen` of `patterns`, or None without Hyperscan or when it refuses one of them
    (a construct it does not support): then every text is read the slower way."""
    if hyperscan is None:
        return None
    try:
        return Screen(patterns)
    except (hyperscan.error, ValueError):
        return None


class CueScreen:
    """A catalog's screen (`catalog_screen`): what can start a claim (`prose.may_hold_claims`),
    every metric's cues and weak cues, every noun a metric counts and the sectors, in one
    Hyperscan database, and which metric cue each of its patterns is."""

    def __init__(self, catalog: Catalog, screen: Screen, cues: list[re.Pattern[str]]) -> None:
        self.catalog = catalog
        self.screen = screen
        self.cues = cues  # the first len(cues) patterns of the screen, by index
        self.covered = frozenset(id(p) for p in cues)
        # the catalog entries each cue pattern is a cue of: entries with the same cues share
        # one pattern (`re.compile` gives the same object for the same pattern)
        self.entries_of: dict[int, list[str]] = {}
        for entry, metric in catalog.metrics.items():
            for pattern in (metric.cues, metric.weak_cues):
                if pattern is not None:
                    self.entries_of.setdefault(id(pattern), []).append(entry)

    def mark(self, cut: list[Sentence], hits: list[tuple[int, int]]) -> None:
        """Note on each sentence of `cut` what may match in it (`Sentence.screened`): the
        patterns with a hit ending inside it."""
        ends = [end for _, end in hits]
        for s in cut:
            first = bisect_left(ends, s.start)
            last = bisect_right(ends, s.start + len(s.text))
            present = {
                id(self.cues[index]) for index, _ in hits[first:last] if index < len(self.cues)
            }
            s.screened = Screened(self.covered, present, last > first)


def catalog_screen(catalog: Catalog) -> CueScreen | None:
    """The screen of `catalog`, built once per catalog (the packaged one is loaded once per
    process) since compiling the database takes a while; None without Hyperscan."""
    if not _SCREENS or _SCREENS[0][0] is not catalog:
        _SCREENS[:] = [(catalog, _catalog_screen(catalog))]
    return _SCREENS[0][1]


_SCREENS: list[tuple[Catalog, CueScreen | None]] = []


def _catalog_screen(catalog: Catalog) -> CueScreen | None:
    metrics = catalog.metrics.values()
    cues = list(dict.fromkeys([m.cues for m in metrics] + [m.weak_cues for m in metrics if m.weak_cues]))
    patterns = [p.pattern for p in cues]
    patterns += [re.escape(noun) for noun in sorted(catalog.count_nouns)]
    if catalog.sector_pattern is not None:
        patterns.append(catalog.sector_pattern.pattern)
    screen = build_screen(patterns)
    return None if screen is None else CueScreen(catalog, screen, cues)
