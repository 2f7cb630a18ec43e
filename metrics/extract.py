"""Turn a document's text into claims: quantity, metric, entity, period, status, measure.

The pipeline per document: split into paragraphs, sentences and clauses; find the
quantities; for each one decide the measure (level / growth / share), the metric (by the
catalog's cue words and the entities in reach), the period (written next to it, elsewhere
in the sentence, or carried from the paragraph), the status and the qualifier.
Vocabulary comes from data/cues.yaml and data/catalog.yaml.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, cached_property
from importlib import resources
from itertools import pairwise
from typing import Any

import yaml

from metrics.lexicon.catalog import Catalog, Metric, load_catalog
from metrics.lexicon.periods import (
    PeriodMention,
    find_periods,
    month_span,
    shift_years,
    year_period,
    year_span,
)
from metrics.lexicon.quantities import find_quantities, might_hold_quantity
from metrics.lexicon.textscan import finditer
from metrics.models import Claim, Document, Period, Quantity
from metrics.tables import table_claims

EXTRACTOR = "regex-v1"
_ATTRIBUTION = re.compile(
    r"\b(?:according to|citing|cited by|press (?:release|service|office) of|data (?:of|from))"
    r"\s+(?:the\s+)?(?:[\w.-]+\s+){0,4}\Z",
    re.IGNORECASE,
)
_PASSIVE_STATUS = re.compile(
    r"[^,;]{0,30}?\b(?:is|are|was|were)\s+((?:expected|projected|forecast|estimated|planned|targeted|set)\b)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w{3,}")
_CUE_NAMES_FIGURE = re.compile(r"\s*(?:of|in)\s+(?:[\w-]+\s+){0,2}")
_AFTER = 1000  # distance offset of a cue written after the number
_TIGHT_GAP = 28  # characters between a number and a period written for it ("… tons in 2023")

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


@dataclass(frozen=True)
class _Cues:
    qualifiers: dict[str, re.Pattern[str]]
    growth_before: re.Pattern[str]
    decrease_before: re.Pattern[str]
    by_before: re.Pattern[str]
    growth_after: re.Pattern[str]
    decrease_after: re.Pattern[str]
    share_before: re.Pattern[str]
    share_after: re.Pattern[str]
    base_before: re.Pattern[str]
    forecast: re.Pattern[str]
    target: re.Pattern[str]
    future: re.Pattern[str]
    clause_break: re.Pattern[str]
    any_growth_verb: re.Pattern[str]
    any_decrease_verb: re.Pattern[str]


def _words(items: list[str]) -> str:
    return "|".join(sorted(items, key=len, reverse=True))


@cache
def _cues() -> _Cues:
    data: dict[str, Any] = yaml.safe_load(
        resources.files("metrics").joinpath("data/cues.yaml").read_text("utf-8")
    )
    qualifier_words = _words([w for ws in data["qualifiers"].values() for w in ws])
    filler = rf"(?:\s+(?:by|of|a|an|another|further|a further|a record|nearly|almost|{qualifier_words}))*"
    growth = _words(data["growth_verbs"])
    decrease = _words(data["decrease_verbs"])
    return _Cues(
        qualifiers={
            name: re.compile(rf"\b(?:{_words(words)})\s*\Z", re.IGNORECASE)
            for name, words in data["qualifiers"].items()
        },
        growth_before=re.compile(rf"\b(?:{growth}){filler}\s*\Z", re.IGNORECASE),
        decrease_before=re.compile(rf"\b(?:{decrease}){filler}\s*\Z", re.IGNORECASE),
        by_before=re.compile(rf"\bby(?:\s+(?:{qualifier_words}))?\s*\Z", re.IGNORECASE),
        growth_after=re.compile(rf"\A[\s,]*(?:{_words(data['growth_after'])})\b", re.IGNORECASE),
        decrease_after=re.compile(
            rf"\A[\s,]*(?:{_words(data['decrease_after'])})\b", re.IGNORECASE
        ),
        share_before=re.compile(rf"\b(?:{_words(data['share_before'])})\b", re.IGNORECASE),
        share_after=re.compile(rf"\A[\s,]*(?:{_words(data['share_after'])})", re.IGNORECASE),
        base_before=re.compile(
            rf"\b(?:{_words(data['base_before'])})\s+(?:the\s+)?\Z", re.IGNORECASE
        ),
        forecast=re.compile(rf"\b(?:{_words(data['forecast'])})", re.IGNORECASE),
        target=re.compile(rf"\b(?:{_words(data['target'])})", re.IGNORECASE),
        future=re.compile(rf"(?:\b|(?<=\w))(?:{_words(data['future'])})\b", re.IGNORECASE),
        clause_break=re.compile("|".join(data["clause_breaks"]), re.IGNORECASE),
        any_growth_verb=re.compile(rf"\b(?:{growth})\b", re.IGNORECASE),
        any_decrease_verb=re.compile(rf"\b(?:{decrease})\b", re.IGNORECASE),
    )


@dataclass
class _Sentence:
    start: int  # offset in the document
    text: str
    paragraph: int
    published: date | None = None
    clauses: list[tuple[int, int]] = field(default_factory=list)  # offsets in `text`
    quantities: list[Quantity] = field(default_factory=list)  # offsets in `text`
    _periods: list[PeriodMention] | None = field(default=None, repr=False)
    _cue_spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict, repr=False)
    bound_periods: set[int] | None = field(default=None, repr=False)  # see `_bound_mentions`

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

        `keys` (see `catalog.cue_keys`) rule most patterns out without a search.
        """
        spans = self._cue_spans.get(id(cues))
        if spans is None:
            if keys is not None and keys.isdisjoint(self.word_keys):
                spans = []
            else:
                spans = [m.span() for m in finditer(cues, self.text, self.lowered)]
            self._cue_spans[id(cues)] = spans
        return spans

    @cached_property
    def lowered(self) -> str:
        return self.text.lower()

    @cached_property
    def word_keys(self) -> frozenset[str]:
        """The first three letters of each word, for `cue_spans`."""
        return frozenset(word[:3] for word in _WORD.findall(self.lowered))

    def clause_of(self, pos: int) -> tuple[int, int]:
        for a, b in self.clauses:
            if a <= pos < b:
                return a, b
        return 0, len(self.text)


@dataclass
class _EntityMention:
    start: int  # document offset
    end: int
    name: str
    kind: str
    explicit: bool


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """Blank lines and single line breaks both end a paragraph (wire copy uses either)."""
    return [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", text) if m.group(0).strip()]


def _sentences(text: str, published: date | None = None) -> list[_Sentence]:
    out = []
    for number, (p_start, para) in enumerate(_paragraphs(text)):
        cursor = 0
        ends = []
        for m in _SENTENCE_END.finditer(para):
            # a window, not the paragraph so far: an abbreviation is a short word
            word = _WORD_BEFORE_STOP.search(para, max(0, m.start() - 40), m.end())
            if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1):
                continue
            ends.append((m.start(), m.end()))
        for end, after in [*ends, (len(para), len(para))]:
            for start, stop in _windows(para, cursor, end):
                out.append(_Sentence(p_start + start, para[start:stop], number, published))
            cursor = after
    return [s for s in out if s.text.strip()]


SENTENCE_MAX = 2000
"""Characters in a sentence at most. A longer run without a full stop (a dump whose stops
were lost, a page of figures on one line) is read in windows of this size: the work per
sentence grows with its figures times its periods, so unbounded sentences would make
extraction quadratic."""


_WINDOW_CUTS = (", ", "; ", " ")  # where to cut a window, best first: a figure stays whole


def _windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
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


def _clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans: cues, periods and hedges are looked for in the clause first."""
    cuts = [0] + [m.start() for m in _cues().clause_break.finditer(text)] + [len(text)]
    return [(a, b) for a, b in pairwise(cuts) if b > a]


class _DocumentContext:
    """What the extractor knows about a whole document while reading one sentence."""

    def __init__(self, document: Document, catalog: Catalog) -> None:
        self.document = document
        self.catalog = catalog
        self.sentences = _sentences(document.text, document.published)
        self._sentence_starts = [s.start for s in self.sentences]
        self.paragraphs: dict[int, list[_Sentence]] = {}
        for s in self.sentences:
            self.paragraphs.setdefault(s.paragraph, []).append(s)
        self.entities = self._entity_mentions()
        self.entity_names = {e.name for e in self.entities}
        self._entity_starts = [e.start for e in self.entities]
        self._of_kinds: dict[tuple[str, ...], tuple[list[_EntityMention], list[int]]] = {}

    def _entity_mentions(self) -> list[_EntityMention]:
        text = self.document.text
        lowered = text.lower()
        mentions = []
        for m in finditer(self.catalog.entity_pattern, text, lowered):
            if _ATTRIBUTION.search(text[max(0, m.start() - 60) : m.start()]):
                continue  # "according to the press release of NC KTZ": a source, not a subject
            entity = self.catalog.entity_of_match(m)
            mentions.append(_EntityMention(m.start(), m.end(), entity.name, entity.kind, True))
        for kind, pattern in self.catalog.anaphora.items():
            named = [e for e in mentions if e.explicit and e.kind == kind]
            ends = [e.end for e in named]  # in order: the matches do not overlap
            for m in finditer(pattern, text, lowered):
                before = bisect_right(ends, m.start())
                if before:
                    mentions.append(
                        _EntityMention(m.start(), m.end(), named[before - 1].name, kind, False)
                    )
        return sorted(mentions, key=lambda e: e.start)

    def mentions_in(self, start: int, end: int) -> list[_EntityMention]:
        """Entity mentions starting in `[start, end)` of the document, in order."""
        starts = self._entity_starts
        return self.entities[bisect_left(starts, start) : bisect_left(starts, end)]

    def nearest_entity(
        self, kinds: tuple[str, ...], sentence: _Sentence, at: int, clause: tuple[int, int]
    ) -> tuple[int, str | None]:
        """(reach, name): reach 0 clause, 1 sentence, 2 paragraph, 3 document, 4 none.

        The nearest mention in the clause, else the sentence, else the paragraph, else the
        last one before, else the first after. The clause, sentence and paragraph all hold
        `at`, so the answer is always the mention just before `at` or just after it.
        """
        if kinds not in self._of_kinds:
            of_kinds = [e for e in self.entities if e.kind in kinds]
            self._of_kinds[kinds] = of_kinds, [e.start for e in of_kinds]
        mentions, starts = self._of_kinds[kinds]
        if not mentions:
            return 4, None
        doc_at = sentence.start + at
        after = bisect_right(starts, doc_at)
        before = bisect_left(starts, starts[after - 1]) if after else None  # first of a tie
        candidates = [mentions[i] for i in (before, after) if i is not None and i < len(mentions)]

        def reach(e: _EntityMention) -> int:
            if sentence.start + clause[0] <= e.start < sentence.start + clause[1]:
                return 0
            if sentence.start <= e.start < sentence.start + len(sentence.text):
                return 1
            if self._paragraph_of(e.start) == sentence.paragraph:
                return 2
            return 3

        best = min(
            candidates,
            key=lambda e: (reach(e), e.start > doc_at and reach(e) == 3, abs(e.start - doc_at)),
        )
        return reach(best), best.name

    def _paragraph_of(self, offset: int) -> int:
        at = bisect_right(self._sentence_starts, offset) - 1
        if at >= 0:
            s = self.sentences[at]
            if offset < s.start + len(s.text) + 1:
                return s.paragraph
        return -1


def _claimable(q: Quantity, catalog: Catalog) -> bool:
    if q.unit in ("t", "TEU", "USD", "EUR", "KZT", "%", "pp", "x", "km", "day"):
        return True
    return q.unit == "" and bool(q.noun) and not catalog.count_nouns.isdisjoint(q.noun.split())


def _counts(q: Quantity, metric: Metric) -> bool:
    """Whether a bare number counts what `metric` counts ("2,500 rail wagons")."""
    return bool(q.noun) and any(word in metric.count_nouns for word in q.noun.split())


def _qualifier(before: str, q: Quantity) -> str:
    for name in ("at_most", "at_least", "approx"):
        if _cues().qualifiers[name].search(before):
            return name
    return "approx" if q.is_range else "exact"


def _local_measure(before: str, after: str, q: Quantity, clause_before: str) -> tuple[str, int]:
    """(measure, sign) from the words around the number, before any metric is chosen."""
    c = _cues()
    if q.unit == "x":
        decrease = c.any_decrease_verb.search(clause_before[-40:]) is not None
        return "growth", -1 if decrease else 1
    if q.unit == "pp":
        down = c.decrease_before.search(before) or c.decrease_after.search(after)
        return "growth", -1 if down else 1
    if q.unit != "%":
        return "level", 1
    if c.decrease_before.search(before) or c.decrease_after.search(after):
        return "growth", -1
    if c.growth_before.search(before) or c.growth_after.search(after):
        return "growth", 1
    if c.by_before.search(before):
        if c.any_decrease_verb.search(clause_before):
            return "growth", -1
        if c.any_growth_verb.search(clause_before):
            return "growth", 1
    if c.share_after.search(after) or c.share_before.search(clause_before):
        return "share", 1
    return "level", 1


def _claim_unit(q: Quantity, measure: str, metric: Metric) -> tuple[str, str] | None:
    """(claim unit, measure) for this quantity read as `metric`, or None if it can't be."""
    if q.unit == "%":
        if metric.unit == "%" and not metric.rate and measure == "growth":
            measure = "level"  # "inflation slowed to 8.5% year-on-year" is a level
        if measure == "growth" or (measure == "level" and metric.rate):
            unit, measure = "pct_change", "growth"
        elif measure == "level" and metric.unit != "%":
            unit, measure = "%", "share"
        else:
            unit = "%"
    elif q.unit == "":
        unit = "count"
    else:
        unit = q.unit
    if unit not in metric.units or (
        unit == "%" and measure == "share" and metric.measure == "level" and metric.unit == "%"
    ):
        return None
    if (metric.rate and measure != "growth") or (metric.measure == "share" and measure != "share"):
        return None
    if unit == "count" and not _counts(q, metric):
        return None
    return unit, measure


def _status(
    before: str, period: Period | None, deadline: bool, metric: Metric, published: date | None
) -> str:
    c = _cues()
    if c.forecast.search(before):
        word = c.forecast.findall(before)[-1].lower()
        finished = period is not None and published is not None and period.end < published
        if not (word.startswith("estimat") and finished):
            return "forecast"
    if c.target.search(before):
        return "target"
    if deadline:
        return "target"
    if c.future.search(before):
        return metric.future
    if period is not None and published is not None and period.start > published:
        return metric.future
    return "actual"


def _claim_id(
    source_id: str, q_start: int, q_end: int, metric: str, unit: str, value: float
) -> str:
    key = f"{source_id}|{q_start}|{q_end}|{metric}|{unit}|{value!r}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


@dataclass
class _Reading:
    """One quantity read as a claim, before it becomes a Claim row."""

    q: Quantity
    metric: Metric
    entity: str | None
    value: float
    unit: str
    measure: str
    period: Period | None
    base: Period | None
    status: str
    qualifier: str


class _Extractor:
    def __init__(self, document: Document, catalog: Catalog) -> None:
        self.doc = document
        self.catalog = catalog
        self.context = _DocumentContext(document, catalog)
        self.previous_metric: str | None = None
        self._last_period: dict[int, Period | None] = {}  # sentence index -> last period before
        self._paragraph_around: dict[int, dict[int, Period | None]] = {}  # see _paragraph_period

    def run(self) -> list[Claim]:
        claims: list[Claim] = []
        sentences = self.context.sentences
        for s in sentences:
            if might_hold_quantity(s.text):
                s.quantities = [q for q in find_quantities(s.text) if _claimable(q, self.catalog)]
            if s.quantities:
                s.clauses = _clauses(s.text)
        for index, s in enumerate(sentences):
            readings: list[_Reading] = []
            for q in s.quantities:
                reading = self._read(s, q, readings, index)
                if reading is not None:
                    readings.append(reading)
            claims.extend(self._claim(s, r) for r in readings)
        return claims

    def _last_period_before(self, index: int) -> Period | None:
        """The period last written before sentence `index`, for a figure with none of its own."""
        if index not in self._last_period:
            found = None
            for earlier in range(index - 1, -1, -1):
                points = self._points(self.context.sentences[earlier])
                if points:
                    found = points[-1]
                    break
                if earlier in self._last_period:
                    found = self._last_period[earlier]
                    break
            self._last_period[index] = found
        return self._last_period[index]

    def _points(self, s: _Sentence) -> list[Period]:
        """The sentence's own periods, not the bases it compares with."""
        return [
            m.period
            for m in s.periods
            if m.kind in ("point", "deadline") and not self._is_base(s, m)
        ]

    # -- one quantity -----------------------------------------------------------------
    def _read(
        self, s: _Sentence, q: Quantity, earlier: list[_Reading], index: int
    ) -> _Reading | None:
        clause = s.clause_of(q.start)
        clause_before = s.text[clause[0] : q.start]
        before = s.text[max(0, q.start - 60) : q.start]
        after = s.text[q.end : q.end + 60]
        conversion = self._conversion_of(s, q, earlier)
        if conversion is not None:
            return conversion
        measure, sign = _local_measure(before, after, q, clause_before)
        chosen = self._metric(s, q, clause, measure)
        if chosen is None:
            return None
        metric, unit, measure, entity = chosen
        value = q.value
        if unit == "x" and sign < 0:
            value = 1 / value if value else value
        if q.text.lower().startswith("halv"):
            value, unit = -50.0, "pct_change"
        elif unit in ("pct_change", "pp") and sign < 0:
            value = -abs(value)

        period, deadline, base = self._period(s, q, clause, measure, earlier, metric.rate)
        status = _status(
            self._status_text(s, q, clause), period, deadline, metric, self.doc.published
        )
        if self._is_origin(s, q):
            published = self.doc.published
            if deadline:
                # "will be increased from 6 to 10 million tons by 2027": 6 is today's figure
                period, status = None, "actual"
            elif period is not None and published is not None and period.end < published:
                status = "actual"
        if period is None:
            period = self._context_period(s, metric, status, index)
        if base is not None and period is not None:
            base = self._align_base(base, period)
        elif base is _SAME_PERIOD:
            base = None
        aimed = deadline and status in ("target", "forecast")  # "double by 2030": no base
        if measure == "growth" and base is None and period and not _is_span(period) and not aimed:
            base = shift_years(period, -1)
        qualifier = _qualifier(before, q)
        if qualifier == "exact" and earlier:
            qualifier = self._coordinated_qualifier(s, q, earlier[-1]) or qualifier
        self.previous_metric = metric.id
        return _Reading(q, metric, entity, value, unit, measure, period, base, status, qualifier)

    def _is_origin(self, s: _Sentence, q: Quantity) -> bool:
        """The starting point of a change written "from X to Y"."""
        before = s.text[max(0, q.start - 6) : q.start]
        return bool(re.search(r"\bfrom\s*\Z", before, re.IGNORECASE)) and bool(
            re.match(r"[^,;]{0,25}?\bto\b", s.text[q.end :], re.IGNORECASE)
        )

    def _status_text(self, s: _Sentence, q: Quantity, clause: tuple[int, int]) -> str:
        """Words that can carry the status: this clause up to the number, else the sentence.

        A passive right after the number counts too: "2 million tonnes are expected to".
        """
        own = s.text[clause[0] : q.start]
        passive = _PASSIVE_STATUS.match(s.text, q.end, clause[1])
        if passive:
            return passive.group(1)
        c = _cues()
        if c.forecast.search(own) or c.target.search(own) or c.future.search(own):
            return own
        return s.text[: q.start]

    def _conversion_of(self, s: _Sentence, q: Quantity, earlier: list[_Reading]) -> _Reading | None:
        """ "1.9 trillion tenge ($4.2 billion)": the bracketed amount repeats the claim before it."""
        if not earlier or q.unit not in ("USD", "EUR", "KZT"):
            return None
        prev = earlier[-1]
        if prev.unit not in ("USD", "EUR", "KZT") or prev.unit == q.unit:
            return None
        if not re.fullmatch(r"\s*[(\[]\s*", s.text[prev.q.end : q.start]):
            return None
        return replace(prev, q=q, value=q.value, unit=q.unit, qualifier=_qualifier("", q))

    def _coordinated_qualifier(self, s: _Sentence, q: Quantity, prev: _Reading) -> str | None:
        """ "at least 5.2% in 2023 and 5.4% in 2024": the second figure shares the hedge."""
        gap = s.text[prev.q.end : q.start]
        if prev.q.unit == q.unit and re.fullmatch(
            r"[\s,]*(?:on average\s*)?(?:(?:in|for)\s+\S+\s*)?,?\s*and\s*", gap
        ):
            return prev.qualifier if prev.qualifier != "exact" else None
        return None

    # -- metric -----------------------------------------------------------------------
    def _metric(
        self, s: _Sentence, q: Quantity, clause: tuple[int, int], measure: str
    ) -> tuple[Metric, str, str, str | None] | None:
        best: tuple[tuple[float, ...], Metric, str, str, str | None] | None = None
        for metric in self.catalog.metrics.values():
            shape = _claim_unit(q, measure, metric)
            if shape is None:
                continue
            unit, claim_measure = shape
            cue = self._cue_reach(s, q, clause, metric)
            if cue is None:
                continue
            cue_reach, distance = cue
            entity_reach, entity = self._entity(s, q, clause, metric)
            if entity_reach is None:
                continue
            # "N tonnes of grain" names its figure; otherwise the subject before the number
            side = 0 if distance < 0 else 1 if distance < _AFTER else 2
            key = (cue_reach, entity_reach, side, -metric.priority, distance)
            if best is None or key < best[0]:
                best = (key, metric, unit, claim_measure, entity)
        if best is None:
            return None
        return best[1], best[2], best[3], best[4]

    def _cue_reach(
        self, s: _Sentence, q: Quantity, clause: tuple[int, int], metric: Metric
    ) -> tuple[float, int] | None:
        """(reach, distance) of the nearest cue; lower reach is better.

        0 a cue in the clause, 1 in the sentence, 1.5 a weak cue for the metric of the
        figure before, 2 / 2.5 a weak cue in the clause / sentence, 3 only the metric of
        the figure before ("The figure totaled ...").
        """
        if q.unit == "" and _counts(q, metric):
            return 0, 0
        strong = self._nearest_cue(s, q, clause, metric.cues, metric.cue_keys)
        if strong is not None:
            return strong
        continuing = metric.id == self.previous_metric
        weak = (
            self._nearest_cue(s, q, clause, metric.weak_cues, metric.weak_cue_keys)
            if metric.weak_cues
            else None
        )
        if weak is not None:
            return (1.5 if continuing else weak[0] + 2), weak[1]
        return (3, 0) if continuing else None

    def _nearest_cue(
        self,
        s: _Sentence,
        q: Quantity,
        clause: tuple[int, int],
        cues: re.Pattern[str],
        keys: frozenset[str] | None,
    ) -> tuple[float, int] | None:
        best: tuple[float, int] | None = None
        for start, end in s.cue_spans(cues, keys):
            if start < q.end and end > q.start:
                distance = 0  # the unit names it: "200,000 TEU"
            elif end <= q.start:
                distance = q.start - end
            elif _CUE_NAMES_FIGURE.fullmatch(s.text, q.end, start):
                distance = -1  # "142 thousand tonnes of grain": the cue names this figure
            else:
                distance = _AFTER + start - q.end  # after the number: weaker than before
            reach = 0 if clause[0] <= start < clause[1] else 1
            if best is None or (reach, distance) < best:
                best = (reach, distance)
        return best

    def _entity(
        self, s: _Sentence, q: Quantity, clause: tuple[int, int], metric: Metric
    ) -> tuple[int | None, str | None]:
        ctx = self.context
        if metric.entity:
            entity = ctx.catalog.entity_kinds[metric.entity]
            if entity.name not in ctx.entity_names:
                return None, None
            reach, _ = ctx.nearest_entity((entity.kind,), s, q.start, clause)
            in_sentence = ctx.mentions_in(s.start, s.start + len(s.text))
            named = [e for e in in_sentence if e.name == entity.name]
            reach = 0 if named and reach <= 1 else max(reach, 2) if not named else 1
            if metric.entity_label:
                _, label = ctx.nearest_entity((metric.entity_label,), s, q.start, clause)
                return reach, label or entity.name
            return reach, entity.name
        kinds = metric.entity_kinds
        if kinds and kinds[0] == "pair":
            reach, name = self._pair(s)
            if name is not None or len(kinds) == 1:
                return reach, name
            kinds = kinds[1:]
        reach, name = ctx.nearest_entity(kinds, s, q.start, clause)
        if name is None and metric.entity_required:
            return None, None
        if metric.id == "sector_growth" and name:
            sector = metric.cues.search(s.text, q.end)
            if sector:
                name = f"{name} {sector.group(0).split()[-1].lower()}"
        return reach, name

    def _pair(self, s: _Sentence) -> tuple[int | None, str | None]:
        """Bilateral figures need two countries in the sentence: 'Kazakhstan-China'."""
        names: list[str] = []
        for e in self.context.mentions_in(s.start, s.start + len(s.text)):
            if e.kind == "country" and e.name not in names:
                names.append(e.name)
        if len(names) < 2:
            return 4, None
        return 0, f"{names[0]}-{names[1]}"

    # -- period -----------------------------------------------------------------------
    def _period(
        self,
        s: _Sentence,
        q: Quantity,
        clause: tuple[int, int],
        measure: str,
        earlier: list[_Reading],
        rate: bool,
    ) -> tuple[Period | None, bool, Period | None]:
        """(period, is a deadline, base period) from the sentence itself.

        "a year earlier" after a change is its base ("double the figure a year earlier"),
        after a growth rate its period ("5.1% growth a year earlier").
        """
        bound = self._bound_mentions(s)
        base: Period | None = None
        own: PeriodMention | None = None
        for m in s.periods:
            if m.start < q.end:
                continue
            gap = s.text[q.end : m.start]
            if len(gap) > _TIGHT_GAP or any(q.end <= o.start < m.start for o in s.quantities):
                break
            if self._is_base(s, m) or (m.kind == "earlier" and measure == "growth" and not rate):
                base = base or self._base_of(s, m) or _SAME_PERIOD
                continue
            own = own or m
        if own is not None and own.kind == "earlier":
            # "4.8% last year, compared with 5.1% a year earlier": a year before the other figure
            reference = self._nearest(s, q, clause, set())
            if reference is None:
                return None, False, None
            return shift_years(reference.period, -1), False, None
        past = next((m for m in s.periods if m.kind == "past_years"), None)
        if past is not None and own is None:
            return self._past_years(past, measure, s, q)
        if own is None and measure == "level" and earlier:
            base_value = self._base_value_period(s, q, earlier[-1])
            if base_value is not None:
                return base_value, False, None
        if own is None:
            own = self._nearest(s, q, clause, bound)
        if base is None:
            base = self._clause_base(s, q, clause)
        period = own.period if own else None
        return period, bool(own and own.kind == "deadline"), base if measure == "growth" else None

    def _is_base(self, s: _Sentence, m: PeriodMention) -> bool:
        if _is_span(m.period) and m.kind != "base":
            return False  # "over 2024-2028" is a span of its own
        return m.kind == "base" or bool(
            _cues().base_before.search(s.text[max(0, m.start - 25) : m.start])
        )

    def _base_of(self, s: _Sentence, m: PeriodMention) -> Period | None:
        """None means 'the same span a year earlier' ("than the previous year")."""
        if m.kind == "earlier":
            return None
        relative = re.search(
            r"previous|last|preceding|earlier|same", s.text[m.start : m.end], re.IGNORECASE
        )
        return None if m.period.label == "same-period" or relative else m.period

    def _bound_mentions(self, s: _Sentence) -> set[int]:
        """Periods written right after some number belong to that number.

        Computed once per sentence: the first period after each number, if no other
        number comes between and it is near enough."""
        if s.bound_periods is None:
            starts = sorted(q.start for q in s.quantities)
            period_starts = [m.start for m in s.periods]  # in order
            s.bound_periods = set()
            for q in s.quantities:
                after = bisect_left(period_starts, q.end)
                if after == len(period_starts):
                    continue
                at = period_starts[after]
                following = bisect_left(starts, q.end)
                closer = following < len(starts) and starts[following] < at
                if at - q.end <= _TIGHT_GAP and not closer:
                    s.bound_periods.add(at)
        return s.bound_periods

    def _nearest(
        self, s: _Sentence, q: Quantity, clause: tuple[int, int], bound: set[int]
    ) -> PeriodMention | None:
        candidates = [
            m
            for m in s.periods
            if not self._is_base(s, m) and m.kind not in ("past_years", "earlier")
        ]

        def key(m: PeriodMention) -> tuple[int, int, int]:
            in_clause = clause[0] <= m.start < clause[1]
            mine = m.start >= q.end and m.start not in bound
            distance = m.start - q.end if m.start >= q.end else q.start - m.end
            return (0 if in_clause else 1, 0 if (mine or m.start not in bound) else 1, distance)

        return min(candidates, key=key, default=None)

    def _clause_base(self, s: _Sentence, q: Quantity, clause: tuple[int, int]) -> Period | None:
        for m in s.periods:
            if clause[0] <= m.start < clause[1] and m.start >= q.end and self._is_base(s, m):
                return self._base_of(s, m) or _SAME_PERIOD
        return None

    def _align_base(self, base: Period, period: Period) -> Period:
        """'147% in January compared to last year' compares with January of last year."""
        if base.label == "same-period":
            return shift_years(period, -1)
        whole_year = re.fullmatch(r"\d{4}", base.label)
        if (
            whole_year
            and not re.fullmatch(r"\d{4}", period.label)
            and base.start.year == period.start.year - 1
        ):
            return shift_years(period, -1)
        return base

    def _base_value_period(self, s: _Sentence, q: Quantity, prev: _Reading) -> Period | None:
        """'10% more compared to the previous year, with 1.37 million tons': a base value."""
        if prev.measure != "growth" or prev.base is None:
            return None
        gap = s.text[prev.q.end : q.start]
        if any(self._is_base(s, m) for m in s.periods if prev.q.end <= m.start < q.start):
            return prev.base
        if re.search(r"\b(?:compared (?:to|with)|than|against)\b", gap, re.IGNORECASE):
            return prev.base
        return None

    def _past_years(
        self, past: PeriodMention, measure: str, s: _Sentence, q: Quantity
    ) -> tuple[Period | None, bool, Period | None]:
        """'over the past 20 years': a total spans them; a change compares last year with the first."""
        end_year = past.period.end.year
        first = end_year - past.years
        if measure != "growth":
            return past.period, False, None
        if q.unit == "x":
            return year_period(end_year), False, year_period(first)
        return year_span(first, end_year), False, None

    def _context_period(
        self, s: _Sentence, metric: Metric, status: str, index: int
    ) -> Period | None:
        """No period in the sentence: the metric's convention, the paragraph's, or the last one."""
        published = self.doc.published
        if status == "actual" and metric.undated and published:
            if metric.undated == "published_month":
                return month_span(published.year, published.month, published.year, published.month)
            return year_period(published.year)
        period = self._paragraph_period(s)
        if period is None:
            period = self._last_period_before(index)
        if period is not None and status != "actual" and published and period.end < published:
            return year_period(published.year)
        if period is None and status != "actual" and published:
            return year_period(published.year)
        return period

    def _paragraph_period(self, s: _Sentence) -> Period | None:
        """The period written last in an earlier sentence of the paragraph, else first in
        a later one; found for the whole paragraph at once, so that a long paragraph of
        undated figures is not walked once per figure."""
        if s.paragraph not in self._paragraph_around:
            sentences = self.context.paragraphs[s.paragraph]
            points = [self._points(other) for other in sentences]
            before: list[Period | None] = []
            last = None
            for found in points:
                before.append(last)
                last = found[-1] if found else last
            after: list[Period | None] = []
            first = None
            for found in reversed(points):
                after.append(first)
                first = found[0] if found else first
            self._paragraph_around[s.paragraph] = {
                id(other): b if b is not None else a
                for other, b, a in zip(sentences, before, reversed(after), strict=True)
            }
        return self._paragraph_around[s.paragraph][id(s)]

    # -- output -----------------------------------------------------------------------
    def _claim(self, s: _Sentence, r: _Reading) -> Claim:
        start, end = s.start + r.q.start, s.start + r.q.end
        period = r.period
        return Claim(
            claim_id=_claim_id(self.doc.source_id, start, end, r.metric.id, r.unit, r.value),
            source_id=self.doc.source_id,
            metric=r.metric.id,
            entity=r.entity,
            value=float(r.value),
            unit=r.unit,
            value_text=r.q.text,
            period=period.label if period else None,
            period_start=period.start if period else None,
            period_end=period.end if period else None,
            status=r.status,
            measure=r.measure,
            base_period=r.base.label if r.base and r.measure == "growth" else None,
            qualifier=r.qualifier,
            quote=s.text.strip(),
            char_start=start,
            char_end=end,
            extractor=EXTRACTOR,
        )


_SAME_PERIOD = Period("same-period", date.min, date.min)


def _is_span(period: Period) -> bool:
    return bool(re.fullmatch(r"\d{4}\.\.\d{4}", period.label))


def extract_claims(document: Document, catalog: Catalog | None = None) -> list[Claim]:
    """Every claim in `document`: its prose's in text order, then its tables'.

    The same document gives the same claims.
    """
    catalog = catalog or load_catalog()
    prose = replace(document, text=document.prose, tables=()) if document.tables else document
    return _Extractor(prose, catalog).run() + table_claims(document, catalog)


def extract_text(text: str, published: date | None = None, path: str = "<text>") -> list[Claim]:
    """Claims of a bare text, as if it were a document published on `published`."""
    return extract_claims(Document(path=path, text=text, published=published))
