"""Find quantities in text: numbers with their scale and unit, normalised to a base unit.

A number (`numbers.read_number`) becomes a quantity with the currency written before it
or the unit after it, a range's shared unit ("3-4%"), a minus, and the noun a bare number
counts. The words come from `vocabulary` (data/units.yaml, data/currencies.tsv).

>>> parse_quantity("reached 4.5 million tons in 2024")
Quantity(value=4500000.0, unit='t', text='4.5 million tons', start=8, end=24, low=None, high=None, noun=None)
>>> parse_quantity("worth 28.1 trillion tenge").value
28100000000000.0
>>> parse_quantity("the 32nd meeting") is None
True
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from metrics.lexicon.numbers import digits_value, read_number
from metrics.lexicon.textscan import alternation, case_folded, finditer
from metrics.lexicon.vocabulary import DIGITS, SPACE, SPACES, patterns, vocabulary
from metrics.models import Quantity

_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\b", re.IGNORECASE)
_BLANKS = re.compile(rf"{SPACE}+")
_FOLD_AFTER = re.compile(r"[-‑]?fold\b", re.IGNORECASE)
_POUNDS_AFTER = re.compile(r"[\s-]*pounds?\b", re.IGNORECASE)
_COUNTED_WORDS = re.compile(  # a dash may stand between: "26,000 – trucks"
    r"[\s,]*(?:[–—]\s*)?(?:new\s+|more\s+|additional\s+)?([A-Za-z][A-Za-z-]*(?:\s+[A-Za-z][A-Za-z-]*){0,2})"
)
_FROM_BEFORE = re.compile(r"\bfrom\s*\Z", re.IGNORECASE)
_TO_BETWEEN = re.compile(r"\s*to\s*", re.IGNORECASE)


def _currency_before(text: str, start: int) -> tuple[str, int, bool] | None:
    """A currency written before the number: '$', 'US$', 'USD', '€'; with an optional minus."""
    v = vocabulary()
    window = text[max(0, start - 12) : start]
    m = patterns().currency_before.search(window)
    if not m:
        return None
    offset = start - len(window)
    if m.group("prefix"):
        code = v.currency_prefixes[_BLANKS.sub(" ", m.group("prefix").lower())]
    elif m.group("symbol"):
        code = v.currency_symbols[m.group("symbol")]
    elif m.group("code"):
        code = m.group("code").upper()
        if code not in v.currency_codes or not m.group("code").isupper():
            return None
    else:
        code = v.currency_names[m.group("word").lower()]
    return code, offset + m.start(), bool(m.group("minus"))


def _negative_before(text: str, start: int) -> int | None:
    """Start of a minus sign or word just before `start` ("-10 k", "minus five percent")."""
    m = patterns().negative_before.search(text[max(0, start - 10) : start])
    if not m:
        return None
    before = text[: max(0, start - 10) + m.start()].rstrip()
    if before and (before[-1].isdigit() or before[-1] == "%"):
        return None  # a range like "3-4", not a sign
    return max(0, start - 10) + m.start()


def _unit_after(text: str, pos: int, lowered: str | None) -> tuple[str, float, int] | None:
    """Unit written after the number: (code, factor, end).

    `lowered`: `text.lower()` when it keeps every offset, for the long list of unit words
    to be matched case-folded (`textscan`), several times faster than ignoring case."""
    v = vocabulary()
    p = patterns()
    m = p.symbol_after.match(text, pos)
    if m:
        if m.group("unit"):
            unit, factor = v.unit_symbols[m.group("unit")]
            return unit, factor, m.end()
        if m.group("code"):
            return m.group("code"), 1.0, m.end()
        return v.currency_symbols[m.group("symbol")], 1.0, m.end()
    m = (
        p.unit_after.match(text, pos)
        if lowered is None
        else case_folded(p.unit_after).match(lowered, pos)
    )
    if m:
        if m.group("unit"):
            key = _BLANKS.sub(" ", m.group("unit").lower())
            unit, factor = v.unit_phrases[key]
            if unit == "day" and "-" in text[pos : m.start("unit")]:
                return None  # "a two-day forum" is no duration claim
            return unit, factor, m.end()
        key = _BLANKS.sub(" ", m.group("currency").lower())
        return v.currency_names[key], 1.0, m.end()
    m = _FOLD_AFTER.match(text, pos)
    if m:
        return "x", 1.0, m.end()
    return None


def _counts_year_parts(text: str, start: int) -> bool:
    """'the first three quarters', 'the last 2 quarters': a period, not the fraction 0.75."""
    p = patterns()
    return bool(p.period_count_part.match(text, start)) and bool(
        p.period_count_before.search(text[max(0, start - 12) : start])
    )


def _next_word(text: str, pos: int) -> str | None:
    """The words a bare number counts: '15,000 new jobs' -> 'jobs', '2,500 rail wagons',
    '900 China-Europe freight train trips' -> 'china-europe freight train' (three words at most)."""
    m = _COUNTED_WORDS.match(text, pos)
    return m.group(1).lower() if m else None


def _parse_at(
    text: str, start: int, lowered: str | None, *, may_open_range: bool = True
) -> Quantity | None:
    """The quantity starting at `start`; a range's second end may not open another (so
    "1 to 1 to 1 ..." is read in one pass, not by recursing through the whole text).
    `lowered` as for `_unit_after`."""
    number = read_number(text, start)
    if number is None:
        return None
    if _ORDINAL_AFTER.match(text, number.end) or _counts_year_parts(text, start):
        return None
    p = patterns()
    v = vocabulary()
    value, end = number.value, number.end
    q_start = start
    unit = ""
    negative = False

    currency = _currency_before(text, start)
    if currency:
        unit, q_start, negative = currency
        m = p.currency_scale_after.match(text, end)
        if m and not number.scaled:
            value *= v.currency_scales[m.group("scale")]
            end = m.end()
        else:
            m = p.scale_after.match(text, end)
            if m:
                value *= v.scales[m.group("scale").lower()]
                end = m.end()
    else:
        m = p.currency_code_scale_after.match(text, end)
        if m:  # "75 USD million"
            unit, end = m.group("code"), m.end()
            value *= v.scales[m.group("scale").lower()]
        else:
            found = _unit_after(text, end, lowered)
            # "2,204.62 pounds", "a twenty-pound bag": pounds of weight, unless in millions
            weight = found and _POUNDS_AFTER.match(text, end)
            if found and not (weight and not number.scaled):
                unit, factor, end = found
                value *= factor
    if not unit and number.plain_year:
        return None
    # a range: "3-4%", "8–9 million tons", "50 to 80%"
    low = high = None
    if not unit and may_open_range:
        joined = _range_partner(text, end, start, lowered)
        if joined:
            other, unit, factor, end = joined
            low, high = sorted((value * factor, other))
            value = (low + high) / 2
    if not unit and number.plain_year:
        return None
    if not negative:
        minus_at = _negative_before(text, q_start)
        if minus_at is not None:
            negative, q_start = True, minus_at
    if negative:
        value = -value
        if low is not None and high is not None:
            low, high = -high, -low
    if not math.isfinite(value):  # a thousand-digit number overflows float: no real figure
        return None
    noun = None if unit else _next_word(text, end)
    return Quantity(value, unit, text[q_start:end], q_start, end, low, high, noun)


def _range_partner(
    text: str, pos: int, start: int, lowered: str | None
) -> tuple[float, str, float, int] | None:
    """The upper end of a range whose unit is written once: '3-4%' -> (4, '%', 1, end).

    "from 6 to 10 million tons" is no range but a change: the caller's first number
    is read on its own, taking the scale and unit of the second (see find_quantities).
    """
    m = patterns().range_joiner.match(text, pos)
    if not m:
        return None
    joiner = m.group(0).strip().lower()
    before = text[max(0, start - 9) : start].lower()
    if joiner == "and" and not before.rstrip().endswith("between"):
        return None
    if joiner == "to" and before.rstrip().endswith("from"):
        return None
    other = _parse_at(text, m.end(), lowered, may_open_range=False)
    if other is None or not other.unit:
        return None
    first = read_number(text, start)
    factor = _multiplier(text, other) if first and not first.scaled else 1.0
    return other.value, other.unit, factor, other.end


def _multiplier(text: str, q: Quantity) -> float:
    """What scale and unit factor turned the first number of `q` into its value.

    "10 million tons" -> 1e6, so "from 6 to 10 million tons" reads 6 as 6 million tons.
    """
    first = re.search(DIGITS, q.text, re.VERBOSE)
    if first:
        leading = digits_value(first.group(0))
    else:
        word = read_number(text, q.start)
        leading = word.value if word and not word.scaled else 0.0
    return abs(q.value / leading) if leading else 1.0


def _changes_from(text: str, q: Quantity, nxt: Quantity | None) -> Quantity:
    """'from 6 to 10 million tons': the first number takes the second one's unit and scale."""
    if q.unit or nxt is None or not nxt.unit:
        return q
    if not _FROM_BEFORE.search(text[max(0, q.start - 8) : q.start]):
        return q
    if not _TO_BETWEEN.fullmatch(text, q.end, nxt.start):
        return q
    first = read_number(text, q.start)
    # "from 6 million to 10 million tons": a scale written with the first number is its own
    factor = _multiplier(text, nxt) if first is None or not first.scaled else 1.0
    return Quantity(q.value * factor, nxt.unit, q.text, q.start, q.end)


_ANY_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[a-z]+")


@cache
def _quantity_words() -> frozenset[str]:
    """Every word that can begin or make a quantity without a digit ("two million",
    "half a billion", "doubled"), split where the phrases have spaces or hyphens."""
    v = vocabulary()
    phrases = [*v.number_words, *v.hundred_words, *v.scales, *v.fractions, *v.multiple_words]
    return frozenset(word for phrase in phrases for word in _LETTERS.findall(phrase.lower()))


@cache
def _quantity_word() -> re.Pattern[str]:
    """A run of letters (`_LETTERS`) that is one of `_quantity_words` or ends in "fold",
    found in lower-cased text by one search rather than word by word."""
    words = _quantity_words()
    first = "".join(sorted({word[0] for word in words} | {"f"}))  # `re` skips to these
    return re.compile(
        rf"(?=[{first}])(?:(?<![a-z])(?:{alternation(words)})(?![a-z])|fold(?![a-z]))"
    )


def might_hold_quantity(text: str) -> bool:
    """False only when `find_quantities(text)` is sure to find nothing: no digit and no
    number word. Most sentences of an article hold no figure, and this look costs a
    fraction of the full parse."""
    if _ANY_DIGIT.search(text):
        return True
    return _quantity_word().search(text.lower()) is not None


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text`, in order, with offsets into `text`.

    Bare numbers come back with unit "" and `noun` set to the word they count; plain
    years and ordinals are skipped.
    """
    p = patterns()
    found: list[Quantity] = []
    consumed = 0
    folded = text.lower()
    # "İ" lowers to two characters: offsets would differ, so nothing is matched case-folded
    lowered = folded if len(folded) == len(text) else None
    for m in finditer(p.start, text, folded):
        if m.start() < consumed:
            continue
        q = _parse_at(text, m.start(), lowered)
        if q is None:
            continue
        if q.start < consumed:
            q = Quantity(
                q.value, q.unit, text[consumed : q.end], consumed, q.end, q.low, q.high, q.noun
            )
        found.append(q)
        consumed = q.end
    # over the lower-cased text when it keeps the offsets (`textscan`); the text as written
    for m in finditer(p.multiple_word, text, folded):
        found.append(
            Quantity(
                vocabulary().multiple_words[m.group(0).lower()],
                "x",
                text[m.start() : m.end()],
                m.start(),
                m.end(),
            )
        )
    for m in finditer(p.fold_word, text, folded):
        if not any(q.start <= m.start() < q.end for q in found):
            n = m.group("n").lower()
            value = vocabulary().number_words.get(n, 100.0 if n == "hundred" else 0.0)
            found.append(Quantity(value, "x", text[m.start() : m.end()], m.start(), m.end()))
    found.sort(key=lambda q: q.start)
    return [
        _changes_from(text, q, found[i + 1] if i + 1 < len(found) else None)
        for i, q in enumerate(found)
    ]


def parse_quantity(text: str) -> Quantity | None:
    """The first quantity in `text`, or None."""
    found = find_quantities(text)
    return found[0] if found else None


@dataclass(frozen=True)
class _LabelPatterns:
    unit: re.Pattern[str]
    symbol: re.Pattern[str]
    currency: re.Pattern[str]
    scale: re.Pattern[str]
    currency_scale_after: re.Pattern[str]


_LABEL_EDGE = r"(?<![\w'’])", r"(?![\w])"  # a whole word: "t" but not "don't", "at"


@cache
def _label_patterns() -> _LabelPatterns:
    v = vocabulary()
    before, after = _LABEL_EDGE
    codes = "|".join(sorted(v.currency_codes))
    return _LabelPatterns(
        unit=re.compile(
            rf"{before}(?:{alternation(v.unit_phrases, SPACES)})(?![A-Za-z])", re.IGNORECASE
        ),
        symbol=re.compile(rf"{before}(?:{alternation(v.unit_symbols, SPACES)}){after}"),
        currency=re.compile(
            rf"(?P<prefix>{alternation(v.currency_prefixes, SPACES)})|(?P<symbol>(?-i:{alternation(v.currency_symbols, SPACES)}))"
            rf"|{before}(?P<code>{codes}){after}"
            rf"|{before}(?P<name>{alternation(v.currency_names, SPACES)}){after}",
            re.IGNORECASE,
        ),
        scale=re.compile(
            rf"{before}(?:{alternation(v.label_scales, SPACES)})(?:\.|{after})", re.IGNORECASE
        ),
        currency_scale_after=re.compile(rf"{SPACE}*({alternation(v.currency_scales, SPACES)})\b"),
    )


def unit_of_label(text: str) -> tuple[str, float] | None:
    """The unit and multiplier a table header or caption gives the figures under it.

    "Freight, thousand tonnes" -> ("t", 1000.0), "mln USD" -> ("USD", 1e6), "US$ bn" ->
    ("USD", 1e9), "y/y, %" -> ("%", 1.0), "Passengers, thous." -> ("", 1000.0): a scale with
    no unit counts something. None when the label names neither.

    >>> unit_of_label("Exports (billion tenge)")
    ('KZT', 1000000000.0)
    """
    v = vocabulary()
    p = _label_patterns()
    unit, factor, span = "", 1.0, (0, 0)
    if m := p.unit.search(text):
        unit, factor = v.unit_phrases[" ".join(m.group().lower().split())]
        span = m.span()
    elif m := p.symbol.search(text):
        unit, factor = v.unit_symbols[m.group()]
        span = m.span()
    elif m := p.currency.search(text):
        if m["prefix"]:
            unit = v.currency_prefixes[m["prefix"].lower()]
        elif m["symbol"]:
            unit = v.currency_symbols[m["symbol"]]
        elif m["code"]:
            unit = m["code"].upper()
        else:
            unit = v.currency_names[" ".join(m["name"].lower().split())]
        span = m.span()
        if short := p.currency_scale_after.match(text, m.end()):
            return unit, v.currency_scales[short.group(1)]  # "EUR m", "$bn"
    scale = next(
        (s for s in p.scale.finditer(text) if s.end() <= span[0] or s.start() >= span[1]),
        None,
    )
    if scale is not None and factor == 1.0:
        factor = v.label_scales[scale.group().lower().rstrip(".")]
    elif not unit:
        return None
    return unit, factor


def rounding_step(text: str, parsed: Quantity | None = None) -> float | None:
    """One unit of the last digit written in the first quantity of `text`, in its base unit.

    "4.5 million tons" -> 100,000 and "2.76" -> 0.01, so the figure stands for anything
    within half a step of it. Found by changing that digit and reading the text again, so
    every notation the parser knows (scales, decimal commas, ranges) is covered. Number
    words carry no written precision: the unit of their leading digit stands in ("three
    times" -> 1, "one trillion" -> 1e12). `parsed` is `parse_quantity(text)` when the
    caller has read it already (a rebuild reads every claim's text: a third of its parsing).
    """
    q = parsed if parsed is not None else parse_quantity(text)
    if q is None:
        return None
    digits = list(re.finditer(r"\d", q.text))
    if not digits:
        return 10.0 ** math.floor(math.log10(abs(q.value))) if q.value else 1.0
    last = digits[-1]
    nudged = str(int(last.group()) - 1) if last.group() != "0" else "1"
    p = parse_quantity(q.text[: last.start()] + nudged + q.text[last.end() :])
    if p is None:
        return None
    before, after = q.value, p.value
    if q.high is not None and p.high is not None:  # two ranges: the upper end moved
        before, after = q.high, p.high
    step = float(f"{abs(after - before):.12g}")  # 2.5 - 2.4 is 0.10000000000000009
    return step or None
