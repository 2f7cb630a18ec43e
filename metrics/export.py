"""The stored tables as files for other tools: pandas, R, Excel, datasette.

`export_tables` writes `sources`, `claims` and every reconciliation view (`store.VIEWS`),
one file each, as Parquet (types kept) or CSV (for spreadsheets: a cell a spreadsheet would
run as a formula is written as text, `output.spreadsheet_safe`).

The store's connection is sandboxed (`store.SANDBOX`: no file but the database), so
DuckDB's `COPY ... TO` cannot run on it; the tables are read into pandas and written from
there, Parquet through a private in-memory DuckDB (no pyarrow needed). Each file is written
beside its final name and renamed into place, so an interrupted export never leaves a
half-written file under a table's name.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from metrics.errors import MetricsError

if TYPE_CHECKING:  # the CLI imports this module for `EXPORT_FORMATS` before any command runs
    import pandas as pd

    from metrics.store import Store

EXPORT_FORMATS = ("parquet", "csv")


class ExportError(MetricsError):
    """The export folder cannot be written; the message names the file."""


@dataclass(frozen=True)
class ExportedTable:
    name: str
    path: Path
    rows: int


def export_tables(store: Store, out_dir: Path | str, fmt: str = "parquet") -> list[ExportedTable]:
    """Write `sources`, `claims` and every view of `store.VIEWS` to `out_dir/<name>.<fmt>`
    (the folder is created).

    Raises `ExportError` for an unknown format or a file that cannot be written; the
    files already written stay (each is whole)."""
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out}: cannot create the folder ({exc.strerror})") from exc
    from metrics.store import VIEWS

    write = _write_parquet if fmt == "parquet" else _write_csv
    exported = []
    for name in ("sources", "claims", *VIEWS):
        frame = _table(store, name)
        path = out / f"{name}.{fmt}"
        _write_whole(frame, path, write)
        exported.append(ExportedTable(name, path, len(frame)))
    return exported


def _table(store: Store, name: str) -> pd.DataFrame:
    if name == "claims":
        return store.claims()
    if name == "sources":
        return store.query("SELECT * FROM sources ORDER BY path")
    return store.view(name)


def _write_whole(
    frame: pd.DataFrame, path: Path, write: Callable[[pd.DataFrame, Path], None]
) -> None:
    import duckdb

    partial = path.with_name(f".{path.name}.partial")
    try:
        write(frame, partial)
        os.replace(partial, path)
    except (OSError, duckdb.Error) as exc:
        partial.unlink(missing_ok=True)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ExportError(f"{path}: cannot write it ({reason.splitlines()[0]})") from exc


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    from metrics.output import spreadsheet_safe

    frame.map(spreadsheet_safe).to_csv(path, index=False)


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    import duckdb

    with duckdb.connect(":memory:") as con:
        con.register("exported", frame)
        quoted = str(path).replace("'", "''")
        con.execute(f"COPY exported TO '{quoted}' (FORMAT parquet)")
