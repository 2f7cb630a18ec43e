"""Cue patterns, from data/cues.yaml and data/tables.yaml: the words that say what a figure is.

Prose and tables read the same status words (forecast, target); prose looks for them in
the words before a figure, tables in the labels of its row and column. Each set of
patterns is compiled on first use and then shared by every document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from metrics.data import load


@dataclass(frozen=True)
class ProseCues:
    """Where each cue must stand is part of its pattern: right before the number (`\\Z`), right
    after it (`\\A`) or anywhere in the clause."""

    qualifiers: dict[str, re.Pattern[str]]
    growth_before: re.Pattern[str]
    decrease_before: re.Pattern[str]
    by_before: re.Pattern[str]
    growth_after: re.Pattern[str]
    decrease_after: re.Pattern[str]
    share_before: re.Pattern[str]
    share_after: re.Pattern[str]
    base_before: re.Pattern[str]
    forecast: re.Pattern[str]
    target: re.Pattern[str]
    future: re.Pattern[str]
    clause_break: re.Pattern[str]
    any_growth_verb: re.Pattern[str]
    any_decrease_verb: re.Pattern[str]


def _alternation(items: list[str]) -> str:
    return "|".join(sorted(items, key=len, reverse=True))


@cache
def prose_cues() -> ProseCues:
    data = load("cues.yaml")
    qualifier_words = _alternation([w for ws in data["qualifiers"].values() for w in ws])
    filler = rf"(?:\s+(?:by|of|a|an|another|further|a further|a record|nearly|almost|{qualifier_words}))*"
    growth = _alternation(data["growth_verbs"])
    decrease = _alternation(data["decrease_verbs"])
    return ProseCues(
        qualifiers={
            name: re.compile(rf"\b(?:{_alternation(words)})\s*\Z", re.IGNORECASE)
            for name, words in data["qualifiers"].items()
        },
        growth_before=re.compile(rf"\b(?:{growth}){filler}\s*\Z", re.IGNORECASE),
        decrease_before=re.compile(rf"\b(?:{decrease}){filler}\s*\Z", re.IGNORECASE),
        by_before=re.compile(rf"\bby(?:\s+(?:{qualifier_words}))?\s*\Z", re.IGNORECASE),
        growth_after=re.compile(
            rf"\A[\s,]*(?:{_alternation(data['growth_after'])})\b", re.IGNORECASE
        ),
        decrease_after=re.compile(
            rf"\A[\s,]*(?:{_alternation(data['decrease_after'])})\b", re.IGNORECASE
        ),
        share_before=re.compile(rf"\b(?:{_alternation(data['share_before'])})\b", re.IGNORECASE),
        share_after=re.compile(rf"\A[\s,]*(?:{_alternation(data['share_after'])})", re.IGNORECASE),
        base_before=re.compile(
            rf"\b(?:{_alternation(data['base_before'])})\s+(?:the\s+)?\Z", re.IGNORECASE
        ),
        forecast=re.compile(rf"\b(?:{_alternation(data['forecast'])})", re.IGNORECASE),
        target=re.compile(rf"\b(?:{_alternation(data['target'])})", re.IGNORECASE),
        future=re.compile(rf"(?:\b|(?<=\w))(?:{_alternation(data['future'])})\b", re.IGNORECASE),
        clause_break=re.compile("|".join(data["clause_breaks"]), re.IGNORECASE),
        any_growth_verb=re.compile(rf"\b(?:{growth})\b", re.IGNORECASE),
        any_decrease_verb=re.compile(rf"\b(?:{decrease})\b", re.IGNORECASE),
    )


@dataclass(frozen=True)
class TableMarkers:
    """Whole-word markers for labels and captions, which are short and hold no sentence."""

    forecast: re.Pattern[str]
    forecast_year_suffix: re.Pattern[str]
    target: re.Pattern[str]
    growth: re.Pattern[str]
    share: re.Pattern[str]
    unit_column: re.Pattern[str]
    approx: re.Pattern[str]

    def refers_back(self, label: str) -> bool:
        """A label that is only a change or share of something named before it."""
        return bool(self.growth.search(label) or self.share.search(label))


def _whole_words(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE)


@cache
def table_markers() -> TableMarkers:
    status = load("cues.yaml")
    data = load("tables.yaml")
    return TableMarkers(
        forecast=_whole_words(status["forecast"] + status["forecast_abbreviations"]),
        forecast_year_suffix=re.compile(data["forecast_year_suffix"]),
        target=_whole_words(status["target"]),
        growth=_whole_words(data["growth"]),
        share=_whole_words(data["share"]),
        unit_column=re.compile(r"\s*(?:" + "|".join(data["unit_column"]) + r")\s*", re.I),
        approx=re.compile(r"^\s*(?:" + "|".join(data["approx"]) + ")", re.IGNORECASE),
    )
