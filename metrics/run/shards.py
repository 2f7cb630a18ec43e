"""The unit of extraction work: a shard of files, read and extracted together anywhere.

Extraction is pure, CPU-bound Python and its output is far smaller than its input. So the
files are cut into shards, `extract_shard` reads, extracts and validates one wherever a core
is free (`metrics.run.local`, `metrics.run.dask_cluster`) and the one writer, the store,
loads the `ShardResult`s as they come. The same shard always gives the same rows.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from metrics.errors import SchemaViolation, SourceError
from metrics.models import Claim, Document
from metrics.read import document_path, load_document
from metrics.run.budget import FileBudget
from metrics.schema import (
    claims_frame,
    describe_failures,
    sources_frame,
    validate_claims,
    validate_sources,
)

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
shard order (`metrics.run.run_dask` is one)."""


def make_shards(files: Sequence[tuple[Path | str, Path | str]], jobs: int) -> list[Shard]:
    """Cut `files` into shards: a few per process, so a slow shard does not idle the rest."""
    size = (
        MAX_SHARD
        if jobs <= 1
        else min(MAX_SHARD, max(MIN_SHARD, math.ceil(len(files) / (4 * jobs))))
    )
    shards = []
    for number, first in enumerate(range(0, len(files), size)):
        chunk = files[first : first + size]
        shards.append(Shard(number, tuple((os.fspath(file), os.fspath(root)) for file, root in chunk)))
    return shards


def extract_file(
    file: Path, root: Path, extractor: Extractor | None = None
) -> tuple[Document, list[Claim]]:
    """Read one source file and extract its claims (not yet validated) without storing them.

    `root` is the folder it was named under, which its stored path is relative to. The
    extractor defaults to `metrics.extract.extract_claims`; the extract package is imported
    only here so that commands that do not extract never load its patterns. Raises `SourceError` for a file
    that cannot be read, or a table none of whose figures has a recognisable metric.
    """
    from metrics.extract import extract_claims, require_readable_tables

    extractor = extractor or extract_claims
    document = load_document(file, root)
    claims = extractor(document)
    require_readable_tables(document, len(claims), str(file))
    return document, claims


def extract_shard(
    shard: Shard,
    ingested_at: datetime,
    extractor: Extractor | None = None,
    budget: FileBudget | None = None,
    starting: Callable[[int | None], None] | None = None,
) -> ShardResult:
    """Read and extract every file of `shard`; the same shard always gives the same rows.

    A file that cannot be read, exceeds its `budget` (none: unbounded) or whose rows break
    the schema fails alone with a message naming it. `starting(i)` is called before the
    i-th file is read and `starting(None)` after the last, so a process watching this one
    knows which file it is on.
    """
    outcomes: dict[str, Outcome] = {}
    seen: set[str] = set()
    extracted: list[tuple[str, Document, list[Claim]]] = []
    budget = budget or FileBudget()
    for index, (file_name, root) in enumerate(shard.files):
        file = Path(file_name)
        path = document_path(file, Path(root))
        if path in seen:
            outcomes[file_name] = Outcome(file_name, path, "failed", same_path(file_name, path))
            continue
        seen.add(path)
        if starting is not None:
            starting(index)
        try:
            with budget.applied(file_name):
                doc, claims = extract_file(file, Path(root), extractor)
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
    if starting is not None:
        starting(None)  # validating the shard is no file's time

    sources, rejected = _validated_sources(extracted, ingested_at)
    extracted = [entry for entry in extracted if entry[0] not in rejected]
    claim_rows, rejected_claims = _validated(extracted)
    if rejected_claims:  # a file's rows are stored whole or not at all
        rejected.update(rejected_claims)
        sources = sources[~sources["path"].isin(_paths_of(extracted, rejected_claims))]
    for file_name, message in rejected.items():
        outcomes[file_name] = Outcome(file_name, outcomes[file_name].path, "failed", message)
    return ShardResult(
        shard.number,
        sources.reset_index(drop=True),
        claim_rows,
        tuple(outcomes[file_name] for file_name, _ in shard.files),
    )


def same_path(file_name: str, path: str) -> str:
    """Two roots holding the same relative path would share one `source_id`."""
    return (
        f"{file_name}: same path {path!r} as another file in this batch; "
        "ingest the two folders separately"
    )


def _validated_sources(
    extracted: list[tuple[str, Document, list[Claim]]], ingested_at: datetime
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The source rows, all checked at once; only when that fails, file by file.

    Returns the valid rows and a message per rejected file, like `_validated`.
    """
    everything = sources_frame((doc for _, doc, _ in extracted), ingested_at)
    if everything.empty:
        return everything, {}
    try:
        return validate_sources(everything), {}
    except SchemaViolation:
        pass
    kept, rejected = [], {}
    for file_name, doc, _ in extracted:
        try:
            kept.append(validate_sources(sources_frame([doc], ingested_at)))
        except SchemaViolation as exc:
            rejected[file_name] = (
                f"{file_name}: its source row failed validation ({describe_failures(exc)})"
            )
    if not kept:
        return sources_frame([], ingested_at), rejected
    return pd.concat(kept, ignore_index=True), rejected


def _paths_of(
    extracted: list[tuple[str, Document, list[Claim]]], file_names: Container[str]
) -> set[str]:
    return {doc.path for file_name, doc, _ in extracted if file_name in file_names}


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
