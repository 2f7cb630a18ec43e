"""The tunable parts of reconciliation, read once from `metrics/data/reconcile.yaml`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from metrics import data as package_data


@dataclass(frozen=True)
class Settings:
    approx_tolerance: float
    publisher_noise: frozenset[str]
    republished_from: re.Pattern[str]
    progress_units: frozenset[str]


@cache
def settings() -> Settings:
    """Settings from `metrics/data/reconcile.yaml`."""
    data = package_data.load("reconcile.yaml")
    return Settings(
        approx_tolerance=float(data["approx_tolerance"]),
        publisher_noise=frozenset(data["publisher_noise"]),
        republished_from=re.compile(data["republished_from"], re.IGNORECASE),
        progress_units=frozenset(data["progress_units"]),
    )
