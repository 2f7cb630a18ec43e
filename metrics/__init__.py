"""metrics: pull quantitative transport and economic claims out of articles into DuckDB.

The pipeline reads article files (text, web pages, tables, PDF), extracts each figure as a
claim (metric, entity, value, unit, period, status), validates the claims against one
schema, stores them in a DuckDB file and reconciles what the sources say into one figure
per metric, entity and period; the report charts the result. The top-level names:

- `Store`: the DuckDB file (`metrics.store`); `ingest(store, paths)` runs the whole
  pipeline on files and folders into it (`metrics.pipeline`).
- `extract_claims(document)`: the claims of one loaded document (`metrics.extract`).
- `write_report(store, path)`: the self-contained HTML report (`metrics.report`).

`metrics.reconcile.reconcile(claims, sources)` reconciles frames without a database; it
stays under its module's name, since `metrics.reconcile` is the module. The names are
imported when first used, not with the package: worker processes import `metrics.run` to
extract and should not load the report's plotting libraries with it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metrics.extract import extract_claims
    from metrics.pipeline import ingest
    from metrics.report import write_report
    from metrics.store import Store

__all__ = ["Store", "extract_claims", "ingest", "write_report"]

_HOME = {
    "Store": "metrics.store",
    "extract_claims": "metrics.extract",
    "ingest": "metrics.pipeline",
    "write_report": "metrics.report",
}


def __getattr__(name: str) -> object:
    """`metrics.Store` and the rest of `__all__`, imported from their module on first use."""
    if name not in _HOME:
        raise AttributeError(f"module 'metrics' has no attribute {name!r}")
    return getattr(import_module(_HOME[name]), name)
