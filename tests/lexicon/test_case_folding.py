"""Period, quantity, cue, status and entity patterns run case-folded on lower-cased text for speed: same matches.

Cue patterns are also skipped for sentences without the first letters of their words.

Checked over every sentence of the extraction and vocabulary cases, for every pattern of the
catalog.
"""

from __future__ import annotations

import re

import paths
import pytest
import yaml

from metrics.extract.cues import prose_cues, status_cues
from metrics.extract.entities import entity_rules
from metrics.lexicon.catalog import Metric, cue_keys, load_catalog
from metrics.lexicon.periods import _PERIOD, _PERIOD_FINDER, PERIOD_RULES
from metrics.lexicon.textscan import (
    case_folded,
    first_letters,
    group_end,
    top_level_alternatives,
)
from metrics.lexicon.vocabulary import patterns, vocabulary

CASES = (
    paths.CASES / "extract_cases.yaml",
    paths.CASES / "vocabulary_cases.yaml",
    paths.CASES / "status_cases.yaml",
    paths.CASES / "entity_cases.yaml",
)
CATALOG = load_catalog()
CODES = vocabulary().currency_codes
PATTERNS = {
    "periods": _PERIOD,
    "quantity starts": patterns().start,
    "entities": CATALOG.entity_pattern,
    "entities:cause_phrase": entity_rules().cause_phrase,
    **{f"anaphora:{kind}": pattern for kind, pattern in CATALOG.anaphora.items()},
    **{f"status:{name}": getattr(prose_cues(), name) for name in ("forecast", "target", "future")},
    **{
        f"status:{name}": getattr(status_cues(), name)
        for name in ("modal", "modal_after", "target_setter")
    },
    **{f"cues:{metric.id}": metric.cues for metric in CATALOG.metrics.values()},
    **{
        f"weak:{metric.id}": metric.weak_cues
        for metric in CATALOG.metrics.values()
        if metric.weak_cues is not None
    },
}
TEXTS = [
    case["text"]
    for path in CASES
    for cases in yaml.safe_load(path.read_text("utf-8")).values()
    for case in cases
]


@pytest.mark.parametrize("name", PATTERNS)
def test_folded_pattern_finds_what_the_original_finds(name: str) -> None:
    pattern = PATTERNS[name]
    folded = case_folded(pattern)
    assert not folded.flags & re.IGNORECASE  # the point of folding
    found = 0
    for text in TEXTS:
        original = [(m.span(), m.lastgroup) for m in pattern.finditer(text)]
        assert [(m.span(), m.lastgroup) for m in folded.finditer(text.lower())] == original
        found += len(original)
    if not name.startswith(("anaphora", "weak")):
        assert found  # the cases exercise every metric's cues and the entities


@pytest.mark.parametrize(
    ("patterns", "keys"),
    [
        (["cargo", "freight", "shipments?"], {"car", "fre", "shi"}),
        (["containers?", "container (?:transportation|traffic)", "TEU"], {"con", "teu"}),
        (["exports?"], {"exp"}),
        (["(?:per|a) year"], {"per", "a"}),  # a group of first words
        (["cargo", "by rail"], {"car", "by"}),  # a first word of two letters
        (["(?:GDP )?deflator"], {"gdp", "def"}),  # an optional first word
        (["cargo|freight"], {"car", "fre"}),  # an alternation inside one pattern
        (["gd?p"], None),  # the third letter is optional
        (["by-?pass"], None),  # a short word that may go on
        (["t(?:on|onne)s?-km"], {"ton"}),  # a group inside the first word
        (["t(?:on|onne)?-km"], None),  # which may leave one letter
        (["[ck]argo"], None),  # a class of first letters
    ],
)
def test_cue_keys(patterns: list[str], keys: set[str] | None) -> None:
    assert cue_keys(patterns) == (None if keys is None else frozenset(keys))


@pytest.mark.parametrize("metric", CATALOG.metrics.values(), ids=lambda m: m.id)
def test_cue_keys_never_rule_out_a_sentence_holding_the_cue(metric: Metric) -> None:
    checked = 0
    for cues, keys in ((metric.cues, metric.cue_keys), (metric.weak_cues, metric.weak_cue_keys)):
        if cues is None or keys is None:
            continue
        for text in TEXTS:
            if cues.search(text):
                words = {word[:3] for word in re.findall(r"\w+", text.lower())}
                assert not keys.isdisjoint(words), text
                checked += 1
    assert checked or metric.cue_keys is None


@pytest.mark.parametrize(
    ("patterns", "letters"),
    [
        (["cargo", "Freight", "shipments?"], "CFScfs"),
        (["\\bEU\\b", "Kazakhstan"], "EKek"),
        (["(?:per|a) year"], None),  # begins with a group
        (["s?hipments"], None),  # the first letter is optional
        (["cargo|(freight)"], None),  # an alternation inside one pattern
    ],
)
def test_first_letters(patterns: list[str], letters: str | None) -> None:
    assert first_letters(patterns) == letters


def test_entity_matches_are_those_of_the_entity_pattern() -> None:
    for text in [*TEXTS, "İstanbul and Kazakhstan"]:  # "İ" lowers to two characters
        expected = [(m.span(), m.lastgroup) for m in CATALOG.entity_pattern.finditer(text)]
        assert [(m.span(), m.lastgroup) for m in CATALOG.entity_matches(text)] == expected


def test_period_finder_finds_what_the_period_rules_find() -> None:
    """The scanner tries most rules behind one shared word boundary, and the finder has no
    named groups: both find what the rules joined one after the other find."""
    named_group = re.compile(r"[(][?]P<\w+>")
    plain = [named_group.sub("(?:", rule.pattern) for rule in PERIOD_RULES]
    joined = re.compile("\n|".join(f"(?:{rule})" for rule in plain), re.VERBOSE | re.IGNORECASE)
    glued = "plan A2030 and budget_2025"  # a year may begin inside a word: not behind `\b`
    texts = [*TEXTS, *(case["text"] for case in _cases("period_cases.yaml")), glued]
    for text in texts:
        expected = [m.span() for m in joined.finditer(text)]
        assert [m.span() for m in _PERIOD.finditer(text)] == expected, text
        assert [m.span() for m in _PERIOD_FINDER.finditer(text)] == expected, text


def _cases(name: str) -> list[dict[str, str]]:
    tables = yaml.safe_load((paths.CASES / name).read_text("utf-8"))
    return [case for cases in tables.values() if isinstance(cases, list) for case in cases]


@pytest.mark.parametrize(
    ("pattern", "alternatives"),
    [
        ("cargo|(?:a|b) c", ["cargo", "(?:a|b) c"]),
        ("[(|]a|b", ["[(|]a", "b"]),  # a bracket and a bar in a class are letters
        ("[]|]x|y", ["[]|]x", "y"]),  # so is a "]" first in a class
        ("a\\|b|c", ["a\\|b", "c"]),  # and an escaped bar
    ],
)
def test_top_level_alternatives(pattern: str, alternatives: list[str]) -> None:
    assert top_level_alternatives(pattern) == alternatives


@pytest.mark.parametrize(
    ("pattern", "end"),
    [("(?:a|b)c", 6), ("(?:[)]|b)c", 8), ("(a(b))c", 5), ("a(b)", None), ("(?:a", None)],
)
def test_group_end(pattern: str, end: int | None) -> None:
    assert group_end(pattern) == end


def test_currency_before_finds_the_codes_of_the_list() -> None:
    """Any three letters stand for a code before a number; what is kept is what the list of
    codes finds (a code in capitals)."""
    fast = patterns().currency_before
    listed = re.compile(
        fast.pattern.replace("(?P<code>[a-z]{3})", f"(?P<code>{'|'.join(sorted(CODES))})"),
        fast.flags,
    )
    assert listed.pattern != fast.pattern

    def kept(pattern: re.Pattern[str], window: str) -> tuple[int, int] | None:
        m = pattern.search(window)  # as `quantities._currency_before` reads it
        code = m and m.group("code")
        if m is None or (code and (code not in CODES or not code.isupper())):
            return None
        return m.span()

    invented = ["paid usd 5", "paid ABC 5", "costs EUR -5", "the top 5", "fee of USD5"]
    texts = [*TEXTS, *invented]
    windows = [t[max(0, m.start() - 12) : m.start()] for t in texts for m in re.finditer(r"\d+", t)]
    windows = [*windows, *(f"{code} " for code in sorted(CODES)[:20])]
    assert any(kept(fast, w) for w in windows)
    for window in windows:
        assert kept(fast, window) == kept(listed, window), window
