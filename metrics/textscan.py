"""Scanning text with the extractors' big case-insensitive patterns, faster.

Python's `re` tries an IGNORECASE alternation of many words at every position far more
slowly than the same alternation in lower case; `str.lower()` is nearly free. So patterns
run case-folded over lower-cased text, and the caller gets matches of the original
pattern at the same places.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache


@cache
def case_folded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` for lower-cased text: the same matches, found without IGNORECASE.

    Patterns with an upper-case escape (`\\S` lowered would mean `\\s`) are kept as they are.
    """
    if not pattern.flags & re.IGNORECASE or re.search(r"\\[A-Z]", pattern.pattern):
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
