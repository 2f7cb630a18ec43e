"""Ingest's progress on stderr (issue 19, item 7): one bar for a batch of many files on a
terminal, a line per file when stderr is a log or a pipe, nothing per file with --quiet."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from click.testing import CliRunner

from metrics import cli as cli_module
from metrics import pipeline
from metrics.cli import PROGRESS_BAR_FILES, cli
from metrics.pipeline import ingest


@pytest.fixture(autouse=True)
def fake_ingest(monkeypatch: pytest.MonkeyPatch, fake_extractor) -> None:
    monkeypatch.setattr(pipeline, "ingest", functools.partial(ingest, extractor=fake_extractor))


def _folder(tmp_path: Path, files: int) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(files):
        (docs / f"{n:03}.txt").write_text(f"Cargo reached {n + 1} tons.", encoding="utf-8")
    return docs


@pytest.mark.parametrize(
    ("files", "terminal", "quiet", "bar", "lines"),
    [
        (PROGRESS_BAR_FILES, True, False, True, False),
        (PROGRESS_BAR_FILES - 1, True, False, False, True),  # a few files: a line each
        (PROGRESS_BAR_FILES, False, False, False, True),  # a log keeps its lines
        (PROGRESS_BAR_FILES, True, True, False, False),
        (PROGRESS_BAR_FILES, False, True, False, False),
    ],
    ids=["terminal", "few-files", "not-a-terminal", "quiet-terminal", "quiet"],
)
def test_progress_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    files: int, terminal: bool, quiet: bool, bar: bool, lines: bool,
) -> None:
    monkeypatch.setattr(cli_module, "_stderr_is_terminal", lambda: terminal)
    docs = _folder(tmp_path, files)
    args = ["ingest", str(docs), "--db", str(tmp_path / "m.duckdb"), "--jobs", "1"]
    result = CliRunner().invoke(cli, [*args, *(["--quiet"] * quiet)])
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"{files} documents, {files} claims, 0 skipped, 0 failed\n")
    assert (f"{files}/{files}" in result.stderr) is bar
    assert (f"{docs / '000.txt'}: 1 claim\n" in result.stderr) is lines
