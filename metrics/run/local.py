"""Extraction on this machine: in this process, or in a pool of worker processes.

Threads would share one core under the GIL, so parallel extraction takes processes. At most
a few shards are in flight at a time, so memory does not grow with the size of the corpus.

The pool is this module's own rather than `concurrent.futures`, whose pool breaks for good
when one worker dies: here a worker that overruns a file's time budget is killed and
replaced, a worker that dies is replaced, the file it was reading fails alone, and the rest
of its shard is extracted again. Each worker tells the pool which file it starts, so the
pool knows what to blame and when to give up on it. A worker exits when the process that
started it dies (`kill -9` of an ingest), so none is left behind holding memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from metrics.errors import MetricsError, Reason, SourceError
from metrics.lexicon.catalog import use_catalog, user_catalog
from metrics.read import document_path
from metrics.run.budget import FileBudget
from metrics.run.shards import Extractor, Outcome, Shard, ShardResult, extract_shard


def default_jobs() -> int:
    """Processes to use when none are asked for: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_local(
    shards: Iterable[Shard],
    ingested_at: datetime,
    extractor: Extractor | None,
    jobs: int,
    budget: FileBudget | None = None,
) -> Iterator[ShardResult]:
    """Shard results in shard order, from `jobs` processes (this one when `jobs` is 1),
    each file read and extracted under `budget` (none: unbounded)."""
    shards = list(shards)
    budget = budget or FileBudget()
    if jobs <= 1 or len(shards) <= 1:
        for shard in shards:
            yield extract_shard(shard, ingested_at, extractor, budget)
        return
    pool = _Pool(jobs, ingested_at, extractor, budget)
    try:
        yield from pool.results(shards)
    finally:
        pool.close()


_STARTUP_FAILURE = (
    "a worker process died before reading any file (exit status {code}); when a script calls "
    "ingest with jobs > 1, the call must sit under `if __name__ == '__main__':` (workers "
    "import the script), or use jobs=1"
)
_REPEATED_DEATH = (
    "worker processes died twice on shard {number} while no file was being read; please report it"
)


QUEUED = 2
"""Shards sent to a worker at a time: it starts the next while this process stores the last."""
WAKE = 0.05
"""Seconds the pool's thread waits for workers before it looks at what its caller did."""


@dataclass
class _Worker:
    """A worker process, the pipe to it, the shards sent to it and the file it is reading
    (of the first of them)."""

    process: BaseProcess
    conn: Connection
    shards: deque[Shard] = field(default_factory=deque)
    file_index: int | None = None
    deadline: float | None = None  # time.monotonic() when the current file is out of time
    started_any: bool = False  # has it ever reported a file: if not, a death is no file's fault


@dataclass
class _Pool:
    """Workers that each extract a shard at a time, their results yielded in shard order.

    A thread of this process runs the pool (feeds the workers, reads their results, keeps
    the time) while the caller stores what it was given, as `concurrent.futures` does, so
    no worker waits for the store and no overrun waits to be noticed.
    """

    jobs: int
    ingested_at: datetime
    extractor: Extractor | None
    budget: FileBudget
    workers: list[_Worker] = field(default_factory=list)
    ready: dict[int, ShardResult] = field(default_factory=dict)
    error: BaseException | None = None
    position: int = 0  # of the next result the caller waits for, in shard order
    stopping: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)

    def results(self, shards: list[Shard]) -> Iterator[ShardResult]:
        manager = threading.Thread(target=self._manage, args=(shards,), daemon=True)
        manager.start()
        try:
            for position, shard in enumerate(shards):
                with self.changed:
                    self.position = position
                    self.changed.notify_all()
                    while shard.number not in self.ready and self.error is None:
                        self.changed.wait()
                    if self.error is not None:
                        raise self.error
                    result = self.ready.pop(shard.number)
                yield result
        finally:
            with self.changed:
                self.stopping = True
            manager.join()

    def _manage(self, shards: list[Shard]) -> None:
        try:
            self._run(shards)
        except BaseException as exc:  # the caller raises it
            with self.changed:
                self.error = exc
                self.changed.notify_all()

    def _run(self, shards: list[Shard]) -> None:
        originals = {shard.number: shard for shard in shards}
        failed: dict[int, dict[str, Outcome]] = {shard.number: {} for shard in shards}
        pending = deque(shards)
        done: dict[int, ShardResult] = {}
        retried: set[int] = set()
        order = [shard.number for shard in shards]
        ahead = 2 * self.jobs  # shards past the next to yield: a few, not the whole corpus
        self.workers = [self._start() for _ in range(self.jobs)]
        handed = 0
        while handed < len(shards):
            with self.changed:
                if self.stopping:
                    return
                window = set(order[self.position : self.position + ahead])
            for index, worker in enumerate(self.workers):
                if not worker.shards and not worker.process.is_alive():  # killed from outside
                    worker.conn.close()
                    self.workers[index] = self._start()
            for _ in range(QUEUED):  # one more each, the idle first
                for worker in sorted(self.workers, key=lambda w: len(w.shards)):
                    if len(worker.shards) < QUEUED and pending and pending[0].number in window:
                        self._assign(worker, pending.popleft())
            for worker, timed_out in self._poll(done):
                lost = worker.shards[0]
                blamed = self._blame(worker, lost, timed_out)
                if not blamed:  # no file to blame: once is bad luck, twice a bug
                    if lost.number in retried:
                        raise MetricsError(_REPEATED_DEATH.format(number=lost.number))
                    retried.add(lost.number)
                failed[lost.number].update(blamed)
                remaining = tuple(
                    entry for entry in lost.files if entry[0] not in failed[lost.number]
                )
                pending.extendleft(
                    reversed([Shard(lost.number, remaining), *list(worker.shards)[1:]])
                )
                self.workers[self.workers.index(worker)] = self._start()
            for number in list(done):
                result = _with_failures(done.pop(number), originals[number], failed.pop(number))
                with self.changed:
                    self.ready[number] = result
                    self.changed.notify_all()
                handed += 1

    def _poll(self, done: dict[int, ShardResult]) -> list[tuple[_Worker, bool]]:
        """Wait for news from the busy workers; the ones to replace, each with whether it
        was killed for overrunning its file's time."""
        busy = [worker for worker in self.workers if worker.shards]
        deadlines = [worker.deadline for worker in busy if worker.deadline is not None]
        # wake up now and then to see whether the caller moved on or stopped
        timeout = min([WAKE, *(deadline - time.monotonic() for deadline in deadlines)])
        sentinels = {worker.process.sentinel: worker for worker in busy}
        wait([worker.conn for worker in busy] + list(sentinels), max(0.0, timeout))
        lost = []
        for worker in busy:
            while worker.shards:
                try:
                    if not worker.conn.poll():
                        break
                    message = worker.conn.recv()
                except (EOFError, OSError):  # it died: its exit status says so below
                    worker.process.join(1)
                    break
                self._receive(worker, message, done)
            if not worker.shards:
                continue
            if not worker.process.is_alive():
                lost.append((worker, False))
            elif worker.deadline is not None and time.monotonic() > worker.deadline:
                worker.process.kill()
                worker.process.join()
                lost.append((worker, True))
        return lost

    def _receive(
        self,
        worker: _Worker,
        message: ShardResult | tuple[int | None, float] | Exception,
        done: dict[int, ShardResult],
    ) -> None:
        if isinstance(message, Exception):
            raise message  # as extract_shard raised it in the worker
        if isinstance(message, ShardResult):
            done[message.number] = message
            worker.shards.popleft()
            worker.file_index = worker.deadline = None
            return
        index, started = message  # (file index, its start on the monotonic clock), or finished
        worker.started_any = True
        worker.file_index = index
        kill_after = self.budget.kill_after()
        worker.deadline = None if index is None or kill_after is None else started + kill_after

    def _blame(self, worker: _Worker, shard: Shard, timed_out: bool) -> dict[str, Outcome]:
        """The outcome of the file `worker` was reading when it was killed or died."""
        code = worker.process.exitcode
        worker.conn.close()
        if worker.file_index is None:
            if not worker.started_any:
                raise MetricsError(_STARTUP_FAILURE.format(code=code))
            return {}  # it died between files, or while validating: the shard runs again
        file_name, root = shard.files[worker.file_index]
        if timed_out:
            error = self.budget.timed_out(file_name)
        else:
            error = SourceError(file_name, Reason.CRASHED, _exit_status(code))
        path = document_path(Path(file_name), Path(root))
        return {file_name: Outcome(file_name, path, "failed", str(error))}

    def _start(self) -> _Worker:
        context = _clean_start()
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_serve,
            args=(theirs, self.ingested_at, self.extractor, self.budget, user_catalog()),
            daemon=True,
        )
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _assign(self, worker: _Worker, shard: Shard) -> None:
        worker.shards.append(shard)
        worker.conn.send(shard)

    def close(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(OSError):  # finish: idle workers exit at once
                worker.conn.send(None)
        for worker in self.workers:
            worker.process.join(0 if worker.shards else 1)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()


def _exit_status(code: int | None) -> str:
    if code == -signal.SIGKILL:
        return "killed by SIGKILL, perhaps by the kernel for want of memory"
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit status {code}"


def _with_failures(result: ShardResult, original: Shard, failed: dict[str, Outcome]) -> ShardResult:
    """`result` of a shard extracted again without the files in `failed`, with their
    outcomes put back in file order."""
    if not failed:
        return result
    outcomes = {outcome.file: outcome for outcome in result.outcomes} | failed
    return ShardResult(
        result.number,
        result.sources,
        result.claims,
        tuple(outcomes[file_name] for file_name, _ in original.files),
    )


def _serve(
    conn: Connection,
    ingested_at: datetime,
    extractor: Extractor | None,
    budget: FileBudget,
    catalog: Path | None,
) -> None:
    """A worker: extract the shards sent until told to stop, saying which file it starts.

    The fork server started with the environment of its first ingest, so the user catalog
    this ingest uses (`catalog`) is set here, not inherited."""
    _exit_with_parent()
    use_catalog(catalog)

    def starting(index: int | None) -> None:
        conn.send((index, time.monotonic()))

    while True:
        try:
            shard = conn.recv()
        except EOFError:  # the pool is gone
            return
        if shard is None:
            return
        try:
            result = extract_shard(shard, ingested_at, extractor, budget, starting)
        except Exception as exc:  # not a file's fault (those fail alone): the ingest's
            conn.send(exc)
        else:
            conn.send(result)


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _exit_with_parent() -> None:
    """Die with the process that forked this one.

    Linux kills this process when its parent dies (PR_SET_PDEATHSIG): the fork server,
    which exits as soon as the ingest that started it dies, or the ingest itself under
    spawn. Elsewhere a thread watches for the parent to change.

    The fork server exits when the last holder of its "alive" pipe closes it, and every
    process it forks inherits one end (to fork through it in turn, which a worker never
    does): a worker must close that end, or it would keep the fork server alive, and the
    fork server it.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        server: Any = forkserver._forkserver  # typeshed leaves its attributes out
        if server._forkserver_alive_fd is not None:
            os.close(server._forkserver_alive_fd)
            server._forkserver_alive_fd = None
    parent = os.getppid()
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) == 0:
            if os.getppid() != parent:  # it died before the request took effect
                os._exit(1)
            return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _clean_start() -> (
    multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext
):
    """Workers that start from a clean interpreter, not a copy of this process and its open
    database: a fork server that has imported the extractor once, or spawn where there is none.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", "metrics.extract", "metrics.run.shards"])
    return context
