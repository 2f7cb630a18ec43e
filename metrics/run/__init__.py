"""Where extraction runs: shards of files extracted in this process, a process pool or Dask.

`extract_shard` is the unit of work (read, extract and validate a shard of files) and
`extract_file` the same for one file; `run_local` runs shards here or in worker processes,
each file under a `FileBudget` of time and memory, `run_dask` on a Dask cluster. Every
engine yields `ShardResult`s in shard order for the one writer, `metrics.pipeline`, to store.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metrics.run.budget import FileBudget
    from metrics.run.dask_cluster import DaskEngineError, run_dask
    from metrics.run.local import default_jobs, run_local
    from metrics.run.shards import (
        Engine,
        Extractor,
        Outcome,
        Shard,
        ShardResult,
        extract_file,
        extract_shard,
        make_shards,
        same_path,
    )

__all__ = [
    "DaskEngineError",
    "Engine",
    "Extractor",
    "FileBudget",
    "Outcome",
    "Shard",
    "ShardResult",
    "default_jobs",
    "extract_file",
    "extract_shard",
    "make_shards",
    "run_dask",
    "run_local",
    "same_path",
]


_HOME = {
    "FileBudget": "budget",
    "DaskEngineError": "dask_cluster",
    "run_dask": "dask_cluster",
    "default_jobs": "local",
    "run_local": "local",
    **dict.fromkeys(
        ("Engine", "Extractor", "Outcome", "Shard", "ShardResult", "extract_file",
         "extract_shard", "make_shards", "same_path"),
        "shards",
    ),
}


def __getattr__(name: str) -> object:
    """The names of `__all__`, imported from their module on first use: `metrics.run.budget`
    alone (the command line's defaults) should not load pandas and pandera with the shards."""
    if name not in _HOME:
        raise AttributeError(f"module 'metrics.run' has no attribute {name!r}")
    return getattr(import_module(f"metrics.run.{_HOME[name]}"), name)
