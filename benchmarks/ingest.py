"""End-to-end ingest figures: one `metrics.pipeline.ingest` of a folder, measured in its own process.

Run by `run.py` once per setting, so that every peak is this ingest's alone:

    .venv/bin/python benchmarks/ingest.py FOLDER DB --jobs 2

It prints one JSON object: documents, claims, seconds, documents/s, MB/s of source files,
the peak resident memory of the writer process and of the largest worker process, and the
writer's CPU seconds (on a shared machine steadier than its wall time).

The writer alone (storing and reconciling, without extraction) is measured in minutes
rather than a quarter of an hour at 100,000 documents by recording the shards' results once
and replaying them into fresh databases:

    .venv/bin/python benchmarks/ingest.py FOLDER DB --jobs 2 --record SHARDS
    .venv/bin/python benchmarks/ingest.py FOLDER DB2 --replay SHARDS [--shards 50]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from metrics.pipeline import IngestSummary, ingest, load_results
from metrics.run import FileBudget, Shard, ShardResult, run_local
from metrics.store import Store


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


class WorkerPeaks(threading.Thread):
    """Peak memory of the worker processes, read from /proc while they run (Linux).

    The pool's workers are children of a fork server, not of this process, so
    `RUSAGE_CHILDREN` never sees them; their own high-water mark (VmHWM) does.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peaks: dict[int, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            for pid in _descendants(os.getpid()):
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peaks[pid] = int(line.split()[1]) / 1024

    @property
    def largest(self) -> float:
        return max(self.peaks.values(), default=0.0)


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        found.extend(children)
        frontier.extend(children)
    return found


def recording(jobs: int, folder: Path) -> Any:
    """An engine that extracts as `ingest` does and pickles each result into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)

    def engine(
        shards: Iterable[Shard], ingested_at: datetime, extractor: Any = None
    ) -> Iterator[ShardResult]:
        for result in run_local(shards, ingested_at, extractor, jobs, FileBudget.default()):
            (folder / f"{result.number:06d}.pickle").write_bytes(pickle.dumps(result))
            yield result

    return engine


def replay(store: Store, folder: Path, count: int | None) -> IngestSummary:
    """The recorded results loaded as `ingest` loads them (into a fresh database)."""
    files = sorted(folder.glob("*.pickle"))[:count]
    results = (pickle.loads(file.read_bytes()) for file in files)
    return load_results(store, results, store.stored_hashes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("db", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--record", type=Path, help="also keep every shard's result here")
    parser.add_argument("--replay", type=Path, help="store the results kept here instead")
    parser.add_argument("--shards", type=int, help="replay only the first N shards")
    args = parser.parse_args()
    workers = WorkerPeaks()
    workers.start()
    start = time.perf_counter()
    with Store(args.db) as store:
        if args.replay:
            summary = replay(store, args.replay, args.shards)
        else:
            engine = recording(args.jobs, args.record) if args.record else None
            summary = ingest(store, [args.folder], jobs=args.jobs, engine=engine)
    seconds = time.perf_counter() - start
    workers.done.set()
    writer = resource.getrusage(resource.RUSAGE_SELF)
    mb = folder_mb(args.folder) if not args.replay else 0.0
    documents = summary.documents + summary.skipped
    print(
        json.dumps(
            {
                "jobs": args.jobs,
                "documents": documents,
                "stored": summary.documents,
                "skipped": summary.skipped,
                "failed": len(summary.failed),
                "claims": summary.claims,
                "seconds": seconds,
                "docs_per_s": documents / seconds,
                "mb_per_s": mb / seconds,
                "writer_peak_mb": writer.ru_maxrss / 1024,
                "writer_cpu_s": writer.ru_utime + writer.ru_stime,
                "worker_peak_mb": workers.largest,
            }
        )
    )


if __name__ == "__main__":
    main()
