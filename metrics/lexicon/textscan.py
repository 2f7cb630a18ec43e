"""Scanning text with the extractors' big case-insensitive patterns, faster.

Python's `re` tries an IGNORECASE alternation of many words at every position far more
slowly than the same alternation in lower case; `str.lower()` is nearly free. So patterns
run case-folded over lower-cased text, and the caller gets matches of the original
pattern at the same places. A pattern that starts with a lookahead of the letters its
matches can begin with (`skip_to`) lets `re` jump between those letters instead of trying
every alternative at every position.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_FOLDED: dict[int, tuple[re.Pattern[str], re.Pattern[str]]] = {}  # id -> (pattern, folded)


def case_folded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` for lower-cased text: the same matches, found without IGNORECASE.

    Patterns with an upper-case escape (`\\S` lowered would mean `\\s`) or a case-sensitive
    part are kept as they are. Each is folded once and then found by identity: hashing a
    compiled pattern reads its whole program, which cost more than a short search.
    """
    known = _FOLDED.get(id(pattern))
    if known is not None and known[0] is pattern:
        return known[1]
    folded = _fold(pattern)
    _FOLDED[id(pattern)] = (pattern, folded)  # the pattern is kept, so its id stays its own
    return folded


def _fold(pattern: re.Pattern[str]) -> re.Pattern[str]:
    if (
        not pattern.flags & re.IGNORECASE
        or re.search(r"\\[A-Z]", pattern.pattern)
        or "(?-i" in pattern.pattern  # a part that must keep its case
    ):
        return pattern
    lowered = re.sub(r"\(\?p([<=])", r"(?P\1", pattern.pattern.lower())  # group syntax stays
    return re.compile(lowered, pattern.flags & ~re.IGNORECASE)


def finditer(
    pattern: re.Pattern[str], text: str, lowered: str | None = None
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, case-folded when the lower-cased text keeps every offset.

    The matches are of `lowered` (pass `text.lower()` when it is at hand): spans and group
    names are those of the original's matches, group texts are in lower case.
    """
    lowered = text.lower() if lowered is None else lowered
    if len(lowered) != len(text):  # a character whose lower case is longer: "İ"
        return pattern.finditer(text)
    return case_folded(pattern).finditer(lowered)


def search(pattern: re.Pattern[str], text: str, lowered: str | None = None) -> re.Match[str] | None:
    """`pattern.search(text)`, case-folded as `finditer` is: the span is the original's."""
    lowered = text.lower() if lowered is None else lowered
    if len(lowered) != len(text):
        return pattern.search(text)
    return case_folded(pattern).search(lowered)


def alternation(phrases: Iterable[str], space: str = r"\s+") -> str:
    """A regex alternation of literal `phrases`, longest first; inner spaces match `space`.

    Vocabulary in `data/*.yaml` is words, not regex, so every phrase is escaped ("U.S.",
    "R$" mean themselves). `re` takes the first alternative that matches, so the longest
    come first: "million tons" before "million". Raises ValueError on no phrases, because
    an empty alternation matches everywhere.
    """
    items = sorted({p for p in phrases if p}, key=lambda p: (-len(p), p))
    if not items:
        raise ValueError("empty phrase group")
    return "|".join(re.escape(p).replace(r"\ ", space) for p in items)


def pattern_alternation(patterns: Iterable[str]) -> str:
    """A regex alternation of regular expressions, in the order written.

    For the few cues in `data/*.yaml` that words cannot say (a stem with any ending, a word
    not preceded by another), kept apart from the word lists under `patterns:`. Order is the
    author's, since `re` takes the first alternative that matches. Each pattern is compiled
    on its own first, so a bad one is named rather than the whole alternation. Raises
    ValueError on no patterns or a pattern that does not compile.
    """
    items = [p for p in patterns if p]
    if not items:
        raise ValueError("empty pattern group")
    for pattern in items:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad pattern {pattern!r}: {exc}") from exc
    return "|".join(items)


def top_level_bar(pattern: str) -> bool:
    """Whether `pattern` is itself an alternation ("cargo|freight"), not only a group of one."""
    depth, escaped = 0, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False


def top_level_alternatives(pattern: str) -> list[str]:
    """`pattern` cut at its top-level bars: "cargo|(?:a|b) c" -> ["cargo", "(?:a|b) c"]."""
    parts, start = [], 0
    for index, char, depth in _syntax(pattern):
        if char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
    return [*parts, pattern[start:]]


def group_end(pattern: str) -> int | None:
    """Where the group that `pattern` begins with closes, or None if it does not begin one."""
    if not pattern.startswith("("):
        return None
    for index, char, depth in _syntax(pattern):
        if char == ")" and depth == 0:
            return index
    return None


def _syntax(pattern: str) -> Iterator[tuple[int, str, int]]:
    """(offset, character, depth of groups around it) of each bar and bracket of `pattern`
    that is syntax: not escaped and not inside a character class ("[(-]" holds letters)."""
    depth, index, in_class = 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 1  # the escaped character means itself
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 2 if pattern[index + 1 : index + 2] == "^" else 1
            if pattern[index : index + 1] == "]":
                index += 1  # a "]" first in a class is one of its letters
            continue
        elif char == "(":
            yield index, char, depth
            depth += 1
        elif char == ")":
            depth -= 1
            yield index, char, depth
        elif char == "|":
            yield index, char, depth
        index += 1


def first_letters(patterns: list[str]) -> str | None:
    """The letters (both cases) every match of `patterns` begins with; None if unknown.

    A pattern that starts with a lookahead of them, `(?=[...])`, lets `re` skip ahead to
    those letters instead of trying every alternative at every position: several times
    faster over long text (see `skip_to`).
    """
    letters: set[str] = set()
    for pattern in patterns:
        plain = pattern.removeprefix("\\b")
        if not plain[:1].isalnum() or top_level_bar(plain) or plain[1:2] in ("?", "*", "{"):
            return None
        letters.update((plain[0].lower(), plain[0].upper()))
    return "".join(sorted(letters))


def skip_to(patterns: list[str]) -> str:
    """`(?=[...])` of the `first_letters` of `patterns`, or "" when they are unknown."""
    letters = first_letters(patterns)
    return f"(?=[{letters}])" if letters else ""
