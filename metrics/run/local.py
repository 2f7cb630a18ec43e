"""Extraction on this machine: in this process, or in a pool of worker processes.

Threads would share one core under the GIL, so parallel extraction takes processes. At most
a few shards are in flight at a time, so memory does not grow with the size of the corpus.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from itertools import islice

from metrics.errors import MetricsError
from metrics.run.shards import Extractor, Shard, ShardResult, extract_shard


def default_jobs() -> int:
    """Processes to use when none are asked for: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_local(
    shards: Iterable[Shard], ingested_at: datetime, extractor: Extractor | None, jobs: int
) -> Iterator[ShardResult]:
    """Shard results in shard order, from `jobs` processes (this one when `jobs` is 1)."""
    shards = list(shards)
    if jobs <= 1 or len(shards) <= 1:
        for shard in shards:
            yield extract_shard(shard, ingested_at, extractor)
        return
    with ProcessPoolExecutor(jobs, mp_context=_clean_start()) as pool:
        pending = iter(shards)
        in_flight: deque[Future[ShardResult]] = deque(
            pool.submit(extract_shard, shard, ingested_at, extractor)
            for shard in islice(pending, 2 * jobs)  # a few ahead, not the whole corpus
        )
        while in_flight:
            try:
                result = in_flight.popleft().result()
            except BrokenProcessPool as exc:
                raise MetricsError(
                    f"a worker process died ({exc}); when a script calls ingest with jobs > 1, "
                    "the call must sit under `if __name__ == '__main__':` (workers import the "
                    "script), or use jobs=1"
                ) from exc
            if (following := next(pending, None)) is not None:
                in_flight.append(pool.submit(extract_shard, following, ingested_at, extractor))
            yield result


def _clean_start() -> multiprocessing.context.BaseContext:
    """Workers that start from a clean interpreter, not a copy of this process and its open
    database: a fork server that has imported the extractor once, or spawn where there is none.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", "metrics.extract", "metrics.run.shards"])
    return context
