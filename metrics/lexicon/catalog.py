"""The metric catalog (data/catalog.yaml): metric ids, their cue words and entity aliases."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from metrics import data as package_data
from metrics.errors import CatalogError
from metrics.lexicon.textscan import (
    case_folded,
    group_end,
    pattern_alternation,
    skip_to,
    top_level_alternatives,
)
from metrics.vocab import Measure, Status, Unit


@dataclass(frozen=True)
class Metric:
    id: str
    meaning: str
    unit: str
    measure: str
    units: frozenset[str]
    cues: re.Pattern[str]
    weak_cues: re.Pattern[str] | None
    priority: int
    entity: str | None = None
    entity_kinds: tuple[str, ...] = ()
    entity_label: str | None = None
    rate: bool = False  # a growth rate by nature: "growth reached 4.9%" is growth
    undated: str | None = None
    future: str = Status.FORECAST
    count_nouns: frozenset[str] = frozenset()
    entity_required: bool = False
    entity_leads_clause: bool = False  # only when its entity is named before it in its clause
    entity_is_part: bool = False  # a share's entity is the part before it, not the whole after
    cue_keys: frozenset[str] | None = None  # see `cue_keys`
    weak_cue_keys: frozenset[str] | None = None


@dataclass(frozen=True)
class Entity:
    name: str
    kind: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    metrics: dict[str, Metric]
    entity_kinds: dict[str, Entity]  # name -> Entity
    entity_pattern: re.Pattern[str]  # one named group per entity (sectors apart)
    anaphora: dict[str, re.Pattern[str]]  # kind -> phrases that point back
    sector_pattern: re.Pattern[str] | None = None  # entities of kind `sector`, same groups
    origins: dict[str, str] = field(default_factory=dict)  # see `user_catalog`

    @cached_property
    def count_nouns(self) -> frozenset[str]:
        """Every noun some metric counts: a bare number before none of them is no claim."""
        return frozenset(noun for metric in self.metrics.values() for noun in metric.count_nouns)

    @property
    def entities(self) -> dict[str, list[str]]:
        """Canonical entity name -> its aliases, for display."""
        return {name: list(e.aliases) for name, e in self.entity_kinds.items()}

    def metrics_cued_by(self, word_keys: frozenset[str]) -> set[str]:
        """The catalog entries (keys of `metrics`) whose cues or weak cues a sentence with
        these `Sentence.word_keys` may hold (see `cue_keys`): no other entry's cue can be in
        it, so only these need a search."""
        by_key, unkeyed = self._entries_by_cue_key
        cued = set(unkeyed)
        for key in word_keys:
            cued.update(by_key.get(key, ()))
        return cued

    @cached_property
    def _entries_by_cue_key(self) -> tuple[dict[str, list[str]], frozenset[str]]:
        """Each cue key's catalog entries, and the entries whose cues have no keys."""
        by_key: dict[str, list[str]] = {}
        unkeyed = set()
        for entry, metric in self.metrics.items():
            weak_keys = metric.weak_cue_keys if metric.weak_cues else frozenset()
            for keys in (metric.cue_keys, weak_keys):
                if keys is None:
                    unkeyed.add(entry)
                    continue
                for key in keys:
                    by_key.setdefault(key, []).append(entry)
        return by_key, frozenset(unkeyed)

    def entity_matches(self, text: str, lowered: str | None = None) -> Iterator[re.Match[str]]:
        """The matches of `entity_pattern` in `text` (as `textscan.finditer` finds them),
        each read by `entity_of_match`.

        `re` pays for entering a named group at every position it tries, so the text is
        scanned with the same alternation without its groups (about four times faster), and
        only where that matches is the named pattern matched, to tell the entity: the same
        alternatives in the same order give the same match there.
        """
        lowered = text.lower() if lowered is None else lowered
        if len(lowered) == len(text):  # as `finditer` does: case-folded over lower case
            scanned, finder = lowered, case_folded(self._entity_finder)
            named = case_folded(self.entity_pattern)
        else:
            scanned, finder, named = text, self._entity_finder, self.entity_pattern
        for found in finder.finditer(scanned):
            match = named.match(scanned, found.start())
            assert match is not None and match.end() == found.end()
            yield match

    @cached_property
    def _entity_finder(self) -> re.Pattern[str]:
        """`entity_pattern` with its named groups made plain groups: same matches."""
        return re.compile(
            _ENTITY_GROUP.sub("(?:", self.entity_pattern.pattern), self.entity_pattern.flags
        )

    def entity_of_match(self, match: re.Match[str]) -> Entity:
        """The entity a match of `entity_pattern` names: its group `e<i>` is the i-th entity.

        Each group `e<i>` holds a whole alternative, so it is the last group of the match to
        close: `lastgroup` names it without looking at every group of the pattern."""
        group = match.lastgroup
        assert group is not None
        return self._entities_by_index[int(group[1:])]

    @cached_property
    def _entities_by_index(self) -> list[Entity]:
        return list(self.entity_kinds.values())


_ENTITY_GROUP = re.compile(r"\(\?P<e\d+>")  # see `_entity_alternation`
_FIRST_WORD = re.compile(r"\w+")
_QUANTIFIERS = ("?", "*", "+", "{")


def cue_keys(patterns: list[str]) -> frozenset[str] | None:
    """The first three letters of every word a match of `patterns` can begin with, or the
    whole word when it is shorter ("by rail": "by").

    Every cue pattern starts at a word boundary, so a sentence none of whose words begins
    with one of these keys cannot hold the cue and need not be searched (see
    `Sentence.word_keys`). A group of alternatives the pattern begins with is opened
    ("(?:cargo|freight) in transit": "car", "fre"; "(?:GDP )?deflator": "gdp", "def"). None
    when some pattern's first word is not plain letters (`[ck]argo`, `by-?pass`).
    """
    keys = set()
    for pattern in patterns:
        for variant in _leading_variants(pattern.lower()):
            key = _first_word_key(variant)
            if key is None:
                return None
            keys.add(key)
    return frozenset(keys)


def _leading_variants(pattern: str) -> list[str]:
    """`pattern` as one pattern per way it can begin: its top-level alternatives, and a
    group of alternatives at the start or inside the first three letters opened
    ("t(?:on|onne)s?": "tons?", "tonnes?"; an optional group is also left out)."""
    alternatives = top_level_alternatives(pattern)
    if len(alternatives) > 1:
        return [v for alternative in alternatives for v in _leading_variants(alternative)]
    first = _FIRST_WORD.match(pattern)
    letters = first.group() if first else ""
    group = pattern[len(letters) :]
    if len(letters) >= 3 or not group.startswith("(?:"):
        return [pattern]
    close = group_end(group)
    if close is None:
        return [pattern]  # no first word: `cue_keys` gives None
    body, rest = group[3:close], group[close + 1 :]
    if rest[:1] in ("*", "+", "{"):
        return [pattern]
    variants = [
        letters + alternative + rest.removeprefix("?")
        for alternative in top_level_alternatives(body)
    ]
    if rest.startswith("?"):
        variants.append(letters + rest[1:])
    return [v for variant in variants for v in _leading_variants(variant)]


def _first_word_key(pattern: str) -> str | None:
    """The key of the word a (lower-cased) pattern begins with, if its letters are plain."""
    word = _FIRST_WORD.match(pattern)
    if word is None:
        return None
    letters, rest = word.group(), pattern[word.end() :]
    if len(letters) > 3:
        return letters[:3]
    if rest[:1] in _QUANTIFIERS:  # its last letter is optional or repeated: "gd?p"
        return None
    if len(letters) == 3 or rest == "" or (rest[0] == " " and rest[1:2] not in _QUANTIFIERS):
        return letters  # three letters, or a short word that a space ends: "by rail"
    return None


def _compile(patterns: list[str], where: str) -> re.Pattern[str]:
    if not patterns:
        raise CatalogError(f"{where}: empty pattern list")
    try:
        joined = pattern_alternation(patterns)
    except ValueError as exc:
        raise CatalogError(f"{where}: {exc}") from exc
    return re.compile(skip_to(patterns) + r"\b(?:" + joined + r")\b", re.IGNORECASE)


def parse_catalog(data: dict[str, Any]) -> Catalog:
    """Build a Catalog from the YAML structure; raises CatalogError on inconsistent data."""
    metrics = {}
    for metric_id, spec in data["metrics"].items():
        units = frozenset(spec["units"])
        unknown = units - set(Unit)
        if unknown or spec["unit"] not in set(Unit) or spec["measure"] not in set(Measure):
            raise CatalogError(f"metric {metric_id}: unknown unit or measure {sorted(unknown)}")
        metrics[metric_id] = Metric(
            id=spec.get("metric", metric_id),
            meaning=spec["meaning"],
            unit=spec["unit"],
            measure=spec["measure"],
            units=units,
            cues=_compile(spec["cues"], f"metric {metric_id}"),
            weak_cues=_compile(spec["weak_cues"], f"metric {metric_id}")
            if spec.get("weak_cues")
            else None,
            priority=int(spec.get("priority", 1)),
            entity=spec.get("entity"),
            entity_kinds=tuple(spec.get("entity_kinds", ())),
            entity_label=spec.get("entity_label"),
            rate=bool(spec.get("rate", False)),
            undated=spec.get("undated"),
            future=spec.get("future", Status.FORECAST),
            count_nouns=frozenset(spec.get("count_nouns", ())),
            entity_required=bool(spec.get("entity_required", False)),
            entity_leads_clause=bool(spec.get("entity_leads_clause", False)),
            entity_is_part=bool(spec.get("entity_is_part", False)),
            cue_keys=cue_keys(spec["cues"]),
            weak_cue_keys=cue_keys(spec.get("weak_cues") or []),
        )
    entities = {
        name: Entity(name, spec["kind"], tuple(spec["aliases"]))
        for name, spec in data["entities"].items()
    }
    for metric in metrics.values():
        if metric.entity and metric.entity not in entities:
            raise CatalogError(f"metric {metric.id}: unknown entity {metric.entity}")
    # Sectors ("construction", "trade") are common words: they get a pattern of their own,
    # scanned only where a sector metric asks, so the scan for names stays fast.
    named = {i: e for i, e in enumerate(entities.values()) if e.kind != SECTOR}
    sectors = {i: e for i, e in enumerate(entities.values()) if e.kind == SECTOR}
    entity_pattern = _entity_alternation(named)
    sector_pattern = _entity_alternation(sectors) if sectors else None
    anaphora = {
        kind: _compile(phrases, f"anaphora {kind}") for kind, phrases in data["anaphora"].items()
    }
    return Catalog(metrics, entities, entity_pattern, anaphora, sector_pattern)


SECTOR = "sector"
"""The entity kind of a sector of an economy; kept out of `Catalog.entity_pattern`."""


def _entity_alternation(entities: dict[int, Entity]) -> re.Pattern[str]:
    """One named group `e<i>` per entity (i: its index in the catalog), longest first as
    written."""
    try:
        groups = [f"(?P<e{i}>{pattern_alternation(e.aliases)})" for i, e in entities.items()]
    except ValueError as exc:
        raise CatalogError(f"entity aliases: {exc}") from exc
    aliases = [alias for entity in entities.values() for alias in entity.aliases]
    return re.compile(skip_to(aliases) + r"\b(?:" + "|".join(groups) + r")", re.IGNORECASE)


PACKAGED = "metrics/data/catalog.yaml"
"""How `Catalog.origins` names the packaged catalog."""
USER_CATALOG = Path("metrics.yaml")
"""A user's own catalog in the working folder, read on top of the packaged one."""
CATALOG_ENV = "METRICS_CATALOG"
"""The user catalog's path (an empty value: none, not even ./metrics.yaml). `use_catalog`
sets it, so worker processes, which inherit it, extract with the same catalog."""

_METRIC_KEYS = frozenset({
    "meaning", "unit", "measure", "units", "cues", "weak_cues", "priority", "entity",
    "entity_kinds", "entity_label", "rate", "undated", "future", "count_nouns",
    "entity_required", "entity_leads_clause", "entity_is_part", "metric",
})  # fmt: skip
_NEW_METRIC_KEYS = frozenset({"meaning", "unit", "measure", "units", "cues"})
_LIST_KEYS = frozenset({"units", "cues", "weak_cues", "entity_kinds", "count_nouns", "aliases"})
_ENTITY_KEYS = frozenset({"kind", "aliases"})
_EXTRA = {"extra_cues": "cues", "extra_weak_cues": "weak_cues", "extra_aliases": "aliases"}
"""Keys that append to a list of the packaged entry instead of replacing it."""


def load_catalog() -> Catalog:
    """The packaged catalog with the user catalog (`user_catalog`) on top, parsed once per
    version of the user's file."""
    user = user_catalog()
    if user is None:
        return _catalog(None, None)
    try:
        stamp = user.stat()
    except OSError as exc:
        raise CatalogError(f"{user}: cannot read the catalog ({exc.strerror})") from exc
    return _catalog(str(user), (stamp.st_mtime_ns, stamp.st_size))


def user_catalog() -> Path | None:
    """The user catalog in force: `$METRICS_CATALOG`, else ./metrics.yaml if there is one."""
    chosen = os.environ.get(CATALOG_ENV)
    if chosen is not None:
        return Path(chosen) if chosen else None
    return USER_CATALOG.resolve() if USER_CATALOG.is_file() else None


def use_catalog(path: Path | str | None) -> Catalog:
    """Extract with `path` on top of the packaged catalog from now on, in this process and
    the worker processes it starts (None: the packaged catalog alone); checks it first."""
    previous = os.environ.get(CATALOG_ENV)
    os.environ[CATALOG_ENV] = str(Path(path).resolve()) if path else ""
    try:
        return load_catalog()
    except CatalogError:
        if previous is None:
            del os.environ[CATALOG_ENV]
        else:
            os.environ[CATALOG_ENV] = previous
        raise


@cache
def _catalog(user: str | None, stamp: tuple[int, int] | None) -> Catalog:
    """`stamp` (mtime, size) makes an edited user catalog a new cache entry."""
    data = package_data.load("catalog.yaml")
    if user is None:
        return parse_catalog(data)
    merged, origins = merge_user_catalog(data, _read_user_catalog(Path(user)), user)
    try:
        catalog = parse_catalog(merged)
    except CatalogError as exc:
        raise CatalogError(f"{user}: {exc}") from exc
    catalog.origins.update(origins)
    return catalog


def _read_user_catalog(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read the catalog ({exc.strerror})") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: not valid YAML ({_first_line(exc)})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: expected `metrics:` and `entities:` sections, not a list")
    return data


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def merge_user_catalog(
    packaged: dict[str, Any], user: dict[str, Any], where: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """(`packaged` with `user`'s entries added or overriding, the file each user entry
    came from: `"metric <id>"` / `"entity <name>"` -> `where`).

    An entry of `user` that the packaged catalog has replaces the keys it gives
    (`extra_cues`, `extra_weak_cues` and `extra_aliases` append instead); a new metric
    needs `meaning`, `unit`, `measure`, `units` and `cues`, a new entity `kind` and
    `aliases`. Raises `CatalogError` naming `where` and the entry."""
    unknown = set(user) - {"metrics", "entities"}
    if unknown:
        raise CatalogError(
            f"{where}: unknown section {', '.join(sorted(unknown))}; "
            "a user catalog has `metrics:` and `entities:`"
        )
    merged = copy.deepcopy(packaged)
    origins = {}
    for section, allowed, required, kind in (
        ("metrics", _METRIC_KEYS, _NEW_METRIC_KEYS, "metric"),
        ("entities", _ENTITY_KEYS, _ENTITY_KEYS, "entity"),
    ):
        entries = user.get(section) or {}
        if not isinstance(entries, dict):
            raise CatalogError(f"{where}: {section}: expected entries by name, not a list")
        for name, spec in entries.items():
            entry = f"{kind} {name}"
            merged[section][name] = _merged_entry(
                merged[section].get(name), spec, allowed, required, f"{where}: {entry}"
            )
            origins[entry] = where
    for name in user.get("metrics") or {}:
        _check_metric(merged["metrics"][name], merged["entities"], f"{where}: metric {name}")
    for name in user.get("entities") or {}:
        _check_patterns(merged["entities"][name]["aliases"], f"{where}: entity {name}: aliases")
    return merged, origins


def _merged_entry(
    packaged: dict[str, Any] | None,
    spec: Any,
    allowed: frozenset[str],
    required: frozenset[str],
    where: str,
) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise CatalogError(f"{where}: expected keys such as {', '.join(sorted(required))}")
    extras = {key for key in _EXTRA if _EXTRA[key] in allowed}
    unknown = set(spec) - allowed - extras
    if unknown:
        raise CatalogError(
            f"{where}: unknown key {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(allowed | extras))}"
        )
    for key, value in spec.items():
        if (key in _LIST_KEYS or key in _EXTRA) and not (
            isinstance(value, list) and all(isinstance(item, str) for item in value)
        ):
            raise CatalogError(f"{where}: {key} must be a list of strings")
    entry = dict(packaged or {})
    entry.update({key: value for key, value in spec.items() if key not in _EXTRA})
    for key, value in spec.items():
        if key in _EXTRA:
            entry[_EXTRA[key]] = [*(entry.get(_EXTRA[key]) or []), *value]
    missing = required - set(entry)
    if missing:
        new = "a new entry" if packaged is None else "this entry"
        raise CatalogError(f"{where}: {new} needs {', '.join(sorted(missing))}")
    return entry


def _check_metric(spec: dict[str, Any], entities: dict[str, Any], where: str) -> None:
    """What `parse_catalog` would refuse, said with the user's file and entry."""
    if spec["unit"] not in set(Unit):
        raise CatalogError(f"{where}: unknown unit {spec['unit']!r}; units: {', '.join(Unit)}")
    if spec["measure"] not in set(Measure):
        raise CatalogError(
            f"{where}: unknown measure {spec['measure']!r}; measures: {', '.join(Measure)}"
        )
    unknown = sorted(set(spec["units"]) - set(Unit))
    if unknown:
        raise CatalogError(f"{where}: unknown units {', '.join(unknown)}; units: {', '.join(Unit)}")
    if spec.get("entity") and spec["entity"] not in entities:
        raise CatalogError(f"{where}: unknown entity {spec['entity']!r} (see `metrics catalog`)")
    _check_patterns(spec["cues"], f"{where}: cues")
    if spec.get("weak_cues"):  # none or an empty list: the metric has no weak cues
        _check_patterns(spec["weak_cues"], f"{where}: weak_cues")


def _check_patterns(patterns: list[str], where: str) -> None:
    """Each pattern a regular expression the catalog can join with the others."""
    if not patterns:
        raise CatalogError(f"{where}: empty pattern list")
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise CatalogError(f"{where}: bad pattern {pattern!r} ({exc})") from exc
    _compile(patterns, where)
