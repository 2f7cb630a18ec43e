"""Two processes on one database: a clear `Error:` line and exit status 75, never a traceback.

Why: DuckDB lets one process write a file or many processes read it, and a process that
comes second gets an `IOException` about file locks. The issue asks that a second writer
while an ingest runs, and the read-only commands (`sql`, `claims`, `report`, ...) while
something writes, say "the database is being written by another process; try again when it
finishes" (or, for a writer kept out by readers, that the file is open for reading), name
the PID that holds the lock and exit with status 75 (EX_TEMPFAIL), or wait for the file
with `--wait SECONDS` / `METRICS_WAIT`.

DuckDB's locks are per process (fcntl), so every lock here is held by ANOTHER process: a
small `python -c` holder that opens the file as a writer or a reader, prints "held" and
keeps it until the test releases it (or its time is up, or the test process goes away).
The commands run through the real CLI (`python -m metrics`) in subprocesses. Starting one
costs 1-2 s of CPU (importing pandas, pandera, plotly), so each lock state is set up once per
module, its command table runs in parallel, and the parametrized tests check one command
each. The table under a reader holds only what the issue names (ingest, reconcile, sql,
claims); every command is tried under a writer.

The real-ingest test starts `metrics ingest -j 1` on 200 generated articles and starts the
second ingest as soon as the first holds the file. It does not wait for the first progress
line: with one job the files are extracted in one shard of 200, so that line comes when
only the write is left (under a second). Instead it watches the kernel's lock table
(/proc/locks) for the first ingest's write lock on the file, or, where there is no
/proc/locks, for the write-ahead log that opening the store writes.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Literal

import pytest

from metrics.pipeline import ingest
from metrics.store import DatabaseLocked, Store, StoreError

pytestmark = pytest.mark.slow

EXIT_LOCKED = 75
WRITING = "the database is being written by another process; try again when it finishes"
READING = "the database is open for reading in another process; try again when it closes"
TIMEOUT = 120
"""Seconds any one subprocess may take before the test gives up on it."""
FIRST_DOCS = 200
"""Articles of the long-running ingest: 4-5 s of extraction with -j 1."""
SECOND_DOCS = 20

Mode = Literal["writer", "reader"]

_HOLD = """
import select, sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "reader")
print("held", flush=True)
# until the test writes a line or closes stdin (also when it dies), or the time is up
select.select([sys.stdin], [], [], float(sys.argv[3]))
letting_go = time.monotonic()  # CLOCK_MONOTONIC: the same clock in every process
con.close()
print("released", letting_go, flush=True)
"""

ARTICLES = {
    # Two publishers disagree on one figure, so every view of the database has rows.
    "docs/alpha.md": "publisher: Alpha Wire\npublished: 2024-05-01",
    "docs/beta.md": "publisher: Beta News\npublished: 2024-06-01",
    "extra/gamma.md": "publisher: Gamma Post\npublished: 2024-07-01",
}
VALUES = {"docs/alpha.md": "4.5", "docs/beta.md": "4.1", "extra/gamma.md": "4.3"}

# name -> arguments: {extra} and {out} are filled in, --db is appended
COMMANDS: dict[str, list[str]] = {
    "ingest": ["ingest", "{extra}", "-j", "1"],
    "run": ["run", "{extra}", "-j", "1", "--out", "{out}/run.html"],
    "reconcile": ["reconcile"],
    "sql": ["sql", "SELECT count(*) AS n_claims FROM claims"],
    "claims": ["claims", "--format", "csv"],
    "report": ["report", "--out", "{out}/report.html"],
    "resolved": ["resolved", "--format", "csv"],
    "conflicts": ["conflicts", "--format", "csv"],
}
WRITERS = ["ingest", "reconcile"]
READERS = ["sql", "claims"]
"""The commands tried while a reader holds the file."""


@dataclass(frozen=True)
class Site:
    """A small database built from `docs/`, and a folder (`extra/`) it does not hold yet."""

    tmp: Path
    db: Path
    extra: Path


@dataclass(frozen=True)
class Result:
    """One finished CLI run, with when it started and ended (time.monotonic)."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    started: float
    ended: float

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    def __str__(self) -> str:
        return (
            f"metrics {' '.join(self.args)} -> exit {self.returncode} after {self.seconds:.2f} s"
            f"\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}---"
        )


@dataclass(frozen=True)
class Holder:
    """A process holding the database lock until `release()`."""

    process: subprocess.Popen[str]

    @property
    def pid(self) -> int:
        return self.process.pid

    def released(self) -> float:
        """Block until the holder has closed the database; returns its time.monotonic() from
        just before it did, so nobody can have opened the file earlier."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        word, _, at = line.partition(" ")
        assert word == "released", f"lock holder said {line!r}"
        return float(at)

    def release(self) -> float:
        """Tell the holder to close the database; returns time.monotonic() once it has."""
        assert self.process.stdin is not None
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        return self.released()


@contextlib.contextmanager
def hold_lock(db: Path, mode: Mode, seconds: float = 60) -> Iterator[Holder]:
    """Another process holds `db` open as a writer or a reader for up to `seconds`."""
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(db), mode, str(seconds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if line != "held\n":
            process.kill()
            _, err = process.communicate(timeout=TIMEOUT)
            pytest.fail(f"the lock holder did not get the lock: {line!r}\n{err}")
        yield Holder(process)
    finally:
        process.kill()
        process.communicate(timeout=TIMEOUT)


def _env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("METRICS_")}
    env.update(extra or {})
    return env


@dataclass
class Running:
    """A CLI process started by `start`; `finish()` waits for it."""

    args: tuple[str, ...]
    process: subprocess.Popen[str]
    started: float

    def finish(self) -> Result:
        stdout, stderr = self.process.communicate(timeout=TIMEOUT)
        return Result(
            self.args, self.process.returncode, stdout, stderr, self.started, time.monotonic()
        )


def start(
    args: list[str], cwd: Path, env: Mapping[str, str] | None = None, prefix: tuple[str, ...] = ()
) -> Running:
    """`python -m metrics ARGS` in the background (after `prefix`, e.g. `unshare ...`)."""
    started = time.monotonic()
    process = subprocess.Popen(
        [*prefix, sys.executable, "-m", "metrics", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=_env(env),
    )
    return Running(tuple(args), process, started)


def metrics(args: list[str], cwd: Path, env: Mapping[str, str] | None = None) -> Result:
    return start(args, cwd, env).finish()


def command(name: str, site: Site, out: Path) -> list[str]:
    args = [arg.format(extra=site.extra, out=out) for arg in COMMANDS[name]]
    return [*args, "--db", str(site.db)]


def run_table(site: Site, mode: Mode, names: list[str]) -> tuple[int, dict[str, Result]]:
    """Every command of `names` at once while another process holds the file as `mode`."""
    out = site.tmp / f"out-{mode}"
    out.mkdir()
    with hold_lock(site.db, mode) as holder:
        running = {name: start(command(name, site, out), site.tmp) for name in names}
        results = {name: run.finish() for name, run in running.items()}
    return holder.pid, results


def assert_locked(result: Result, message: str, pid: int, db: Path) -> None:
    """Exit status 75 and one `Error:` line naming the file, the holder's PID and --wait."""
    assert result.returncode == EXIT_LOCKED, result
    assert "Traceback" not in result.stderr, result
    assert result.stdout == "", result
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result
    (line,) = lines
    assert line.startswith(f"Error: {db}: "), result
    assert message in line, result
    assert re.search(rf"\bPID {pid}\b", line), f"holder PID {pid} not named:\n{result}"
    assert "--wait SECONDS" in line, result


def article(name: str) -> str:
    return (
        f"---\n{ARTICLES[name]}\n---\n"
        f"TITR cargo volume reached {VALUES[name]} million tons in 2024.\n"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    tmp = tmp_path_factory.mktemp("concurrency")
    for name in ARTICLES:
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(name), encoding="utf-8")
    db = tmp / "metrics.duckdb"
    with Store(db) as store:
        summary = ingest(store, [tmp / "docs"])
    assert (summary.documents, summary.claims, summary.failed) == (2, 2, [])
    return Site(tmp=tmp, db=db, extra=tmp / "extra")


@pytest.fixture(scope="module")
def under_writer(site: Site) -> tuple[int, dict[str, Result]]:
    return run_table(site, "writer", list(COMMANDS))


@pytest.fixture(scope="module")
def under_reader(site: Site) -> tuple[int, dict[str, Result]]:
    return run_table(site, "reader", WRITERS + READERS)


# --- the CLI while another process holds the file ---------------------------------------------


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_is_refused_while_another_process_writes(
    name: str, site: Site, under_writer: tuple[int, dict[str, Result]]
) -> None:
    pid, results = under_writer
    assert_locked(results[name], WRITING, pid, site.db)


@pytest.mark.parametrize("name", WRITERS)
def test_writers_are_refused_while_another_process_reads(
    name: str, site: Site, under_reader: tuple[int, dict[str, Result]]
) -> None:
    pid, results = under_reader
    assert_locked(results[name], READING, pid, site.db)


READER_OUTPUT = {
    "sql": re.compile(r"^n_claims\n\s*2\n$"),
    "claims": re.compile(r"titr_cargo_volume,TITR,4500000\.0,t"),
}


@pytest.mark.parametrize("name", READERS)
def test_readers_share_the_file_with_another_reader(
    name: str, site: Site, under_reader: tuple[int, dict[str, Result]]
) -> None:
    _, results = under_reader
    result = results[name]
    assert result.returncode == 0, result
    assert READER_OUTPUT[name].search(result.stdout), result


def test_refused_commands_leave_the_database_and_outputs_alone(
    site: Site,
    under_writer: tuple[int, dict[str, Result]],
    under_reader: tuple[int, dict[str, Result]],
) -> None:
    with Store(site.db, read_only=True) as store:
        paths = sorted(store.query("SELECT path FROM sources")["path"])
    assert paths == ["alpha.md", "beta.md"]  # neither `ingest extra/` nor `run extra/` got in
    assert list((site.tmp / "out-writer").iterdir()) == []  # no report from `run`, `report`


# --- --wait and METRICS_WAIT --------------------------------------------------------------------


def test_wait_outlasts_a_writer_on_the_command_line_and_from_the_environment(
    site: Site,
) -> None:
    sql = ["sql", "SELECT 42 AS answer", "--db", str(site.db)]
    with hold_lock(site.db, "writer") as holder:
        control = start(sql, site.tmp)
        waiting = start([*sql, "--wait", "60"], site.tmp)
        from_env = start(["claims", "--db", str(site.db)], site.tmp, {"METRICS_WAIT": "60"})
        refused = control.finish()
        # The control started with the others and was refused: the lock was held when they
        # reached it. Hold on for another second, then let go.
        assert_locked(refused, WRITING, holder.pid, site.db)
        time.sleep(1.0)
        released = holder.release()
        waited, waited_env = waiting.finish(), from_env.finish()
    for result in (waited, waited_env):
        assert result.returncode == 0, result
        assert result.stderr == "", result
        assert result.ended >= released, result
        assert result.ended - refused.ended >= 1.0, result
        assert result.ended - released < 30, f"slow to notice the release:\n{result}"
    assert re.search(r"^answer\n\s*42\n$", waited.stdout), waited
    assert "titr_cargo_volume" in waited_env.stdout, waited_env


def test_wait_gives_up_with_75_when_the_writer_outlasts_it(site: Site) -> None:
    sql = ["sql", "SELECT 1", "--db", str(site.db)]
    with hold_lock(site.db, "writer") as holder:
        at_once_result = metrics(sql, site.tmp)
        short_result = metrics([*sql, "--wait", "0.5"], site.tmp)
        still_held = holder.process.poll() is None
    assert still_held  # it gave up while the holder still held the lock (for up to 60 s)
    assert_locked(at_once_result, WRITING, holder.pid, site.db)
    assert_locked(short_result, WRITING, holder.pid, site.db)
    assert "gave up" not in at_once_result.stderr, at_once_result
    # The waiting is measured inside the process, so a slow start on a loaded machine
    # (importing pandas can take seconds) does not count as waiting.
    waited = re.search(r"gave up after waiting (\d+\.\d) s; wait longer", short_result.stderr)
    assert waited, short_result
    assert float(waited[1]) >= 0.5, short_result
    assert short_result.seconds < TIMEOUT, short_result


# --- a real second ingest while the first one runs ---------------------------------------------


def holds_write_lock(db: Path, pid: int) -> bool:
    """Whether process `pid` has opened `db` as DuckDB's writer (it holds the file lock)."""
    locks = Path("/proc/locks")
    if not locks.exists():  # not Linux: opening the store for writing starts the WAL
        return db.with_name(db.name + ".wal").exists()
    try:
        inode = db.stat().st_ino
    except FileNotFoundError:
        return False
    for line in locks.read_text().splitlines():
        fields = line.replace(" -> ", " ").split()  # "->" marks a process waiting for a lock
        # 1: POSIX  ADVISORY  WRITE 11486 fe:00:2582467 0 EOF
        if (
            len(fields) >= 6
            and fields[3:5] == ["WRITE", str(pid)]
            and fields[5].rsplit(":", 1)[1] == str(inode)
        ):
            return True
    return False


def test_second_ingest_while_an_ingest_runs_is_refused_and_stores_nothing(
    tmp_path: Path, article_generator: ModuleType
) -> None:
    generate = article_generator
    first, second = tmp_path / "first", tmp_path / "second"
    generate.write_corpus(first, FIRST_DOCS, seed=0)
    generate.write_corpus(second, SECOND_DOCS, seed=1)
    db = tmp_path / "corpus.duckdb"
    ingest_first = ["ingest", str(first), "--db", str(db), "-j", "1"]
    ingest_second = ["ingest", str(second), "--db", str(db), "-j", "1"]

    running = start(ingest_first, tmp_path)
    try:
        deadline = time.monotonic() + TIMEOUT
        while not holds_write_lock(db, running.process.pid):
            assert running.process.poll() is None, "the first ingest ended before it opened the db"
            assert time.monotonic() < deadline, "the first ingest never opened the database"
            time.sleep(0.02)
        clash = metrics(ingest_second, tmp_path)
        first_still_running = running.process.poll() is None
        done = running.finish()
    finally:
        if running.process.poll() is None:
            running.process.kill()
            running.process.communicate()

    assert first_still_running, (
        f"the first ingest finished before the second one was refused:\n{clash}"
    )
    assert_locked(clash, WRITING, running.process.pid, db)
    assert done.returncode == 0, done
    assert done.stdout.startswith(f"{db}: {FIRST_DOCS} documents, "), done
    assert done.stdout.endswith(" 0 failed\n"), done
    progress = done.stderr.splitlines()
    assert len(progress) == FIRST_DOCS, done  # one line per file, and nothing else
    assert all(re.match(rf"{re.escape(str(first))}/\S+: \d+ claims?$", p) for p in progress), done

    with Store(db, read_only=True) as store:
        names = store.query("SELECT path FROM sources")["path"].map(lambda p: Path(p).name)
        claims = len(store.claims())
    assert len(names) == FIRST_DOCS
    assert names.str.startswith("synthetic_0_").all()  # nothing of the second folder
    assert claims > 0

    again = metrics(ingest_second, tmp_path)
    assert again.returncode == 0, again
    assert again.stdout.startswith(f"{db}: {SECOND_DOCS} documents, "), again
    with Store(db, read_only=True) as store:
        stored = store.query("SELECT count(*) AS n FROM sources")["n"][0]
    assert stored == FIRST_DOCS + SECOND_DOCS


# --- the library ---------------------------------------------------------------------------------


def test_store_raises_database_locked_naming_the_writer(site: Site) -> None:
    with hold_lock(site.db, "writer") as holder:
        for read_only in (False, True):
            with pytest.raises(DatabaseLocked) as caught:
                Store(site.db, read_only=read_only)
            assert caught.value.pid == holder.pid
            assert WRITING in str(caught.value)
            assert str(caught.value).startswith(f"{site.db}: ")
        started = time.monotonic()
        with pytest.raises(DatabaseLocked) as caught:
            Store(site.db, read_only=True, wait=0.5)
        waited = time.monotonic() - started
        assert holder.process.poll() is None  # given up while the lock was still held
    assert 0.5 <= caught.value.waited <= waited
    assert f"gave up after waiting {caught.value.waited:.1f} s" in str(caught.value)


def test_store_raises_database_locked_for_a_writer_while_a_reader_holds_it(site: Site) -> None:
    with hold_lock(site.db, "reader") as holder:
        with pytest.raises(DatabaseLocked) as caught:
            Store(site.db)
        assert caught.value.pid == holder.pid
        assert READING in str(caught.value)
        with Store(site.db, read_only=True) as store:  # readers share
            assert len(store.claims()) == 2


def test_store_wait_returns_once_the_holder_exits(site: Site) -> None:
    with (
        hold_lock(site.db, "writer", seconds=1.5) as holder,
        Store(site.db, read_only=True, wait=TIMEOUT) as store,
    ):
        opened = time.monotonic()
        released = holder.released()
        assert holder.process.wait(timeout=TIMEOUT) == 0
        assert len(store.claims()) == 2
    # Opened after the holder let go (so it waited), and soon after: the retry interval is
    # 0.2 s, and the bound leaves room for a loaded machine, far below the wait of TIMEOUT.
    assert released <= opened < released + 10


# --- known bug ------------------------------------------------------------------------------------


def _unshare() -> tuple[str, ...] | None:
    """`unshare --pid --fork` if this machine lets us run a process in a new PID namespace."""
    if shutil.which("unshare") is None:
        return None
    prefix = ("unshare", "--pid", "--fork")
    probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
    return prefix if probe.returncode == 0 else None


def test_holder_in_another_pid_namespace_is_still_a_locked_database(site: Site) -> None:
    prefix = _unshare()
    if prefix is None:
        pytest.skip("cannot create a PID namespace here (needs unshare and privileges)")
    with hold_lock(site.db, "writer"):
        result = start(["sql", "SELECT 1", "--db", str(site.db)], site.tmp, prefix=prefix)
        outcome = result.finish()
    assert outcome.returncode == EXIT_LOCKED, outcome
    assert WRITING in outcome.stderr, outcome
    assert "the lock is held by another process" in outcome.stderr, outcome  # PID 0: unknown


@pytest.mark.parametrize("wait", [float("nan"), -1.0])
def test_a_wait_that_could_never_end_or_start_is_refused(site: Site, wait: float) -> None:
    with pytest.raises(StoreError, match="wait must be a number of seconds, 0 or more"):
        Store(site.db, read_only=True, wait=wait)
