"""The one-pass article screen (`extract/screen.py`) must never stop an article that the
sentence-by-sentence prefilter (`prose.may_hold_claims`) would read: it only makes the
answer "no claim here" cheaper. Invented texts, every extraction case, random texts of cue
words, foreign letters and odd spaces, the samples and the shared corpus check that.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import CORPUS, SAMPLES
from test_extract_cases import CASES

import metrics.extract as extract
from metrics.extract import extract_claims
from metrics.extract import screen as screen_module
from metrics.extract.prose import may_hold_claims
from metrics.extract.screen import (
    CACHE_ENV,
    CueScreen,
    Screen,
    build_screen,
    catalog_screen,
    relaxed,
)
from metrics.extract.segment import sentences
from metrics.lexicon.catalog import load_catalog
from metrics.models import Document
from metrics.read import load_document

pytest.importorskip("hyperscan", reason="Hyperscan has no wheel for this platform")

RELAXED_CASES = [
    # (id, pattern, relaxed)
    ("word_boundaries_stay", r"\bcargo\b", r"\bcargo\b"),
    ("lowered", r"\b(?:GDP|Gross Domestic Product)\b", r"\b(?:gdp|gross domestic product)\b"),
    ("skip_lookahead_goes", r"(?=[CFcf])\b(?:cargo|freight)\b", r"\b(?:cargo|freight)\b"),
    ("negative_lookahead_goes", r"\bcapacity(?! to\b)", r"\bcapacity"),
    ("lookbehind_goes", r"(?<!non-)\boil\b", r"\boil\b"),
    ("nested_lookahead_goes", r"\btransit(?!(?:ed|ing)\b) cargo", r"\btransit cargo"),
    ("anchors_go", r"^exports?$", r"exports?"),
    ("not_boundary_goes", r"\Bport", r"port"),
    ("named_group_plain", r"(?P<e3>Aktau|Kuryk)", r"(?:aktau|kuryk)"),
    ("escapes_keep_case", r"\S+\s+\W", r"\S+\s+\W"),
    ("class_lowered", r"[A-C]argo", r"[a-c]argo"),
    ("negated_class_any", r"\d[^A-Z]ton", r"\d.ton"),
    ("curly_apostrophe", "country\u2019s", r"country\?s"),
    ("foreign_letter", "T\u00fcrkiye", "txrkiye"),
    ("foreign_space", "million\u00a0tonnes", "million tonnes"),
    ("class_with_foreign", "[-\u2013\u2014]", "[-??]"),
    ("escaped_class_bracket", r"[\]a]x(?=y)", r"[\]a]x"),
]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [(p, r) for _, p, r in RELAXED_CASES],
    ids=[c[0] for c in RELAXED_CASES],
)
def test_relaxed(pattern: str, expected: str) -> None:
    assert relaxed(pattern) == expected


def _cue_screen() -> CueScreen:
    screen = catalog_screen(load_catalog())
    assert screen is not None, "the packaged catalog must compile into a screen"
    return screen


def _screen() -> Screen:
    return _cue_screen().screen


def _occurs(screen: Screen, text: str) -> bool | None:
    """Whether `screen` lets `text` through (None: no verdict), as `extract_claims` asks."""
    hits = screen.hits(text)
    return None if hits is None else bool(hits)


def _old_verdict(text: str) -> bool:
    return may_hold_claims(sentences(text), text, load_catalog())


SCREEN_CASES = [
    # (id, text, verdict: False stops the article, None leaves it to the slower way)
    ("football", "The Valley Wolves beat the Desert Foxes 3-1 on Sunday before 12,400 fans.", False),
    ("weather", "Temperatures will rise to 38 degrees on Friday and fall to 21 at night.", False),
    ("concert", "Zo\u00eb M\u00fcller will sing at 19:30; tickets cost 12 euros.", False),
    ("curly_quotes", "\u201cWe\u2019re ready,\u201d the coach said after the 2\u20130 win.", False),
    ("cue", "Cargo handled at the port rose by 12% in 2024.", True),
    ("cue_after_foreign_name", "At \u00c7orlu, cargo rose by 5%.", True),
    ("cue_words_split_by_no_break_space", "Exports reached 4.1\u00a0billion dollars.", True),
    ("count_noun", "Some 320 wagons crossed the border last week.", True),
    ("sector", "Construction (10.3%) led the economy.", True),
    ("long_s", "The \u017fhipments rose by 5%.", None),
    ("dotted_capital_i", "\u0130stanbul handled 3 million tonnes.", None),
    ("control_space", "Cargo\x1crose by 5%.", None),
    ("run_without_spaces", "x" * 1200 + " cargo rose by 5%.", None),
]


@pytest.mark.parametrize(
    ("text", "verdict"),
    [(t, v) for _, t, v in SCREEN_CASES],
    ids=[c[0] for c in SCREEN_CASES],
)
def test_screen_case(text: str, verdict: bool | None) -> None:
    assert _occurs(_screen(), text) is verdict
    if verdict is False:
        assert not _old_verdict(text)


def _never_stops_what_the_prefilter_reads(text: str) -> None:
    """Neither the article (`Screen.hits`) nor, in a sentence, a cue pattern that
    matches there (`CueScreen.mark`)."""
    if _old_verdict(text):
        assert _occurs(_screen(), text) is not False, text
    hits = _screen().hits(text)
    if not hits:
        return
    cut = sentences(text)
    _cue_screen().mark(cut, hits)
    for s in cut:
        assert s.screened is not None
        covered, present, anything = s.screened
        for pattern in _cue_screen().cues:
            assert id(pattern) in covered
            if pattern.search(s.text):
                assert id(pattern) in present, (pattern.pattern, s.text)
        catalog = load_catalog()
        sectors = catalog.sector_pattern
        if (
            present
            or any(noun in s.text.lower() for noun in catalog.count_nouns)
            or (sectors is not None and sectors.search(s.text))
        ):
            assert anything, s.text


@pytest.mark.parametrize("text", [c.text for c in CASES], ids=[c.id for c in CASES])
def test_screen_never_stops_an_extraction_case(text: str) -> None:
    _never_stops_what_the_prefilter_reads(text)


_WORDS = [
    "cargo", "Cargo", "freight", "exports", "GDP", "inflation", "tonnes", "TEU", "wagons",
    "containers", "construction", "capacity", "transit", "day", "days", "Sunday", "rose",
    "by", "to", "and", "the", "in", "2024", "5%", "4.1", "million", "port", "rail",
]  # fmt: skip
_GLUE = [
    " ", "  ", "\u00a0", "\u2009", ", ", ". ", ".\n", "\n\n", "-", "\u2013", "\u2019s ", "'s ",
    "(", ")", "\u00e9", "\u00fc", "\u0131", "\u0130", "\u017f", "\x1c", "\u3000", "\u0663",
    "x", "_", "\u03c3", "\u03a3",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS + _GLUE), min_size=1, max_size=30))
def test_screen_never_stops_a_random_text_the_prefilter_reads(tokens: list[str]) -> None:
    _never_stops_what_the_prefilter_reads("".join(tokens))


def _articles(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in {".md", ".txt", ".html"})


def test_screen_never_stops_a_sample_article() -> None:
    articles = _articles(SAMPLES)
    assert articles
    for path in articles:
        _never_stops_what_the_prefilter_reads(load_document(path).prose)


def test_screen_never_stops_a_corpus_article() -> None:
    if not (CORPUS / "docs").is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    for path in _articles(CORPUS / "docs"):
        _never_stops_what_the_prefilter_reads(load_document(path).prose)


def test_claims_are_the_same_without_the_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    documents = [load_document(p) for p in _articles(SAMPLES)]
    documents += [Document(path=c.id, text=c.text, published=c.published, title=c.title) for c in CASES]
    screened = [extract_claims(d) for d in documents]
    monkeypatch.setattr(extract, "catalog_screen", lambda catalog: None)
    assert [extract_claims(d) for d in documents] == screened
    assert any(screened)


def test_no_screen_without_hyperscan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(screen_module, "hyperscan", None)
    assert build_screen([r"\bcargo\b"]) is None


def test_no_screen_when_hyperscan_refuses_a_pattern() -> None:
    assert build_screen([r"\bcargo\b", r"(a)\1"]) is None  # a back-reference


def test_threads_each_scan_with_their_own_scratch() -> None:
    texts = [text for _, text, _ in SCREEN_CASES] * 20
    alone = [_occurs(_screen(), text) for text in texts]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(partial(_occurs, _screen()), texts)) == alone


def test_a_compiled_screen_is_kept_and_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    first = Screen([r"\bcargo\b", r"\bwagons\b"])
    assert [p.suffix for p in tmp_path.iterdir()] == [".hsdb"]

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(screen_module.hyperscan, "Database", no_compiling)
    second = Screen([r"\bcargo\b", r"\bwagons\b"])
    for text in ("Cargo rose.", "Some 300 wagons.", "The team won 3-1."):
        assert _occurs(second, text) is _occurs(first, text)


@pytest.mark.parametrize("damage", ["cut_short", "not_a_database", "folder_is_a_file"])
def test_a_damaged_or_unwritable_cache_only_costs_a_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    Screen([r"\bcargo\b"])
    (kept,) = cache.iterdir()
    if damage == "cut_short":
        kept.write_bytes(kept.read_bytes()[:100])
    elif damage == "not_a_database":
        kept.write_bytes(b"metrics" * 100)
    else:
        kept.unlink()
        cache.rmdir()
        cache.write_text("a file where the cache folder would be")
    screen = Screen([r"\bcargo\b"])
    assert _occurs(screen, "Cargo rose by 5%.") is True
    assert _occurs(screen, "The team won 3-1.") is False


def test_no_home_means_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(screen_module.os.path, "expanduser", lambda path: path)
    monkeypatch.chdir(tmp_path)
    assert screen_module.cache_dir() is None
    assert _occurs(Screen([r"\bcargo\b"]), "Cargo rose by 5%.") is True
    assert list(tmp_path.iterdir()) == []
