"""Which of a sentence's periods a figure may take, and which may carry to later sentences.

A period written in a sentence does not reach every figure in it. A parenthesis that holds
a figure of its own ("up 9 % ($5.3bn in January-June 2023)") is an aside: its period dates
that inner figure only. After a comparison word ("than", "compared with") a period is the
base of a change, not the period of the figure before it ("31 % more than in January
2023"), however far the comparison runs. A period of a plan ("tasks for 2025") dates the
plan, not the results in the next sentence. The spans are found from the rules in
`metrics/data/period_scope.yaml`, so new phrasings are data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from metrics import data
from metrics.lexicon.periods import PeriodMention
from metrics.lexicon.textscan import alternation


@dataclass(frozen=True)
class ScopeRules:
    """The compiled rules of `period_scope.yaml`."""

    aside_open: str
    aside_close: str
    comparison: re.Pattern[str]
    plan_before: re.Pattern[str]
    vintage_after: re.Pattern[str]
    vintage_before: re.Pattern[str]
    respective_after: re.Pattern[str]
    event_before: re.Pattern[str]
    respective_joiner: re.Pattern[str]


@cache
def scope_rules() -> ScopeRules:
    raw = data.load("period_scope.yaml")
    return ScopeRules(
        aside_open=raw["aside"]["open"],
        aside_close=raw["aside"]["close"],
        comparison=re.compile(rf"\b(?:{alternation(raw['comparison_openers'])})\b", re.IGNORECASE),
        plan_before=re.compile(
            rf"\b(?:{alternation(raw['plan_before'])})\s+(?:the\s+)?\Z", re.IGNORECASE
        ),
        vintage_after=re.compile(
            rf"\A[\s,]*(?:{alternation(raw['vintage_after'])})\b", re.IGNORECASE
        ),
        vintage_before=re.compile(
            rf"\b(?:{alternation(raw['vintage_before'])})\s+\Z", re.IGNORECASE
        ),
        respective_after=re.compile(
            rf"[\s,]*(?:{alternation(raw['respective_markers'])})\b", re.IGNORECASE
        ),
        event_before=re.compile(
            rf"\b(?:{alternation(raw['event_before'])})\s+(?:(?:in|on|at\s+the\s+end\s+of)\s+)?\Z",
            re.IGNORECASE,
        ),
        respective_joiner=re.compile(
            rf"\s*(?:{alternation(raw['respective_joiners'])})\s*", re.IGNORECASE
        ),
    )


def asides(text: str, figures: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the parentheses in `text` that hold one of `figures` (start, end offsets)."""
    rules = scope_rules()
    spans: list[tuple[int, int]] = []
    if rules.aside_open not in text:
        return spans  # most sentences: no need to read them character by character
    depth, opened = 0, 0
    for i, ch in enumerate(text):
        if ch == rules.aside_open:
            if depth == 0:
                opened = i
            depth += 1
        elif ch == rules.aside_close and depth:
            depth -= 1
            if depth == 0 and any(opened < a and b <= i for a, b in figures):
                spans.append((opened, i + 1))
    return spans


def inside(pos: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The span of `spans` that holds `pos`, if any."""
    return next(((a, b) for a, b in spans if a <= pos < b), None)


def in_comparison(text: str, clause: tuple[int, int], mention: PeriodMention,
                  figures: list[tuple[int, int]]) -> bool:
    """A comparison word stands between the last figure before `mention` and it, in its clause.

    "31 % more than the volume carried in January 2023": the period is compared with.
    """
    start = clause[0]
    for a, b in figures:
        if b <= mention.start and a >= start:
            start = b
    if start == clause[0]:
        return False  # no figure before it in the clause: nothing is compared ("more than half")
    end = mention.start
    if text[end : end + 5].lower() == "from ":
        end += 4  # a span written "from January through March" took the word in
    return scope_rules().comparison.search(text, start, end) is not None


def is_plan_period(text: str, mention: PeriodMention) -> bool:
    """The period follows a plan word ("tasks for 2025"): the plan's period."""
    return scope_rules().plan_before.search(text[max(0, mention.start - 30) : mention.start]) is not None


def is_vintage(text: str, mention: PeriodMention) -> bool:
    """The period dates a forecast or a report, not a figure: "in June it expected ...",
    "its April 2023 outlook"."""
    rules = scope_rules()
    after = text[mention.end : mention.end + 30]
    if not rules.vintage_after.search(after):
        return False
    # "in June it expected": a subject follows; "its April 2023 outlook": a report's name
    lead = after.lstrip(" ,").lower()
    return lead.startswith(("it ", "they ", "the bank", "the fund")) or bool(
        rules.vintage_before.search(text[max(0, mention.start - 8) : mention.start])
    )


def leads_next_figure(text: str, mention: PeriodMention, figure_starts: list[int]) -> bool:
    """'5.6 % in 2024, and in 2023, 7.2 %': a period after a coordinating comma that a figure
    follows at once leads that figure."""
    return any(mention.end <= a <= mention.end + 4 for a in figure_starts) and bool(
        re.match(r"\s*,?\s*\Z", text[mention.end : min(a for a in figure_starts if a >= mention.end)])
    )


def respective_period(
    text: str, figure: int, figures: list[tuple[int, int]], mentions: list[PeriodMention]
) -> PeriodMention | None:
    """The period of figure number `figure` of a list closed by "respectively": the list's
    place in the periods written last before the list ("6.6 % and 4.1 %, respectively"
    after "in 2023 ... in 2024")."""
    rules = scope_rules()
    first = last = figure
    while first > 0 and rules.respective_joiner.fullmatch(
        text, figures[first - 1][1], figures[first][0]
    ):
        first -= 1
    while last + 1 < len(figures) and rules.respective_joiner.fullmatch(
        text, figures[last][1], figures[last + 1][0]
    ):
        last += 1
    if first == last or not rules.respective_after.match(text, figures[last][1]):
        return None
    before = [m for m in mentions if m.end <= figures[first][0]]
    count = last - first + 1
    if len(before) < count:
        return None
    return before[len(before) - count + figure - first]


def is_event_date(text: str, mention: PeriodMention) -> bool:
    """The period dates an event of what the figure describes ("was commissioned in 2017")."""
    return scope_rules().event_before.search(text[max(0, mention.start - 40) : mention.start]) is not None
