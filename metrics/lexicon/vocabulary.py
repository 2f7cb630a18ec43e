"""The words quantities are written with, and the patterns that combine them.

The vocabulary (number words, scales, units, currency words) lives in `data/units.yaml`
and the ISO 4217 currency names and symbols in `data/currencies.tsv` (built from CLDR);
this module reads both once and compiles them into the patterns that `numbers` and
`quantities` match with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from metrics import data as package_data
from metrics.lexicon.textscan import alternation, first_letters

SPACE = r"[ \u00a0\u2009\u202f]"
SPACES = rf"{SPACE}+"  # between the words of a phrase: any run of blanks
DASHES = "-–—‑"

# Digit forms, most specific first.  NOTE: keep in sync with numbers.digits_value().
DIGITS = rf"""
    (?:(?<![\w.,/^])|(?<=\b[A-Z]{{3}}))         # not inside a longer token, a date like 31.05, 10^9; "KZT1.2"
    (?:
        \d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?        # 1,234,567.89 (comma thousands)
      | \d{{1,3}}(?:{SPACE}\d{{3}})+(?:[.,]\d+)?(?!\d)  # 1 234 567 (space thousands)
      | \d{{1,3}}(?:\.\d{{3}}){{2,}}(?:,\d+)?   # 1.234.567,8 (dot thousands, needs two groups)
      | \d+(?:[.,]\d+)?                       # 2.76 / 2,76 (decimal comma) / 274200
    )
    (?![\d^]|[eE][-+]?\d)                     # nor a power: 10^9, 1e9 (not news style)
"""


@dataclass(frozen=True)
class Vocabulary:
    """The words of `data/units.yaml` and `data/currencies.tsv`, as lookup tables."""

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
    time_nouns: frozenset[str]  # "one year earlier": a number word counting time
    period_count_before: tuple[str, ...]  # "the first three quarters": a period
    period_count_parts: tuple[str, ...]


@cache
def vocabulary() -> Vocabulary:
    """Read once: every number parsed looks words up here."""
    data = package_data.load("units.yaml")
    names: dict[str, str] = {}
    symbols: dict[str, str] = {}
    codes: set[str] = set()
    for row in package_data.rows("currencies.tsv"):
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
    return Vocabulary(
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
        time_nouns=frozenset(data["time_nouns"]),
        period_count_before=tuple(data["period_count_before"]),
        period_count_parts=tuple(data["period_count_parts"]),
    )


@dataclass(frozen=True)
class Patterns:
    """The vocabulary compiled into the patterns of the number and quantity readers."""

    start: re.Pattern[str]
    token: re.Pattern[str]
    of_a: re.Pattern[str]
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
    period_count_before: re.Pattern[str]
    period_count_part: re.Pattern[str]


_ISO_CODE = re.compile(r"[A-Z]{3}")


def _code_before(v: Vocabulary) -> str:
    """Where a currency code may stand before a number: any three letters, of which
    `quantities._currency_before` keeps a code of the list written in capitals.

    The same match as the list of codes: before the number a code is followed only by
    blanks or a minus, so no other place of the window could match instead. Trying the 170
    codes case-insensitively at every place of the window made the search three times slower.
    """
    if all(_ISO_CODE.fullmatch(code) for code in v.currency_codes):
        return "[a-z]{3}"
    return "|".join(sorted(v.currency_codes))


@cache
def patterns() -> Patterns:
    """Compiled once, on first use: the alternations run to thousands of phrases."""
    v = vocabulary()
    words = alternation([*v.number_words, *v.hundred_words], SPACES)
    letters = first_letters([*v.number_words, *v.hundred_words, *v.fractions, "a"])
    skip = "" if letters is None else rf"(?=[\d{letters}])"
    scales = alternation(v.scales, SPACES)
    fractions = alternation(v.fractions, SPACES)
    currency_words = alternation(v.currency_names, SPACES)
    codes = "|".join(sorted(v.currency_codes))
    symbols = alternation(v.currency_symbols, SPACES)
    prefixes = alternation(v.currency_prefixes, SPACES)
    return Patterns(
        # where a quantity may begin: digits, a number word, or "a/half/quarter" + scale
        start=re.compile(
            rf"""{skip}  # straight to what can begin a quantity
            (?:{DIGITS}
            | \b(?:{words})\b
            | \b(?:a{SPACE}+)?(?:{fractions}){SPACE}+(?:(?:of{SPACE}+)?a{SPACE}+)?(?:{scales})\b)
            """,
            re.VERBOSE | re.IGNORECASE,
        ),
        # one token of a number expression, after optional blanks or a joining hyphen
        token=re.compile(
            rf"""(?:{SPACE}+|{SPACE}*[-‑]{SPACE}*)?
            (?:
                (?P<digits>{DIGITS})
              | (?P<word>[A-Za-z]+)\b
            )""",
            re.VERBOSE,
        ),
        # "three quarters of a" billion, "half a" million: between a fraction and its scale
        of_a=re.compile(rf"{SPACE}+(?:of{SPACE}+)?an?{SPACE}+"),
        unit_after=re.compile(
            rf"(?:{SPACE}*[-‑]?{SPACE}*)(?P<unit>{alternation(v.unit_phrases, SPACES)})(?![A-Za-z])"
            rf"|{SPACE}*(?P<currency>{currency_words})(?![A-Za-z])",
            re.IGNORECASE,
        ),
        symbol_after=re.compile(
            rf"{SPACE}*(?:(?P<unit>{alternation(v.unit_symbols, SPACES)})|(?P<code>{codes})"
            rf"|(?P<symbol>{symbols}))(?![A-Za-z])"
        ),
        currency_before=re.compile(
            rf"(?:(?<![A-Za-z])(?P<prefix>{prefixes})|(?P<symbol>(?-i:{symbols}))"  # R$, not r$
            rf"|\b(?P<code>{_code_before(v)})(?![a-z])|\b(?P<word>dollars?|euros?))"
            rf"{SPACE}*(?P<minus>[-−])?{SPACE}*\Z",
            re.IGNORECASE,
        ),
        currency_code_scale_after=re.compile(
            rf"{SPACE}+(?P<code>{codes}){SPACE}+(?P<scale>{scales})\b"
        ),
        currency_scale_after=re.compile(
            rf"{SPACE}*(?P<scale>{alternation(v.currency_scales, SPACES)})(?![A-Za-z])"
        ),
        scale_after=re.compile(rf"{SPACE}*(?P<scale>{scales})\b", re.IGNORECASE),
        # a minus sign or word ending a window of text just before a number
        negative_before=re.compile(
            # a hyphen spaced off a word is a dash ("chemicals - 35%", "rose - 21%"), no minus
            rf"(?:(?<![\w\d.,%)])(?:(?<![A-Za-z]{SPACE})[-−]|[-−](?!{SPACE}))|\b(?:{alternation(v.negative_words, SPACES)})){SPACE}*\Z",
            re.IGNORECASE,
        ),
        range_joiner=re.compile(
            rf"{SPACE}*(?:[{DASHES}~]|to|and){SPACE}*(?=[\d$€£¥₸A-Za-z])", re.IGNORECASE
        ),
        # "double" as a verb, not "double-track"; "triple" likewise
        multiple_word=re.compile(
            rf"\b(?:{alternation(v.multiple_words, SPACES)})\b(?![-‑])", re.IGNORECASE
        ),
        fold_word=re.compile(
            rf"\b(?P<n>{alternation(v.fold_words, SPACES)})[-‑]?fold\b", re.IGNORECASE
        ),
        # "the first | three quarters": the word that makes a count of year parts a period
        period_count_before=re.compile(
            rf"\b(?:{alternation(v.period_count_before, SPACES)}){SPACE}+\Z", re.IGNORECASE
        ),
        # the count itself, digits or words, and the part of a year it counts
        period_count_part=re.compile(
            rf"(?:\d{{1,2}}|[A-Za-z]+){SPACE}+(?:{alternation(v.period_count_parts, SPACES)})\b",
            re.IGNORECASE,
        ),
    )
