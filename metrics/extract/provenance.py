"""Who states a figure, and what part of a flow it covers: each claim's originator and scope.

Several agencies quoted in one article are several sources, and a figure "via the seaports"
is not the figure "along the whole route"; the reconciliation needs both apart. This is a
post-pass over a document's claims (`with_provenance`): the extractors decide what a figure
is, this decides whose it is, from the words around the claim's offsets. The rules, and the
order they are tried in, are data: `metrics/data/provenance.yaml` (its header says how each
is used) with the organisations of `metrics/data/originators.yaml`.

Only paragraphs that hold a claim are searched for organisations, and the few before one
whose claims need them; scope phrases only in a claim's sentence, and only when it holds a
scope's key word: the cost follows the claims, not the text (about 5 % of extraction time
on synthetic news).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property
from typing import Any

from metrics.data import load
from metrics.extract.segment import clauses, paragraphs, sentences
from metrics.lexicon.catalog import load_catalog
from metrics.lexicon.textscan import finditer, group_end, top_level_alternatives
from metrics.models import Claim

_UNNAMED = "\x01"
"""Begins the name of an unnamed body ("the ministry said", "the Statistics Agency"), which
is followed by its kind: the organisation of that kind and country is decided per claim."""
_BESIDE = 12
"""Characters between an organisation's name and a ministry or president word that make the
word part of the name ("the KTZ President", "President of the EBRD")."""
_CLAUSE_END = re.compile(r"[.;!?\"“”\n]")
"""A paragraph attributing figures to several organisations: it passes none on."""


@dataclass(frozen=True)
class Mention:
    """An organisation named in the text: `name` from originators.yaml, or `_UNNAMED` + kind."""

    start: int
    end: int
    name: str


_AMBIGUOUS = Mention(-1, -1, "")
"""A paragraph attributing figures to several organisations: it passes none on."""


@dataclass(frozen=True)
class _Scope:
    label: str
    keys: frozenset[str]  # lower-case words one of which every match holds
    pattern: re.Pattern[str]
    implied_by_metric: re.Pattern[str] | None
    implied_by_entity: re.Pattern[str] | None


@dataclass(frozen=True)
class _Rules:
    names: re.Pattern[str]  # every alias of every organisation
    aliases: tuple[tuple[re.Pattern[str], str], ...]  # (alias, name), longest alias first
    before: re.Pattern[str]  # searched in the text just before a name
    possessive: re.Pattern[str]  # matched at the end of a name: "'s data"
    verbs: re.Pattern[str]  # searched after a name, up to `gap`: "expects"
    gap: int
    other_speaker: re.Pattern[str]  # between a name and a verb: the verb is someone else's
    anaphora: re.Pattern[str]
    carry_paragraphs: int
    list_item: re.Pattern[str]
    heading_max: int
    by_kind: dict[tuple[str, str], str]  # (kind, country) -> name
    countries: dict[str, str]  # name -> country
    # each lower-case word unnamed bodies begin with, and the (pattern, kind) of those bodies
    unnamed_by_key: tuple[tuple[str, tuple[tuple[re.Pattern[str], str], ...]], ...]
    scopes: tuple[_Scope, ...]
    scope_keys: re.Pattern[str]  # the scopes' key words, in lower-case text
    scope_clause_breaks: re.Pattern[str]
    place_opener: re.Pattern[str]  # "through (the territory of) ", before a country
    place_label: str  # "through {place}"
    inclusive: re.Pattern[str]  # searched in the text before a scope phrase


def _alternation(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def _optional(patterns: Sequence[str]) -> re.Pattern[str] | None:
    return re.compile(_alternation(patterns)) if patterns else None


def _literal_first(pattern: str) -> list[str]:
    """`pattern` as alternatives that each start with a literal character, where a leading
    group can be spelled out: "(?:Kazakh|Uzbek) Ministry" -> ["Kazakh Ministry", "Uzbek
    Ministry"]."""
    end = group_end(pattern) if pattern.startswith("(?:") else None
    if end is None or pattern[end + 1 : end + 2] in ("?", "*", "+", "{"):
        return [pattern]
    rest = pattern[end + 1 :]
    return [
        variant
        for alternative in top_level_alternatives(pattern[3:end])
        for variant in _literal_first(alternative + rest)
    ]


def _by_first_letter(patterns: list[str]) -> str:
    """An alternation of `patterns` grouped by their first letter, "A(?:DB|sian ...)|B(...)":
    `re` then rejects a place on one comparison per letter instead of one per pattern, and
    the names of many organisations cost little more than the names of a few. Order within
    a letter is kept (the longest first)."""
    groups: dict[str, list[str]] = {}
    others = []
    for pattern in patterns:
        for variant in _literal_first(pattern):
            if variant[:1].isalpha() and variant[1:2] not in ("?", "*", "+", "{"):
                groups.setdefault(variant[0], []).append(variant[1:])
            else:
                others.append(variant)
    lettered = [f"{letter}(?:{_alternation(rests)})" for letter, rests in sorted(groups.items())]
    return "|".join(lettered + [f"(?:{p})" for p in others])


def _by_key(bodies: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The unnamed bodies of provenance.yaml by each of their key words."""
    out: dict[str, list[dict[str, Any]]] = {}
    for body in bodies:
        for key in body["keys"]:
            out.setdefault(key, []).append(body)
    return out


@cache
def _rules() -> _Rules:
    data = load("provenance.yaml")
    entries = load("originators.yaml")["originators"]
    body = data["government_body"]
    named = [
        (alias.replace("{government}", body), entry["name"])
        for entry in entries
        for alias in entry["aliases"]
    ]
    # `re` takes the first alternative that matches at a place: longer (more specific) first
    named.sort(key=lambda item: -len(item[0]))
    parenthesis = r"(?:\s*\([^()]{1,40}\))?"  # "Asian Development Bank (ADB) expects"
    before = rf"(?:{_alternation(data['attribution_before'])})\s+(?:[\w'’-]+\s+){{0,6}}\Z"
    inclusive = rf"(?<!\w)(?:{'|'.join(map(re.escape, data['inclusive_before']))})\s+(?:\S+\s+)?\Z"
    scopes = tuple(
        _Scope(
            label=scope["label"],
            keys=frozenset(scope["keys"]),
            pattern=re.compile(_alternation(scope["aliases"]), re.IGNORECASE),
            implied_by_metric=_optional(scope["implied_by_metrics"]),
            implied_by_entity=_optional(scope["implied_by_entities"]),
        )
        for scope in data["scopes"]
    )
    place_keys = {opener.split()[0].lower() for opener in data["place_scope_openers"]}
    return _Rules(
        names=re.compile(rf"(?=[A-Z])(?<!\w)(?:{_by_first_letter([a for a, _ in named])})(?!\w)"),
        aliases=tuple((re.compile(alias), name) for alias, name in named),
        before=re.compile(before),
        possessive=re.compile(parenthesis + f"(?:{_alternation(data['attribution_possessive'])})"),
        verbs=re.compile(rf"(?<!\w)(?:{_by_first_letter(data['attribution_after'])})"),
        gap=int(data["attribution_gap"]),
        other_speaker=re.compile(rf"(?:{data['other_speaker']})\Z"),
        anaphora=re.compile(_alternation(data["anaphora"])),
        carry_paragraphs=int(data["carry_paragraphs"]),
        list_item=re.compile(data["list_item"]),
        heading_max=int(data["heading_max"]),
        by_kind={(e["kind"], e["country"]): e["name"] for e in entries if e["country"]},
        countries={e["name"]: e["country"] for e in entries if e["country"]},
        unnamed_by_key=tuple(
            (key, tuple((re.compile(_alternation(b["patterns"])), b["kind"]) for b in bodies))
            for key, bodies in _by_key(data["unnamed"]).items()
        ),
        scopes=scopes,
        scope_keys=re.compile(
            "|".join(sorted({k for s in scopes for k in s.keys} | place_keys, key=len, reverse=True))
        ),
        scope_clause_breaks=re.compile(_alternation(data["scope_clause_breaks"])),
        place_opener=re.compile(
            r"\b(?:" + "|".join(map(re.escape, data["place_scope_openers"])) + r")\s+", re.IGNORECASE
        ),
        place_label=data["place_scope_label"],
        inclusive=re.compile(inclusive, re.IGNORECASE),
    )


@cache
def _name_of(words: str) -> str | None:
    """The organisation whose alias `words` are (None when only a longer alias matched them
    as part of itself, which does not happen with `re`'s first match)."""
    return next((n for alias, n in _rules().aliases if alias.fullmatch(words)), None)


def originator_named(name: str) -> str | None:
    """The originators.yaml name a hand-written originator means: its name, or the name of
    the entry one of whose aliases it is as a whole ("Asian Development Bank" -> "ADB");
    None when no entry matches."""
    text = name.strip()
    aliases = _rules().aliases
    if any(text == n for _, n in aliases):
        return text
    return next((n for pattern, n in aliases if pattern.fullmatch(text)), None)


def scope_named(label: str) -> str | None:
    """The provenance.yaml scope label a hand-written scope means: the label, or the label of
    the scope one of whose aliases it is as a whole ("by railway" -> "by rail")."""
    text = label.strip()
    for scope in _rules().scopes:
        if text == scope.label or scope.pattern.fullmatch(text):
            return scope.label
    return None


def with_provenance(text: str, claims: Sequence[Claim]) -> list[Claim]:
    """`claims` (of one document whose text is `text`) with `originator` and `scope` set
    where the text says and the claim has none yet."""
    if not claims:
        return list(claims)
    reader = ProvenanceReader(text, claims)
    out = []
    for claim in claims:
        originator = claim.originator or reader.originator(claim)
        scope = claim.scope or reader.scope(claim)
        if (originator, scope) != (claim.originator, claim.scope):
            claim = replace(claim, originator=originator, scope=scope)
        out.append(claim)
    return out


class ProvenanceReader:
    """One document's text, read for the originators and scopes of its claims.

    `claims` are the document's claims (their metrics tell which paragraphs speak of the
    same thing); each paragraph and sentence is searched at most once, when first needed.
    """

    def __init__(self, text: str, claims: Sequence[Claim] = ()) -> None:
        self.text = text
        self.rules = _rules()
        self._paragraphs = paragraphs(text)
        self._starts = [start for start, _ in self._paragraphs]
        self._metrics: dict[int, set[str]] = {}
        for claim in claims:
            self._metrics.setdefault(self._paragraph_of(claim.char_start), set()).add(claim.metric)
        self._figure_starts = sorted({claim.char_start for claim in claims})
        self._mentions: dict[int, list[Mention]] = {}  # by paragraph
        self._attributions: dict[int, bool] = {}  # by mention start
        self._sentences: dict[int, list[tuple[int, int]]] = {}
        self._clause_spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self._carries: dict[int, Mention | None] = {}
        self._keyed: dict[str, bool] = {}  # by quote
        self._scoped: dict[int, list[tuple[int, int, _Scope]]] = {}  # by sentence start
        self._placed: dict[int, list[tuple[int, int, str]]] = {}  # by sentence start

    # -- originator ------------------------------------------------------------------
    def originator(self, claim: Claim) -> str | None:
        """Who states `claim`: its sentence's organisation, else its paragraph's, else the
        one a chain of linked paragraphs before it passes on (provenance.yaml's header)."""
        number = self._paragraph_of(claim.char_start)
        if number < 0:
            return None
        mentions = self._mentions_in(number)
        if not mentions:
            return self._resolved(self._carried(number), claim.entity)
        start, end = self._sentence(claim)
        in_sentence = [m for m in mentions if start <= m.start < end]
        if len(in_sentence) == 1:
            return self._resolved(in_sentence[0], claim.entity)
        if in_sentence:
            clause = self._clause_of(start, end, claim.char_start)
            last_figure = self._last_figure_in(start, end)
            best = min(
                in_sentence,
                key=lambda m: (
                    not clause[0] <= m.start < clause[1],
                    not self._attributed(m),
                    claim.char_start < m.start < last_figure,
                    m.name.startswith(_UNNAMED),
                    abs(m.start - claim.char_start),
                ),
            )
            return self._resolved(best, claim.entity)
        before = [m for m in mentions if m.end <= start and self._attributed(m)]
        if before:  # not one after: it may be the next figure's ("... 7%. The IMF predicts 5%")
            return self._resolved(before[-1], claim.entity)
        return self._resolved(self._carried(number), claim.entity)

    def _last_figure_in(self, start: int, end: int) -> int:
        """Where the last figure of the sentence `start:end` begins (`start` if none): an
        organisation named after a figure but before a later one speaks for the later one
        ("5.6% in 2025, while the central bank projects 5.8%")."""
        at = bisect.bisect_left(self._figure_starts, end) - 1
        return self._figure_starts[at] if at >= 0 and self._figure_starts[at] >= start else start

    def _resolved(self, mention: Mention | None, entity: str | None) -> str | None:
        """The name of `mention`; for an unnamed body, the one of its kind of the country
        named last before it in its paragraph ("the Kazakh Deputy Prime Minister ... the
        Prime Minister's office"), else of the country the claim's entity starts with."""
        if mention is None or not mention.name.startswith(_UNNAMED):
            return mention.name if mention else None
        rules = self.rules
        number = self._paragraph_of(mention.start)
        named_before = [
            m for m in self._mentions_in(number) if m.end <= mention.start and m.name in rules.countries
        ]
        if named_before:
            country = rules.countries[named_before[-1].name]
        elif entity:
            country = re.split(r"[- ]", entity, maxsplit=1)[0]
        else:
            return None
        return rules.by_kind.get((mention.name[len(_UNNAMED) :], country))

    def _carried(self, number: int) -> Mention | None:
        """The attribution paragraph `number` takes from the paragraphs before it, if every
        step back is linked: a list item or lead, a pronoun, or a metric in common."""
        if number not in self._carries:
            self._carries[number] = self._carry(number)
        return self._carries[number]

    def _carry(self, number: int) -> Mention | None:
        rules = self.rules
        source, steps = number - 1, 0
        while source >= 0 and steps < rules.carry_paragraphs and not self._heading(source):
            own = self._own_attribution(source)
            if own is not None:
                break
            if not rules.list_item.match(self._paragraphs[source][1]):
                steps += 1
            source -= 1
        else:
            return None
        if own is _AMBIGUOUS:
            return None
        metrics = set(self._metrics.get(number, ()))
        for current in range(number, source, -1):  # each step back must be linked
            text = self._paragraphs[current][1]
            previous_metrics = self._metrics.get(current - 1, set())
            linked = (
                rules.list_item.match(text)
                or text.rstrip().endswith(":")
                or metrics & previous_metrics
                or rules.anaphora.search(text)
            )
            if not linked:
                return None
            metrics |= previous_metrics
        return own

    def _own_attribution(self, number: int) -> Mention | None:
        """The one organisation paragraph `number` names as a source (its first mention),
        `_AMBIGUOUS` for several, None for none."""
        attributed = [m for m in self._mentions_in(number) if self._attributed(m)]
        if len({m.name for m in attributed}) > 1:
            return _AMBIGUOUS
        return attributed[0] if attributed else None

    def _heading(self, number: int) -> bool:
        text = self._paragraphs[number][1].strip()
        return (
            len(text) <= self.rules.heading_max
            and not self.rules.list_item.match(text)
            and text[-1:] not in ".!?:;\"”’)"
        )

    def _mentions_in(self, number: int) -> list[Mention]:
        """The organisations paragraph `number` names, in text order (found once): only
        the paragraphs a claim needs are searched."""
        known = self._mentions.get(number)
        if known is not None:
            return known
        rules, text = self.rules, self.text
        start, para = self._paragraphs[number]
        end = start + len(para)
        named = [
            Mention(m.start(), m.end(), name)
            for m in rules.names.finditer(text, start, end)
            if (name := _name_of(m.group())) is not None
        ]
        found = named + [
            mention
            for mention in self._unnamed_mentions(start, end)
            # "KTZ President", "President of the EBRD": the name holds
            if not any(
                m.start - _BESIDE < mention.end and mention.start < m.end + _BESIDE for m in named
            )
        ]
        found.sort(key=lambda mention: mention.start)
        self._mentions[number] = found
        return found

    def _unnamed_mentions(self, start: int, end: int) -> list[Mention]:
        """Unnamed bodies ("the ministry") in `text[start:end]`, found from their key words
        with `str.find`: a few literal searches cost far less than a pattern tried at every
        letter."""
        text, lowered = self.text, self._lowered
        if len(lowered) != len(text):  # a character whose lower case is longer: no offsets
            return []
        found: dict[int, Mention] = {}
        for key, rules in self.rules.unnamed_by_key:
            at = lowered.find(key, start, end)
            while at >= 0:
                if at not in found:
                    for pattern, kind in rules:
                        if m := pattern.match(text, at, end):
                            found[at] = Mention(at, m.end(), _UNNAMED + kind)
                            break
                at = lowered.find(key, at + 1, end)
        return list(found.values())

    @cached_property
    def _lowered(self) -> str:
        return self.text.lower()

    def _attributed(self, mention: Mention) -> bool:
        """Whether the text names `mention` as the source of something ("according to X",
        "X expects", "X's data"); decided when first asked."""
        known = self._attributions.get(mention.start)
        if known is None:
            text, rules, start, end = self.text, self.rules, mention.start, mention.end
            known = bool(
                rules.before.search(text, max(0, start - 60), start)
                or rules.possessive.match(text, end)
                or self._verb_after(end)
            )
            self._attributions[mention.start] = known
        return known

    def _verb_after(self, end: int) -> bool:
        """Whether an attribution verb follows `end` within the gap, in the same clause,
        and not as another speaker's ("... Chinese President Xi, Trend reports")."""
        text, rules = self.text, self.rules
        stop = _CLAUSE_END.search(text, end, end + rules.gap)
        verb = rules.verbs.search(text, end, stop.start() if stop else end + rules.gap)
        return verb is not None and not rules.other_speaker.search(text, end, verb.start())

    # -- scope -----------------------------------------------------------------------
    def scope(self, claim: Claim) -> str | None:
        """The one scope phrase in `claim`'s clause that its metric and entity do not
        already mean; None for none, or for several ("by road and rail": the whole flow)."""
        if claim.quote and not self._has_scope_key(claim.quote):
            return None  # no key word in the words quoted around the figure: no scope
        start, end = self._sentence(claim)
        if start < 0:
            return None
        phrases = self._scope_phrases(start, end)
        places = self._place_phrases(start, end)
        if not phrases and not places:
            return None
        first, last = self._scope_clause(start, end, claim.char_start)
        found = {
            scope.label
            for a, b, scope in phrases
            if first <= a and b <= last
            and not (scope.implied_by_metric and scope.implied_by_metric.match(claim.metric))
            and not (scope.implied_by_entity and scope.implied_by_entity.search(claim.entity or ""))
        }
        entity = claim.entity or ""
        own = set(re.split(r"[-–]", entity))  # "Tajikistan-China": both sides its own
        found |= {
            self.rules.place_label.format(place=place)
            for a, b, place in places
            if first <= a and b <= last and place not in own and not entity.startswith(place + " ")
        }
        return found.pop() if len(found) == 1 else None

    def _place_phrases(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """(start, end, place) of the "through <country>" phrases of the sentence
        `text[start:end]`, found once: a country or region of the catalog right after an
        opener."""
        known = self._placed.get(start)
        if known is None:
            known = []
            catalog = load_catalog()
            for m in self.rules.place_opener.finditer(self.text, start, end):
                place = catalog.entity_pattern.match(self.text, m.end(), end)
                if place is None or self.text.startswith(("'s", "’s"), place.end()):
                    continue  # "via Kazakhstan's seaports": the ports, not the country
                entity = catalog.entity_of_match(place)
                if entity.kind in ("country", "region"):
                    known.append((m.start(), place.end(), entity.name))
            self._placed[start] = known
        return known

    def _has_scope_key(self, quote: str) -> bool:
        """Whether `quote` holds a scope's key word (found once per quote: the claims of
        one sentence share it)."""
        known = self._keyed.get(quote)
        if known is None:
            known = self._keyed[quote] = bool(self.rules.scope_keys.search(quote.lower()))
        return known

    def _scope_clause(self, start: int, end: int, offset: int) -> tuple[int, int]:
        """The part of the sentence `text[start:end]` around `offset` that a scope phrase
        must be in: cut only at contrasts and asides, not at "and"."""
        first, last = start, end
        for m in self.rules.scope_clause_breaks.finditer(self.text, start, end):
            if m.end() <= offset:
                first = m.end()
            elif m.start() >= offset:
                last = m.start()
                break
        return first, last

    def _scope_phrases(self, start: int, end: int) -> list[tuple[int, int, _Scope]]:
        """The scope phrases of the sentence `text[start:end]` (found once), without those
        that follow an inclusive word ("including transit")."""
        known = self._scoped.get(start)
        if known is None:
            rules = self.rules
            sentence = self.text[start:end]
            lowered = sentence.lower()
            keys = set(rules.scope_keys.findall(lowered))
            known = [
                (start + m.start(), start + m.end(), scope)
                for scope in rules.scopes
                if not scope.keys.isdisjoint(keys)
                for m in finditer(scope.pattern, sentence, lowered)
                if not rules.inclusive.search(sentence, max(0, m.start() - 30), m.start())
            ]
            self._scoped[start] = known
        return known

    # -- places ----------------------------------------------------------------------
    def _paragraph_of(self, offset: int) -> int:
        number = bisect.bisect_right(self._starts, offset) - 1
        if number < 0:
            return -1
        start, para = self._paragraphs[number]
        return number if offset < start + len(para) else -1

    def _sentence(self, claim: Claim) -> tuple[int, int]:
        """The document offsets of `claim`'s sentence: its quote, where the quote is the
        sentence written out around the figure (as prose claims' are), else cut anew."""
        quote = claim.quote
        if quote:
            at = self.text.find(quote, max(0, claim.char_end - len(quote)), claim.char_start + len(quote))
            if 0 <= at <= claim.char_start and claim.char_end <= at + len(quote):
                return at, at + len(quote)
        number = self._paragraph_of(claim.char_start)
        return self._sentence_of(number, claim.char_start) if number >= 0 else (-1, -1)

    def _sentence_of(self, number: int, offset: int) -> tuple[int, int]:
        """The document offsets of the sentence of paragraph `number` holding `offset`."""
        spans = self._sentences.get(number)
        if spans is None:
            start, para = self._paragraphs[number]
            spans = [(start + s.start, start + s.start + len(s.text)) for s in sentences(para)]
            self._sentences[number] = spans
        for a, b in spans:
            if a <= offset < b:
                return a, b
        start, para = self._paragraphs[number]
        return start, start + len(para)

    def _clause_of(self, start: int, end: int, offset: int) -> tuple[int, int]:
        for a, b in self._clauses(start, end):
            if start + a <= offset < start + b:
                return start + a, start + b
        return start, end

    def _clauses(self, start: int, end: int) -> list[tuple[int, int]]:
        key = (start, end)
        if key not in self._clause_spans:
            self._clause_spans[key] = clauses(self.text[start:end])
        return self._clause_spans[key]
