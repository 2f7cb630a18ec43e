"""The package's data files (`metrics/data/`), each read once and checked on first use.

Vocabulary, cue words, the catalog and the reconciliation settings are data, not logic;
every stage reads them through `load` so a file is parsed once per process, and a missing
file or missing section is an error naming the file instead of a `KeyError` deep inside
an extractor. The sections each file must have are listed here, beside the loader.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from metrics.errors import DataFileError

REQUIRED_KEYS: dict[str, frozenset[str]] = {
    "catalog.yaml": frozenset({"metrics", "entities", "anaphora"}),
    "cues.yaml": frozenset(
        {
            "qualifiers",
            "growth_filler",
            "growth_verbs",
            "decrease_verbs",
            "growth_after",
            "decrease_after",
            "share_before",
            "share_after",
            "base_before",
            "forecast",
            "target",
            "forecast_abbreviations",
            "future",
            "clause_breaks",
            "modal_forecast",
            "modal_forecast_after",
            "target_setters",
            "no_status_cue",
            "compared_with",
            "generic_goods",
            "base_if_changed",
            "target_after",
            "count_verbs",
            "other_measures",
            "up_to_as_direction",
            "count_subject",
            "restates_previous",
            "revision_verbs",
            "revision_objects",
            "change_subject_increase",
            "change_subject_decrease",
            "change_subject_links",
            "patterns",
        }
    ),
    "entity_rules.yaml": frozenset(
        {
            "reporting_countries",
            "sector_metrics",
            "topic_anaphora",
            "sector_before_figure",
            "sector_after_figure",
            "cause_openers",
            "cause_list_stops",
            "figure_anaphora",
            "pronoun_subjects",
            "speaker_titles",
            "leading_phrase_openers",
            "whole_trade_words",
            "route_nouns",
            "route_place_words",
            "transit_metrics",
            "port_words_after",
            "port_words_before",
            "not_port_names",
            "joined_ports_before",
            "joined_ports_after",
            "operator_words",
            "country_ports_after",
            "country_ports_before",
        }
    ),
    "coordination.yaml": frozenset(
        {
            "list_markers",
            "joiners",
            "own_verbs",
            "category_links",
            "split_leads",
            "partner_share",
            "joined_category_nouns",
            "patterns",
        }
    ),
    "tables.yaml": frozenset({"growth", "share", "unit_column", "approx", "patterns"}),
    "units.yaml": frozenset(
        {
            "number_words",
            "hundred_words",
            "scales",
            "currency_scales_case_sensitive",
            "fractions",
            "negative_words",
            "units",
            "units_case_sensitive",
            "multiple_words",
            "fold_words",
            "currency_words",
            "currency_prefixes",
            "label_scales",
        }
    ),
    "transport_modes.yaml": frozenset(
        {"modes", "all_modes", "mode_neutral_metrics", "metric_by_mode"}
    ),
    "originators.yaml": frozenset({"originators"}),
    "limits.yaml": frozenset({"file_budget", "html", "tables", "xlsx", "pdf"}),
    "provenance.yaml": frozenset(
        {
            "government_body",
            "unnamed",
            "attribution_before",
            "attribution_possessive",
            "attribution_after",
            "attribution_gap",
            "other_speaker",
            "list_item",
            "heading_max",
            "anaphora",
            "carry_paragraphs",
            "inclusive_before",
            "scope_clause_breaks",
            "scopes",
            "place_scope_openers",
            "place_scope_label",
        }
    ),
    "reconcile.yaml": frozenset(
        {"approx_tolerance", "publisher_noise", "republished_from", "progress_units", "report",
         "undated_reasons", "mirror_agency_kinds", "plausibility", "additive"}
    ),
    "populations.yaml": frozenset({"populations"}),
}
"""Top-level keys each YAML file must hold; a file not listed here is only checked to be a
mapping."""

REQUIRED_COLUMNS: dict[str, frozenset[str]] = {
    "currencies.tsv": frozenset({"code", "names", "symbols"}),
}
"""Columns each tab-separated table must have."""


def path(name: str) -> Path:
    """Where the packaged data file `name` is ("catalog.yaml")."""
    return Path(str(resources.files("metrics").joinpath(f"data/{name}")))


def _text(name: str) -> str:
    try:
        return path(name).read_text("utf-8")
    except OSError as exc:
        raise DataFileError(f"metrics/data/{name}: cannot be read ({exc})") from exc


_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it: the same data, read ten times faster, which
every process that extracts pays once at start (about 75 ms of pure-Python parsing)."""


@cache
def load(name: str) -> dict[str, Any]:
    """The YAML mapping of `metrics/data/{name}`, parsed once; callers must not change it.

    Raises DataFileError when the file is missing, not YAML, not a mapping, or lacks one of
    its `REQUIRED_KEYS`.
    """
    try:
        data = yaml.load(_text(name), Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise DataFileError(f"metrics/data/{name}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise DataFileError(f"metrics/data/{name}: not a mapping of sections")
    missing = REQUIRED_KEYS.get(name, frozenset()) - data.keys()
    if missing:
        raise DataFileError(f"metrics/data/{name}: missing {', '.join(sorted(missing))}")
    return data


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of the tab-separated table `metrics/data/{name}`, parsed once.

    Lines starting with `#` are provenance, not rows. Raises DataFileError when the file is
    missing or lacks one of its `REQUIRED_COLUMNS`.
    """
    lines = [line for line in _text(name).splitlines() if not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t")
    missing = REQUIRED_COLUMNS.get(name, frozenset()) - set(reader.fieldnames or ())
    if missing:
        raise DataFileError(f"metrics/data/{name}: missing columns {', '.join(sorted(missing))}")
    return tuple(reader)
