"""The names `metrics` and each stage's package promise in `__all__` exist and are the ones
their modules define, so a notebook can rely on `from metrics import Store` and friends."""

from __future__ import annotations

import importlib

import pytest

import metrics

PACKAGES = [
    "metrics",
    "metrics.read",
    "metrics.lexicon",
    "metrics.extract",
    "metrics.run",
    "metrics.reconcile",
    "metrics.report",
]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_resolves(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__all__, f"{package} declares no public names"
    missing = [name for name in module.__all__ if getattr(module, name, None) is None]
    assert missing == [], f"{package}.__all__ names what it does not have: {missing}"


@pytest.mark.parametrize(
    ("name", "home"),
    [
        ("Store", "metrics.store"),
        ("ingest", "metrics.pipeline"),
        ("extract_claims", "metrics.extract"),
        ("write_report", "metrics.report"),
    ],
)
def test_top_level_names_are_the_stage_functions(name: str, home: str) -> None:
    assert getattr(metrics, name) is getattr(importlib.import_module(home), name)


def test_an_unknown_top_level_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = metrics.nothing  # type: ignore[attr-defined]
