"""Absolute changes, and the rate written beside one.

The corpus convention (shared/corpus/README.md): an absolute change ("increased by $12.1
billion", "an increase of 2 million tons", "108,000 tons more", "a $5.4 billion increase")
is no claim, since growth is a rate or a multiple; the rate written with it is ("increased
by $12.1 billion, or 23.9%" is growth of 23.9 %, not a share). The words are data: the
change verbs, adverbs, nouns and the words after an amount are in `data/cues.yaml`.

A change per item in brackets ("trade rose with Velnia ($2.8 billion) and Ostmark ($1
billion)") is an absolute change too: the brackets hold what each partner added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from metrics.data import load
from metrics.extract.cues import ONE_SPACE, qualifier_alternation, verb_alternations
from metrics.lexicon.textscan import alternation, pattern_alternation
from metrics.models import Quantity
from metrics.vocab import Unit

# Units of a rate or a multiple: what a change is stated in when it is a claim.
_RATE_UNITS = frozenset({Unit.PERCENT, Unit.PCT_CHANGE, "pp", "x"})
# A distance or time cut is a claim of its own ("cutting the route by 1,200 km" is a
# distance saving), not the amount of a change in a level.
_SAVING_UNITS = frozenset({Unit.KM, Unit.DAY})
_HEDGE_REACH = 30  # "by" / "of" and the longest hedge after it ("not less than ")
_WINDOW = 60  # characters before an amount that may hold its change verb


@dataclass(frozen=True)
class ChangeCues:
    """Where the words of an absolute change stand, around the amount."""

    by_before: re.Pattern[str]  # "increased (year-on-year) by (about) " + amount
    noun_of_before: re.Pattern[str]  # "an increase of " + amount
    after: re.Pattern[str]  # amount + " more", " increase", " or 26.2 percent more"
    after_down: re.Pattern[str]  # the words of `after` that say it went down
    decrease_verb: re.Pattern[str]
    with_partner: re.Pattern[str]  # "increased with " ... "(" + amount
    rate_beside: re.Pattern[str]  # amount + ", or " + rate


@cache
def change_cues() -> ChangeCues:
    data = load("cues.yaml")
    growth, decrease = verb_alternations()
    hedge = rf"(?:(?:{qualifier_alternation()})\s+)?"
    adverbs = alternation(data["change_adverbs"], space=ONE_SPACE)
    after_words = alternation(data["change_after_amount"], space=ONE_SPACE)
    after_patterns = data["patterns"].get("change_after_amount", [])
    after = "|".join(
        [rf"\s*(?:{after_words})\b", *([pattern_alternation(after_patterns)] if after_patterns else [])]
    )
    return ChangeCues(
        by_before=re.compile(
            rf"\b(?:{growth}|{decrease})(?:\s+(?:{adverbs}))?\s+by\s+{hedge}\Z", re.IGNORECASE
        ),
        noun_of_before=re.compile(
            rf"\b(?:{alternation(data['change_nouns'], space=ONE_SPACE)})\s+of\s+{hedge}\Z",
            re.IGNORECASE,
        ),
        after=re.compile(rf"(?:{after})", re.IGNORECASE),  # matched at the amount's end
        after_down=re.compile(
            rf"[\s,]*(?:{alternation(data['change_after_amount_down'], space=ONE_SPACE)})\b",
            re.IGNORECASE,
        ),
        decrease_verb=re.compile(rf"\b(?:{decrease})\b", re.IGNORECASE),
        with_partner=re.compile(rf"\b(?:{growth}|{decrease})\s+with\s", re.IGNORECASE),
        rate_beside=re.compile(
            rf"\A\s*(?:(?:{after_words})\b)?\s*"
            rf"(?:{alternation(data['rate_beside_change'], space=ONE_SPACE)})\s*\Z",
            re.IGNORECASE,
        ),
    )


def is_absolute_change(text: str, q: Quantity) -> bool:
    """Whether `q` is the amount of a change ("rose by 40,000 tons"), not a level."""
    if q.unit in _RATE_UNITS or q.unit in _SAVING_UNITS:
        return False
    c = change_cues()
    before = text[max(0, q.start - _WINDOW) : q.start]
    near = before[-_HEDGE_REACH:].lower()  # the cheap look: "by" or "of" must be near
    if ("by" in near and c.by_before.search(before)) or (
        "of" in near and c.noun_of_before.search(before)
    ):
        return True
    if c.after.match(text, q.end):
        return True
    return _bracketed_per_partner(text, q)


def _bracketed_per_partner(text: str, q: Quantity) -> bool:
    """ "trade increased with Velnia ($2.8 billion), Ostmark ($1 billion)": the bracket after
    each partner holds its part of the change."""
    if not re.search(r"\(\s*\Z", text[max(0, q.start - 3) : q.start]):
        return False
    opened = text.rfind("(", 0, q.start)
    verbs = list(change_cues().with_partner.finditer(text, 0, opened))
    if not verbs:
        return False
    # every amount between the verb and this one is bracketed: one list of partners
    between = text[verbs[-1].end() : opened]
    return not re.search(r"\b(?:to|reach\w*|amount\w*|total\w*|stood)\b", between, re.IGNORECASE)


def rate_beside_change(text: str, q: Quantity, previous: Quantity | None) -> int | None:
    """The sign of a change whose amount `previous` is and whose rate `q` is ("by 40,000
    tons, or 17%": +1), or None when `q` is no rate written beside an absolute change."""
    if previous is None or q.unit != Unit.PERCENT:
        return None
    c = change_cues()
    if not c.rate_beside.match(text[previous.end : q.start]):
        return None
    if not is_absolute_change(text, previous):
        return None
    before = text[max(0, previous.start - _WINDOW) : previous.start]
    after_rate = text[q.end : q.end + 20]
    down = (
        c.decrease_verb.search(before)
        or c.after_down.match(text, previous.end)
        or c.after_down.match(after_rate)
        or re.match(r"\s*(?:lower|down)\b", after_rate, re.IGNORECASE)
    )
    return -1 if down else 1
