"""A full disk gives an `Error:` line, not a traceback, and leaves nothing half-written
(issue 17, item 4). Output redirected to /dev/full is a real full device; the database and
the report are made to fail by a patched write."""

from __future__ import annotations

import errno
import functools
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from metrics import pipeline
from metrics.cli import cli
from metrics.pipeline import ingest
from metrics.store import Store, StoreError

FULL = "No space left on device"


@pytest.fixture
def db(stored) -> Path:
    return stored({"docs/a.txt": "---\npublished: 2025-05-14\n---\nCargo reached 4500 tons."})


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and "Exception ignored" not in text


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["sql", "SELECT 1 AS one"], id="small"),
        pytest.param(["sql", "SELECT i FROM range(200000) t(i)", "--format", "csv"], id="large"),
        pytest.param(["claims", "--format", "json"], id="claims"),
    ],
)
def test_output_to_a_full_device(db: Path, args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "metrics", *args, "--db", str(db)],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == (
        "Error: no space left on the device: free some space and run it again\n"
    )


def test_report_on_a_full_disk_leaves_the_old_report(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "reports" / "index.html"
    out.parent.mkdir()
    out.write_text("the previous report", encoding="utf-8")

    def half_then_full(self: Path, text: str, *args: object, **kwargs: object) -> int:
        with open(self, "w", encoding="utf-8") as file:
            file.write(text[: len(text) // 2])
        raise OSError(errno.ENOSPC, FULL, str(self))

    monkeypatch.setattr(Path, "write_text", half_then_full)
    result = CliRunner().invoke(cli, ["report", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write the report {out}: {FULL}\n"
    _no_traceback(result.output)
    assert sorted(p.name for p in out.parent.iterdir()) == ["index.html"]  # no half file
    assert out.read_text(encoding="utf-8") == "the previous report"


def test_ingest_on_a_full_disk_stores_nothing(
    db: Path, tmp_path: Path, write, monkeypatch: pytest.MonkeyPatch, fake_extractor
) -> None:
    monkeypatch.setattr(pipeline, "ingest", functools.partial(ingest, extractor=fake_extractor))
    write("more/b.txt", "Aktau handled 2600 tons.")

    def full(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException(f'Could not write file "{db}.wal": {FULL}')

    monkeypatch.setattr(Store, "write", full)
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "more"), "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f'Error: nothing was stored, the write failed: Could not write file "{db}.wal": '
        f"{FULL}"
    )
    _no_traceback(result.output)
    monkeypatch.undo()
    with Store(db, read_only=True) as store:
        assert store.claims()["value"].tolist() == [4500]


def test_any_other_write_on_a_full_disk(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever else a command writes (a Dask engine's Parquet files, say)."""
    parquet = tmp_path / "m.parquet" / "claims-00001.parquet"

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, FULL, str(parquet))

    monkeypatch.setattr(pipeline, "ingest", full)
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path), "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no space left on the device writing {parquet}: free some space and run it "
        "again\n"
    )


class _FailingClose:
    """A connection whose last checkpoint cannot be written."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.real = con

    def close(self) -> None:
        self.real.close()
        raise duckdb.IOException(f"Could not write checkpoint: {FULL}")


def test_closing_on_a_full_disk_is_a_store_error(db: Path) -> None:
    store = Store(db)
    store.con = _FailingClose(store.con)  # type: ignore[assignment]
    with pytest.raises(StoreError, match=rf"^closing {db} failed: Could not write checkpoint: {FULL}$"):
        store.close()
