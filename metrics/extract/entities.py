"""Entity attribution: which of the entities a sentence names a figure is about.

The nearest mention is a weak guide: a partner named in a list ("China (21.9%), Russia
(15.8%)") is not what "the country's exports" refers to, two countries of a bilateral
figure are one entity in a fixed order, and a sector growth is about a sector of an economy
("Georgia construction"). The rules here combine the mentions `DocumentContext` found; the
data they read is in `metrics/data/entity_rules.yaml` (which countries report, which metrics
are about sectors, which anaphora point to the document's topic).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Protocol

from metrics import data as package_data
from metrics.extract.cues import ONE_SPACE
from metrics.lexicon.textscan import alternation, finditer, skip_to

PAIR_KINDS = ("country", "region")
"""What may stand on either side of a bilateral pair: "Kazakhstan-China", "China-Central Asia"."""


class Mention(Protocol):
    """What the rules need of an entity mention (context.EntityMention)."""

    start: int
    end: int
    name: str
    kind: str
    explicit: bool


@dataclass(frozen=True)
class EntityRules:
    """The data of `entity_rules.yaml`."""

    reporting_countries: frozenset[str]
    sector_metrics: frozenset[str]
    topic_anaphora: frozenset[str]
    sector_before_figure: re.Pattern[str]  # whole gap: sector ... figure
    sector_after_figure: re.Pattern[str]  # whole gap: figure ... sector
    cause_phrase: re.Pattern[str]  # a reason phrase, from its opener to a comma or stop
    figure_anaphora: re.Pattern[str]  # "this indicator": the figure before
    pronoun_subject: re.Pattern[str]  # "It" opening a sentence
    leading_phrase: re.Pattern[str]  # "As the largest economy in Central Asia, "
    whole_trade: re.Pattern[str]  # "total exports": a country's whole trade, not a pair's
    named_route: re.Pattern[str]  # "the Turkmenbashi port – Alat port (Baku) route"
    transit_metrics: frozenset[str]  # counted by the country goods pass through
    named_port: re.Pattern[str]  # "Port Veln", "the Veln Commercial Sea Port"
    not_port_names: frozenset[str]
    joined_ports: re.Pattern[str]  # "the ports of Aktau and Kuryk", "Poti and Batumi ports"
    country_ports_after: re.Pattern[str]  # "['s] seaports" right after a country
    country_ports_before: re.Pattern[str]  # "ports of (the) " right before a country
    named_operator: re.Pattern[str]  # "Turkmenistan's Merchant Marine Fleet"
    operator_words_lowered: tuple[str, ...]  # a cheap test before `named_operator`
    speaker_title: re.Pattern[str]  # "the deputy chairman of ": ends right before a name


def _cause_list_items(new_clause_words: list[str]) -> str:
    """The rest of a list of causes: "supported by consumption, investment, and exports";
    items of up to four words with no figure, not a new clause ("..., while Georgia grew").
    No upper-case escapes: the pattern is scanned case-folded."""
    stop = alternation(new_clause_words, space=ONE_SPACE)
    return (
        rf"(?:\s*,\s*(?:and\s+)?(?!(?:{stop})\b)"
        r"(?!\d)\w[\w'’-]*(?:\s+(?!\d)\w[\w'’-]*){0,3}(?=\s*(?:[,;.\n]|$)))*"
    )


@cache
def entity_rules() -> EntityRules:
    """The packaged rules, parsed once."""
    data = package_data.load("entity_rules.yaml")
    return EntityRules(
        reporting_countries=frozenset(data["reporting_countries"]),
        sector_metrics=frozenset(data["sector_metrics"]),
        topic_anaphora=frozenset(data["topic_anaphora"]),
        sector_before_figure=_gap(data["sector_before_figure"]),
        sector_after_figure=_gap(data["sector_after_figure"]),
        cause_phrase=re.compile(
            skip_to(data["cause_openers"])
            + r"\b(?:"
            + alternation(data["cause_openers"], space=ONE_SPACE)
            + r")\b[^,;.\n]*"
            + _cause_list_items(data["cause_list_stops"]),
            re.IGNORECASE,
        ),
        figure_anaphora=_gap(data["figure_anaphora"]),
        whole_trade=re.compile(
            r"\b(?:" + alternation(data["whole_trade_words"], space=ONE_SPACE) + r")\b", re.IGNORECASE
        ),
        named_route=_named_route(data["route_nouns"], data["route_place_words"]),
        transit_metrics=frozenset(data["transit_metrics"]),
        named_port=_named_port(data["port_words_before"], data["port_words_after"]),
        not_port_names=frozenset(data["not_port_names"]),
        joined_ports=_joined_ports(data["joined_ports_before"], data["joined_ports_after"]),
        country_ports_after=re.compile("|".join(data["country_ports_after"]), re.IGNORECASE),
        country_ports_before=re.compile("|".join(data["country_ports_before"]), re.IGNORECASE),
        named_operator=re.compile(
            r"\b[A-Z][\w-]+['’]s\s+(?P<name>(?:[A-Z][\w-]+\s+){0,3}?(?:"
            + alternation(data["operator_words"], space=ONE_SPACE)
            + r"))\b"
        ),
        operator_words_lowered=tuple(w.lower() for w in data["operator_words"]),
        speaker_title=re.compile(
            r"\b(?:(?:deputy|vice|acting|board)[\s-]+)*(?:"
            + alternation(data["speaker_titles"], space=ONE_SPACE)
            + r")\s+of\s+(?:the\s+)?\Z",
            re.IGNORECASE,
        ),
        pronoun_subject=re.compile(
            r"\s*(?:" + alternation(data["pronoun_subjects"], space=ONE_SPACE) + r")\b"
        ),
        leading_phrase=re.compile(
            r"\s*(?:" + alternation(data["leading_phrase_openers"], space=ONE_SPACE) + r")\b"
            r"[^,;.\n]{0,120},"
        ),
    )


def _named_route(nouns: list[str], place_words: list[str]) -> re.Pattern[str]:
    """Two or more capitalised names joined by dashes, each perhaps with a place word, an
    optional bracket, then a route noun: the name of a route between them."""
    place = rf"(?:\s+(?:{alternation(place_words, space=ONE_SPACE)}))?"
    end = r"[A-Z][\w'’]+"
    dash = r"\s*[-–—]\s*"
    return re.compile(
        rf"(?<![-–—\w])(?<![-–—]\s)(?P<a>{end}){place}{dash}(?P<b>{end}{place}(?:{dash}{end}{place})*)"
        rf"(?:\s*\([^()\n]{{1,30}}\))?\s+(?:{alternation(nouns, space=ONE_SPACE)})\b"
    )


def _named_port(before: list[str], after: list[str]) -> re.Pattern[str]:
    """A capitalised name after "Port (of)" or before a port word (any case)."""
    name = r"[A-Z][\w'’-]+"
    after_words = alternation(after, space=ONE_SPACE)
    return re.compile(
        rf"\b(?:{alternation(before, space=ONE_SPACE)})\s+(?P<a>{name})\b"
        rf"|\b(?P<b>{name})\s+(?i:{after_words})\b(?!\s+of\b)"  # "the port of X" is X's
    )


def _joined_ports(before: list[str], after: list[str]) -> re.Pattern[str]:
    name = r"[A-Z][\w'’-]+"
    return re.compile(
        rf"\b(?i:{alternation(before, space=ONE_SPACE)})\s+(?P<a>{name})\s+and\s+(?P<b>{name})\b"
        rf"|\b(?P<c>{name})\s+and\s+(?P<d>{name})\s+(?i:{alternation(after, space=ONE_SPACE)})\b"
    )


def joined_ports(text: str, rules: EntityRules | None = None) -> list[tuple[int, int, str]]:
    """(start, end, name) of two ports named as one subject: "the ports of Aktau and Kuryk"
    is "Aktau port and Kuryk port"."""
    rules = rules or entity_rules()
    return [
        (m.start(), m.end(), " and ".join(f"{n} port" for n in (m["a"] or m["c"], m["b"] or m["d"])))
        for m in rules.joined_ports.finditer(text)
    ]


def named_ports(text: str, rules: EntityRules | None = None) -> list[tuple[int, int, str]]:
    """(start, end, name) of the ports `text` names that need no catalog: "Port Veln",
    "Veln Commercial Sea Port" are "Veln port"."""
    rules = rules or entity_rules()
    found = []
    for m in rules.named_port.finditer(text):
        name = m["a"] or m["b"]
        if name not in rules.not_port_names:
            found.append((m.start(), m.end(), f"{name} port"))
    return found


def named_operators(text: str, rules: EntityRules | None = None) -> list[tuple[int, int, str]]:
    """(start, end, name) of the companies `text` names after an owner's possessive:
    "Georgia's Black Sea Shipping Company" -> "Black Sea Shipping Company", starting where
    the owner does. Whether the owner is a country is the caller's to check (the catalog
    knows)."""
    rules = rules or entity_rules()
    return [(m.start(), m.end(), m["name"]) for m in rules.named_operator.finditer(text)]


def named_routes(text: str, rules: EntityRules | None = None) -> list[tuple[int, int, str]]:
    """(start, end, name) of the routes `text` names by their two ends: "the Turkmenbashi
    port – Alat port (Baku) route" is the "Turkmenbashi-Alat route"."""
    rules = rules or entity_rules()
    return [
        (m.start(), m.end(), "-".join(_route_ends(m.group(0))) + " route")
        for m in rules.named_route.finditer(text)
    ]


def _route_ends(name: str) -> list[str]:
    """The capitalised ends of a route's name, without place words and brackets."""
    name = re.sub(r"\([^()]*\)", " ", name)
    return [w for part in re.split(r"\s*[-–—]\s*", name) for w in part.split()[:1] if w[0].isupper()]


def _gap(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def topic_of(mentions: Iterable[Mention], kind: str) -> str | None:
    """The entity of `kind` a document names most often (the first named on a tie).

    "The country" in a report about one economy means that economy, even right after a
    list of its trading partners.
    """
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for e in mentions:
        if e.kind == kind and e.explicit:
            counts[e.name] += 1
            first.setdefault(e.name, e.start)
    if not counts:
        return None
    return min(counts, key=lambda name: (-counts[name], first[name]))


def pair_name(first: Mention, second: Mention, rules: EntityRules | None = None) -> str:
    """'A-B' in the convention's order: a country before a region, a reporting country
    before its partner, else the order of the text."""
    rules = rules or entity_rules()

    def rank(e: Mention) -> tuple[int, int]:
        return (e.kind == "region", e.name not in rules.reporting_countries)

    a, b = sorted((first, second), key=rank)  # stable: the text's order on a tie
    return f"{a.name}-{b.name}"


def pair_entity(
    in_sentence: Sequence[Mention],
    in_document: Sequence[Mention],
    clause: tuple[int, int],
    text: str,
    offset: int,
    single_allowed: bool,
    rules: EntityRules | None = None,
) -> tuple[int, str | None]:
    """The bilateral entity of a sentence: two countries or regions linked by a short phrase
    ("China's trade with Central Asian nations", "between Armenia and Iran"), else the first
    two countries in the figure's clause (a country in another clause is not a side:
    "X's turnover reached $5bn, while Chinese investment grew"). `text` is the sentence,
    starting at document offset `offset`; `clause` is in document offsets.

    With one named ("bring the trade turnover with Azerbaijan to $15 billion", a list line
    "- Kyrgyzstan: $2.7 billion") and `single_allowed`, the other side is the country or
    region the document names most often besides it.

    Returns (reach, name) as `DocumentContext.nearest_entity` does: 0 both sides in the
    sentence, 2 one side from the document (weaker than a country named in the clause, so
    a country's own total keeps its country), 4 none.
    """
    sides = [e for e in in_sentence if e.kind in PAIR_KINDS]
    for a, b in pairwise(sides):  # every mention: a dateline may name one side first
        if a.name != b.name and _LINKED.fullmatch(text[a.end - offset : b.start - offset]):
            return 0, pair_name(a, b, rules)  # "China's trade with Central Asia"
    named = _first_of_each(sides)
    # a country named again in the figure's clause is a side there too
    countries = _first_of_each(
        [e for e in sides if e.kind == "country" and clause[0] <= e.start < clause[1]]
    )
    if len(countries) >= 2:
        return 0, pair_name(countries[0], countries[1], rules)
    if not named and _BOTH_SIDES.search(text):
        # "trade turnover between the two countries": the two the document names most
        top = _most_named(in_document, 2)
        if len(top) == 2:
            return 0, pair_name(top[0], top[1], rules)
    if len(named) == 1 and single_allowed:
        partner = _partner_of(named[0], in_document)
        if partner is not None:
            # "the trade turnover with Azerbaijan": the other side is the speaker's country
            stated = _OTHER_SIDE_IMPLIED.search(text[: named[0].start - offset])
            return (0 if stated else 2), pair_name(named[0], partner, rules)
    return 4, None


def _first_of_each(mentions: Sequence[Mention]) -> list[Mention]:
    """The first mention of each name, in order."""
    first: list[Mention] = []
    for e in mentions:
        if all(e.name != n.name for n in first):
            first.append(e)
    return first


_LINKED = re.compile(
    r"(?:['’]s)?\s*(?:\w+\s+){0,3}?(?:with|and|to|from)\s+(?:the\s+)?|\s*[-–—]\s*", re.IGNORECASE
)
"""Between the two sides of a pair: "'s trade with", " and ", "–"."""


_OTHER_SIDE_IMPLIED = re.compile(
    r"\b(?:trade|turnover|exports?|imports?)\s+(?:\w+\s+){0,2}?(?:with|to|from)\s+(?:the\s+)?\Z",
    re.IGNORECASE,
)
"""Before the one country named: the figure is a trade with it ("trade turnover with")."""


_BOTH_SIDES = re.compile(r"\b(?:(?:between|of) (?:the|our) two countries|both countries)\b", re.I)
"""A pair named by anaphora: "between the two countries", "both countries"."""


def pair_carried(
    previous: str | None,
    in_sentence: Sequence[Mention],
    text: str,
    rules: EntityRules | None = None,
) -> str | None:
    """The pair of the figure before, when this sentence names one of its sides ("the
    country" does not name one) and no other country ("Kazakhstan's trade with China reached $24bn. Exports from Kazakhstan rose 35%
    to $13bn."), and no word makes the figure the country's whole trade."""
    rules = rules or entity_rules()
    if not previous or "-" not in previous or rules.whole_trade.search(text):
        return None
    countries = {e.name for e in in_sentence if e.kind in PAIR_KINDS and e.explicit}
    if len(countries) != 1:
        return None
    (one,) = countries
    return previous if one in previous.split("-") else None


def _most_named(in_document: Sequence[Mention], n: int) -> list[Mention]:
    """The `n` countries the document names most often, each at its first mention."""
    counts = Counter(e.name for e in in_document if e.kind == "country" and e.explicit)
    names = sorted(counts, key=lambda name: -counts[name])[:n]
    return [next(e for e in in_document if e.name == name) for name in names]


def _partner_of(one: Mention, in_document: Sequence[Mention]) -> Mention | None:
    counts = Counter(e.name for e in in_document if e.kind == "country" and e.explicit)
    counts.pop(one.name, None)
    if not counts:
        return None
    best = max(counts, key=lambda name: counts[name])
    return next(e for e in in_document if e.name == best)


def sector_in_clause(
    in_sentence: Sequence[Mention],
    clause: tuple[int, int],
    figure_start: int,
    figure_end: int,
    text: str,
    offset: int,
    rules: EntityRules | None = None,
) -> tuple[str | None, bool]:
    """(sector, at_figure): the sector a figure is about, and whether it is named right at
    the figure (a gap of `sector_after_figure` / `sector_before_figure`), which makes the
    figure a sector figure even when the clause names GDP growth.

    One named right after the figure wins ("4.3% in the industrial sector, 12.8% in
    trade"), then one right before it ("construction (10.3%)"; a sector name may hold "and"
    and so straddle a clause break), then the nearest before it in its clause, then the
    first after it there. Offsets (`clause` too) are document offsets; `text` is the
    sentence, which starts at `offset`.
    """
    rules = rules or entity_rules()
    sectors = [e for e in in_sentence if e.kind == "sector"]
    after = [e for e in sectors if e.start >= figure_end]
    before = [e for e in sectors if e.end <= figure_start]
    if after and rules.sector_after_figure.fullmatch(
        text[figure_end - offset : after[0].start - offset]
    ):
        return after[0].name, True
    if before and rules.sector_before_figure.fullmatch(
        text[before[-1].end - offset : figure_start - offset]
    ):
        return before[-1].name, True
    before = [e for e in before if e.start >= clause[0]]
    if before:
        return before[-1].name, False
    after = [e for e in after if e.start < clause[1]]
    return (after[0].name if after else None), False


_APPOSITIVE_OPENS = re.compile(r"[\"”»’']?,[\"”»’']?\s+[^,;.()\n]{0,50}\Z")
_APPOSITIVE_CLOSES = re.compile(r"[^,;.()\n]{0,50}?,")
_DESCRIPTIVE_WORD = re.compile(r"\b(?!and\b)[a-z]{3,}\b")


def appositive_mentions(text: str, mentions: Sequence[Mention]) -> set[int]:
    """Indices of mentions inside an appositive: "Port Z, a key node of the Corridor,
    handled 3 Mt", "The economy of Turkmenistan, Central Asia's largest gas producer, grew".

    The aside follows another mention after a comma, closes with a comma within a few
    words, and holds a descriptive (lower-case) word, which a plain list ("China, Russia,
    Kazakhstan") does not, and no figure (a list of figures is no aside). The subject named before the aside, not the entity inside it,
    is what the clause is about. `text` is the document; offsets are document offsets.
    """
    found: set[int] = set()
    for i in range(1, len(mentions)):
        before, e = mentions[i - 1], mentions[i]
        if "sector" in (before.kind, e.kind):
            continue  # "16% in construction, 12% in trade": a list of sectors
        opening = _APPOSITIVE_OPENS.match(text, before.end, e.start)
        closing = _APPOSITIVE_CLOSES.match(text, e.end)
        if not opening or not closing:
            continue
        aside = text[before.end : closing.end()]
        if any(c.isdigit() for c in aside):
            continue  # a figure inside: a list of figures, not an aside
        if _DESCRIPTIVE_WORD.search(aside.replace(text[e.start : e.end], " ")):
            # every entity in the aside: "Mongolia, a state between Russia and China, grew"
            found.update(j for j in range(i, len(mentions)) if mentions[j].start < closing.end())
    return found


_DASHED_ASIDE = re.compile(
    r"(?:(?<=\s)[–—-]\s+|—)(?P<body>[^–—\d\n]{3,150}?)(?:\s+[–—-](?=\s)|—)"
)  # spaced dashes, or em dashes that may touch their words


def dashed_aside_mentions(
    text: str, mentions: Sequence[Mention], routes: Sequence[tuple[int, int, str]] = ()
) -> set[int]:
    """Indices of mentions inside an aside between dashes: "the economies of Central
    Asia – Kazakhstan, Kyrgyzstan and Uzbekistan – will grow" are about Central Asia.

    The aside holds no figure and is a list or a description (a comma or a lower-case word),
    not a pair of names ("Kazakhstan – China trade"), and neither dash joins the two ends of
    one of the named `routes` ("..., and the Khorgos – Lanzhou route")."""
    spans = []
    for m in _DASHED_ASIDE.finditer(text):
        body = m["body"]
        if any(a < m.end() and b > m.start("body") for a, b, _ in routes):
            continue
        if "," in body or _DESCRIPTIVE_WORD.search(body):
            spans.append((m.start("body"), m.end("body")))
    return {i for i, e in enumerate(mentions) if any(a <= e.start < b for a, b in spans)}


_TITLE_REACH = 60  # characters before a name where its speaker's title may start


def speaker_mentions(text: str, mentions: Sequence[Mention], rules: EntityRules | None = None) -> set[int]:
    """Indices of organisations named in a speaker's title: "..., the deputy chairman of
    Veln Railways (VR) said" speaks for the railway; the figure is about what the clause
    names. Countries and regions stay: a minister of Georgia speaks of Georgia's figures.
    The organisation's short name in brackets right after it goes with it."""
    rules = rules or entity_rules()
    found: set[int] = set()
    for i, e in enumerate(mentions):
        if e.kind in PAIR_KINDS:
            continue
        if i - 1 in found and mentions[i - 1].name == e.name and e.start - mentions[i - 1].end <= 2:
            found.add(i)  # "Kazakhstan Temir Zholy (KTZ)"
        elif text.endswith(" ", 0, e.start) and rules.speaker_title.search(
            text, max(0, e.start - _TITLE_REACH), e.start
        ):
            found.add(i)
    return found


def subject_of(
    sentence_text: str, sentence_start: int, mentions: Sequence[Mention], rules: EntityRules | None = None
) -> Mention | None:
    """The entity a sentence is about: its first entity after any leading phrase ("As the
    largest economy in Central Asia, Kazakhstan ..." is about Kazakhstan)."""
    rules = rules or entity_rules()
    lead = rules.leading_phrase.match(sentence_text)
    start = sentence_start + (lead.end() if lead else 0)
    end = sentence_start + len(sentence_text)
    return next((e for e in mentions if start <= e.start < end), None)


def cause_spans(text: str, rules: EntityRules | None = None) -> list[tuple[int, int]]:
    """Reason phrases with no figure of its own, in order: "lowered its 2026 projection to
    4.9% due to lower output in Azerbaijan" is not about Azerbaijan, and "grew 7.2%,
    supported by investment" is no investment figure. Offsets are those of `text`."""
    rules = rules or entity_rules()
    return [
        (m.start(), m.end())
        for m in finditer(rules.cause_phrase, text)  # case-folded: faster, same spans
        if not any(c.isdigit() for c in m.group(0))
    ]


def cause_mentions(mentions: Sequence[Mention], spans: Sequence[tuple[int, int]]) -> set[int]:
    """Indices of the mentions inside one of the reason phrases `spans`."""
    return {i for i, e in enumerate(mentions) if any(start < e.start < end for start, end in spans)}
