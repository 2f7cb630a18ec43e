"""The tunable parts of reconciliation, read once from `metrics/data/reconcile.yaml`
(with the organisations of `originators.yaml` and the populations of `populations.yaml`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from metrics import data as package_data


@dataclass(frozen=True)
class PerHead:
    """A level and its per-head figure (GDP and GDP per capita): level / per head is a
    population."""

    level: str
    per_head: str


@dataclass(frozen=True)
class Settings:
    approx_tolerance: float
    publisher_noise: frozenset[str]
    republished_from: re.Pattern[str]
    progress_units: frozenset[str]
    undated_reasons: dict[str, str]
    agency_country: dict[str, str]
    """Originator name -> the country whose statistics or customs agency it is."""
    implausible_factor: float
    min_agreeing: int
    per_head: tuple[PerHead, ...]
    populations: dict[str, dict[int, float]]
    additive_units: frozenset[str]
    """Units of flows that add up over a year (a part of the year cannot exceed it)."""
    not_additive_metrics: frozenset[str]


@cache
def settings() -> Settings:
    """Settings from `metrics/data/reconcile.yaml`."""
    data = package_data.load("reconcile.yaml")
    kinds = set(data["mirror_agency_kinds"])
    agencies = {
        o["name"]: o["country"]
        for o in package_data.load("originators.yaml")["originators"]
        if o.get("kind") in kinds and o.get("country")
    }
    plausibility = data["plausibility"]
    populations = package_data.load("populations.yaml")["populations"]
    return Settings(
        approx_tolerance=float(data["approx_tolerance"]),
        publisher_noise=frozenset(data["publisher_noise"]),
        republished_from=re.compile(data["republished_from"], re.IGNORECASE),
        progress_units=frozenset(data["progress_units"]),
        undated_reasons=dict(data["undated_reasons"]),
        agency_country=agencies,
        implausible_factor=float(plausibility["factor"]),
        min_agreeing=int(plausibility["min_agreeing"]),
        per_head=tuple(PerHead(**pair) for pair in plausibility["per_head"]),
        populations={
            country: {int(year): float(n) for year, n in years.items()}
            for country, years in populations.items()
        },
        additive_units=frozenset(data["additive"]["units"]),
        not_additive_metrics=frozenset(data["additive"]["not_metrics"]),
    )
