"""What the prose extractor knows while it reads: the document's sentences and entity
mentions, and the readings of the figures before the current one.

Entity mentions are found once for the whole document; every figure then asks for the
nearest one of the kinds its metric wants, by bisection rather than a scan.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import pairwise

from metrics.extract.entities import (
    appositive_mentions,
    cause_mentions,
    cause_spans,
    dashed_aside_mentions,
    entity_rules,
    joined_ports,
    named_operators,
    named_ports,
    named_routes,
    speaker_mentions,
    subject_of,
    topic_of,
)
from metrics.extract.segment import Sentence, sentences
from metrics.lexicon.catalog import Catalog, Metric
from metrics.lexicon.textscan import finditer
from metrics.models import Document, Period, Quantity

NAMED_ROUTE = "named_route"
"""The entity kind of a route the text names by its two ends ("the Poti–Constanta line")."""
RAILWAY = "railway"
PORT = "port"
OPERATOR = "operator"
_ROUTE_KINDS = ("route", RAILWAY)

_DATELINE = re.compile(
    r"(?m)^(?:\([^()\n]{1,40}\)\s*)?[A-Z][A-Z .'-]{2,30},\s+[A-Z][\w .'-]{2,30},\s+"
    r"[A-Z][a-z]+\.?\s+\d{1,2}\b"
)
"""A news dateline opening the text: "BAKU, Azerbaijan, December 9", "(Wire) ASTANA, Kazakhstan,
September 6"."""
_DATELINE_REACH = 200  # a dateline opens the text

_ATTRIBUTION = re.compile(
    r"\b(?:according to|citing|cited by|press (?:release|service|office) of|data (?:of|from))"
    r"\s+(?:the\s+)?(?:[\w.-]+\s+){0,4}\Z",
    re.IGNORECASE,
)


@dataclass
class EntityMention:
    """An entity named in the text, or referred to ("the port") after it was named."""

    start: int  # document offset
    end: int
    name: str
    kind: str
    explicit: bool


def _in_compound(text: str, e: EntityMention) -> bool:
    """Whether the mention is joined by a hyphen to the word before or after it."""
    return text[e.end : e.end + 1] == "-" or (e.start > 0 and text[e.start - 1] == "-")


class DocumentContext:
    """What the extractor knows about a whole document while reading one sentence."""

    def __init__(
        self, document: Document, catalog: Catalog, cut: list[Sentence] | None = None
    ) -> None:
        """`cut`: the document's `sentences`, when the caller has cut them already."""
        self.document = document
        self.catalog = catalog
        self.sentences = sentences(document.text, document.published) if cut is None else cut
        self._sentence_starts = [s.start for s in self.sentences]
        self.paragraphs: dict[int, list[Sentence]] = {}
        for s in self.sentences:
            self.paragraphs.setdefault(s.paragraph, []).append(s)
        self.cause_spans = cause_spans(document.text)
        self._cause_starts = [start for start, _ in self.cause_spans]
        self._causes: dict[int, list[tuple[int, int]]] = {}  # sentence start -> `causes_in`
        self.railways: set[str] = set()  # railways the text names, as subject or source
        self.entities = self._entity_mentions()
        self.entity_names = {e.name for e in self.entities}
        self._entity_starts = [e.start for e in self.entities]
        self._of_kinds: dict[tuple[str, ...], tuple[list[EntityMention], list[int]]] = {}
        self._sectors: dict[int, list[EntityMention]] = {}

    def _entity_mentions(self) -> list[EntityMention]:
        text = self.document.text
        lowered = text.lower()
        mentions = []
        dateline = _DATELINE.search(text[:_DATELINE_REACH])
        filed: list[EntityMention] = []
        for m in self.catalog.entity_matches(text, lowered):
            entity = self.catalog.entity_of_match(m)
            if entity.kind == RAILWAY:
                self.railways.add(entity.name)  # a source too: "... published by X Railway"
            if _ATTRIBUTION.search(text[max(0, m.start() - 60) : m.start()]):
                continue  # "according to the press release of NC KTZ": a source, not a subject
            if dateline and dateline.start() <= m.start() < dateline.end():
                # "BAKU, Azerbaijan, December 9.": where it was filed, not a subject; still
                # what "the country" may point back to
                filed.append(EntityMention(m.start(), m.end(), entity.name, entity.kind, True))
                continue
            mentions.append(EntityMention(m.start(), m.end(), entity.name, entity.kind, True))
        if "port" in lowered:
            # ports named as one subject are one entity: the ports inside it are not
            joined = joined_ports(text)
            if joined:
                mentions = [e for e in mentions if not any(a <= e.start < b for a, b, _ in joined)]
                mentions += [EntityMention(a, b, name, PORT, True) for a, b, name in joined]
            # a port the catalog does not know is a port, not its country ("Port Veln")
            mentions += [
                EntityMention(a, b, name, PORT, True)
                for a, b, name in named_ports(text)
                if not any(e.start < b and e.end > a for e in mentions)
            ]
            mentions.sort(key=lambda e: e.start)
        if any(word in lowered for word in entity_rules().operator_words_lowered):
            mentions = self._with_operators(text, mentions)
        routes = named_routes(text) if "route" in lowered or "line" in lowered else []
        routes = [  # a route the catalog names ("Trans-Caspian route") is the catalog's
            (a, b, name)
            for a, b, name in routes
            if not any(e.kind in _ROUTE_KINDS and e.start < b and e.end > a for e in mentions)
        ]
        if routes:
            # the ends inside a route's name are the route's, not entities of their own
            mentions = [e for e in mentions if not any(a <= e.start < b for a, b, _ in routes)]
            mentions += [EntityMention(a, b, name, NAMED_ROUTE, True) for a, b, name in routes]
            mentions.sort(key=lambda e: e.start)
        topical = entity_rules().topic_anaphora
        for kind, pattern in self.catalog.anaphora.items():
            named = [e for e in filed + mentions if e.explicit and e.kind == kind]
            ends = [e.end for e in named]  # in order: the matches do not overlap
            # a name inside a compound ("China-Europe-China trains") names a route, not the topic
            whole = [e for e in named if not _in_compound(text, e)]
            topic = topic_of(whole, kind) if kind in topical else None
            subjects = [e for e in whole if e not in filed]  # a dateline names no subject
            for m in finditer(pattern, text, lowered):
                before = bisect_right(ends, m.start())
                if before:
                    # "Uzbekistan's economy is projected ... Inflation in the country": in a
                    # paragraph that names one first, that one; else the document's topic
                    leading = self._paragraph_subject(subjects, m.start()) if topic else None
                    name = leading or topic or named[before - 1].name
                    mentions.append(EntityMention(m.start(), m.end(), name, kind, False))
        mentions.sort(key=lambda e: e.start)
        if "port" in lowered:
            mentions = self._with_country_ports(text, mentions)
        aside = (
            appositive_mentions(text, mentions)
            | dashed_aside_mentions(text, mentions, routes)
            | cause_mentions(mentions, self.cause_spans)
            | speaker_mentions(text, mentions)
        )
        kept = [e for i, e in enumerate(mentions) if i not in aside]
        return sorted(kept + self._pronoun_subjects(kept), key=lambda e: e.start)

    def _paragraph_subject(self, named: list[EntityMention], at: int) -> str | None:
        """The entity named first in the paragraph of offset `at`, before it."""
        index = bisect_right(self._sentence_starts, at) - 1
        if index < 0:
            return None
        paragraph = self.paragraphs[self.sentences[index].paragraph]
        start = paragraph[0].start
        first = next((e for e in named if start <= e.start < at), None)
        return first.name if first else None

    @staticmethod
    def _with_country_ports(text: str, mentions: list[EntityMention]) -> list[EntityMention]:
        """A country's ports taken together are "<country> seaports": "the country's port
        capacity will reach 30 Mt" is neither the country's figure nor one port's."""
        rules = entity_rules()
        found = []
        for e in mentions:
            if e.kind != "country":
                found.append(e)
                continue
            after = rules.country_ports_after.match(text, e.end)
            before = rules.country_ports_before.search(text, max(0, e.start - 20), e.start)
            if after or before:
                e = EntityMention(e.start, after.end() if after else e.end, f"{e.name} seaports", PORT, e.explicit)
            found.append(e)
        return found

    def _with_operators(self, text: str, mentions: list[EntityMention]) -> list[EntityMention]:
        """A company named after its country's possessive is the company, "<country> <name>":
        "Turkmenistan's Merchant Marine Fleet carried 1.2 Mt" is the fleet's figure."""
        for start, end, name in named_operators(text):
            country = next((e for e in mentions if e.start == start and e.kind == "country"), None)
            if country is None:
                continue
            mentions = [e for e in mentions if not start <= e.start < end]
            label = name if name.startswith(country.name) else f"{country.name} {name}"
            mentions.append(EntityMention(start, end, label, OPERATOR, True))
        mentions.sort(key=lambda e: e.start)
        return mentions

    def _pronoun_subjects(self, mentions: list[EntityMention]) -> list[EntityMention]:
        """"It registered 5.1% growth" after "... Kazakhstan accounts for 60% of the region's
        GDP.": a pronoun opening a sentence is the subject of the sentence before."""
        rules = entity_rules()
        found = []
        starts = [e.start for e in mentions]
        for before, s in pairwise(self.sentences):
            pronoun = rules.pronoun_subject.match(s.text)
            if pronoun is None or before.paragraph != s.paragraph:
                continue
            first = bisect_left(starts, before.start)
            subject = subject_of(before.text, before.start, mentions[first:], rules)
            if subject is not None:
                found.append(
                    EntityMention(
                        s.start + pronoun.start(), s.start + pronoun.end(), subject.name, subject.kind, False
                    )
                )
        return found

    def nearest_named(self, names: frozenset[str], at: int) -> str | None:
        """The last of `names` named before document offset `at`, else the first after it."""
        i = bisect_right(self._entity_starts, at)
        before = (e.name for e in reversed(self.entities[:i]) if e.name in names)
        after = (e.name for e in self.entities[i:] if e.name in names)
        return next(before, None) or next(after, None)

    def causes_in(self, sentence: Sentence) -> list[tuple[int, int]]:
        """The reason phrases ("driven by ...") that overlap `sentence`, in its offsets; found
        once per sentence, since every metric weighed for its figures asks."""
        found = self._causes.get(sentence.start)
        if found is None:
            end = sentence.start + len(sentence.text)
            first = max(0, bisect_right(self._cause_starts, sentence.start) - 1)
            found = []
            for start, stop in self.cause_spans[first:]:
                if start >= end:
                    break
                if stop > sentence.start:
                    found.append((start - sentence.start, stop - sentence.start))
            self._causes[sentence.start] = found
        return found

    def sectors_in(self, sentence: Sentence) -> list[EntityMention]:
        """Sectors named in a sentence ("construction (10.3%)"), found on first request:
        sector words are common, and only sector metrics ask for them."""
        found = self._sectors.get(sentence.start)
        if found is None:
            found = []
            pattern = self.catalog.sector_pattern
            if pattern is not None:
                for m in finditer(pattern, sentence.text, sentence.lowered):
                    entity = self.catalog.entity_of_match(m)
                    start = sentence.start + m.start()
                    end = sentence.start + m.end()
                    found.append(EntityMention(start, end, entity.name, entity.kind, True))
            self._sectors[sentence.start] = found
        return found

    def mentions_in(self, start: int, end: int) -> list[EntityMention]:
        """Entity mentions starting in `[start, end)` of the document, in order."""
        starts = self._entity_starts
        return self.entities[bisect_left(starts, start) : bisect_left(starts, end)]

    def nearest_entity(
        self, kinds: tuple[str, ...], sentence: Sentence, at: int, clause: tuple[int, int]
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

        def reach(e: EntityMention) -> int:
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


@dataclass
class Reading:
    """One quantity read as a claim, before it becomes a Claim row: later figures of the
    sentence look back at it (a conversion in brackets, a shared hedge, a base value)."""

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
    superseded: bool = False  # the earlier vintage of a revised forecast ("to 5.5% from 5.0%")
