"""The pipeline: walk and read the files, extract, validate, store, reconcile.

`ingest(store, paths)` is the whole of it for a batch of files: unchanged files and copies
are settled by their hash before anything is parsed, the rest are cut into shards that an
engine (`metrics.run`) reads, extracts and validates, and their rows are written, and the
reconciliation rebuilt from them, in one transaction of the store. The store is the only
writer; the engines only compute.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from metrics.defaults import MAX_FILE_BYTES
from metrics.errors import Reason, SourceError
from metrics.models import source_id_of
from metrics.read import SIDECAR_SUFFIX, content_hash, document_path, iter_source_files
from metrics.read.walk import outside_root, sidecar_of
from metrics.reconcile import Reconciliation, reconcile
from metrics.run.budget import FileBudget
from metrics.run.local import run_local
from metrics.run.shards import Engine, Extractor, Outcome, ShardResult, make_shards, same_path
from metrics.store import Store, StoreError

RECONCILE_BATCH = 50_000
"""Claims reconciled at a time: a few hundred MB of frames at most, however big the store."""

Progress = Callable[[Path, str], None]
"""Called once per file with what happened to it: `"12 claims"`, `"unchanged"` or `"failed"`."""


class IngestAborted(StoreError):
    """A strict ingest met a failing file, so it stored nothing; `failed` says which and why."""

    def __init__(self, failed: list[tuple[str, str]]) -> None:
        self.failed = failed
        lines = "\n".join(f"  {message}" for _, message in failed)
        super().__init__(f"{len(failed)} file(s) failed, so nothing was stored:\n{lines}")


@dataclass(frozen=True)
class IngestSummary:
    """What one `ingest` call did; `failed` holds `(path, message)` per rejected file."""

    documents: int = 0
    claims: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.documents} documents, {self.claims} claims, "
            f"{self.skipped} skipped, {len(self.failed)} failed"
        )


def ingest(
    store: Store,
    paths: Iterable[Path | str],
    *,
    progress: Progress | None = None,
    extractor: Extractor | None = None,
    jobs: int = 1,
    engine: Engine | None = None,
    max_bytes: int | None = MAX_FILE_BYTES,
    strict: bool = False,
    follow_symlinks: bool = False,
    budget: FileBudget | None = None,
) -> IngestSummary:
    """Load, extract and store every article file under `paths` (files or folders).

    A file that cannot be read, is larger than `max_bytes` (None: no limit; its sidecar
    too), takes longer or more memory to read and extract than `budget` allows (None: the
    defaults of `metrics/data/limits.yaml`; `FileBudget()`: no limit) or whose rows fail
    the schema goes to `IngestSummary.failed` and the others go on; with
    `strict`, any such failure raises `IngestAborted` and nothing is stored. A file whose
    content hash is already stored under its `source_id` is skipped, and so is a copy
    of another file; a changed file replaces its earlier source row and claims. `jobs`
    processes extract shards of files in parallel (`metrics.run.run_local`) while this one
    loads their results as they come; a script that asks for more than one must call this
    under `if __name__ == "__main__":`. `engine` runs the shards elsewhere instead
    (`metrics.run.run_dask` on a Dask cluster). Everything that passed is written, and the
    reconciliation tables rebuilt from the new claims, in one transaction; if that fails
    it is rolled back and `StoreError` is raised, leaving the stored data as it was.
    A file whose symlink leads outside the folder it was found in (or, named itself, its
    own folder) fails unread unless `follow_symlinks`.
    """
    stored = store.stored_hashes()
    ingested_at = datetime.now(UTC).replace(tzinfo=None)  # TIMESTAMP has no zone: UTC
    todo, settled = screen(iter_source_files(paths), stored, max_bytes, follow_symlinks)
    shards = make_shards(todo, jobs)
    results = (
        run_local(shards, ingested_at, extractor, jobs, budget or FileBudget.default())
        if engine is None
        else engine(shards, ingested_at, extractor=extractor)
    )
    return load_results(store, results, stored, progress, settled=settled, strict=strict)


def screen(
    files: list[tuple[Path, Path]],
    stored: dict[str, tuple[str, str]],
    max_bytes: int | None = MAX_FILE_BYTES,
    follow_symlinks: bool = False,
) -> tuple[list[tuple[Path, Path]], list[Outcome]]:
    """(files to extract, outcomes of the files settled without extracting them).

    Settled are a file stored with the same content (`"unchanged"`), a new file that is a
    copy of another file of this batch or of a stored one (skipped: a copy would count as
    a second source agreeing with the first) and a file over `max_bytes`, or whose sidecar
    is (`"failed"`).
    `stored` maps `source_id` to `(content_sha256, path)`. Hashing the bytes is far cheaper
    than parsing them, so re-ingesting an unchanged folder starts no worker.
    """
    first_with: dict[str, str] = {sha: path for sha, path in stored.values()}
    ceiling = math.inf if max_bytes is None else max_bytes
    todo, settled = [], []
    for file, root in files:
        path = document_path(file, root)
        if not follow_symlinks and (target := outside_root(file, root)):
            message = str(SourceError(str(file), Reason.OUTSIDE_FOLDER, f"to {target}"))
            settled.append(Outcome(str(file), path, "failed", message))
            continue
        try:
            size, sidecar_size = file.stat().st_size, _sidecar_size(file)
            too_large = max(size, sidecar_size) > ceiling
            sha = "" if too_large else content_hash(file)  # a refused file is never read
        except OSError:
            todo.append((file, root))  # load_document will say what is wrong with it
            continue
        known = stored.get(source_id_of(path))
        if too_large:
            largest = max(size, sidecar_size)
            limit = f"{largest / 2**20:.1f} MB, over the limit of {ceiling / 2**20:g} MB"
            if sidecar_size > ceiling:
                limit = f"its sidecar {file.name}{SIDECAR_SUFFIX}: {limit}"
            message = str(SourceError(str(file), Reason.TOO_LARGE, limit))
            settled.append(Outcome(str(file), path, "failed", message))
        elif known is not None and known[0] == sha:
            settled.append(Outcome(str(file), path, "unchanged"))
        elif known is None and sha in first_with:
            copy = f"same content as {first_with[sha]}"
            settled.append(Outcome(str(file), path, copy, f"{file}: {copy}; skipped"))
        else:  # new, or changed (its old rows must go, even if it is now a copy)
            first_with.setdefault(sha, path)
            todo.append((file, root))
    return todo, settled


def _sidecar_size(file: Path) -> int:
    """The size of `file`'s sidecar (0 without one): it is read with the file, so it is
    held to the same limit."""
    sidecar = sidecar_of(file)
    return sidecar.stat().st_size if sidecar else 0


def load_results(
    store: Store,
    results: Iterable[ShardResult],
    stored: Container[str],
    progress: Progress | None = None,
    settled: Iterable[Outcome] = (),
    strict: bool = False,
) -> IngestSummary:
    """Write shard results as they arrive, then reconcile, all in one transaction.

    `stored` holds the source_ids in `sources` when the shards were made: only those
    can need their old rows replaced; `settled` are the files `screen` skipped or
    refused. Any engine that produces `ShardResult`s can feed this.
    """
    report = progress or (lambda file, outcome: None)
    loaded: set[str] = set()
    settled = list(settled)
    failed = [(o.file, o.message or o.file) for o in settled if o.outcome == "failed"]
    for outcome in settled:
        report(Path(outcome.file), outcome.outcome)

    def work() -> int:
        written = 0
        for result in results:
            sources, claims = _accepted(result, loaded, failed, report)
            store.write(sources, claims, replace=[s for s in sources["source_id"] if s in stored])
            loaded.update(sources["source_id"])
            written += len(claims)
        if strict and failed:
            raise IngestAborted(failed)
        if loaded or store.reconciliation_missing():
            _rebuild(store)
        return written

    written = store.transaction(work)
    return IngestSummary(
        documents=len(loaded),
        claims=written,
        skipped=sum(outcome.outcome != "failed" for outcome in settled),
        failed=failed,
    )


def _accepted(
    result: ShardResult,
    loaded: set[str],
    failed: list[tuple[str, str]],
    report: Progress,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of `result` to write, after reporting each of its files.

    A file whose `source_id` an earlier shard already loaded (the same relative path under
    another root) fails and its rows are dropped; failures are appended to `failed`.
    """
    repeated = set()
    for outcome in result.outcomes:
        state, message = outcome.outcome, outcome.message
        source_id = source_id_of(outcome.path)
        if source_id in loaded and state != "failed":
            state, message = "failed", same_path(outcome.file, outcome.path)
            repeated.add(source_id)
        if state == "failed":
            failed.append((outcome.file, message or outcome.file))
        report(Path(outcome.file), state)
    sources, claims = result.sources, result.claims
    if repeated:
        sources = sources[~sources["source_id"].isin(repeated)]
        claims = claims[~claims["source_id"].isin(repeated)]
    return sources, claims


def reconcile_store(store: Store, batch_claims: int = RECONCILE_BATCH) -> Reconciliation:
    """Rebuild the reconciliation tables from the stored claims and return them.

    `ingest` does this itself; call it after changing the reconciliation settings or
    upgrading `metrics`, so stored claims are judged by the current rules.
    """
    store.transaction(lambda: _rebuild(store, batch_claims))
    return store.reconciliation()


def rebuild_reconciliation(store: Store) -> None:
    """Recompute the reconciliation tables inside the caller's `Store.transaction`, for a
    writer that changes claims in its own transaction (hand-entered claims, exclusions)."""
    _rebuild(store)


def _rebuild(store: Store, batch_claims: int = RECONCILE_BATCH) -> None:
    """Recompute the reconciliation tables, a batch of metrics at a time (in a transaction).

    Reconciliation only ever compares claims of one metric, so the claims are read in
    batches of whole metrics of about `batch_claims` claims: memory follows the batch
    (or the largest metric), not the whole database.
    """
    store.clear_reconciliation()
    for metrics in _batches(store.claims_per_metric(), batch_claims):
        claims, sources = store.rows_of_metrics(metrics)
        store.add_reconciliation(reconcile(claims, sources))


def _batches(counts: list[tuple[str, int]], size: int) -> list[list[str]]:
    """Metrics grouped so that each group holds about `size` claims (or one metric)."""
    batches: list[list[str]] = [[]]
    held = 0
    for metric, count in counts:
        if batches[-1] and held + count > size:
            batches.append([])
            held = 0
        batches[-1].append(metric)
        held += count
    return [batch for batch in batches if batch]
