"""Read one number expression: digits and number words with their scales and fractions.

"1 million 84 thousand", "twenty-one trillion three hundred", "one and a half million",
"three quarters billion", "3 million and a half". The reader takes one token at a time,
and what the token before was (a `_Kind`) decides whether the next one joins the number
or ends it: "4 thousand 3 hundred and 21" is one number, "2023 and 5.4" two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from metrics.lexicon.vocabulary import SPACE, patterns, vocabulary


class _Kind(Enum):
    """What the previous token of a number expression was."""

    START = "start"  # nothing read yet
    DIGITS = "digits"  # "84", "1,234.5"
    WORD = "word"  # a number word: "twenty", "one"
    HUNDRED = "hundred"
    SCALE = "scale"  # "million", "bn"
    AND = "and"  # part of the number only if more of it follows
    A = "a"  # "a million", "and a half": likewise
    FRACTION = "fraction"  # "half", "three quarters"


_BEFORE_HUNDRED = frozenset({_Kind.START, _Kind.DIGITS, _Kind.WORD, _Kind.A})
_NO_DIGITS_AFTER = frozenset({_Kind.DIGITS, _Kind.WORD, _Kind.A})  # "2023 5", "two 5"
_ADDS_TO_WORD = frozenset({_Kind.WORD, _Kind.HUNDRED, _Kind.AND})  # "twenty one", "hundred and one"
_COUNTS_FRACTIONS = frozenset({_Kind.WORD, _Kind.DIGITS})  # "three quarters"
_FRACTION_AFTER = frozenset({_Kind.A, _Kind.AND})  # "a half", "one and a half"
_GLUED_WORD = re.compile(r"[-‑]([A-Za-z]+)")  # "twenty-foot": a word joined by a hyphen
_PLAIN_YEAR = re.compile(r"(?:1[89]|20|21)\d\d")


@dataclass
class Number:
    """A number expression as read: what `quantities` adds a unit, a sign and a range to."""

    value: float
    end: int
    scaled: bool  # a scale word was part of the expression
    plain_year: bool  # four bare digits that read as a year


_BLANK = re.compile(SPACE)
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?")


def digits_value(raw: str) -> float:
    """'1,234.5' -> 1234.5; '2,76' -> 2.76 (decimal comma); '1 234' -> 1234."""
    if raw.isdecimal():  # most numbers: "2024", "15"
        return float(raw)
    s = _BLANK.sub("", raw)
    if _COMMA_THOUSANDS.fullmatch(s):
        return float(s.replace(",", ""))
    if _DOT_THOUSANDS.fullmatch(s):
        return float(s.replace(".", "").replace(",", "."))
    return float(s.replace(",", "."))


def read_number(text: str, pos: int) -> Number | None:
    """The number expression starting at `pos`, or None when no number starts there."""
    reader = _Reader(text, cursor=pos, end=pos)
    token = patterns().token
    while (m := token.match(text, reader.cursor)) and reader.take(m):
        pass
    return reader.number()


@dataclass(slots=True)
class _Reader:
    """One number expression being read, token by token."""

    text: str
    cursor: int  # where the next token is looked for
    end: int  # the end of the last token that belongs to the number
    total: float = 0.0  # the parts already scaled: 1e6 of "1 million 84"
    current: float | None = None  # the part waiting for a scale: 84 of "1 million 84"
    last_scale: float | None = None
    pending_fraction: float | None = None  # "three quarters" waiting for its scale
    previous: _Kind = _Kind.START
    before_and: _Kind = _Kind.START  # the token before a pending "and"
    count: int = 0  # tokens read, not counting a pending "and" or "a"
    first_digits: str = ""  # the first digits as written, to tell a plain year

    def take(self, m: re.Match[str]) -> bool:
        """Add the token `m` to the number; False when it ends the number instead."""
        v = vocabulary()
        word = (m.group("word") or "").lower()
        if digits := m.group("digits"):
            return self._digits(digits, m.end())
        if word in v.number_words:
            return self._number_word(v.number_words[word], m.end())
        if word in v.hundred_words and self.previous in _BEFORE_HUNDRED:
            self.current = (self.current if self.current is not None else 1.0) * 100
            return self._accept(_Kind.HUNDRED, m.end())
        if word in v.scales:
            return self._scale(v.scales[word], m.end())
        if word in v.fractions:
            return self._fraction(v.fractions[word], m.end())
        if word == "and" and self.count > 0:
            self.before_and = self.previous
            return self._tentative(_Kind.AND, m.end())
        if word == "a" and (self.count == 0 or self.previous is _Kind.AND):
            return self._tentative(_Kind.A, m.end())
        return False

    def number(self) -> Number | None:
        """What was read, once no token joins any more."""
        if self.previous is _Kind.FRACTION and self.pending_fraction is not None:
            self.total += self.pending_fraction  # "three quarters" with no scale after all
            self.end = self.cursor
        if self.count == 0:
            return None
        plain_year = (
            self.count == 1
            and bool(_PLAIN_YEAR.fullmatch(self.first_digits))
            and not self.text[self.end : self.end + 1].isalpha()
        )
        value = self.total + (self.current or 0.0)
        return Number(value, self.end, self.last_scale is not None, plain_year)

    def _accept(self, kind: _Kind, end: int) -> bool:
        self.previous = kind
        self.count += 1
        self.cursor = self.end = end
        return True

    def _tentative(self, kind: _Kind, end: int) -> bool:
        """A joining word: not part of `end` until something follows it."""
        self.previous = kind
        self.cursor = end
        return True

    def _digits(self, raw: str, end: int) -> bool:
        # "4 thousand 3 hundred and 21" joins; "2023 and 5.4" are two numbers
        if self.previous in _NO_DIGITS_AFTER or (
            self.previous is _Kind.AND and self.before_and is not _Kind.HUNDRED
        ):
            return False
        value = digits_value(raw)
        if self.current is None or self.previous is _Kind.SCALE:
            self.current = value
        else:
            self.current += value
        self.first_digits = self.first_digits or raw
        return self._accept(_Kind.DIGITS, end)

    def _number_word(self, n: float, end: int) -> bool:
        if self.previous is _Kind.DIGITS:
            return False
        if self.count > 0 and self._modifier_at(end):
            return False  # "333.9 thousand twenty-foot equivalent": a new word, not 20 more
        if self.previous is _Kind.SCALE and self._counts_time_at(end):
            return False  # "$9.5 billion one year earlier": a new phrase, not one more
        if self.current is None or self.previous is _Kind.SCALE:
            self.current = n
        elif (
            self.previous in _ADDS_TO_WORD
            and (self.current % 10 == 0 or n >= 10)
            and self.current >= n
        ):
            self.current += n  # "twenty one", not "one twenty"
        else:
            return False
        return self._accept(_Kind.WORD, end)

    def _modifier_at(self, end: int) -> bool:
        """Whether the number word ending at `end` is glued to a noun ("twenty-foot",
        "five-year"): a compound modifier of what follows, which starts no new number part."""
        glued = _GLUED_WORD.match(self.text, end)
        return glued is not None and glued.group(1).lower() not in vocabulary().number_words

    def _counts_time_at(self, end: int) -> bool:
        """Whether the number word ending at `end` counts time ("one year earlier", "two
        months later"): a phrase of its own, never the last part of the number before it."""
        following = patterns().token.match(self.text, end)
        word = following.group("word") if following else None
        return word is not None and word.lower() in vocabulary().time_nouns

    def _scale(self, scale: float, end: int) -> bool:
        if self.pending_fraction is not None:
            self.total += self.pending_fraction * scale
            self.pending_fraction = None
            self.current = None
        elif self.current is not None:
            self.total += self.current * scale
            self.current = None
        elif self.previous is _Kind.A:
            self.total += scale
        else:
            return False
        self.last_scale = scale
        return self._accept(_Kind.SCALE, end)

    def _fraction(self, share: float, end: int) -> bool:
        counted = self.previous in _COUNTS_FRACTIONS and self.current is not None
        if not counted and self.previous not in _FRACTION_AFTER and self.count > 0:
            return False
        if (
            not counted
            and self.previous is _Kind.AND
            and self.last_scale is None
            and self.current is None
        ):
            return False
        # "three quarters" counts quarters; "one and a half" adds a half to one
        numerator, base = (self.current or 0.0, 0.0) if counted else (1.0, self.current or 0.0)
        fraction = numerator * share
        self.current = None
        p = patterns()
        of_a = p.of_a.match(self.text, end)
        after = of_a.end() if of_a else end
        following = p.token.match(self.text, after)
        if following and (following.group("word") or "").lower() in vocabulary().scales:
            self.pending_fraction = base + fraction  # "three quarters (of a) billion"
            self.previous = _Kind.FRACTION
            self.count += 1
            self.cursor = after
            return True
        self.total += base + fraction * (self.last_scale if self.last_scale is not None else 1.0)
        return self._accept(_Kind.FRACTION, end)
