"""The pipeline: walk and read the files, extract, validate, store, reconcile.

`ingest(store, paths)` is the whole of it for a batch of files: unchanged files and copies
are settled by their hash before anything is parsed, the rest are cut into shards that an
engine (`metrics.run`) reads, extracts and validates, and their rows are written, and the
reconciliation rebuilt from them, in one transaction of the store. The store is the only
writer; the engines only compute.
"""

from __future__ import annotations

import ctypes
import dataclasses
import hashlib
import heapq
import math
import sys
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from metrics.defaults import MAX_FILE_BYTES
from metrics.errors import Reason, SourceError
from metrics.models import source_id_of
from metrics.read import SIDECAR_SUFFIX, content_hash, document_path, iter_source_files
from metrics.read.walk import outside_root, sidecar_of
from metrics.reconcile import (
    SERIES_INPUTS,
    OriginLinks,
    OriginRoots,
    PointTables,
    Reconciliation,
    origins,
    quote_words,
    reconcile,
    reconcile_points,
    reconcile_series,
    settings,
)
from metrics.reconcile.frames import concat
from metrics.run.budget import FileBudget
from metrics.run.local import run_local
from metrics.run.shards import (
    Engine,
    Extractor,
    Outcome,
    Shard,
    ShardResult,
    make_shards,
    same_path,
)
from metrics.store import Store, StoreError
from metrics.vocab import PointState

RECONCILE_BATCH = 20_000
"""Claims reconciled at a time: metrics with fewer go together, a metric with more is
reconciled a part of its points at a time. Memory follows this, not the store."""
COMMIT_DOCUMENTS = 2_000
"""An ingest of more new documents commits every this many (each document whole): DuckDB
holds a transaction's rows and index entries in memory until it commits."""
MAX_PARTS = 256
"""Parts of a metric at most (a part is a whole point, however many claims it has)."""

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
    shards, settled = _plan(paths, stored, jobs, max_bytes, follow_symlinks)
    results = (
        run_local(shards, ingested_at, extractor, jobs, budget or FileBudget.default())
        if engine is None
        else engine(shards, ingested_at, extractor=extractor)
    )
    del shards  # the engine lets go of them once it has run them all, before the rebuild
    return load_results(store, results, stored, progress, settled=settled, strict=strict)


def _plan(
    paths: Iterable[Path | str],
    stored: dict[str, tuple[str, str]],
    jobs: int,
    max_bytes: int | None,
    follow_symlinks: bool,
) -> tuple[list[Shard], list[Outcome]]:
    """The shards of the files to extract and the outcomes of those `screen` settled.

    The files are screened as the folders are walked and kept as text: the shards name
    them so, and 100,000 `Path` objects would cost the writer 80 MB that, freed amid what
    outlives them, it could not give back.
    """
    todo, settled = screen(iter_source_files(paths), stored, max_bytes, follow_symlinks)
    shards = make_shards(todo, jobs)
    del todo
    _give_back_memory()
    return shards, settled


def screen(
    files: Iterable[tuple[Path, Path]],
    stored: dict[str, tuple[str, str]],
    max_bytes: int | None = MAX_FILE_BYTES,
    follow_symlinks: bool = False,
) -> tuple[list[tuple[str, str]], list[Outcome]]:
    """(files to extract as `(file, root)` text, each root one string; outcomes of the
    files settled without extracting them).

    Settled are a file stored with the same content (`"unchanged"`), a new file that is a
    copy of another file of this batch or of a stored one (skipped: a copy would count as
    a second source agreeing with the first) and a file over `max_bytes`, or whose sidecar
    is (`"failed"`).
    `stored` maps `source_id` to `(content_sha256, path)`. Hashing the bytes is far cheaper
    than parsing them, so re-ingesting an unchanged folder starts no worker.
    """
    first_with: dict[str, str] = {sha: path for sha, path in stored.values()}
    ceiling = math.inf if max_bytes is None else max_bytes
    todo: list[tuple[str, str]] = []
    settled: list[Outcome] = []
    roots: dict[Path, str] = {}
    for file, root in files:
        path = document_path(file, root)
        root_text = roots.setdefault(root, str(root))
        if not follow_symlinks and (target := outside_root(file, root)):
            message = str(SourceError(str(file), Reason.OUTSIDE_FOLDER, f"to {target}"))
            settled.append(Outcome(str(file), path, "failed", message))
            continue
        try:
            sidecar = sidecar_of(file)  # read with the file, so held to the same limit
            size, sidecar_size = file.stat().st_size, sidecar.stat().st_size if sidecar else 0
            too_large = max(size, sidecar_size) > ceiling
            sha = "" if too_large else content_hash(file, sidecar)  # a refused file is never read
        except OSError:
            todo.append((str(file), root_text))  # load_document will say what is wrong with it
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
            todo.append((str(file), root_text))
    return todo, settled


def load_results(
    store: Store,
    results: Iterable[ShardResult],
    stored: Container[str],
    progress: Progress | None = None,
    settled: Iterable[Outcome] = (),
    strict: bool = False,
) -> IngestSummary:
    """Write shard results as they arrive, then reconcile what they changed.

    `stored` holds the source_ids in `sources` when the shards were made: only those
    can need their old rows replaced; `settled` are the files `screen` skipped or
    refused. Any engine that produces `ShardResult`s can feed this.

    A batch of up to `COMMIT_DOCUMENTS` new documents (and any `strict` one) is one
    transaction. A larger one commits every `COMMIT_DOCUMENTS` documents, so memory does
    not grow with it: every document is still stored whole or not at all, and documents
    stored earlier stay as they were until their new version replaces them whole. Until
    the batch's last commit the stored reconciliation lacks its claims (it is marked
    stale, and the next ingest or `reconcile_store` rebuilds it whole if this one stops).
    A rebuild of a stale reconciliation commits between its parts the same way.
    """
    report = progress or (lambda file, outcome: None)
    loaded: set[str] = set()
    settled = list(settled)
    failed = [(o.file, o.message or o.file) for o in settled if o.outcome == "failed"]
    for outcome in settled:
        report(Path(outcome.file), outcome.outcome)
    committed = pending = 0  # documents of this batch made durable, and since then

    def commit() -> None:
        """A commit point in the middle of the batch (the reconciliation marked stale)."""
        nonlocal committed, pending
        store.mark_reconciliation_stale()
        store.commit_point()
        _give_back_memory()
        committed, pending = committed + pending, 0

    def work() -> int:
        nonlocal pending
        stale = store.reconciliation_stale() or store.reconciliation_missing()
        touched: set[str] = set()
        written = 0
        replaced: set[str] = set()  # metrics whose claims were deleted since the last commit
        for result in results:
            sources, claims = _accepted(result, loaded, failed, report)
            replace = [s for s in sources["source_id"] if s in stored]
            replaced |= store.metrics_of_sources(replace)
            store.write(sources, claims, replace=replace)
            loaded.update(sources["source_id"])
            touched.update(claims["metric"].unique())
            written += len(claims)
            pending += len(sources)
            if not strict and pending >= COMMIT_DOCUMENTS:
                if replaced:  # no reconciliation of deleted claims is left behind
                    store.delete_reconciliation(sorted(replaced))
                commit()
                touched |= replaced
                replaced = set()
        if strict and failed:
            raise IngestAborted(failed)
        touched |= replaced
        # a rebuild of everything, or after commits, may commit between its parts too
        between = commit if not strict and (stale or committed) else None
        if stale:
            _rebuild(store, between=between)
        elif touched:
            _rebuild(store, metrics=touched, between=between)
        store.mark_reconciliation_stale(False)
        return written

    try:
        written = store.transaction(work)
    except StoreError as exc:
        if not committed or isinstance(exc, IngestAborted):
            raise
        raise StoreError(
            f"the write failed after {committed} new documents were stored (the next "
            f"ingest stores the rest and reconciles them): {exc.__cause__ or exc}"
        ) from exc
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


def reconcile_store(
    store: Store,
    batch_claims: int = RECONCILE_BATCH,
    columns: Mapping[str, Sequence[str]] | None = None,
) -> Reconciliation:
    """Rebuild the reconciliation tables from the stored claims and return them (only
    `columns` of them, as `Store.reconciliation` reads them, when given).

    `ingest` does this itself; call it after changing the reconciliation settings or
    upgrading `metrics`, so stored claims are judged by the current rules. It commits a
    batch of metrics at a time, marking the reconciliation stale until the last.
    """

    def work() -> None:
        store.mark_reconciliation_stale()
        store.commit_point()
        _rebuild(store, batch_claims, between=store.commit_point)
        store.mark_reconciliation_stale(False)

    store.transaction(work)
    return store.reconciliation(columns)


def rebuild_reconciliation(store: Store) -> None:
    """Recompute the reconciliation tables inside the caller's `Store.transaction`, for a
    writer that changes claims in its own transaction (hand-entered claims, exclusions)."""
    _rebuild(store)
    store.mark_reconciliation_stale(False)


def _rebuild(
    store: Store,
    batch_claims: int = RECONCILE_BATCH,
    metrics: Iterable[str] | None = None,
    between: Callable[[], None] | None = None,
) -> None:
    """Recompute the reconciliation tables of `metrics` (None: all), a batch at a time
    (in a transaction; `between` batches and parts, e.g. a commit point).

    Reconciliation combines the claims of one metric only (and, for plausibility, a
    level's metric with its per-head one: such metrics are kept together), so the claims
    are read a batch of whole metrics of about `batch_claims` claims at a time, and a
    metric with more is read a part of its points at a time (`_reconcile_parts`): memory
    follows the batch (or the largest point), not the whole database.
    """
    counts = store.claims_per_metric()
    if metrics is None:
        store.clear_reconciliation()
    else:
        wanted = _with_partners(set(metrics))
        store.delete_reconciliation(sorted(wanted))
        counts = [(metric, n) for metric, n in counts if metric in wanted]
    for batch, claims in _batches(_families(counts), batch_claims):
        if claims <= batch_claims:
            store.add_reconciliation(reconcile(*store.claims_of_part(batch)))
        else:
            _reconcile_parts(store, batch, batch_claims, between)
        _give_back_memory()
        if between is not None:
            between()


def _reconcile_parts(
    store: Store, metrics: list[str], size: int, between: Callable[[], None] | None
) -> None:
    """Reconcile `metrics` a part of about `size` claims at a time (`_parts`): what a
    point gives alone (its resolved row, trail, forecast errors, undated claims) is
    written as each part is done; of the resolved points only the columns the series
    step reads (`SERIES_INPUTS`), and the stated targets, are kept for the steps that
    read a metric's points together, which then add the gaps' points.
    """
    parts = _parts(store.point_groups(metrics), size)
    roots = _origin_roots(store, metrics, parts)
    resolved, targets = [], []
    for groups in parts:
        claims, sources = store.claims_of_part(metrics, groups)
        if claims.empty:  # every claim of the part is excluded
            continue
        tables = reconcile_points(claims, sources, roots)
        del claims, sources
        alone = Reconciliation(
            resolved=tables.resolved, trail=tables.trail, implied=_NONE,
            forecast_errors=tables.forecast_errors, target_history=_NONE, targets=_NONE,
            undated=tables.undated,
        )  # fmt: skip
        store.add_reconciliation(alone)
        resolved.append(tables.resolved[SERIES_INPUTS])
        targets.append(tables.stated_targets)
        del tables, alone
        _give_back_memory()
        if between is not None:
            between()
    if not resolved:
        return
    points = concat(resolved)
    points = points.take(np.argsort(points["point_id"].to_numpy(dtype=str), kind="stable"))
    stated = concat(targets).sort_values("row", kind="stable")
    whole = PointTables(
        resolved=points.reset_index(drop=True), trail=_NONE, forecast_errors=_NONE,
        undated=_NONE, stated_targets=stated.reset_index(drop=True),
    )  # fmt: skip
    del points, stated, resolved, targets
    series = reconcile_series(whole)
    gaps = series.resolved[series.resolved["state"] == PointState.IMPLIED]  # the rest are stored
    store.add_reconciliation(dataclasses.replace(series, resolved=gaps))


def _give_back_memory() -> None:
    """Hand the memory the last part freed back to the system. glibc's allocator and
    Arrow's pool (pandas' text columns) keep freed blocks for reuse, and part after part
    the writer's resident memory crept up by 50 MB over a 100,000-document rebuild."""
    if (arrow := sys.modules.get("pyarrow")) is not None:
        arrow.default_memory_pool().release_unused()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


_MALLOC_TRIM = getattr(ctypes.CDLL(None), "malloc_trim", None) if sys.platform == "linux" else None
"""glibc's `malloc_trim` (None elsewhere, and on a C library without it)."""

_NONE = pd.DataFrame()
"""A table with no rows: `Store.add_reconciliation` writes nothing for it."""


def _origin_roots(store: Store, metrics: list[str], parts: list[list[int]]) -> OriginRoots:
    """The origins linked by a republished sentence among all claims of `metrics`, read
    a part at a time, each sentence kept as a 64-bit digest of its metric and words.

    Only a sentence stated by two origins or more links any, and most are stated by one
    (150,000 quotes of one metric at 100,000 documents): so the digests are gathered as
    arrays first, with a number for each origin, and only the sentences another origin
    states too go through `OriginLinks`, in the order they were read, which links them
    as all of them would.
    """
    numbers: dict[tuple[str, str], int] = {}  # (metric, origin) -> its number
    digests, origins_of = [], []
    for groups in parts:
        rows = store.origin_rows(metrics, groups)
        stated = rows["originator"]
        rows["originator"] = stated.astype(object).where(stated.notna(), None)
        origin, _ = origins(rows)
        keys = zip(rows["metric"], origin, strict=True)
        found = (numbers.setdefault(key, len(numbers)) for key in keys)
        origins_of.append(np.fromiter(found, np.int64, len(rows)))
        sentences = zip(rows["metric"], rows["quote"], strict=True)
        digests.append(np.fromiter((_digest(*s) for s in sentences), np.uint64, len(rows)))
        del rows, origin
    digest = np.concatenate([np.empty(0, np.uint64), *digests]).view(np.int64)
    number = np.concatenate([np.empty(0, np.int64), *origins_of])
    del digests, origins_of
    pairs = np.unique(np.stack([digest, number]), axis=1)  # each sentence and origin once
    texts, stating = np.unique(pairs[0], return_counts=True)
    shared = np.isin(digest, texts[stating > 1])
    named = list(numbers)
    links = OriginLinks()
    rows_shared = zip(number[shared].tolist(), digest[shared].view(np.uint64).tolist(), strict=True)
    links.add((*named[n], d) for n, d in rows_shared)
    return links.roots()


def _digest(metric: str, quote: str) -> int:
    """A sentence of a metric as 64 bits: equal for quotes of the same words."""
    text = f"{metric}|{quote_words(quote)}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest())


def _parts(groups: list[tuple[int, int]], size: int) -> list[list[int]]:
    """Groups of claims dealt into parts of about `size` claims (at most `MAX_PARTS`), the
    largest first, each to the part holding fewest: a part is as large as its largest
    group at least, never a group split."""
    count = min(MAX_PARTS, math.ceil(sum(n for _, n in groups) / size))
    parts: list[tuple[int, int, list[int]]] = [(0, n, []) for n in range(count)]
    for group, claims in sorted(groups, key=lambda g: (-g[1], g[0])):
        held, n, members = heapq.heappop(parts)
        members.append(group)
        heapq.heappush(parts, (held + claims, n, members))
    return [members for _, _, members in sorted(parts, key=lambda p: p[1]) if members]


def _with_partners(metrics: set[str]) -> set[str]:
    """`metrics` and the metrics plausibility reads beside them (level and per-head)."""
    wanted = set(metrics)
    for pair in settings().per_head:
        if {pair.level, pair.per_head} & metrics:
            wanted |= {pair.level, pair.per_head}
    return wanted


def _families(counts: list[tuple[str, int]]) -> list[tuple[list[str], int]]:
    """Metrics that must be reconciled together (a level and its per-head metric), with
    their claims, in metric order."""
    partner = {}
    for pair in settings().per_head:
        partner[pair.per_head] = pair.level
    families: dict[str, tuple[list[str], int]] = {}
    for metric, count in counts:
        head = partner.get(metric, metric)
        members, held = families.get(head, ([], 0))
        families[head] = ([*members, metric], held + count)
    return list(families.values())


def _batches(families: list[tuple[list[str], int]], size: int) -> list[tuple[list[str], int]]:
    """Families grouped so that each group holds about `size` claims (or one family),
    with the claims each holds."""
    batches: list[tuple[list[str], int]] = []
    for metrics, count in families:
        if batches and batches[-1][1] + count <= size:
            batches[-1] = ([*batches[-1][0], *metrics], batches[-1][1] + count)
        else:
            batches.append((list(metrics), count))
    return batches
