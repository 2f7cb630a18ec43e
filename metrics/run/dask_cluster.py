"""Extraction on a Dask cluster: the same `extract_shard`, with one Parquet file per shard.

Use it when extraction should outgrow one machine, or when a Dask cluster is already running
(pass its scheduler address). On one machine the process pool of `metrics.run.local` is
faster: it needs no scheduler and no Parquet round trip, so use this engine there only to
test it.

Each task reads and extracts one shard on whichever worker is free, writes the shard's rows
to `claims-NNNNN.parquet` and `sources-NNNNN.parquet` in `parquet_dir`, and returns only the
small outcome of each file. The files are named by shard number, so a rerun overwrites them
rather than adding copies (files of shard numbers a run does not reach are left as they
were). Rows stay out of the scheduler's memory, and the Parquet files remain for any other
tool to read. This process reads the files back in shard order and gives them to the store,
which is the only writer (`metrics.pipeline.load_results`). Workers must see the source files
and `parquet_dir` at the same paths as this process: name them by absolute paths on a shared
filesystem when the cluster spans machines.
"""

from __future__ import annotations

import os
import uuid
from collections import deque
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from metrics.errors import MetricsError
from metrics.run.local import default_jobs
from metrics.run.shards import Extractor, Outcome, Shard, ShardResult, extract_shard

if TYPE_CHECKING:
    from distributed import Client

INSTALL_HINT = "pip install 'metrics[dask]'"


class DaskEngineError(MetricsError):
    """The Dask engine cannot run: a package is missing or the scheduler cannot be reached."""


def run_dask(
    shards: list[Shard],
    ingested_at: datetime,
    *,
    scheduler: str | None = None,
    parquet_dir: Path,
    extractor: Extractor | None = None,
    workers: int | None = None,
) -> Iterator[ShardResult]:
    """Shard results in shard order, extracted on a Dask cluster by way of Parquet files.

    `scheduler` is the address of a running cluster (`tcp://host:8786`). Without one,
    a local cluster of `workers` processes (default: one per core) starts for this run
    and closes after it. `workers` only sets the size of that local cluster. `extractor`
    must be importable on the workers (a module-level function). A missing package is
    reported at once. An unreachable scheduler is reported when iteration begins, after
    the connect timeout `distributed.comm.timeouts.connect` (30 s by default).
    """
    _require_dask()
    return _results(list(shards), ingested_at, scheduler, parquet_dir.resolve(), extractor, workers)


def _require_dask() -> None:
    """Fail before any work starts, saying how to install what is missing."""
    try:
        import dask.bag  # noqa: F401
        import distributed  # noqa: F401
        import pyarrow  # noqa: F401  (pandas writes and reads Parquet with it)
    except ImportError as exc:
        raise DaskEngineError(
            f"the dask engine needs dask, distributed and pyarrow ({exc.name} is missing): "
            + INSTALL_HINT
        ) from exc


def _results(
    shards: list[Shard],
    ingested_at: datetime,
    scheduler: str | None,
    parquet_dir: Path,
    extractor: Extractor | None,
    workers: int | None,
) -> Iterator[ShardResult]:
    import dask.bag

    if not shards:
        return  # nothing to extract: do not start or contact a cluster
    parquet_dir.mkdir(parents=True, exist_ok=True)
    with _client(scheduler, workers) as client:
        tasks = dask.bag.from_sequence(shards, npartitions=len(shards)).map(
            _extract_to_parquet, ingested_at, extractor, parquet_dir
        )
        # Every shard is submitted at once, since a task returns only outcomes and what
        # waits on the workers stays small however far the store falls behind. The
        # priority runs them in shard order, so the store can load the first while the
        # rest are extracted. Submitted as one graph, Dask would run the last shard first.
        pending = deque(
            (shard, client.compute(part, priority=-shard.number))
            for shard, part in zip(shards, tasks.to_delayed(), strict=True)
        )
        while pending:
            shard, future = pending.popleft()
            (outcomes,) = future.result()  # a partition holds exactly one shard
            yield ShardResult(
                shard.number,
                pd.read_parquet(_parquet_path(parquet_dir, "sources", shard.number)),
                pd.read_parquet(_parquet_path(parquet_dir, "claims", shard.number)),
                outcomes,
            )


def _client(scheduler: str | None, workers: int | None) -> Client:
    """A client of the cluster at `scheduler`, or of a new local cluster that closes with it.

    It is not made the default client, so the caller's own Dask work is not redirected.
    """
    from distributed import Client

    if scheduler is None:
        return Client(
            set_as_default=False,
            n_workers=workers or default_jobs(),
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",  # a free port: 8787 may be another cluster's
        )
    try:
        return Client(scheduler, set_as_default=False)
    except (OSError, ValueError) as exc:
        raise DaskEngineError(
            f"cannot reach the Dask scheduler at {scheduler} ({exc}); check the address "
            "and that `dask scheduler` is running there, or leave the scheduler out to "
            "extract on a local cluster"
        ) from exc


def _extract_to_parquet(
    shard: Shard, ingested_at: datetime, extractor: Extractor | None, parquet_dir: Path
) -> tuple[Outcome, ...]:
    """Run on a worker: extract `shard`, write its rows as Parquet and return the outcomes."""
    result = extract_shard(shard, ingested_at, extractor)
    _write_parquet(result.claims, _parquet_path(parquet_dir, "claims", shard.number))
    _write_parquet(result.sources, _parquet_path(parquet_dir, "sources", shard.number))
    return result.outcomes


def _parquet_path(parquet_dir: Path, table: str, number: int) -> Path:
    return parquet_dir / f"{table}-{number:05d}.parquet"


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write to a temporary name, then rename: a reader never sees half a file.

    Dask may run a task twice (after losing a worker, say); each copy writes its own
    temporary file and the renames replace each other.
    """
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    try:
        frame.to_parquet(partial, index=False)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
