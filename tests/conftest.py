"""Shared fixtures: article files in tmp_path, an in-memory store and a tiny fake extractor.

The fake extractor keeps store and CLI tests about storage, not about extraction quality:
it turns every "<number> tons" into a claim of 2024 and every "<number> furlongs" into a
claim with a unit outside the contract, so a file can be made to fail validation on purpose.
(Dated: reconciliation compares only claims with a period.)
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from paths import BENCHMARKS, CORPUS

from metrics.models import Claim, Document
from metrics.store import Store

_FIGURE = re.compile(r"(?P<number>\d+(?:\.\d+)?) (?P<unit>tons|furlongs)")


def fake_extract(document: Document) -> list[Claim]:
    """Stand-in for `metrics.extract.extract_claims` with the same contract."""
    claims = []
    for match in _FIGURE.finditer(document.text):
        span = f"{document.source_id}:{match.start()}:{match.end()}"
        claims.append(Claim(
            claim_id=hashlib.sha1(span.encode()).hexdigest()[:16],
            source_id=document.source_id,
            metric="titr_cargo_volume",
            entity="TITR",
            value=float(match["number"]),
            unit="t" if match["unit"] == "tons" else "furlongs",
            value_text=match[0],
            period="2024",
            period_start=date(2024, 1, 1),
            period_end=date(2024, 12, 31),
            status="actual",
            measure="level",
            base_period=None,
            qualifier="exact",
            quote=match[0],
            char_start=match.start(),
            char_end=match.end(),
            extractor="fake",
        ))
    return claims


@pytest.fixture
def fake_extractor() -> Callable[[Document], list[Claim]]:
    return fake_extract


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """`write("docs/a.txt", "text")` creates the file (and folders) under tmp_path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def stored(tmp_path: Path, write) -> Callable[[dict[str, str]], Path]:
    """`stored({"docs/a.txt": "Cargo reached 4500 tons."})`: a database file under tmp_path
    holding those articles, ingested with the conftest extractor."""

    def _stored(articles: dict[str, str]) -> Path:
        from metrics.pipeline import ingest

        for name, text in articles.items():
            write(name, text)
        path = tmp_path / "m.duckdb"
        with Store(path) as store:
            ingest(store, [tmp_path / "docs"], extractor=fake_extract)
        return path

    return _stored


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(":memory:") as fresh:
        yield fresh


@pytest.fixture
def corpus_docs() -> Path:
    docs = CORPUS / "docs"
    if not docs.is_dir():
        pytest.skip("../shared/corpus not found (CI places it beside the checkout)")
    return docs


@pytest.fixture
def real_extractor() -> None:
    """Skips tests that need `metrics.extract` while that module is still being written."""
    if importlib.util.find_spec("metrics.extract") is None:
        pytest.skip("metrics/extract/ does not exist yet")


@pytest.fixture
def real_catalog() -> None:
    if importlib.util.find_spec("metrics.lexicon.catalog") is None:
        pytest.skip("metrics/lexicon/catalog.py does not exist yet")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what opens a browser or runs a notebook as `slow`, like the modules that kill or
    race processes (their own `pytestmark`), so `pytest -m "not slow"` is the quick loop."""
    for item in items:
        if item.path.suffix == ".ipynb" or "chromium" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's headless Chromium, for the tests that open a report in a browser."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs the Debian package")
        pytest.skip("no chromium here (apt-get install chromium)")
    return found


@pytest.fixture(scope="session")
def article_generator() -> ModuleType:
    """`benchmarks/generate.py`, the synthetic news the benchmarks use, for tests that need
    a few hundred articles (benchmarks/ is a folder of scripts, not a package)."""
    path = BENCHMARKS / "generate.py"
    spec = importlib.util.spec_from_file_location("benchmarks_generate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
