"""Crash safety of `metrics ingest`: a SIGKILL at any moment leaves a whole, readable database.

Why: ingesting a big folder takes a while and can be killed at any point (the OOM killer, a
CI timeout, `kill -9`, a closed laptop lid), and nothing gets to clean up after SIGKILL. The
store promises that one ingest is one DuckDB transaction, so the database must come back
readable, with every article either stored whole (its source row and all its claims) or not
at all, articles stored earlier untouched, and a changed article's replacement all or
nothing. Running the ingest again must then finish the job.

These tests start a real `python -m metrics ingest -j 2` on a generated corpus (over a
database that already holds an earlier batch: unchanged files, older versions of changed
files, and articles from another folder) and SIGKILL it together with its worker processes:
after random delays spread over a whole run (0 to 1.1 times a measured full run), and, since
random delays mostly land in the start-up and extraction, also at three moments watched
from outside: halfway through writing the shards' rows (the progress output), the moment the
commit starts writing the WAL, and the moment the checkpoint starts writing the database
file (both windows of a few milliseconds).

The kill schedule is random; the seed is printed and named in every failure message.
`METRICS_CRASH_SEED=N pytest tests/pipeline/test_crash_safety.py -s` replays it (timing still varies).

The last test checks the other half of the requirement: a file whose claims fail the pandera
schema is reported and writes nothing, while the rest of its batch is stored.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

import duckdb
import pytest

from metrics.extract import extract_claims
from metrics.models import Claim, Document, source_id_of
from metrics.pipeline import ingest
from metrics.read import load_document
from metrics.store import Store

pytestmark = pytest.mark.slow

DOCS = 300
"""Corpus size: a full `-j 2` ingest takes several seconds, so kills land in every phase."""
UNCHANGED = range(0, 100)
"""Documents the earlier batch stored with the same content: the killed ingest skips them."""
CHANGED = range(100, 130)
"""Documents the earlier batch stored in an older version: the killed ingest replaces them."""
ARCHIVED = 20
"""Documents of another folder in the earlier batch: the killed ingest never touches them."""
RANDOM_KILLS = 4
"""Kills after a random delay, one per equal slice of 0..SPREAD times a full run."""
SPREAD = 1.1
COMMIT_WAL_BYTES = 128 * 1024
"""A WAL this big holds the batch's commit (the schema statements at open write ~12 KB)."""
SEED = int(os.environ.get("METRICS_CRASH_SEED", random.SystemRandom().randrange(10**6)))


@dataclass(frozen=True)
class Doc:
    """One stored article: its source row (without `ingested_at`) and all its claim rows."""

    source: tuple[object, ...]
    claims: frozenset[tuple[object, ...]]


@dataclass(frozen=True)
class State:
    """What a database holds, in terms that do not depend on when it was written."""

    docs: dict[str, Doc]
    orphans: int  # claims whose source_id has no source row
    reconciled: frozenset[str]  # claim ids the stored reconciliation judged

    @property
    def claim_ids(self) -> frozenset[str]:
        return frozenset(str(row[0]) for doc in self.docs.values() for row in doc.claims)


def read_state(con: duckdb.DuckDBPyConnection) -> State:
    sources = con.execute("SELECT * EXCLUDE (ingested_at) FROM sources").fetchall()
    claims = con.execute("SELECT claim_id, * EXCLUDE (claim_id) FROM claims").fetchall()
    at = [column[0] for column in con.description].index("source_id")
    by_source: dict[object, set[tuple[object, ...]]] = defaultdict(set)
    for row in claims:
        by_source[row[at]].add(row)
    docs = {str(row[0]): Doc(row, frozenset(by_source.pop(row[0], ()))) for row in sources}
    trail = con.execute("SELECT DISTINCT claim_id FROM resolution_trail").fetchall()
    return State(
        docs=docs,
        orphans=sum(len(rows) for rows in by_source.values()),
        reconciled=frozenset(str(claim_id) for (claim_id,) in trail),
    )


def read_db(db: Path) -> State:
    with duckdb.connect(str(db), read_only=True) as con:
        return read_state(con)


@dataclass(frozen=True)
class World:
    """The corpus, a database holding the earlier batch, and what a full ingest makes of it."""

    tmp: Path
    corpus: Path
    base: Path  # the earlier batch, checkpointed; every kill starts from a copy
    before: State
    after: State  # the same database after an uninterrupted `metrics ingest corpus -j 2`
    full_run: float  # seconds that uninterrupted ingest took


def ingest_command(corpus: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "metrics", "ingest", str(corpus), "--db", str(db), "-j", "2"]


def start_ingest(corpus: Path, db: Path, log: Path) -> subprocess.Popen[bytes]:
    """The CLI in its own session, so its fork server and workers share its process group."""
    with log.open("wb") as out:
        return subprocess.Popen(
            ingest_command(corpus, db),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=db.parent,
            start_new_session=True,
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, article_generator: ModuleType) -> World:
    generate = article_generator
    tmp = tmp_path_factory.mktemp("crash")
    corpus, stage, archive = tmp / "corpus", tmp / "stage", tmp / "archive"
    generate.write_corpus(corpus, DOCS, seed=0)
    generate.write_corpus(archive, ARCHIVED, seed=2)
    files = sorted(corpus.rglob("*.md"))
    assert len(files) == DOCS
    older = dict(enumerate(generate.generate_documents(CHANGED.stop, seed=1)))
    for index in [*UNCHANGED, *CHANGED]:
        target = stage / files[index].relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        if index in CHANGED:  # another article under the same name: an older version
            target.write_text(older[index][1], encoding="utf-8")
        else:
            shutil.copyfile(files[index], target)

    base = tmp / "base.duckdb"
    with Store(base) as store:
        assert ingest(store, [stage, archive], jobs=1).failed == []
    assert not Path(f"{base}.wal").exists(), "closing the store should checkpoint the WAL"

    reference = tmp / "reference.duckdb"
    shutil.copyfile(base, reference)
    started = time.monotonic()
    proc = start_ingest(corpus, reference, tmp / "reference.log")
    assert proc.wait(timeout=300) == 0, (tmp / "reference.log").read_text()[-2000:]
    full_run = time.monotonic() - started

    world = World(tmp, corpus, base, read_db(base), read_db(reference), full_run)
    _check_reference(world)
    print(f"\ncrash-safety seed {SEED}; a full `ingest -j 2` of {DOCS} documents: {full_run:.2f} s")
    return world


def _check_reference(world: World) -> None:
    """The two states the kills are judged against differ where they should, and only there."""
    before, after = world.before, world.after
    assert len(before.docs) == len(UNCHANGED) + len(CHANGED) + ARCHIVED
    assert len(after.docs) == DOCS + ARCHIVED
    assert before.orphans == after.orphans == 0
    assert before.docs.keys() <= after.docs.keys()
    changed = [sid for sid, doc in before.docs.items() if after.docs[sid] != doc]
    assert len(changed) == len(CHANGED)  # the unchanged and the archived are left alone
    assert sum(len(doc.claims) for doc in after.docs.values()) > 5 * DOCS
    assert after.reconciled and after.reconciled <= after.claim_ids


@dataclass(frozen=True)
class Kill:
    """When to kill: `delay` seconds after the start, or once `trigger(db, log)` is true."""

    label: str
    delay: float | None = None
    trigger: Callable[[Path, Path], bool] | None = None

    @property
    def planned(self) -> str:
        return f"after {self.delay:.3f} s" if self.delay is not None else f"on {self.label}"


def random_kills(world: World) -> list[Kill]:
    """One random delay in each of RANDOM_KILLS equal slices of 0..SPREAD times a full run."""
    rng = random.Random(SEED)
    width = SPREAD * world.full_run / RANDOM_KILLS
    return [
        Kill(f"random-{i}", delay=rng.uniform(i * width, (i + 1) * width))
        for i in range(RANDOM_KILLS)
    ]


def loading_halfway(db: Path, log: Path) -> bool:
    """Half the new files are reported (as "N claims") by the writer, which loads each
    shard's rows right after reporting its files: the kill lands between shard writes."""
    try:
        return log.read_text(encoding="utf-8").count(" claim") >= (DOCS - len(UNCHANGED)) // 2
    except FileNotFoundError:
        return False


def wal_holds_commit(db: Path, log: Path | None = None) -> bool:
    """The commit is being written: the WAL grows past what opening the store writes."""
    try:
        return Path(f"{db}.wal").stat().st_size >= COMMIT_WAL_BYTES
    except FileNotFoundError:
        return False


def checkpoint_started(db: Path) -> Callable[[Path, Path], bool]:
    """After the commit, the checkpoint starts writing the database file itself."""
    stat = db.stat()
    untouched = (stat.st_size, stat.st_mtime_ns)

    def started(db: Path, log: Path) -> bool:
        now = db.stat()
        return wal_holds_commit(db) and (now.st_size, now.st_mtime_ns) != untouched

    return started


def _group_alive(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, read from /proc (where there is one)."""
    alive = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _ppid, group = stat.rsplit(")", 1)[1].split()[:3]
        if int(group) == pgid and state != "Z":
            alive.append(int(entry.name))
    return alive


@dataclass(frozen=True)
class Crash:
    """One killed run, as printed and quoted in failure messages."""

    kill: Kill
    killed_at: float | None  # None: the ingest finished before the kill
    wal_bytes: int | None  # the WAL left behind, if any

    def __str__(self) -> str:
        at = "never, it finished first" if self.killed_at is None else f"{self.killed_at:.3f} s"
        wal = "no WAL" if self.wal_bytes is None else f"a WAL of {self.wal_bytes} bytes left"
        return f"seed {SEED}, kill {self.kill.label} ({self.kill.planned}): killed at {at}, {wal}"


def run_and_kill(world: World, db: Path, kill: Kill) -> Crash:
    """Start `metrics ingest -j 2` on `db` and SIGKILL it and its workers when `kill` says."""
    log = db.with_name(f"{db.stem}-{kill.label}.log")
    started = time.monotonic()
    proc = start_ingest(world.corpus, db, log)
    fired = False
    while proc.poll() is None:
        if kill.delay is not None:
            fired = time.monotonic() - started >= kill.delay
        elif kill.trigger is not None:
            fired = db.exists() and kill.trigger(db, log)
        if fired:
            break
        time.sleep(0.0005)
    killed_at = time.monotonic() - started
    with contextlib.suppress(ProcessLookupError):  # also after a clean exit: no stray worker
        os.killpg(proc.pid, signal.SIGKILL)
    returncode = proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while (left := _group_alive(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"processes {left} of the killed ingest outlived SIGKILL"
    if returncode != -signal.SIGKILL:
        assert returncode == 0, f"the ingest failed:\n{log.read_text()[-2000:]}"
        fired = False
    wal = Path(f"{db}.wal")
    crash = Crash(kill, killed_at if fired else None, wal.stat().st_size if wal.exists() else None)
    print(crash)
    return crash


def check_crashed(world: World, db: Path, crash: Crash) -> State:
    """The database opens read-only and holds whole documents; returns what it holds."""
    before, after = world.before, world.after
    try:
        state = read_db(db)
    except duckdb.Error as exc:
        pytest.fail(f"{crash}: read-only open failed: {type(exc).__name__}: {exc}")
    with Store(db, read_only=True) as store:
        assert len(store.claims()) == sum(len(doc.claims) for doc in state.docs.values())
        store.view("resolved")

    assert state.orphans == 0, f"{crash}: {state.orphans} claims without a source row"
    lost = sorted(before.docs.keys() - state.docs.keys())
    assert not lost, f"{crash}: documents of the earlier batch lost: {lost[:5]}"
    torn = sorted(
        sid
        for sid, doc in state.docs.items()
        if doc != after.docs.get(sid) and doc != before.docs.get(sid)
    )
    assert not torn, f"{crash}: documents neither whole before nor whole after: {torn[:5]}"
    assert state.reconciled <= state.claim_ids, f"{crash}: reconciliation of missing claims"
    # Stronger, as the store promises: one ingest is one transaction, all of it or none.
    assert state in (before, after), f"{crash}: part of the batch was committed"
    print(f"  -> the database holds the state {'after' if state == after else 'before'} the ingest")
    return state


def rerun_completes(world: World, db: Path, crash: Crash) -> None:
    """`ingest` again does exactly the work the killed run left, and nothing else."""
    committed = read_db(db) == world.after
    with Store(db) as store:
        summary = ingest(store, [world.corpus], jobs=1)
    assert summary.failed == []
    redone = 0 if committed else DOCS - len(UNCHANGED)
    assert (summary.documents, summary.skipped) == (redone, DOCS - redone), str(crash)
    assert read_db(db) == world.after, f"{crash}: the re-run did not complete the ingest"


def test_kills_leave_whole_documents(world: World) -> None:
    """Kills one after the other on the same database, each run starting from what the
    previous kill left (WAL included) unless that run committed: first halfway through
    loading the shards' rows, then after random delays. Then a re-run completes the ingest."""
    db = world.tmp / "random.duckdb"
    shutil.copyfile(world.base, db)
    crash = run_and_kill(world, db, Kill("mid-load", trigger=loading_halfway))
    assert crash.killed_at is not None, f"{crash}: has the progress output changed?"
    check_crashed(world, db, crash)
    for kill in random_kills(world):
        if read_db(db) == world.after:  # the batch landed: give the next kill work to cut
            Path(f"{db}.wal").unlink(missing_ok=True)
            shutil.copyfile(world.base, db)
        crash = run_and_kill(world, db, kill)
        check_crashed(world, db, crash)
    rerun_completes(world, db, crash)


def test_kill_while_committing(world: World) -> None:
    """Killed while the commit is being written to the WAL: a torn WAL must not surface."""
    db = world.tmp / "commit.duckdb"
    shutil.copyfile(world.base, db)
    crash = run_and_kill(world, db, Kill("commit", trigger=wal_holds_commit))
    assert crash.killed_at is not None, f"{crash}: has DuckDB changed how it commits?"
    check_crashed(world, db, crash)
    rerun_completes(world, db, crash)


def test_kill_while_checkpointing_then_rerun_the_cli(world: World) -> None:
    """Killed once the commit is in the WAL and the checkpoint writes the database file.

    Here the command line itself is run again: it must open the half-checkpointed file,
    replay the WAL and find nothing left to do (or all of it, had the commit not landed).
    """
    db = world.tmp / "checkpoint.duckdb"
    shutil.copyfile(world.base, db)
    crash = run_and_kill(world, db, Kill("checkpoint", trigger=checkpoint_started(db)))
    assert crash.killed_at is not None, f"{crash}: has DuckDB changed how it checkpoints?"
    redone = 0 if check_crashed(world, db, crash) == world.after else DOCS - len(UNCHANGED)
    done = subprocess.run(
        ingest_command(world.corpus, db), cwd=db.parent, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f": {redone} documents, " in done.stdout, done.stdout
    assert f", {DOCS - redone} skipped, 0 failed" in done.stdout, done.stdout
    assert not Path(f"{db}.wal").exists()
    assert read_db(db) == world.after, f"{crash}: the re-run did not complete the ingest"


# --- A pandera failure writes nothing ---------------------------------------------------------


def breaks_schema(document: Document) -> list[Claim]:
    """The real extractor, with one claim outside the contract in files named `bad-*`."""
    claims = extract_claims(document)
    name = Path(document.path).name
    if name.startswith("bad-status"):
        claims[-1] = replace(claims[-1], status="rumour")
    elif name.startswith("bad-offsets"):
        claims[0] = replace(claims[0], char_start=-5)
    return claims


def test_schema_failure_writes_nothing_of_that_file(
    tmp_path: Path, article_generator: ModuleType
) -> None:
    """A new and a changed file break the claim schema among 12 good new files: both are
    reported by path, neither writes a row (the changed one keeps its earlier version), the
    good files are stored whole and the earlier rows stay as they were."""
    generate = article_generator
    docs = tmp_path / "docs"
    docs.mkdir()
    texts = iter(text for _, text in generate.generate_documents(200, seed=3))

    def write_with_claims(name: str) -> Path:
        file = docs / name
        for text in texts:
            file.write_text(text, encoding="utf-8")
            if extract_claims(load_document(file, docs)):
                return file
        raise AssertionError("the generator ran out of articles with claims")

    kept, changed = write_with_claims("kept.md"), write_with_claims("bad-offsets.md")
    db = tmp_path / "m.duckdb"
    with Store(db) as store:
        assert ingest(store, [docs], extractor=extract_claims).failed == []  # valid back then
    before = read_db(db)

    write_with_claims("bad-offsets.md")  # a new version of a stored file, which will fail
    bad_new = write_with_claims("bad-status.md")
    good = [write_with_claims(f"good-{i:02d}.md") for i in range(12)]
    with Store(db) as store:
        summary = ingest(store, [docs], extractor=breaks_schema)
    after = read_db(db)

    assert [path for path, _ in summary.failed] == [str(changed), str(bad_new)]
    for (_, message), broken in zip(summary.failed, ("char_start", "status"), strict=True):
        assert "claims failed validation" in message and broken in message, message
    assert (summary.documents, summary.skipped) == (len(good), 1)
    assert source_id_of("bad-status.md") not in after.docs
    assert after.orphans == 0
    for name in (kept.name, changed.name):  # the earlier rows, byte for byte
        sid = source_id_of(name)
        assert after.docs[sid] == before.docs[sid], name
    assert len(after.docs) == len(good) + 2
    for file in good:
        doc = after.docs[source_id_of(file.name)]
        assert len(doc.claims) == len(extract_claims(load_document(file, docs))) > 0
