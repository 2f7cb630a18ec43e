"""End-to-end ingest figures: one `metrics.pipeline.ingest` of a folder, measured in its own process.

Run by `run.py` once per setting, so that every peak is this ingest's alone:

    .venv/bin/python benchmarks/ingest.py FOLDER DB --jobs 2

It prints one JSON object: documents, claims, seconds, documents/s, MB/s of source files,
and the peak resident memory of the writer process and of the largest worker process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import threading
import time
from pathlib import Path

from metrics.pipeline import ingest
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("db", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    workers = WorkerPeaks()
    workers.start()
    start = time.perf_counter()
    with Store(args.db) as store:
        summary = ingest(store, [args.folder], jobs=args.jobs)
    seconds = time.perf_counter() - start
    workers.done.set()
    mb = folder_mb(args.folder)
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
                "writer_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "worker_peak_mb": workers.largest,
            }
        )
    )


if __name__ == "__main__":
    main()
