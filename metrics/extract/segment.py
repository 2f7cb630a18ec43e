"""Cut a document's text into paragraphs, sentences and clauses.

Every later step looks for a figure's metric, period and status in its clause first, then
its sentence, then its paragraph, so the cuts decide what counts as "near". Overlong
sentences are read in windows, which keeps extraction linear in the text's length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import pairwise
from typing import NamedTuple

from metrics.extract.cues import prose_cues
from metrics.lexicon.periods import PeriodMention, find_periods
from metrics.lexicon.textscan import finditer
from metrics.models import Quantity

_WORD = re.compile(r"\w+")

# A full stop after these does not end a sentence ("Feb. 26", "No. 3", "U.S.").
_ABBREVIATIONS = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "no",
        "nos",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "co",
        "inc",
        "ltd",
        "corp",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "u.s",
        "approx",
        "est",
        "gov",
        "dept",
    ]
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[\"“‘(\[]?[A-Z0-9])")
_WORD_BEFORE_STOP = re.compile(r"(?<![\w.])([\w.]+)\.[\"”’]?\s*\Z")


class Screened(NamedTuple):
    """What the article's screen (`screen.CueScreen.mark`) found in a sentence."""

    covered: frozenset[int]  # the cue patterns screened, by id
    cues: set[int]  # those that may match in the sentence
    anything: bool  # whether any pattern of the screen may match in it (cue, noun, sector)


@dataclass
class Sentence:
    """A sentence with what its figures need, most of it found only when first asked for."""

    start: int  # offset in the document
    text: str
    paragraph: int
    published: date | None = None
    clauses: list[tuple[int, int]] = field(default_factory=list)  # offsets in `text`
    quantities: list[Quantity] = field(default_factory=list)  # offsets in `text`
    _periods: list[PeriodMention] | None = field(default=None, repr=False)
    _cue_spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict, repr=False)
    bound_periods: set[int] | None = field(default=None, repr=False)  # see `_bound_mentions`
    screened: Screened | None = field(default=None, repr=False)  # see `screen.CueScreen.mark`

    @property
    def periods(self) -> list[PeriodMention]:
        """Periods written in the sentence (offsets in `text`), found when first asked for:
        most sentences hold no figure, and their periods matter only when one is near."""
        if self._periods is None:
            self._periods = find_periods(self.text, self.published)
        return self._periods

    def cue_spans(
        self, cues: re.Pattern[str], keys: frozenset[str] | None
    ) -> list[tuple[int, int]]:
        """Where `cues` match, found once per sentence however many figures it holds.

        The article's screen (`screened`), or else `keys` (see `catalog.cue_keys`), rule
        most patterns out without a search.
        """
        spans = self._cue_spans.get(id(cues))
        if spans is None:
            if self.screened is not None and id(cues) in self.screened.covered:
                absent = id(cues) not in self.screened.cues
            else:
                absent = keys is not None and keys.isdisjoint(self.word_keys)
            spans = [] if absent else [m.span() for m in finditer(cues, self.text, self.lowered)]
            self._cue_spans[id(cues)] = spans
        return spans

    @cached_property
    def lowered(self) -> str:
        return self.text.lower()

    @cached_property
    def word_keys(self) -> frozenset[str]:
        """The first three letters of each word (a shorter word whole), for `cue_spans`."""
        return frozenset(word[:3] for word in _WORD.findall(self.lowered))

    def clause_of(self, pos: int) -> tuple[int, int]:
        for a, b in self.clauses:
            if a <= pos < b:
                return a, b
        return 0, len(self.text)


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Blank lines and single line breaks both end a paragraph (wire copy uses either)."""
    return [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", text) if m.group(0).strip()]


def sentences(text: str, published: date | None = None) -> list[Sentence]:
    out = []
    for number, (p_start, para) in enumerate(paragraphs(text)):
        cursor = 0
        ends = []
        for m in _SENTENCE_END.finditer(para):
            # a window, not the paragraph so far: an abbreviation is a short word
            word = _WORD_BEFORE_STOP.search(para, max(0, m.start() - 40), m.end())
            if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1):
                continue
            ends.append((m.start(), m.end()))
        for end, after in [*ends, (len(para), len(para))]:
            for start, stop in windows(para, cursor, end):
                out.append(Sentence(p_start + start, para[start:stop], number, published))
            cursor = after
    return [s for s in out if s.text.strip()]


SENTENCE_MAX = 2000
"""Characters in a sentence at most. A longer run without a full stop (a dump whose stops
were lost, a page of figures on one line) is read in windows of this size: the work per
sentence grows with its figures times its periods, so unbounded sentences would make
extraction quadratic."""


_WINDOW_CUTS = (", ", "; ", " ")  # where to cut a window, best first: a figure stays whole


def windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`text[start:end]` cut into spans of at most `SENTENCE_MAX`: after a clause's comma
    or semicolon in the window's second half if there is one, else at a space."""
    spans = []
    while end - start > SENTENCE_MAX:
        low, high = start + SENTENCE_MAX // 2, start + SENTENCE_MAX
        cuts = (text.rfind(mark, low, high) + 1 for mark in _WINDOW_CUTS)
        cut = next((cut for cut in cuts if cut > 0), high)
        spans.append((start, cut))
        start = cut
    spans.append((start, end))
    return spans


def clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans: cues, periods and hedges are looked for in the clause first."""
    cuts = [0] + [m.start() for m in prose_cues().clause_break.finditer(text)] + [len(text)]
    return [(a, b) for a, b in pairwise(cuts) if b > a]
