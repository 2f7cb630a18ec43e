"""A wall-clock and memory budget for reading and extracting one file.

The readers bound what they know to be costly (spans, cells, pages, streams: see
`metrics/data/limits.yaml`), but a file can be costly in a way nobody thought of. So each
file is read and extracted under a budget, and a file that exceeds it fails alone with
"exceeded the time budget (60 s)" or "exceeded the memory budget (1024 MB)" while the
batch goes on.

In the process reading the file, the budget is an alarm that interrupts Python code and a
soft address-space limit (RLIMIT_AS) that makes a runaway allocation raise MemoryError.
Code that never returns to Python cannot be interrupted there, so the pool of
`metrics.run.local` also watches each worker from outside and kills and replaces one that
overruns its file's time (`kill_after`); with one process there is no one to watch, and
the alarm is the bound.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from metrics.data import load
from metrics.errors import Reason, SourceError

KILL_GRACE = 2.0
"""Seconds a worker gets past its file's time budget to stop by itself before it is killed."""

RING_AGAIN = 0.1
"""Seconds between rings once a file is out of time. Python swallows an exception raised
where it cannot propagate (a gc callback, `__del__`, a weakref callback: "Exception
ignored in ..."); an alarm that rang once would then be lost and the file run unbounded."""


def default_timeout() -> float:
    """Seconds one file may take by default (`limits.yaml` file_budget)."""
    return float(load("limits.yaml")["file_budget"]["timeout_seconds"])


def default_memory_mb() -> int:
    """Megabytes one file may add by default (`limits.yaml` file_budget)."""
    return int(load("limits.yaml")["file_budget"]["memory_mb"])


class _OutOfTime(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` inside a parser
    swallows it."""


@dataclass(frozen=True)
class FileBudget:
    """What reading and extracting one file may cost: seconds, and MB of address space
    added to the process (None: no limit)."""

    seconds: float | None = None
    memory_mb: int | None = None

    @classmethod
    def default(cls) -> FileBudget:
        return cls(default_timeout(), default_memory_mb())

    def kill_after(self) -> float | None:
        """Seconds after a file starts at which the pool kills the worker reading it."""
        return None if self.seconds is None else self.seconds + KILL_GRACE

    def timed_out(self, file_name: str) -> SourceError:
        return SourceError(file_name, Reason.TIME_BUDGET, f"{self.seconds:g} s")

    @contextmanager
    def applied(self, file_name: str) -> Iterator[None]:
        """Run the body under this budget; exceeding it raises `SourceError` naming the file."""
        try:
            with _memory_limit(self.memory_mb), _alarm(self.seconds):
                yield
        except _OutOfTime:
            raise self.timed_out(file_name) from None
        except MemoryError:
            raise SourceError(file_name, Reason.MEMORY_BUDGET, f"{self.memory_mb} MB") from None


@contextmanager
def _alarm(seconds: float | None) -> Iterator[None]:
    """Raise `_OutOfTime` in the body after `seconds`, and again every `RING_AGAIN` seconds
    until the body has stopped; only the main thread gets signals, so elsewhere (a thread
    of a notebook or a Dask worker), or without SIGALRM (Windows), this does nothing."""
    if (
        seconds is None
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    armed = True

    def ring(signum: int, frame: Any) -> None:
        if armed:
            raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds, RING_AGAIN)
    try:
        yield
    finally:
        armed = False  # the alarm may ring from here on: it must not raise any more
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _memory_limit(megabytes: int | None) -> Iterator[None]:
    """Let the body add at most `megabytes` to the address space, where the system says
    how big it is (Linux); allocations past it raise MemoryError."""
    size = _address_space()
    if megabytes is None or size is None:
        yield
        return
    import resource  # only where /proc says how big the process is, so not on Windows

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = size + megabytes * 2**20
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int | None:
    """This process's virtual memory size in bytes (Linux), else None."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")
