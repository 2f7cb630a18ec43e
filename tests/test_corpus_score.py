"""The quality gate: the extractor scored against the gold annotations of ../shared/corpus."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from metrics.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"
FLOORS = {"detect_f1": 0.95, "full_f1": 0.90}  # the bar; measured 1.000 / 1.000


@pytest.fixture(scope="module")
def score_line(tmp_path_factory: pytest.TempPathFactory) -> str:
    docs, gold, scorer = (
        SHARED / "corpus" / "docs",
        SHARED / "corpus" / "gold.jsonl",
        SHARED / "tools" / "score_claims.py",
    )
    if not (docs.is_dir() and gold.is_file() and scorer.is_file()):
        pytest.skip(
            "../shared/corpus or ../shared/tools not found (CI places shared/ beside the checkout)"
        )
    db = tmp_path_factory.mktemp("score") / "corpus.duckdb"
    with Store(db) as store:
        summary = store.ingest([docs])
    assert summary.failed == []
    run = subprocess.run(
        [sys.executable, str(scorer), "--db", str(db), "--gold", str(gold)],
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_corpus_score_meets_floor(score_line: str, name: str) -> None:
    found = re.search(rf"{name}=([0-9.]+)", score_line)
    assert found, f"scorer printed no {name}: {score_line}"
    assert float(found.group(1)) >= FLOORS[name], score_line
