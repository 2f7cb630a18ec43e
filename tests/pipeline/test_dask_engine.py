"""The Dask engine stores exactly what the in-process engine stores.

One local cluster of two worker processes serves the whole module, because starting one
takes seconds. The folder is cut into several shards, so the test also checks that
splitting the work and reading the rows back from Parquet change nothing.
"""

from __future__ import annotations

import re
import socket
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from paths import CORPUS, SAMPLES

from metrics.cli import cli
from metrics.pipeline import ingest, load_results
from metrics.read import iter_source_files
from metrics.run import DaskEngineError, Shard, extract_shard, make_shards, run_dask
from metrics.run import shards as sharding
from metrics.store import Store

pytestmark = pytest.mark.slow

REASON = "the dask engine needs its extra: pip install 'metrics[dask]'"
dask = pytest.importorskip("dask", reason=REASON)
distributed = pytest.importorskip("distributed", reason=REASON)
pytest.importorskip("dask.bag", reason=REASON)
pytest.importorskip("pyarrow", reason=REASON)

CORPUS_DOCS = CORPUS / "docs"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0"
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def folders() -> list[Path]:
    return [SAMPLES, CORPUS_DOCS] if CORPUS_DOCS.is_dir() else [SAMPLES]


@pytest.fixture
def shards(folders: list[Path], monkeypatch: pytest.MonkeyPatch) -> list[Shard]:
    """Several shards even from a small folder: a few files each."""
    monkeypatch.setattr(sharding, "MIN_SHARD", 3)
    cut = make_shards(list(iter_source_files(folders)), jobs=2)
    assert len(cut) > 1
    return cut


def test_dask_engine_stores_what_the_process_engine_stores(
    real_extractor: None,
    folders: list[Path],
    shards: list[Shard],
    scheduler: str,
    tmp_path: Path,
) -> None:
    with Store(":memory:") as local, Store(":memory:") as dask_store:
        expected = ingest(local, folders, jobs=1)
        (ingested_at,) = local.con.execute("SELECT DISTINCT ingested_at FROM sources").fetchone()
        results = list(run_dask(shards, ingested_at, scheduler=scheduler, parquet_dir=tmp_path))
        summary = load_results(dask_store, results, stored={})

        assert summary == expected
        assert expected.documents > 0 and expected.claims > 0
        for sql in (
            "SELECT * FROM claims ORDER BY claim_id",
            "SELECT * FROM sources ORDER BY source_id",
        ):
            pd.testing.assert_frame_equal(dask_store.query(sql), local.query(sql))

    in_process = extract_shard(shards[0], ingested_at)
    assert results[0].claims.dtypes.to_dict() == in_process.claims.dtypes.to_dict()
    assert results[0].sources.dtypes.to_dict() == in_process.sources.dtypes.to_dict()
    assert [result.number for result in results] == [shard.number for shard in shards]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        f"{table}-{shard.number:05d}.parquet" for shard in shards for table in ("claims", "sources")
    )


def test_rerun_overwrites_the_parquet_files(
    real_extractor: None, shards: list[Shard], scheduler: str, tmp_path: Path
) -> None:
    ingested_at = datetime(2024, 1, 1)
    first = list(run_dask(shards, ingested_at, scheduler=scheduler, parquet_dir=tmp_path))
    files = sorted(tmp_path.iterdir())
    again = list(run_dask(shards, ingested_at, scheduler=scheduler, parquet_dir=tmp_path))

    assert sorted(tmp_path.iterdir()) == files
    assert len(files) == 2 * len(shards)
    for before, after in zip(first, again, strict=True):
        pd.testing.assert_frame_equal(after.claims, before.claims)
        assert after.outcomes == before.outcomes


def test_empty_shard_keeps_its_columns(write, scheduler: str, tmp_path: Path) -> None:
    """A shard whose only file fails still writes Parquet that loads like any other."""
    shards = make_shards([(write("docs/empty.txt", ""), tmp_path / "docs")], jobs=1)

    (result,) = run_dask(shards, datetime(2024, 1, 1), scheduler=scheduler, parquet_dir=tmp_path)

    assert result.outcomes[0].outcome == "failed"
    assert result.claims.empty and result.sources.empty
    in_process = extract_shard(shards[0], datetime(2024, 1, 1))
    pd.testing.assert_frame_equal(result.claims, in_process.claims)
    pd.testing.assert_frame_equal(result.sources, in_process.sources)


def test_unreachable_scheduler_names_the_address(
    shards: list[Shard], tmp_path: Path
) -> None:
    with socket.socket() as probe:  # a port nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    started = time.monotonic()
    with (
        dask.config.set({"distributed.comm.timeouts.connect": "1s"}),
        pytest.raises(
            DaskEngineError, match=re.escape(f"cannot reach the Dask scheduler at {address}")
        ),
    ):
        list(run_dask(shards, datetime(2024, 1, 1), scheduler=address, parquet_dir=tmp_path))
    assert time.monotonic() - started < 60  # gave up rather than hung


def test_missing_dask_says_how_to_install(
    shards: list[Shard], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail

    with pytest.raises(DaskEngineError, match=r"distributed is missing.*metrics\[dask\]"):
        run_dask(shards, datetime(2024, 1, 1), parquet_dir=tmp_path)


def test_without_a_scheduler_a_local_cluster_runs_the_shards(write, tmp_path: Path) -> None:
    shards = make_shards([(write("docs/a.txt", "Cargo: 5 tons."), tmp_path / "docs")], 1)

    (result,) = run_dask(shards, datetime(2024, 1, 1), parquet_dir=tmp_path / "out", workers=1)

    assert result.sources["path"].tolist() == ["a.txt"]
    assert (tmp_path / "out" / "claims-00000.parquet").is_file()


def test_cli_ingest_on_a_dask_cluster(scheduler: str, tmp_path: Path) -> None:
    """`metrics ingest --engine dask --scheduler ADDRESS`: the sample folder, end to end."""
    db = tmp_path / "samples.duckdb"
    args = ["ingest", str(SAMPLES), "--db", str(db), "--engine", "dask", "--scheduler", scheduler]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert f"{db}: 13 documents" in result.output
    assert sorted(p.name for p in (tmp_path / "samples.parquet").iterdir()) == [
        "claims-00000.parquet",
        "sources-00000.parquet",
    ]
    with Store(db, read_only=True) as store:
        assert len(store.claims()) == int(
            re.search(r"13 documents, (\d+) claims", result.output)[1]
        )


def test_cli_scheduler_needs_the_dask_engine(tmp_path: Path) -> None:
    args = ["ingest", str(SAMPLES), "--db", str(tmp_path / "x.duckdb"), "--scheduler", "tcp://x:1"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "--scheduler and --parquet-dir need --engine dask" in result.output
    assert not (tmp_path / "x.duckdb").exists()  # a wrong option opens no database
