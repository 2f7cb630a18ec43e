"""Transport modes: which mode of transport a figure is about, and what that changes.

A country's passengers, freight or freight turnover counted over every mode and the same
figure for its railways alone are two series; read as one, the reconciliation would report
the rail figure as a conflict with the national one. So a figure of a mode-neutral metric
written where the text speaks of one mode names the mode in its entity ("Kazakhstan rail"),
and freight read in the scope of rail is rail freight.

Scope, narrowest first: a mode phrase in the figure's clause, else the nearest one before
it in its sentence, else the last one of the paragraph's earlier sentences, else the mode of
the document's lead (its title, else its first sentence) when that names exactly one. A
phrase about all modes at once ends a mode's scope like another mode would. The words are
data: `metrics/data/transport_modes.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from metrics import data as package_data
from metrics.extract.cues import ONE_SPACE
from metrics.extract.segment import Sentence
from metrics.lexicon.textscan import alternation, finditer

ALL_MODES = "all"
"""The mode of a phrase about every mode at once ("across all modes of transport")."""


@dataclass(frozen=True)
class ModeRules:
    """The data of `transport_modes.yaml`."""

    pattern: re.Pattern[str]  # one named group per mode, and `all` for every mode
    labels: dict[str, str]  # mode -> what a mode-neutral entity gets after the country
    mode_neutral_metrics: frozenset[str]
    metric_by_mode: dict[str, dict[str, str]]  # metric -> mode -> the mode's own metric


@cache
def mode_rules() -> ModeRules:
    """The packaged rules, parsed once."""
    data = package_data.load("transport_modes.yaml")
    groups = {name: spec["phrases"] for name, spec in data["modes"].items()}
    groups[ALL_MODES] = data["all_modes"]
    joined = "|".join(
        f"(?P<{name}>{alternation(phrases, space=ONE_SPACE)})" for name, phrases in groups.items()
    )
    return ModeRules(
        pattern=re.compile(rf"\b(?:{joined})\b", re.IGNORECASE),
        labels={name: spec["label"] for name, spec in data["modes"].items()},
        mode_neutral_metrics=frozenset(data["mode_neutral_metrics"]),
        metric_by_mode={k: dict(v) for k, v in data["metric_by_mode"].items()},
    )


@dataclass(frozen=True)
class ModeMention:
    start: int  # offset in the sentence
    mode: str


def mode_mentions(text: str) -> list[ModeMention]:
    """The mode phrases of `text`, in order."""
    return [
        ModeMention(m.start(), next(name for name, found in m.groupdict().items() if found))
        for m in finditer(mode_rules().pattern, text)
    ]


def lead_mode(title: str | None, first_sentence: str | None) -> str | None:
    """The one mode the document's lead names (its title, else its first sentence)."""
    for text in (title, first_sentence):
        modes = {m.mode for m in mode_mentions(text or "")}
        if modes:
            mode = modes.pop() if len(modes) == 1 else ALL_MODES
            return None if mode == ALL_MODES else mode
    return None


def mode_in_sentence(
    mentions: list[ModeMention], clause: tuple[int, int], figure_start: int, text: str
) -> str | None:
    """The mode of a figure from its own sentence: its clause's phrase nearest to it, else
    the last phrase before it, else the first one after it with no comma between ("3 Mt of
    cargo and 2 million passengers were carried by rail")."""
    in_clause = [m for m in mentions if clause[0] <= m.start < clause[1]]
    if in_clause:
        return min(in_clause, key=lambda m: abs(m.start - figure_start)).mode
    before = [m for m in mentions if m.start < figure_start]
    if before:
        return before[-1].mode
    after = next((m for m in mentions if m.start > figure_start), None)
    if after is not None and not _CLAUSE_PUNCTUATION.search(text, figure_start, after.start):
        return after.mode
    return None


_CLAUSE_PUNCTUATION = re.compile(r"[,;:()]")


class ModeReader:
    """The mode in scope at each figure of one document."""

    def __init__(self, sentences: list[Sentence], title: str | None) -> None:
        self._sentences = sentences
        self._mentions: dict[int, list[ModeMention]] = {}
        self._lead = lead_mode(title, sentences[0].text if sentences else None)

    def _of(self, index: int) -> list[ModeMention]:
        if index not in self._mentions:
            self._mentions[index] = mode_mentions(self._sentences[index].text)
        return self._mentions[index]

    def mode_at(self, index: int, clause: tuple[int, int], figure_start: int) -> str | None:
        """The mode a figure of sentence `index` is about; None when it is every mode or
        the text does not say."""
        text = self._sentences[index].text
        own = mode_in_sentence(self._of(index), clause, figure_start, text)
        if own is not None:
            return None if own == ALL_MODES else own
        paragraph = self._sentences[index].paragraph
        for earlier in range(index - 1, -1, -1):
            if self._sentences[earlier].paragraph != paragraph:
                break
            if mentions := self._of(earlier):
                mode = mentions[-1].mode
                return None if mode == ALL_MODES else mode
        return self._lead

    def refine(
        self,
        index: int,
        clause: tuple[int, int],
        figure_start: int,
        metric_id: str,
        entity: str | None,
        entity_is_country: bool,
    ) -> tuple[str, str | None]:
        """(metric id, entity) of a figure once its mode is known."""
        rules = mode_rules()
        by_mode = rules.metric_by_mode.get(metric_id)
        if metric_id not in rules.mode_neutral_metrics and by_mode is None:
            return metric_id, entity
        mode = self.mode_at(index, clause, figure_start)
        if mode is None:
            return metric_id, entity
        if by_mode and mode in by_mode:
            return by_mode[mode], entity
        if metric_id in rules.mode_neutral_metrics and entity and entity_is_country:
            return metric_id, f"{entity} {rules.labels[mode]}"
        return metric_id, entity
