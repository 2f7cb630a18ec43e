"""Find quantities in text: numbers with their scale and unit, normalised to a base unit.

The vocabulary (number words, scales, units, currency words) lives in `data/units.yaml`
and the ISO 4217 currency names and symbols in `data/currencies.tsv` (built from CLDR);
this module only holds the patterns that combine them.

>>> parse_quantity("reached 4.5 million tons in 2024")
Quantity(value=4500000.0, unit='t', text='4.5 million tons', start=8, end=24, low=None, high=None, noun=None)
>>> parse_quantity("worth 28.1 trillion tenge").value
28100000000000.0
>>> parse_quantity("the 32nd meeting") is None
True
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from metrics.lexicon.textscan import alternation, finditer, first_letters
from metrics.models import Quantity

_SPACE = r"[ \u00a0\u2009\u202f]"
_SPACES = rf"{_SPACE}+"  # between the words of a phrase: any run of blanks
_DASHES = "-–—‑"

# Digit forms, most specific first.  NOTE: keep in sync with _digits_value().
_DIGITS = rf"""
    (?:(?<![\w.,/^])|(?<=\b[A-Z]{{3}}))         # not inside a longer token, a date like 31.05, 10^9; "KZT1.2"
    (?:
        \d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?        # 1,234,567.89 (comma thousands)
      | \d{{1,3}}(?:{_SPACE}\d{{3}})+(?:[.,]\d+)?(?!\d)  # 1 234 567 (space thousands)
      | \d{{1,3}}(?:\.\d{{3}}){{2,}}(?:,\d+)?   # 1.234.567,8 (dot thousands, needs two groups)
      | \d+(?:[.,]\d+)?                       # 2.76 / 2,76 (decimal comma) / 274200
    )
    (?![\d^]|[eE][-+]?\d)                     # nor a power: 10^9, 1e9 (not news style)
"""
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Vocabulary:
    number_words: dict[str, float]
    hundred_words: frozenset[str]
    scales: dict[str, float]
    currency_scales: dict[str, float]
    fractions: dict[str, float]
    negative_words: frozenset[str]
    unit_phrases: dict[str, tuple[str, float]]  # lower-case phrase -> (unit, factor)
    unit_symbols: dict[str, tuple[str, float]]  # case-sensitive symbol -> (unit, factor)
    multiple_words: dict[str, float]
    fold_words: tuple[str, ...]
    currency_names: dict[str, str]  # lower-case name -> ISO code
    currency_symbols: dict[str, str]  # symbol as written -> ISO code
    currency_prefixes: dict[str, str]  # lower-case prefix -> ISO code
    currency_codes: frozenset[str]
    label_scales: dict[str, float]


@cache
def _vocabulary() -> _Vocabulary:
    data: dict[str, Any] = yaml.safe_load(
        resources.files("metrics").joinpath("data/units.yaml").read_text("utf-8")
    )
    names: dict[str, str] = {}
    symbols: dict[str, str] = {}
    codes: set[str] = set()
    table = resources.files("metrics").joinpath("data/currencies.tsv").read_text("utf-8")
    lines = [line for line in table.splitlines() if not line.startswith("#")]  # provenance
    for row in csv.DictReader(lines, delimiter="\t"):
        codes.add(row["code"])
        for name in filter(None, row["names"].split("|")):
            names.setdefault(name.lower(), row["code"])
        for symbol in filter(None, row["symbols"].split("|")):
            symbols.setdefault(symbol, row["code"])
    for word, code in data["currency_words"].items():
        names.setdefault(word, code)
    unit_phrases = {
        phrase.lower(): (unit, float(factor))
        for unit, phrases in data["units"].items()
        for phrase, factor in phrases.items()
    }
    unit_symbols = {
        symbol: (unit, float(factor))
        for unit, items in data["units_case_sensitive"].items()
        for symbol, factor in items.items()
    }
    return _Vocabulary(
        number_words={k: float(v) for k, v in data["number_words"].items()},
        hundred_words=frozenset(data["hundred_words"]),
        scales={k: float(v) for k, v in data["scales"].items()},
        currency_scales={k: float(v) for k, v in data["currency_scales_case_sensitive"].items()},
        fractions={k: float(v) for k, v in data["fractions"].items()},
        negative_words=frozenset(data["negative_words"]),
        unit_phrases=unit_phrases,
        unit_symbols=unit_symbols,
        multiple_words={k: float(v) for k, v in data["multiple_words"].items()},
        fold_words=tuple(data["fold_words"]),
        currency_names=names,
        currency_symbols=symbols,
        currency_prefixes={k.lower(): v for k, v in data["currency_prefixes"].items()},
        currency_codes=frozenset(codes),
        label_scales={
            k.lower(): float(v) for k, v in {**data["scales"], **data["label_scales"]}.items()
        },
    )


@dataclass(frozen=True)
class _Patterns:
    start: re.Pattern[str]
    token: re.Pattern[str]
    unit_after: re.Pattern[str]
    symbol_after: re.Pattern[str]
    currency_before: re.Pattern[str]
    currency_code_scale_after: re.Pattern[str]
    currency_scale_after: re.Pattern[str]
    scale_after: re.Pattern[str]
    negative_before: re.Pattern[str]
    range_joiner: re.Pattern[str]
    multiple_word: re.Pattern[str]
    fold_word: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    v = _vocabulary()
    words = alternation([*v.number_words, *v.hundred_words], _SPACES)
    letters = first_letters([*v.number_words, *v.hundred_words, *v.fractions, "a"])
    skip = "" if letters is None else rf"(?=[\d{letters}])"
    scales = alternation(v.scales, _SPACES)
    fractions = alternation(v.fractions, _SPACES)
    currency_words = alternation(v.currency_names, _SPACES)
    codes = "|".join(sorted(v.currency_codes))
    symbols = alternation(v.currency_symbols, _SPACES)
    prefixes = alternation(v.currency_prefixes, _SPACES)
    return _Patterns(
        # where a quantity may begin: digits, a number word, or "a/half/quarter" + scale
        start=re.compile(
            rf"""{skip}  # straight to what can begin a quantity
            (?:{_DIGITS}
            | \b(?:{words})\b
            | \b(?:a{_SPACE}+)?(?:{fractions}){_SPACE}+(?:of{_SPACE}+a{_SPACE}+)?(?:{scales})\b)
            """,
            re.VERBOSE | re.IGNORECASE,
        ),
        # one token of a number expression, after optional blanks or a joining hyphen
        token=re.compile(
            rf"""(?:{_SPACE}+|{_SPACE}*[-‑]{_SPACE}*)?
            (?:
                (?P<digits>{_DIGITS})
              | (?P<word>[A-Za-z]+)\b
            )""",
            re.VERBOSE,
        ),
        unit_after=re.compile(
            rf"(?:{_SPACE}*[-‑]?{_SPACE}*)(?P<unit>{alternation(v.unit_phrases, _SPACES)})(?![A-Za-z])"
            rf"|{_SPACE}*(?P<currency>{currency_words})(?![A-Za-z])",
            re.IGNORECASE,
        ),
        symbol_after=re.compile(
            rf"{_SPACE}*(?:(?P<unit>{alternation(v.unit_symbols, _SPACES)})|(?P<code>{codes})"
            rf"|(?P<symbol>{symbols}))(?![A-Za-z])"
        ),
        currency_before=re.compile(
            rf"(?:(?<![A-Za-z])(?P<prefix>{prefixes})|(?P<symbol>(?-i:{symbols}))"  # R$, not r$
            rf"|\b(?P<code>{codes})(?![a-z])|\b(?P<word>dollars?|euros?))"
            rf"{_SPACE}*(?P<minus>[-−])?{_SPACE}*\Z",
            re.IGNORECASE,
        ),
        currency_code_scale_after=re.compile(
            rf"{_SPACE}+(?P<code>{codes}){_SPACE}+(?P<scale>{scales})\b"
        ),
        currency_scale_after=re.compile(
            rf"{_SPACE}*(?P<scale>{alternation(v.currency_scales, _SPACES)})(?![A-Za-z])"
        ),
        scale_after=re.compile(rf"{_SPACE}*(?P<scale>{scales})\b", re.IGNORECASE),
        # a minus sign or word ending a window of text just before a number
        negative_before=re.compile(
            rf"(?:(?<![\w\d.,%)])[-−]|\b(?:{alternation(v.negative_words, _SPACES)})){_SPACE}*\Z",
            re.IGNORECASE,
        ),
        range_joiner=re.compile(
            rf"{_SPACE}*(?:[{_DASHES}~]|to|and){_SPACE}*(?=[\d$€£¥₸A-Za-z])", re.IGNORECASE
        ),
        # "double" as a verb, not "double-track"; "triple" likewise
        multiple_word=re.compile(
            rf"\b(?:{alternation(v.multiple_words, _SPACES)})\b(?![-‑])", re.IGNORECASE
        ),
        fold_word=re.compile(
            rf"\b(?P<n>{alternation(v.fold_words, _SPACES)})[-‑]?fold\b", re.IGNORECASE
        ),
    )


def _digits_value(raw: str) -> float:
    """'1,234.5' -> 1234.5; '2,76' -> 2.76 (decimal comma); '1 234' -> 1234."""
    s = re.sub(_SPACE, "", raw)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
        return float(s.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?", s):
        return float(s.replace(".", "").replace(",", "."))
    return float(s.replace(",", "."))


@dataclass
class _Number:
    value: float
    end: int
    scaled: bool  # a scale word was part of the expression
    plain_year: bool  # four bare digits that read as a year


def _read_number(text: str, pos: int) -> _Number | None:
    """Read a number expression starting at `pos`: digits and/or words with scales.

    Handles "1 million 84 thousand", "twenty-one trillion three hundred",
    "one and a half million", "three quarters billion", "3 million and a half".
    """
    v = _vocabulary()
    p = _patterns()
    total = 0.0
    current: float | None = None
    last_scale: float | None = None
    pending_fraction: float | None = None  # "three quarters" waiting for its scale
    previous = ""  # kind of the previous token: digits, word, hundred, scale, and, a, fraction
    before_and = ""
    end = pos
    first_raw = ""
    cursor = pos
    count = 0
    while True:
        m = p.token.match(text, cursor)
        if not m:
            break
        word = (m.group("word") or "").lower()
        if m.group("digits"):
            # "4 thousand 3 hundred and 21" joins; "2023 and 5.4" are two numbers
            if previous in ("digits", "word", "a") or (
                previous == "and" and before_and != "hundred"
            ):
                break
            value = _digits_value(m.group("digits"))
            current = value if current is None or previous == "scale" else current + value
            kind = "digits"
            first_raw = first_raw or m.group("digits")
        elif word in v.number_words:
            n = v.number_words[word]
            if previous == "digits":
                break
            if current is None or previous == "scale":
                current = n
            elif (
                previous in ("word", "hundred", "and")
                and (current % 10 == 0 or n >= 10)
                and current >= n
            ):
                current += n
            else:
                break
            kind = "word"
        elif word in v.hundred_words and previous in ("digits", "word", "a", ""):
            current = (current if current is not None else 1.0) * 100
            kind = "hundred"
        elif word in v.scales or (word == "hundred" and previous == "scale"):
            scale = v.scales[word]
            if pending_fraction is not None:
                total += pending_fraction * scale
                pending_fraction = None
                current = None
            elif current is not None:
                total += current * scale
                current = None
            elif previous == "a":
                total += scale
            else:
                break
            last_scale = scale
            kind = "scale"
        elif word in v.fractions:
            counted = previous in ("word", "digits") and current is not None
            if not counted and previous not in ("a", "and") and count > 0:
                break
            if not counted and previous == "and" and last_scale is None and current is None:
                break
            # "three quarters" counts quarters; "one and a half" adds a half to one
            numerator, base = (current, 0.0) if counted else (1.0, current or 0.0)
            fraction = numerator * v.fractions[word]
            current = None
            lookahead = re.match(rf"{_SPACE}+of{_SPACE}+an?{_SPACE}+", text[m.end() :])
            after = m.end() + (lookahead.end() if lookahead else 0)
            nxt = p.token.match(text, after)
            if nxt and (nxt.group("word") or "").lower() in v.scales:
                pending_fraction = base + fraction
                cursor = after
                previous = "fraction"
                count += 1
                continue
            total += base + fraction * (last_scale if last_scale is not None else 1.0)
            kind = "fraction"
        elif word == "and" and count > 0:
            before_and = previous
            kind = "and"
            previous = kind
            cursor = m.end()
            continue  # not part of `end` until something follows
        elif word == "a" and (count == 0 or previous == "and"):
            kind = "a"
            previous = kind
            cursor = m.end()
            continue
        else:
            break
        previous = kind
        count += 1
        cursor = end = m.end()
    if previous == "fraction" and pending_fraction is not None:
        total += pending_fraction
        end = cursor
    if count == 0:
        return None
    value = total + (current or 0.0)
    plain_year = (
        count == 1
        and bool(re.fullmatch(r"(?:1[89]|20|21)\d\d", first_raw))
        and not text[end : end + 1].isalpha()
    )
    return _Number(value, end, last_scale is not None, plain_year)


def _currency_before(text: str, start: int) -> tuple[str, int, bool] | None:
    """A currency written before the number: '$', 'US$', 'USD', '€'; with an optional minus."""
    v = _vocabulary()
    window = text[max(0, start - 12) : start]
    m = _patterns().currency_before.search(window)
    if not m:
        return None
    offset = start - len(window)
    if m.group("prefix"):
        code = v.currency_prefixes[re.sub(rf"{_SPACE}+", " ", m.group("prefix").lower())]
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
    m = _patterns().negative_before.search(text[max(0, start - 10) : start])
    if not m:
        return None
    before = text[: max(0, start - 10) + m.start()].rstrip()
    if before and (before[-1].isdigit() or before[-1] == "%"):
        return None  # a range like "3-4", not a sign
    return max(0, start - 10) + m.start()


def _unit_after(text: str, pos: int) -> tuple[str, float, int] | None:
    """Unit written after the number: (code, factor, end)."""
    v = _vocabulary()
    p = _patterns()
    m = p.symbol_after.match(text, pos)
    if m:
        if m.group("unit"):
            unit, factor = v.unit_symbols[m.group("unit")]
            return unit, factor, m.end()
        if m.group("code"):
            return m.group("code"), 1.0, m.end()
        return v.currency_symbols[m.group("symbol")], 1.0, m.end()
    m = p.unit_after.match(text, pos)
    if m:
        if m.group("unit"):
            key = re.sub(rf"{_SPACE}+", " ", m.group("unit").lower())
            unit, factor = v.unit_phrases[key]
            if unit == "day" and "-" in text[pos : m.start("unit")]:
                return None  # "a two-day forum" is no duration claim
            return unit, factor, m.end()
        key = re.sub(rf"{_SPACE}+", " ", m.group("currency").lower())
        return v.currency_names[key], 1.0, m.end()
    m = re.match(r"[-‑]?fold\b", text[pos:], re.IGNORECASE)
    if m:
        return "x", 1.0, pos + m.end()
    return None


def _next_word(text: str, pos: int) -> str | None:
    """The words a bare number counts: '15,000 new jobs' -> 'jobs', '2,500 rail wagons'."""
    m = re.match(
        r"[\s,]*(?:new\s+|more\s+|additional\s+)?([A-Za-z][A-Za-z-]*(?:\s+[A-Za-z][A-Za-z-]*)?)",
        text[pos:],
    )
    return m.group(1).lower() if m else None


def _parse_at(text: str, start: int, *, may_open_range: bool = True) -> Quantity | None:
    """The quantity starting at `start`; a range's second end may not open another (so
    "1 to 1 to 1 ..." is read in one pass, not by recursing through the whole text)."""
    number = _read_number(text, start)
    if number is None:
        return None
    if _ORDINAL_AFTER.match(text, number.end):
        return None
    p = _patterns()
    v = _vocabulary()
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
            found = _unit_after(text, end)
            # "2,204.62 pounds", "a twenty-pound bag": pounds of weight, unless in millions
            weight = found and re.match(r"[\s-]*pounds?\b", text[end:], re.IGNORECASE)
            if found and not (weight and not number.scaled):
                unit, factor, end = found
                value *= factor
    if not unit and number.plain_year:
        return None
    # a range: "3-4%", "8–9 million tons", "50 to 80%"
    low = high = None
    if not unit and may_open_range:
        joined = _range_partner(text, end, start)
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


def _range_partner(text: str, pos: int, start: int) -> tuple[float, str, float, int] | None:
    """The upper end of a range whose unit is written once: '3-4%' -> (4, '%', 1, end).

    "from 6 to 10 million tons" is no range but a change: the caller's first number
    is read on its own, taking the scale and unit of the second (see find_quantities).
    """
    m = _patterns().range_joiner.match(text, pos)
    if not m:
        return None
    joiner = m.group(0).strip().lower()
    before = text[max(0, start - 9) : start].lower()
    if joiner == "and" and not before.rstrip().endswith("between"):
        return None
    if joiner == "to" and before.rstrip().endswith("from"):
        return None
    other = _parse_at(text, m.end(), may_open_range=False)
    if other is None or not other.unit:
        return None
    first = _read_number(text, start)
    factor = _multiplier(text, other) if first and not first.scaled else 1.0
    return other.value, other.unit, factor, other.end


def _multiplier(text: str, q: Quantity) -> float:
    """What scale and unit factor turned the first number of `q` into its value.

    "10 million tons" -> 1e6, so "from 6 to 10 million tons" reads 6 as 6 million tons.
    """
    first = re.search(_DIGITS, q.text, re.VERBOSE)
    if first:
        leading = _digits_value(first.group(0))
    else:
        word = _read_number(text, q.start)
        leading = word.value if word and not word.scaled else 0.0
    return abs(q.value / leading) if leading else 1.0


def _changes_from(text: str, q: Quantity, nxt: Quantity | None) -> Quantity:
    """'from 6 to 10 million tons': the first number takes the second one's unit and scale."""
    if q.unit or nxt is None or not nxt.unit:
        return q
    if not re.search(r"\bfrom\s*\Z", text[max(0, q.start - 8) : q.start], re.IGNORECASE):
        return q
    if not re.fullmatch(r"\s*to\s*", text[q.end : nxt.start], re.IGNORECASE):
        return q
    return Quantity(q.value * _multiplier(text, nxt), nxt.unit, q.text, q.start, q.end)


_ANY_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[a-z]+")


@cache
def _quantity_words() -> frozenset[str]:
    """Every word that can begin or make a quantity without a digit ("two million",
    "half a billion", "doubled"), split where the phrases have spaces or hyphens."""
    v = _vocabulary()
    phrases = [*v.number_words, *v.hundred_words, *v.scales, *v.fractions, *v.multiple_words]
    return frozenset(word for phrase in phrases for word in _LETTERS.findall(phrase.lower()))


def might_hold_quantity(text: str) -> bool:
    """False only when `find_quantities(text)` is sure to find nothing: no digit and no
    number word. Most sentences of an article hold no figure, and this look costs a
    fraction of the full parse."""
    if _ANY_DIGIT.search(text):
        return True
    words = _quantity_words()
    return any(w in words or w.endswith("fold") for w in _LETTERS.findall(text.lower()))


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text`, in order, with offsets into `text`.

    Bare numbers come back with unit "" and `noun` set to the word they count; plain
    years and ordinals are skipped.
    """
    p = _patterns()
    found: list[Quantity] = []
    consumed = 0
    for m in finditer(p.start, text):
        if m.start() < consumed:
            continue
        q = _parse_at(text, m.start())
        if q is None:
            continue
        if q.start < consumed:
            q = Quantity(
                q.value, q.unit, text[consumed : q.end], consumed, q.end, q.low, q.high, q.noun
            )
        found.append(q)
        consumed = q.end
    for m in p.multiple_word.finditer(text):
        found.append(
            Quantity(
                _vocabulary().multiple_words[m.group(0).lower()],
                "x",
                m.group(0),
                m.start(),
                m.end(),
            )
        )
    for m in p.fold_word.finditer(text):
        if not any(q.start <= m.start() < q.end for q in found):
            n = m.group("n").lower()
            value = _vocabulary().number_words.get(n, 100.0 if n == "hundred" else 0.0)
            found.append(Quantity(value, "x", m.group(0), m.start(), m.end()))
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
    v = _vocabulary()
    before, after = _LABEL_EDGE
    codes = "|".join(sorted(v.currency_codes))
    return _LabelPatterns(
        unit=re.compile(
            rf"{before}(?:{alternation(v.unit_phrases, _SPACES)})(?![A-Za-z])", re.IGNORECASE
        ),
        symbol=re.compile(rf"{before}(?:{alternation(v.unit_symbols, _SPACES)}){after}"),
        currency=re.compile(
            rf"(?P<prefix>{alternation(v.currency_prefixes, _SPACES)})|(?P<symbol>(?-i:{alternation(v.currency_symbols, _SPACES)}))"
            rf"|{before}(?P<code>{codes}){after}"
            rf"|{before}(?P<name>{alternation(v.currency_names, _SPACES)}){after}",
            re.IGNORECASE,
        ),
        scale=re.compile(
            rf"{before}(?:{alternation(v.label_scales, _SPACES)})(?:\.|{after})", re.IGNORECASE
        ),
        currency_scale_after=re.compile(rf"{_SPACE}*({alternation(v.currency_scales, _SPACES)})\b"),
    )


def unit_of_label(text: str) -> tuple[str, float] | None:
    """The unit and multiplier a table header or caption gives the figures under it.

    "Freight, thousand tonnes" -> ("t", 1000.0), "mln USD" -> ("USD", 1e6), "US$ bn" ->
    ("USD", 1e9), "y/y, %" -> ("%", 1.0), "Passengers, thous." -> ("", 1000.0): a scale with
    no unit counts something. None when the label names neither.

    >>> unit_of_label("Exports (billion tenge)")
    ('KZT', 1000000000.0)
    """
    v = _vocabulary()
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


def rounding_step(text: str) -> float | None:
    """One unit of the last digit written in the first quantity of `text`, in its base unit.

    "4.5 million tons" -> 100,000 and "2.76" -> 0.01, so the figure stands for anything
    within half a step of it. Found by changing that digit and reading the text again, so
    every notation the parser knows (scales, decimal commas, ranges) is covered. Number
    words carry no written precision: the unit of their leading digit stands in ("three
    times" -> 1, "one trillion" -> 1e12).
    """
    q = parse_quantity(text)
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
    before, after = (q.high, p.high) if q.is_range and p.is_range else (q.value, p.value)
    step = float(f"{abs(after - before):.12g}")  # 2.5 - 2.4 is 0.10000000000000009
    return step or None
