"""Where extraction runs: in this process or in a pool of processes, shard by shard.

Extraction is pure, CPU-bound Python (threads would share one core under the GIL) and its
output is far smaller than its input. So the files are cut into shards, each shard is read
and extracted wherever a core is free by `extract_shard`, and the one writer, the store,
loads the results as they come. At most a few shards are in flight at a time, so memory
does not grow with the size of the corpus.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path

import pandas as pd

from metrics.errors import MetricsError, Reason, SchemaViolation, SourceError
from metrics.extract import require_readable_tables
from metrics.models import Claim, Document, source_id_of
from metrics.schema import (
    claims_frame,
    describe_failures,
    sources_frame,
    validate_claims,
    validate_sources,
)
from metrics.sources import content_hash, document_path, load_document

Extractor = Callable[[Document], list[Claim]]

MAX_SHARD = 200
"""Files per shard at most: big enough to validate claims in bulk, small enough to keep
every process busy and the memory of the shards in flight small."""
MIN_SHARD = 25
"""Files per shard at least: starting worker processes costs about a second, which a
handful of articles does not repay (one shard is extracted in this process)."""


@dataclass(frozen=True)
class Shard:
    """Files to read and extract together."""

    number: int
    files: tuple[tuple[str, str], ...]  # (file, root) as strings: cheap to send anywhere


@dataclass(frozen=True)
class Outcome:
    """What happened to one file: `"12 claims"`, `"unchanged"`, `"same content as PATH"`
    or `"failed"` (with why)."""

    file: str
    path: str  # as stored: relative to the folder named
    outcome: str
    message: str | None = None


@dataclass(frozen=True)
class ShardResult:
    """A shard's validated rows, ready to load, and one outcome per file in file order."""

    number: int
    sources: pd.DataFrame
    claims: pd.DataFrame
    outcomes: tuple[Outcome, ...]


Engine = Callable[..., Iterable[ShardResult]]
"""Runs shards elsewhere: `engine(shards, ingested_at, extractor=...)` yields results in
shard order (`metrics.dask_engine.run_dask` is one)."""


def default_jobs() -> int:
    """Processes to use when none are asked for: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


MAX_FILE_BYTES = 32 * 2**20
"""Files larger than this are refused by default: no article or report is this long, and a
text dump would hold one worker for minutes (extraction reads about 0.4 MB a second)."""


def screen(
    files: list[tuple[Path, Path]],
    stored: dict[str, tuple[str, str]],
    max_bytes: int | None = MAX_FILE_BYTES,
) -> tuple[list[tuple[Path, Path]], list[Outcome]]:
    """(files to extract, outcomes of the files settled without extracting them).

    Settled are a file stored with the same content (`"unchanged"`), a new file that is a
    copy of another file of this batch or of a stored one (skipped: a copy would count as
    a second source agreeing with the first) and a file over `max_bytes` (`"failed"`). `stored` maps
    `source_id` to `(content_sha256, path)`. Hashing the bytes is far cheaper than parsing
    them, so re-ingesting an unchanged folder starts no worker.
    """
    first_with: dict[str, str] = {sha: path for sha, path in stored.values()}
    todo, settled = [], []
    for file, root in files:
        path = document_path(file, root)
        try:
            size = file.stat().st_size
            too_large = max_bytes is not None and size > max_bytes
            sha = "" if too_large else content_hash(file)  # a refused file is never read
        except OSError:
            todo.append((file, root))  # load_document will say what is wrong with it
            continue
        known = stored.get(source_id_of(path))
        if too_large:
            limit = f"{size / 2**20:.1f} MB, over the limit of {max_bytes / 2**20:g} MB"
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


def make_shards(files: list[tuple[Path, Path]], jobs: int) -> list[Shard]:
    """Cut `files` into shards: a few per process, so a slow shard does not idle the rest."""
    size = (
        MAX_SHARD
        if jobs <= 1
        else min(MAX_SHARD, max(MIN_SHARD, math.ceil(len(files) / (4 * jobs))))
    )
    shards = []
    for number, first in enumerate(range(0, len(files), size)):
        chunk = files[first : first + size]
        shards.append(Shard(number, tuple((str(file), str(root)) for file, root in chunk)))
    return shards


def extract_shard(
    shard: Shard, ingested_at: datetime, extractor: Extractor | None = None
) -> ShardResult:
    """Read and extract every file of `shard`; the same shard always gives the same rows.

    A file that cannot be read, or whose claims break the schema, fails alone with a
    message naming it.
    """
    if extractor is None:
        from metrics.extract import extract_claims

        extractor = extract_claims
    outcomes: dict[str, Outcome] = {}
    seen: set[str] = set()
    extracted: list[tuple[str, Document, list[Claim]]] = []
    for file_name, root in shard.files:
        file = Path(file_name)
        path = document_path(file, Path(root))
        if path in seen:
            outcomes[file_name] = Outcome(file_name, path, "failed", same_path(file_name, path))
            continue
        seen.add(path)
        try:
            doc = load_document(file, Path(root))
            claims = extractor(doc)
            require_readable_tables(doc, len(claims), file_name)
        except SourceError as exc:
            outcomes[file_name] = Outcome(file_name, path, "failed", str(exc))
            continue
        except Exception as exc:  # a bug the file trips must not cost the rest of the batch
            crash = f"{file_name}: extraction failed ({type(exc).__name__}: {exc})"
            message = f"{crash}; please report it with the file"
            outcomes[file_name] = Outcome(file_name, path, "failed", message)
            continue
        extracted.append((file_name, doc, claims))
        outcomes[file_name] = Outcome(file_name, path, _count(len(claims)))

    frames, rejected = _validated(extracted)
    for file_name, message in rejected.items():
        outcomes[file_name] = Outcome(file_name, outcomes[file_name].path, "failed", message)
    docs = [doc for file_name, doc, _ in extracted if file_name not in rejected]
    sources = sources_frame(docs, ingested_at)
    return ShardResult(
        shard.number,
        validate_sources(sources) if docs else sources,
        frames,
        tuple(outcomes[file_name] for file_name, _ in shard.files),
    )


def same_path(file_name: str, path: str) -> str:
    """Two roots holding the same relative path would share one `source_id`."""
    return (
        f"{file_name}: same path {path!r} as another file in this batch; "
        "ingest the two folders separately"
    )


def _validated(
    extracted: list[tuple[str, Document, list[Claim]]],
) -> tuple[pd.DataFrame, dict[str, str]]:
    """All claims checked at once; only when that fails, file by file to find which.

    Returns the valid claims and a message per rejected file.
    """
    everything = claims_frame(claim for _, _, claims in extracted for claim in claims)
    if everything.empty:
        return everything, {}  # pandera's fixed cost is far above the nothing to check
    try:
        return validate_claims(everything), {}
    except SchemaViolation:
        pass
    kept, rejected = [], {}
    for file_name, _, claims in extracted:
        try:
            kept.append(validate_claims(claims_frame(claims)))
        except SchemaViolation as exc:
            rejected[file_name] = (
                f"{file_name}: claims failed validation ({describe_failures(exc)})"
            )
    return validate_claims(pd.concat([claims_frame([]), *kept], ignore_index=True)), rejected


def _count(claims: int) -> str:
    return f"{claims} claim{'' if claims == 1 else 's'}"


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
            if (shard := next(pending, None)) is not None:
                in_flight.append(pool.submit(extract_shard, shard, ingested_at, extractor))
            yield result


def _clean_start() -> multiprocessing.context.BaseContext:
    """Workers that start from a clean interpreter, not a copy of this process and its open
    database: a fork server that has imported the extractor once, or spawn where there is none.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", "metrics.extract", "metrics.engines"])
    return context
