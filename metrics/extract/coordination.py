"""Coordination and lists: figures of one sentence that share a verb, a lead, a unit or a whole.

News lists figures instead of repeating the words that say what they are: "exports rose by
12% for chemicals, by 8.5% for timber and 3% for textiles" (one verb for three growth
rates), "freight increased: machinery – 14%, chemicals – 9%" (a lead and dash items),
"2.5 Mt for oil, 447,000 t for grain" (each figure's category right after it), "China
(21.9%), Russia (15.8%)" (shares of the lead's whole), "2 million tons by rail and 350,000
by truck" (the unit written once). Read one figure at a time, the later items lose what
only the lead says, or take the category of the item before them. The functions here
answer, for one figure of such a sentence, what the list gives it; `prose.py` asks only
when a sentence holds two figures or a list marker (`is_list_sentence`).

The words are data (data/coordination.yaml); the grammar is here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from metrics.data import load
from metrics.extract.cues import prose_cues
from metrics.lexicon.periods import PeriodMention
from metrics.lexicon.textscan import alternation, pattern_alternation
from metrics.models import Period, Quantity
from metrics.vocab import Measure, Unit

ONE_SPACE = " "
# Units an elided unit may be carried from: amounts, not rates or multiples.
_AMOUNT_UNITS = frozenset(Unit) - {
    Unit.PERCENT,
    Unit.PCT_CHANGE,
    Unit.TIMES,
    Unit.COUNT,
    Unit.DAY,
    Unit.PP,
}
_MAX_ITEM_GAP = 90  # characters between two items of one list
_ITEM_REACH = 60  # how far before its figure a dash item may begin
_MAX_UNIT_GAP = 150  # between an amount and a number that takes its unit ("(301.6 thousand)")
_SENTENCE_END = re.compile(r"[.!?]\s+[A-Z]")
_CLOSE_BRACKET = re.compile(r"\A\s*\)")
_ONLY_BRACKET = re.compile(r"\s*\(\s*")
_FIGURE_JOINER = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)", re.I)
_COMMA_SPACE = re.compile(r"\s*,?\s*")
_ITEM_AND = re.compile(r"\band\b", re.I)
_SPLIT_OPENS = re.compile(r"(?:\A|[,;:.(]\s*)\Z")
_SPLIT_GAP = re.compile(r"(?:\s+[\w'’-]+){0,5}\s*,?\s*")
_LIST_MARKS = frozenset("-–—:")
_YEAR_PAIR = re.compile(r"(?:19|20)\d\d\s*(?:,\s*(?:19|20)\d\d\s*)*,?\s*and\s+(?:19|20)\d\d")
_YEAR = re.compile(r"(?:19|20)\d\d")
_RESPECTIVELY_REACH = 60  # "5% and 7% in January-March and January-June 2024, respectively"
_PERIOD_LEAD = re.compile(r"\s*(?:in|for|during)\s+(?:the\s+)?", re.I)
_PERIOD_JOINER = re.compile(r"\s*(?:,\s*)?(?:and\s+)?(?:(?:in|for|during)\s+(?:the\s+)?)?", re.I)
_CLAUSE_END = re.compile(r"\s*(?:[,.;:)]|\Z|respectively\b)", re.I)
_CATEGORY_SUFFIX = re.compile(r" \([^()]*\)\Z")
_CATEGORY_WORDS = re.compile(
    r"\A\s*(?:(?:are|were|is|was|for|of)\s+)?([A-Za-z][\w'’-]*(?: [a-z][\w'’-]*){0,2})"
)


@dataclass(frozen=True)
class CoordinationCues:
    """Compiled once from data/coordination.yaml."""

    markers: tuple[str, ...]
    joiner: re.Pattern[str]
    leading_joiner: re.Pattern[str]
    own_verb: re.Pattern[str]
    category_link: re.Pattern[str]
    split_lead: re.Pattern[str]
    respectively: re.Pattern[str]
    joined_before: re.Pattern[str]  # "dry and " before a category
    joined_after: re.Pattern[str]  # " and grain shipments" after a category
    generic_noun: re.Pattern[str]  # the one noun joined categories share
    dash_item: re.Pattern[str]
    headless_item: re.Pattern[str]
    verb_dash: re.Pattern[str]
    elided_unit_after: re.Pattern[str]
    elided_unit_before: re.Pattern[str]
    partner_lead_metrics: frozenset[str]
    partner_metric: str


@cache
def coordination_cues() -> CoordinationCues:
    data = load("coordination.yaml")
    patterns = data["patterns"]
    partner = data["partner_share"]
    return CoordinationCues(
        markers=tuple(data["list_markers"]),
        joiner=re.compile(rf",|\b(?:{alternation(data['joiners'], space=ONE_SPACE)})\b", re.I),
        leading_joiner=re.compile(
            rf"\A(?:(?:{alternation(data['joiners'], space=ONE_SPACE)})\s+)+", re.I
        ),
        own_verb=re.compile(rf"\b(?:{alternation(data['own_verbs'], space=ONE_SPACE)})\b", re.I),
        category_link=re.compile(
            rf"\s*(?:{alternation(data['category_links'], space=ONE_SPACE)})\s+"
            r"(?:the\s+)?(?:[\w-]+\s+){0,2}",
            re.I,
        ),
        split_lead=re.compile(
            rf"\b(?:{alternation(data['split_leads'], space=ONE_SPACE)})\b", re.I
        ),
        joined_before=re.compile(r"\b[a-z-]+\s+and\s+\Z", re.I),
        joined_after=re.compile(
            rf"\s+and\s+[a-z-]+\s+(?:{alternation(data['joined_category_nouns'], space=ONE_SPACE)})\b",
            re.I,
        ),
        generic_noun=re.compile(
            rf"(?:\A|\s)(?:{alternation(data['joined_category_nouns'], space=ONE_SPACE)})\Z"
            rf"|\A\s+(?:{alternation(data['joined_category_nouns'], space=ONE_SPACE)})\b",
            re.I,
        ),
        respectively=re.compile(  # the markers period_scope.yaml reads for periods too
            rf"\b(?:{alternation(load('period_scope.yaml')['respective_markers'], space=ONE_SPACE)})\b",
            re.I,
        ),
        dash_item=re.compile(pattern_alternation(patterns["dash_item"]), re.I),
        headless_item=re.compile(pattern_alternation(patterns["headless_item"]), re.I),
        verb_dash=re.compile(pattern_alternation(patterns["verb_dash"]), re.I),
        elided_unit_after=re.compile(pattern_alternation(patterns["elided_unit_after"]), re.I),
        elided_unit_before=re.compile(pattern_alternation(patterns["elided_unit_before"]), re.I),
        partner_lead_metrics=frozenset(partner["lead_metrics"]),
        partner_metric=partner["metric"],
    )


def _opens_bracket(text: str, at: int) -> bool:
    """Whether a bracket opens right before offset `at` (spaces allowed)."""
    return text[max(0, at - 8) : at].rstrip().endswith("(")


def _ends_with_list_mark(text: str, at: int) -> bool:
    """Whether a dash or colon stands right before offset `at` (optionally then "by"): the
    cheap test before the list patterns, which would otherwise scan the whole sentence."""
    tail = text[max(0, at - 12) : at].rstrip()
    if tail.lower().endswith("by"):
        tail = tail[:-2].rstrip()
    return bool(tail) and tail[-1] in _LIST_MARKS


def is_list_sentence(text: str, quantities: list[Quantity]) -> bool:
    """Whether a sentence may hold a list: two figures, or one figure after a list marker.
    The cheap gate before any other function here is asked."""
    if len(quantities) >= 2:
        return True
    if not quantities:
        return False
    return any(marker in text for marker in coordination_cues().markers)


def joins_items(gap: str) -> bool:
    """Whether the words between two figures only join items of one list ("for timber and",
    ", and imports by", ", while chemicals -"), with no verb of their own."""
    if len(gap) > _MAX_ITEM_GAP or ";" in gap:
        return False
    c = coordination_cues()
    return c.joiner.search(gap) is not None and c.own_verb.search(gap) is None


def measure_of_lead(
    text: str, q: Quantity, before: str, previous: tuple[Quantity, str, float] | None
) -> tuple[str, int] | None:
    """(measure, sign) a percentage takes from its list, when its own words give none.

    `previous` is the figure read before it in the sentence: (quantity, measure, value).
    - a verb, a dash and the figure: "increased - 21%", "rose: 9%";
    - an item of a list whose earlier item is a growth rate or share: "by 8.5% for timber
      and 3% for textiles", "imports by 4.5%";
    - a dash item after a lead verb: "freight increased: machinery – 14%, chemicals – 9%".
    """
    if q.unit != Unit.PERCENT:
        return None
    c, cues = coordination_cues(), prose_cues()
    marked = _ends_with_list_mark(text, q.start)
    dash = c.verb_dash.search(before) if marked else None
    if dash is not None and dash.start() < len(before):
        rest = before[: dash.start()]
        if cues.decrease_before.search(rest):
            return Measure.GROWTH, -1
        if cues.growth_before.search(rest):
            return Measure.GROWTH, 1
    if previous is not None:
        prev_q, prev_measure, prev_value = previous
        if (
            prev_q.unit in (Unit.PERCENT, Unit.PCT_CHANGE)
            and prev_measure in (Measure.GROWTH, Measure.SHARE)
            and joins_items(text[prev_q.end : q.start])
        ):
            return prev_measure, -1 if prev_value < 0 else 1
    item = c.dash_item.search(text, max(0, q.start - _ITEM_REACH), q.start) if marked else None
    if item is not None and item.end() == q.start:
        return _lead_verb_measure(text[: item.start("item")])
    return None


def continued_item(text: str, previous_end: int, q: Quantity) -> str | None:
    """The category of a list item that continues the figure before it with its head noun
    elided, or None: "revenue from freight grew by 30%, while from containers by 37%"
    -> "containers"; "oil products rose by 21%, while chemicals - 35%" -> "chemicals"."""
    gap = text[previous_end : q.start]
    if not joins_items(gap):
        return None
    c = coordination_cues()
    found = c.headless_item.search(gap)
    if found is None:
        found = c.dash_item.search(gap)
    if found is None or _has_verb(found.group("item")):
        return None
    return c.leading_joiner.sub("", found.group("item").strip()) or None


def dash_category(text: str, q: Quantity) -> tuple[int, str] | None:
    """(where it starts, the item) of a dash item right before `q`: "machinery – 14%"."""
    c = coordination_cues()
    if not _ends_with_list_mark(text, q.start):
        return None
    found = c.dash_item.search(text, max(0, q.start - _ITEM_REACH), q.start)
    if found is None or found.end() != q.start or _has_verb(found.group("item")):
        return None
    item = c.leading_joiner.sub("", found.group("item").strip())
    return (found.end("item") - len(item), item) if item else None


def _has_verb(item: str) -> bool:
    """An item with a verb of its own ("freight grew - 3%") is a clause, not a list item."""
    cues = prose_cues()
    return bool(
        cues.any_growth_verb.search(item)
        or cues.any_decrease_verb.search(item)
        or coordination_cues().own_verb.search(item)
    )


def with_category(entity: str | None, category: str | None) -> str | None:
    """ "Georgian Railway" + "chemicals" -> "Georgian Railway (chemicals)", the corpus
    convention for a part of an entity's total; an earlier item's category is replaced."""
    if not entity or not category:
        return entity
    return f"{_CATEGORY_SUFFIX.sub('', entity)} ({category})"


def _lead_verb_measure(lead: str) -> tuple[str, int] | None:
    """The measure a list's lead gives its items: its last verb of change, or a share word."""
    cues = prose_cues()
    grow = [m.start() for m in cues.any_growth_verb.finditer(lead)]
    fall = [m.start() for m in cues.any_decrease_verb.finditer(lead)]
    if grow or fall:
        return Measure.GROWTH, -1 if (fall[-1] if fall else -1) > (grow[-1] if grow else -1) else 1
    if cues.share_before.search(lead):
        return Measure.SHARE, 1
    return None


def _next_part(gap: str) -> bool:
    """The words between two parts of a split whole: the first part's name and a joiner
    (" were exports, ", " transit and ")."""
    return (
        len(gap) <= _MAX_ITEM_GAP
        and ";" not in gap
        and bool(coordination_cues().joiner.search(gap))
    )


def in_joined_categories(text: str, start: int, end: int) -> bool:
    """Whether the category cue at `start:end` is one of two joined before a shared noun:
    "dry and oil cargo", "oil and grain shipments" name the whole, not one category."""
    c = coordination_cues()
    if c.joined_after.match(text, end):
        return True
    if not c.joined_before.search(text, max(0, start - 30), start):
        return False
    cue = text[start:end]
    return bool(c.generic_noun.search(cue) or c.generic_noun.match(text[end : end + 15]))


def category_follows(text: str, figure_end: int, cue_start: int, adjacent: bool = False) -> bool:
    """Whether the cue at `cue_start` names the figure ending at `figure_end`: "300,000 t
    for fertiliser", "786,000 tons were other cargoes", "2.5 Mt accounted for oil"; with
    `adjacent`, also a cue right after the figure ("1.9 Mt by rail"), which names that
    figure but does not keep it from the others ("4.8%, driven by 5.1% growth")."""
    if adjacent and not text[figure_end:cue_start].strip():
        return True
    return coordination_cues().category_link.fullmatch(text, figure_end, cue_start) is not None


def owned_by_earlier(text: str, quantities: list[Quantity], q: Quantity, cue_start: int) -> bool:
    """Whether a cue written before `q` is the category of an earlier figure of the list:
    in "1.1 Mt of coal, 300,000 t for fertiliser", "coal" is not the second figure's."""
    earlier = None
    for p in quantities:  # in text order; the last one ending before the cue
        if p.end > cue_start or p.start >= q.start:
            break
        earlier = p
    return (
        earlier is not None
        and earlier.unit == q.unit  # items of one list; "24% higher" is not an item
        and category_follows(text, earlier.end, cue_start)
    )


def owned_by_later(text: str, quantities: list[Quantity], q: Quantity, cue_start: int) -> bool:
    """Whether a cue written after `q` is the category of a later figure of the list: in
    "of the 5.4 Mt handled, 2.2 Mt were oil", "oil" is not the total's."""
    later = [p for p in quantities if q.end <= p.start and p.end <= cue_start]
    return (
        bool(later)
        and later[-1].unit == q.unit
        and category_follows(text, later[-1].end, cue_start)
    )


def in_brackets(text: str, q: Quantity) -> bool:
    """ "(21.9%)": a figure alone in brackets."""
    return _opens_bracket(text, q.start) and bool(_CLOSE_BRACKET.match(text[q.end : q.end + 4]))


def brackets_follow(text: str, earlier_end: int, q: Quantity) -> bool:
    """ "$22.7 billion (24%)": the bracket opens right after the earlier figure."""
    return _ONLY_BRACKET.fullmatch(text, earlier_end, q.start) is not None


def split_lead_before(text: str, quantities: list[Quantity], q: Quantity) -> bool:
    """ "Of these, 34% are export, 25% import": the figure is a share of a whole before it.

    The lead opens its phrase (after the sentence start or a comma) and is followed by at
    most a few words before the first share ("of the total number of containers, 41%");
    later shares are items joined to it. "in the first months of this year, to 12.8%" is
    no split."""
    items = split_items(text, quantities, q)
    return bool(items) and all(
        p.unit == Unit.PERCENT and (i == 0 or _next_part(text[items[i - 1].end : p.start]))
        for i, p in enumerate(items)
    )


def split_items(text: str, quantities: list[Quantity], q: Quantity) -> list[Quantity]:
    """The figures from the first after a split lead ("of this", "of which") to `q`, when
    `q` is among them: parts of the whole written before ("Of this, 56,000 TEU were
    containers"); else none."""
    leads = [
        m
        for m in coordination_cues().split_lead.finditer(text, 0, q.start)
        if _SPLIT_OPENS.search(text, 0, m.start())
    ]
    if not leads:
        return []
    lead_end = leads[-1].end()
    items = [p for p in quantities if lead_end <= p.start and p.start <= q.start]
    if not items or not _SPLIT_GAP.fullmatch(text, lead_end, items[0].start):
        return []
    return items


def category_after(text: str, q: Quantity) -> str | None:
    """The words naming the part right after a share: "34% are export" -> "export"."""
    m = _CATEGORY_WORDS.match(text[q.end : q.end + 60])
    if m is None:
        return None
    words = m.group(1).split()
    while words and words[-1].lower() in ("and", "or", "while", "the"):
        words.pop()
    return " ".join(words) or None


def respective_items(
    text: str, quantities: list[Quantity], q: Quantity
) -> tuple[list[tuple[int, int]], int] | None:
    """(the spans of the items named before a "respectively" list, the index of `q`'s), or
    None: in "exports and imports grew by 19% and 24%, respectively" 24% is the imports'.

    The figures must be joined only by commas and "and", the last one right before
    "respectively"; the items are the same number of phrases before the first figure,
    the last after its "and", the others between commas.
    """
    c = coordination_cues()
    group: list[Quantity] = []
    for p in quantities:
        if group and not _FIGURE_JOINER.fullmatch(text, group[-1].end, p.start):
            group = []
        group.append(p)
        if p.end >= q.end and c.respectively.match(text, _skip_comma(text, p.end)):
            break
    else:
        return None
    if q not in group or len(group) < 2:
        return None
    joined = list(_ITEM_AND.finditer(text, 0, group[0].start))
    if not joined:
        return None
    spans = [(joined[-1].end(), group[0].start)]
    end = joined[-1].start()
    while len(spans) < len(group) - 1:
        comma = text.rfind(",", 0, end)
        if comma < 0:
            return None
        spans.insert(0, (comma + 1, end))
        end = comma
    spans.insert(0, (_lead_start(text, end), end))
    return spans, group.index(q)


def respective_period(
    text: str, quantities: list[Quantity], q: Quantity, periods: list[PeriodMention]
) -> Period | None:
    """The period a list of figures followed by a list of periods gives `q`, one each in
    order: "grew by 5% and 7% in 2022 and 2023, respectively" and "rose by 4% and 6% in
    2022 and in 2023" date the second figure 2023. With "respectively" the periods are
    those written before it; without, a run of periods right after the last figure
    ("in P1, P2 and in P3"). "2022 and 2023", which reads as one span, is split into its
    years."""
    group = _joined_figures(text, quantities, q)
    if group is None:
        return None
    last = group[-1].end
    found = coordination_cues().respectively.search(text, last, last + _RESPECTIVELY_REACH)
    if found is not None:
        run = [m for m in periods if last <= m.start and m.end <= found.start()]
    else:
        run = _period_run(text, last, periods)
    written: list[Period] = []
    for m in run:
        if _YEAR_PAIR.fullmatch(text, m.start, m.end):  # "2026 and 2027": one span, two items
            years = [int(y) for y in _YEAR.findall(text, m.start, m.end)]
            written += [Period(str(y), date(y, 1, 1), date(y, 12, 31)) for y in years]
        elif m.kind == "point":
            written.append(m.period)
        else:
            return None
    return written[group.index(q)] if len(written) == len(group) else None


def _period_run(text: str, at: int, periods: list[PeriodMention]) -> list[PeriodMention]:
    """The periods written one after another right after offset `at` ("in 2022 and in
    2023"), ending the clause."""
    run: list[PeriodMention] = []
    gap = _PERIOD_LEAD
    for m in periods:
        if m.start < at:
            continue
        if not gap.fullmatch(text, at, m.start):
            break
        run.append(m)
        at, gap = m.end, _PERIOD_JOINER
    return run if run and _CLAUSE_END.match(text, at) else []


def _joined_figures(text: str, quantities: list[Quantity], q: Quantity) -> list[Quantity] | None:
    """The two or more figures joined only by commas and "and" that hold `q`."""
    group: list[Quantity] = []
    for p in quantities:
        if group and not _FIGURE_JOINER.fullmatch(text, group[-1].end, p.start):
            if q in group:
                break
            group = []
        group.append(p)
    return group if q in group and len(group) >= 2 else None


def _skip_comma(text: str, at: int) -> int:
    m = _COMMA_SPACE.match(text, at)
    return m.end() if m else at


def _lead_start(text: str, end: int) -> int:
    """Where the first item begins: after the last comma, colon or clause word before it."""
    cut = max(text.rfind(",", 0, end), text.rfind(":", 0, end), text.rfind(";", 0, end))
    return cut + 1


def _elides_unit(text: str, amount: Quantity, q: Quantity) -> bool:
    """Whether the bare number `q` is an item coordinated with `amount`, its unit elided.

    A joiner or bracket right before it and a preposition, bracket or stop right after it;
    after a bare comma only a preposition ("Omarova, 68, has led" is an age); never across
    a sentence end the splitter missed."""
    c = coordination_cues()
    gap = text[amount.end : q.start]
    if q.start - amount.end > _MAX_UNIT_GAP or _SENTENCE_END.search(gap):
        return False
    joined = c.elided_unit_before.search(text, amount.end, q.start)
    after = c.elided_unit_after.match(text[q.end : q.end + 20])
    if joined is None or after is None:
        return False
    comma_only = joined.group().lstrip().startswith(",")
    return not comma_only or after.group().strip()[:1].isalpha()


def with_elided_units(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """A bare number coordinated with an amount takes its unit: "2 million tons by rail and
    about 350,000 by truck", "333.9 thousand TEU ... (301.6 thousand)"; one coordinated with
    a count takes the noun it counts ("300 ships this year, compared to 262 last year").

    The bare number must be followed by a preposition, a bracket or punctuation (not by a
    noun it counts), and the amount must come earlier in the same sentence.
    """
    if len(quantities) < 2:
        return quantities
    out: list[Quantity] = []
    last_amount: Quantity | None = None
    last_count: Quantity | None = None  # "300 container ships ..., compared to 262 last year"
    for q in quantities:
        if q.unit == "" and last_amount is not None and _elides_unit(text, last_amount, q):
            q = replace(q, unit=last_amount.unit, noun=None)
        elif q.unit == "" and last_count is not None and _elides_unit(text, last_count, q):
            q = replace(q, noun=last_count.noun)
        if q.unit in _AMOUNT_UNITS:
            last_amount = q
        elif q.unit == "" and q.noun:
            last_count = q
        out.append(q)
    return out
