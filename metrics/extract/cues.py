"""Cue patterns, from data/cues.yaml and data/tables.yaml: the words that say what a figure is.

Prose and tables read the same status words (forecast, target); prose looks for them in
the words before a figure, tables in the labels of its row and column. Each set of
patterns is compiled on first use and then shared by every document; the prose-only status
words (modal language, what sets a target) are compiled here too, for `status.py`.

A cue is the words of its key, escaped, joined with the regular expressions under the
file's `patterns:` with the same key; no word list is read as regex.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from metrics.data import load
from metrics.lexicon.textscan import alternation, pattern_alternation, skip_to

# The words of a cue phrase were always matched one space apart; `\s+` would also join
# them across a line break inside a table label or a run of spaces.
ONE_SPACE = " "


def _cue(data: dict[str, Any], key: str, words: list[str] | None = None) -> str:
    """The words of `key` (or `words`) and the patterns of `patterns: key`, as one alternation."""
    words = data.get(key, []) if words is None else words
    patterns = data["patterns"].get(key, [])
    parts = [alternation(words, space=ONE_SPACE)] if words else []
    return "|".join(parts + ([pattern_alternation(patterns)] if patterns else []))


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
    base_if_changed: frozenset[str]  # "over": a base only after a change
    forecast: re.Pattern[str]
    target: re.Pattern[str]
    future: re.Pattern[str]
    clause_break: re.Pattern[str]
    any_growth_verb: re.Pattern[str]
    any_decrease_verb: re.Pattern[str]
    comparison_verb: re.Pattern[str]
    past_tense: re.Pattern[str]
    up_to_as_direction: re.Pattern[str]
    change_subject: re.Pattern[str]  # "the increase in X amounted to": group `down` if a fall
    restates_previous: re.Pattern[str]  # ", which is ": the rate is the figure before's change
    count_subject: re.Pattern[str]  # "the number of trucks ... reached": `rest` after "of"
    counted_by_verb: re.Pattern[str]  # "container trains ... numbered": ends at the figure
    other_measure: re.Pattern[str]  # "revenue": a quantity no metric measures
    revision: re.Pattern[str]  # "raised its 2025 forecast": the "from" figure is a vintage
    generic_goods: frozenset[str]  # "tonnes of cargo": names no metric after the figure


@cache
def prose_cues() -> ProseCues:
    data = load("cues.yaml")
    qualifiers = data["qualifiers"]
    qualifier_words = alternation([w for ws in qualifiers.values() for w in ws], space=ONE_SPACE)
    filler = rf"(?:\s+(?:{_cue(data, 'growth_filler')}|{qualifier_words}))*"
    growth = _cue(data, "growth_verbs")
    decrease = _cue(data, "decrease_verbs")
    return ProseCues(
        qualifiers={
            # "more than a 30 percent increase": an article may stand between
            name: re.compile(
                rf"\b(?:{alternation(words, space=ONE_SPACE)})(?:\s+an?)?\s*\Z", re.IGNORECASE
            )
            for name, words in qualifiers.items()
        },
        growth_before=re.compile(rf"\b(?:{growth}){filler}\s*\Z", re.IGNORECASE),
        decrease_before=re.compile(rf"\b(?:{decrease}){filler}\s*\Z", re.IGNORECASE),
        by_before=re.compile(rf"\bby(?:\s+(?:{qualifier_words}))?\s*\Z", re.IGNORECASE),
        growth_after=re.compile(rf"\A[\s,]*(?:{_cue(data, 'growth_after')})\b", re.IGNORECASE),
        decrease_after=re.compile(rf"\A[\s,]*(?:{_cue(data, 'decrease_after')})\b", re.IGNORECASE),
        share_before=re.compile(rf"\b(?:{_cue(data, 'share_before')})\b", re.IGNORECASE),
        share_after=re.compile(rf"\A[\s,]*(?:{_cue(data, 'share_after')})", re.IGNORECASE),
        # searched in a short window before every period: `skip_to` jumps to the letters
        # the words begin with
        base_before=re.compile(
            rf"\b{skip_to(data['base_before'])}(?:{_cue(data, 'base_before')})\s+(?:the\s+)?\Z",
            re.IGNORECASE,
        ),
        forecast=re.compile(rf"\b(?:{_cue(data, 'forecast')})", re.IGNORECASE),
        target=re.compile(rf"\b(?:{_cue(data, 'target')})", re.IGNORECASE),
        future=re.compile(rf"(?:\b|(?<=\w))(?:{_cue(data, 'future')})\b", re.IGNORECASE),
        clause_break=re.compile(_cue(data, "clause_breaks"), re.IGNORECASE),
        any_growth_verb=re.compile(rf"\b(?:{growth})\b", re.IGNORECASE),
        any_decrease_verb=re.compile(rf"\b(?:{decrease})\b", re.IGNORECASE),
        past_tense=re.compile(rf"\b(?:{_cue(data, 'past_tense')})\b", re.IGNORECASE),
        comparison_verb=re.compile(rf"\b(?:{_cue(data, 'comparison_verbs')})\b", re.IGNORECASE),
        generic_goods=frozenset(data["generic_goods"]),
        base_if_changed=frozenset(data["base_if_changed"]),
        up_to_as_direction=re.compile(
            rf"\b(?:{_cue(data, 'up_to_as_direction')})\s*\Z", re.IGNORECASE
        ),
        change_subject=re.compile(
            rf"\b(?:(?P<up>{_cue(data, 'change_subject_increase')})|(?P<down>{_cue(data, 'change_subject_decrease')}))"
            rf"\s+(?:in|of)\s+[^,;:()]{{1,60}}?\s+(?:{_cue(data, 'change_subject_links')})"
            r"\s+(?:about\s+|nearly\s+|some\s+|almost\s+|around\s+)?\Z",
            re.IGNORECASE,
        ),
        restates_previous=re.compile(
            rf",\s*(?:{_cue(data, 'restates_previous')})\s+(?:an?\s+|some\s+|about\s+|nearly\s+)?\Z",
            re.IGNORECASE,
        ),
        count_subject=re.compile(
            rf"\b(?:{_cue(data, 'count_subject')})\s+(?P<rest>[^\d,;:()]*)\Z", re.IGNORECASE
        ),
        other_measure=re.compile(rf"\b(?:{_cue(data, 'other_measures')})\b", re.IGNORECASE),
        counted_by_verb=re.compile(
            rf"\b(?:{_cue(data, 'count_verbs')})\s+(?:(?:{qualifier_alternation()})\s+)?\Z",
            re.IGNORECASE,
        ),
        revision=re.compile(
            rf"\b(?:{_cue(data, 'revision_verbs')})\s+(?:[\w'’-]+\s+){{0,6}}?"
            rf"(?:{_cue(data, 'revision_objects')})\b",
            re.IGNORECASE,
        ),
    )


@cache
def verb_alternations() -> tuple[str, str]:
    """The change verbs as two alternations: (growth verbs, decrease verbs)."""
    data = load("cues.yaml")
    return _cue(data, "growth_verbs"), _cue(data, "decrease_verbs")


@cache
def qualifier_alternation() -> str:
    """Every hedge word of every qualifier, as one alternation ("about", "more than")."""
    qualifiers = load("cues.yaml")["qualifiers"]
    return alternation([w for ws in qualifiers.values() for w in ws], space=ONE_SPACE)


@dataclass(frozen=True)
class StatusCues:
    """The prose-only status cues; each matches from a word's start to a word's end."""

    modal: re.Pattern[str]
    modal_after: re.Pattern[str]
    target_setter: re.Pattern[str]
    no_cue: re.Pattern[str]
    compared_with: re.Pattern[str]  # ends right before the figure compared with
    target_after: re.Pattern[str]  # starts right after the figure: "3% inflation target"


@cache
def status_cues() -> StatusCues:
    data = load("cues.yaml")

    def words(key: str) -> re.Pattern[str]:
        # `skip_to` lets `re` jump between the letters the cues begin with (much faster
        # over a long sentence); it is empty when a pattern's first letter is unknown.
        skip = skip_to(data[key] + data["patterns"].get(key, []))
        return re.compile(rf"\b{skip}(?:{_cue(data, key)})\b", re.IGNORECASE)

    return StatusCues(
        modal=words("modal_forecast"),
        modal_after=words("modal_forecast_after"),
        target_setter=words("target_setters"),
        no_cue=words("no_status_cue"),
        target_after=re.compile(
            rf"\A\s*(?:(?!(?:of|the|an?|to|for|in|and|or)\b)[\w-]+\s+){{0,2}}(?:{_cue(data, 'target_after')})\b",
            re.IGNORECASE,
        ),
        compared_with=re.compile(
            rf"\b(?:{_cue(data, 'compared_with')})(?:\s+(?:the|an?|{qualifier_alternation()}))*\s*\Z",
            re.IGNORECASE,
        ),
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


def _whole_words(cue: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{cue})(?!\w)", re.IGNORECASE)


@cache
def table_markers() -> TableMarkers:
    status = load("cues.yaml")
    data = load("tables.yaml")
    forecast_words = status["forecast"] + status["forecast_abbreviations"]
    return TableMarkers(
        forecast=_whole_words(_cue(status, "forecast", forecast_words)),
        forecast_year_suffix=re.compile(data["patterns"]["forecast_year_suffix"]),
        target=_whole_words(_cue(status, "target")),
        growth=_whole_words(_cue(data, "growth")),
        share=_whole_words(_cue(data, "share")),
        unit_column=re.compile(rf"\s*(?:{_cue(data, 'unit_column')})\s*", re.IGNORECASE),
        approx=re.compile(rf"^\s*(?:{_cue(data, 'approx')})", re.IGNORECASE),
    )
