"""The per-file budget: a file that takes too long or too much memory fails alone.

The readers bound what is known to be costly (tests/read/test_resource_bounds.py); these
tests stand in for what nobody thought of with an extractor that misbehaves on a cue word:
loops in Python, loops in C code no signal interrupts, allocates gigabytes, or crashes its
process. In this process (`jobs=1`) the budget is an alarm and an address-space limit; in
the pool a worker that overruns is killed and replaced, and the rest of its shard is read
again. Either way the batch goes on, and the failing file gets one line naming it.
A worker also dies with the ingest that started it: `kill -9` of an ingest leaves none.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from metrics.errors import Reason, SourceError
from metrics.extract import extract_claims
from metrics.models import Claim, Document
from metrics.pipeline import ingest
from metrics.run import Shard, extract_shard
from metrics.run.budget import FileBudget
from metrics.store import Store

GOOD = "---\npublished: 2024-05-{day:02d}\n---\nTITR cargo volume reached {value} million tons in 2024.\n"


def misbehaving_extract(document: Document) -> list[Claim]:
    """The real extractor, but for articles that name a way to misbehave."""
    text = document.text
    if "LOOP-IN-PYTHON" in text:
        while True:
            pass
    if "LOOP-IN-C" in text:
        sum(range(10**12))  # one C call: no signal handler runs until it returns
    if "HOG" in text:
        bytearray(8 * 2**30)
    if "SEGFAULT" in text:
        os.kill(os.getpid(), signal.SIGSEGV)
    if "OOM-KILLED" in text:  # what the kernel's out-of-memory killer does
        os.kill(os.getpid(), signal.SIGKILL)
    return extract_claims(document)


def folder_of(tmp_path: Path, good: int, bad: dict[str, str]) -> Path:
    """`good` articles and one file per misbehaviour in `bad` (name -> cue word)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(good):
        text = GOOD.format(day=i % 28 + 1, value=f"{i + 1}.5")
        (folder / f"good-{i:03d}.md").write_text(text, encoding="utf-8")
    for name, cue in bad.items():
        (folder / name).write_text(f"{cue}: TITR cargo reached 3 million tons.\n")
    return folder


def stored_paths(store: Store) -> list[str]:
    return sorted(store.query("SELECT path FROM sources")["path"])


def test_python_code_past_the_time_budget_is_interrupted() -> None:
    budget = FileBudget(seconds=0.5)
    started = time.monotonic()
    with pytest.raises(SourceError) as raised, budget.applied("slow.txt"):
        while True:
            pass
    assert raised.value.reason is Reason.TIME_BUDGET
    assert str(raised.value) == "slow.txt: exceeded the time budget (0.5 s)"
    assert time.monotonic() - started < 5


def test_an_alarm_whose_raise_was_swallowed_rings_again() -> None:
    """Python swallows an exception raised in a gc callback or `__del__`; the alarm that
    rang there must ring again, or the file runs unbounded."""
    from metrics.run.budget import _OutOfTime

    started = time.monotonic()
    with pytest.raises(SourceError) as raised, FileBudget(seconds=0.2).applied("slow.txt"):
        try:
            while True:
                pass
        except _OutOfTime:
            pass  # what "Exception ignored in: <gc callback>" amounts to
        while True:
            pass
    assert raised.value.reason is Reason.TIME_BUDGET
    assert time.monotonic() - started < 5


def test_an_allocation_past_the_memory_budget_fails_and_the_limit_is_lifted() -> None:
    before = resource.getrlimit(resource.RLIMIT_AS)
    handler = signal.getsignal(signal.SIGALRM)
    with pytest.raises(SourceError) as raised, FileBudget(5, 256).applied("big.txt"):
        bytearray(2 * 2**30)
    assert str(raised.value) == "big.txt: exceeded the memory budget (256 MB)"
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert signal.getsignal(signal.SIGALRM) == handler
    assert len(bytearray(300 * 2**20)) == 300 * 2**20  # the limit is gone


def test_within_the_budget_nothing_changes() -> None:
    with FileBudget(5, 256).applied("fine.txt"):
        total = sum(range(1000))
    assert total == 499500


def test_in_this_process_each_overrunning_file_fails_alone(tmp_path: Path) -> None:
    bad = {"loops.txt": "LOOP-IN-PYTHON", "hogs.txt": "HOG"}
    folder = folder_of(tmp_path, 3, bad)
    started = time.monotonic()
    with Store(":memory:") as store:
        summary = ingest(
            store, [folder], jobs=1, extractor=misbehaving_extract, budget=FileBudget(1, 512)
        )
        assert stored_paths(store) == [f"good-{i:03d}.md" for i in range(3)]
    assert time.monotonic() - started < 20
    assert sorted(summary.failed) == [
        (str(folder / "hogs.txt"), f"{folder / 'hogs.txt'}: exceeded the memory budget (512 MB)"),
        (str(folder / "loops.txt"), f"{folder / 'loops.txt'}: exceeded the time budget (1 s)"),
    ]


def test_a_source_row_failing_the_schema_fails_its_file_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The readers refuse dates pandas cannot hold; should any other value slip past them,
    the schema check of the shard falls back to file by file."""
    import metrics.run.shards as shards

    folder = folder_of(tmp_path, 3, {})
    load = shards.load_document

    def too_old(file: Path, root: Path | None = None) -> Document:
        document = load(file, root)
        if file.name == "good-001.md":
            return Document(**{**document.__dict__, "published": date(1, 1, 1)})
        return document

    monkeypatch.setattr(shards, "load_document", too_old)
    files = tuple((str(path), str(folder)) for path in sorted(folder.iterdir()))
    result = extract_shard(Shard(0, files), datetime(2025, 1, 1))
    assert sorted(result.sources["path"]) == ["good-000.md", "good-002.md"]
    assert len(result.claims) == 2
    assert set(result.claims["source_id"]) == set(result.sources["source_id"])
    (failed,) = [outcome for outcome in result.outcomes if outcome.outcome == "failed"]
    assert failed.path == "good-001.md"
    assert failed.message is not None
    assert failed.message.startswith(f"{folder / 'good-001.md'}: its source row failed validation")
    assert "published" in failed.message


@pytest.mark.slow
def test_in_the_pool_each_misbehaving_file_fails_alone_and_the_pool_goes_on(
    tmp_path: Path,
) -> None:
    """Five misbehaving files spread over the shards of two workers: each fails with its
    reason, its worker is replaced when it had to be, and every good article is stored."""
    bad = {
        "a-loops.txt": "LOOP-IN-PYTHON",
        "h-loops-in-c.txt": "LOOP-IN-C",
        "p-hogs.txt": "HOG",
        "t-killed.txt": "OOM-KILLED",
        "z-crashes.txt": "SEGFAULT",
    }
    folder = folder_of(tmp_path, 55, bad)  # 60 files: three shards of 25 at most
    started = time.monotonic()
    with Store(":memory:") as store:
        summary = ingest(
            store, [folder], jobs=2, extractor=misbehaving_extract, budget=FileBudget(2, 512)
        )
        assert stored_paths(store) == [f"good-{i:03d}.md" for i in range(55)]
        assert len(store.query("SELECT claim_id FROM claims")) == 55
    assert time.monotonic() - started < 60
    messages = dict(summary.failed)
    assert messages == {
        str(folder / "a-loops.txt"): f"{folder / 'a-loops.txt'}: exceeded the time budget (2 s)",
        str(folder / "h-loops-in-c.txt"): (
            f"{folder / 'h-loops-in-c.txt'}: exceeded the time budget (2 s)"
        ),
        str(folder / "p-hogs.txt"): f"{folder / 'p-hogs.txt'}: exceeded the memory budget (512 MB)",
        str(folder / "t-killed.txt"): (
            f"{folder / 't-killed.txt'}: crashed the process reading it "
            "(killed by SIGKILL, perhaps by the kernel for want of memory)"
        ),
        str(folder / "z-crashes.txt"): (
            f"{folder / 'z-crashes.txt'}: crashed the process reading it (killed by SIGSEGV)"
        ),
    }


def _descendants(root: int) -> set[int]:
    """Every process below `root` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting for a parent that no longer reaps it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_the_ingest_is_killed(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(60):  # slow to extract, so the workers are busy when the ingest dies
        (folder / f"numbers-{i:02d}.txt").write_text(f"Cargo {i}: " + "1 " * 60_000)
    ingest_run = subprocess.Popen(
        [sys.executable, "-m", "metrics", "ingest", str(folder), "--db", str(tmp_path / "m.db"),
         "-j", "2", "--file-timeout", "0", "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers := _descendants(ingest_run.pid)) < 3:  # fork server and two workers
            assert time.monotonic() < deadline, "the ingest never started its workers"
            assert ingest_run.poll() is None, "the ingest ended before it could be killed"
            time.sleep(0.1)
        time.sleep(1)  # inside their first files
        ingest_run.kill()
        ingest_run.wait()
        deadline = time.monotonic() + 5
        while alive := {pid for pid in workers if _running(pid)}:
            assert time.monotonic() < deadline, f"left running: {sorted(alive)}"
            time.sleep(0.1)
    finally:  # whatever happened, leave nothing of this test running
        ingest_run.kill()
        for pid in workers | _descendants(ingest_run.pid):
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
