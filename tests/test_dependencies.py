"""pyproject.toml bounds every dependency, and constraints.txt pins versions inside them.

A fresh install resolves to the newest release a bound admits, so an unbounded dependency
brings untested majors (babel 2.19 renamed a currency and failed CI on a fresh machine).
"""

from __future__ import annotations

import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from paths import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
REQUIREMENTS = [
    Requirement(line)
    for line in [
        *PROJECT["dependencies"],
        *(line for extra in PROJECT["optional-dependencies"].values() for line in extra),
    ]
]
THIRD_PARTY = [req for req in REQUIREMENTS if canonicalize_name(req.name) != "metrics"]
OPTIONAL_UNPINNED = {"quantulum3"}  # the bench extra, which CI does not install


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    return pins


PINS = _pins()


@pytest.mark.parametrize("requirement", THIRD_PARTY, ids=str)
def test_every_dependency_has_an_upper_bound(requirement: Requirement) -> None:
    operators = {spec.operator for spec in requirement.specifier}
    assert operators & {"<", "<=", "==", "~="}, f"{requirement} admits any future release"


@pytest.mark.parametrize("requirement", THIRD_PARTY, ids=str)
def test_the_pinned_version_is_inside_the_bounds(requirement: Requirement) -> None:
    name = canonicalize_name(requirement.name)
    if name in OPTIONAL_UNPINNED:
        pytest.skip(f"{name} is only for benchmarks")
    assert name in PINS, f"{name} is not pinned in constraints.txt: regenerate it"
    assert requirement.specifier.contains(PINS[name], prereleases=True), (
        f"constraints.txt pins {name}=={PINS[name]}, outside {requirement}"
    )
