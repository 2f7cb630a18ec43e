"""The package's data files load once, in their expected shape, or fail naming the file."""

from __future__ import annotations

import re

import pytest

from metrics import data
from metrics.errors import DataFileError
from metrics.lexicon.textscan import pattern_alternation


@pytest.mark.parametrize("name", sorted(data.REQUIRED_KEYS))
def test_every_data_file_has_its_sections(name: str) -> None:
    assert data.REQUIRED_KEYS[name] <= data.load(name).keys()


def test_a_file_is_parsed_once() -> None:
    assert data.load("reconcile.yaml") is data.load("reconcile.yaml")


def test_currency_rows_have_their_columns() -> None:
    rows = data.rows("currencies.tsv")
    assert rows and {"code", "names", "symbols"} <= rows[0].keys()
    assert not any(row["code"].startswith("#") for row in rows)


def test_a_missing_file_is_named() -> None:
    with pytest.raises(DataFileError, match=r"metrics/data/nothing\.yaml"):
        data.load("nothing.yaml")


def test_a_file_without_a_section_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(data.REQUIRED_KEYS, "reconcile.yaml", frozenset({"no_such_section"}))
    data.load.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"reconcile\.yaml: missing no_such_section"):
            data.load("reconcile.yaml")
    finally:
        data.load.cache_clear()


def _word_lists(section: object) -> list[list[str]]:
    if isinstance(section, list):
        return [section]
    if isinstance(section, dict):
        return [words for value in section.values() for words in _word_lists(value)]
    return []


@pytest.mark.parametrize("name", ["cues.yaml", "tables.yaml"])
def test_cue_word_lists_hold_no_regex(name: str) -> None:
    """Regular expressions live under `patterns:` only; the word lists are escaped."""
    words = {key: value for key, value in data.load(name).items() if key != "patterns"}
    regex_like = [
        word
        for words in _word_lists(words)
        for word in words
        if any(char in word for char in "\\()[]*+?|{}^$")
    ]
    assert regex_like == []


def test_cue_patterns_compile() -> None:
    for name in ("cues.yaml", "tables.yaml"):
        for patterns in _word_lists(data.load(name)["patterns"]):
            assert pattern_alternation(patterns)


def test_a_bad_pattern_is_named() -> None:
    with pytest.raises(ValueError, match=r"bad pattern 'ris\(e'"):
        pattern_alternation(["rose", "ris(e"])


def _openings(pattern: str) -> list[str]:
    """The words a cue pattern's matches begin with, as far as its text says them plainly:
    its literal start, each alternative of a leading group spelled out ("(?:ship|vessel)
    calls" -> "ship calls", "vessel calls")."""
    group = re.match(r"\(\?:([A-Za-z |]+)\)", pattern)
    heads, rest = (group[1].split("|"), pattern[group.end() :]) if group else ([""], pattern)
    tail = re.match(r"[A-Za-z' -]*", rest)
    return [head + (tail[0] if tail else "") for head in heads]


def _shadowed_cues() -> list[str]:
    """Cues of one metric that an earlier cue of it cuts short: `re` takes the first
    alternative that matches, so "containers?" before "container traffic" ends the cue at
    "container", and the figure's distance to its cue is measured from the wrong end."""
    found = []
    for metric, spec in data.load("catalog.yaml")["metrics"].items():
        for key in ("cues", "weak_cues"):
            cues = spec.get(key) or []
            for later_index, later in enumerate(cues):
                for text in _openings(later):
                    ends = [k for k in range(1, len(text)) if text[k - 1].isalnum() and not text[k].isalnum()]
                    for earlier in cues[:later_index]:
                        if any(re.fullmatch(earlier, text[:k], re.IGNORECASE) for k in ends):
                            found.append(f"{metric} {key}: {earlier!r} before {later!r}")
    return found


def test_no_cue_is_cut_short_by_an_earlier_one() -> None:
    assert _shadowed_cues() == []
