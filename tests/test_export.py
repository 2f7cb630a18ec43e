"""`metrics export`: every table as a file another tool reads back whole."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from metrics.cli import cli
from metrics.export import ExportError, export_tables
from metrics.pipeline import ingest
from metrics.store import VIEWS, Store

TABLES = ("sources", "claims", *VIEWS)
READERS = {"parquet": pd.read_parquet, "csv": pd.read_csv}


@pytest.fixture
def db(stored) -> Path:
    """Two articles, three claims (one a formula-looking quote for the CSV check)."""
    return stored(
        {
            "docs/a.txt": "---\npublished: 2025-05-14\n---\nCargo reached 4500 tons and 300 tons.",
            "docs/b.txt": "Aktau handled 2600 tons.",
        }
    )


def _stored_rows(db: Path) -> dict[str, int]:
    with Store(db, read_only=True) as store:
        counts = {name: len(store.view(name)) for name in VIEWS}
        counts["claims"] = len(store.claims())
        counts["sources"] = len(store.query("SELECT * FROM sources"))
    return counts


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_each_file_reads_back_with_pandas_with_the_stored_rows(
    db: Path, tmp_path: Path, fmt: str
) -> None:
    with Store(db, read_only=True) as store:
        exported = export_tables(store, tmp_path / "out", fmt)
    stored = _stored_rows(db)
    assert stored["claims"] == 3 and stored["sources"] == 2
    assert [table.name for table in exported] == list(TABLES)
    for table in exported:
        assert table.path == tmp_path / "out" / f"{table.name}.{fmt}"
        frame = READERS[fmt](table.path)
        assert (table.name, len(frame)) == (table.name, stored[table.name])
        assert table.rows == stored[table.name]
    assert not list((tmp_path / "out").glob(".*"))  # no partial file left behind


def test_parquet_keeps_the_column_types(db: Path, tmp_path: Path) -> None:
    with Store(db, read_only=True) as store:
        export_tables(store, tmp_path, "parquet")
        expected = store.claims()
    claims = pd.read_parquet(tmp_path / "claims.parquet")
    assert list(claims.columns) == list(expected.columns)
    assert pd.api.types.is_float_dtype(claims["value"])
    assert sorted(claims["value"]) == sorted(expected["value"])


def test_csv_writes_a_formula_as_text(tmp_path: Path, write, fake_extractor) -> None:
    write("docs/=cmd.txt", "Cargo reached 4500 tons.")
    with Store(tmp_path / "m.duckdb") as store:
        ingest(store, [tmp_path / "docs"], extractor=fake_extractor)
        export_tables(store, tmp_path / "out", "csv")
    paths = pd.read_csv(tmp_path / "out" / "sources.csv")["path"]
    assert list(paths) == ["'=cmd.txt"]


def test_an_unwritable_folder_is_one_error_naming_it(db: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with Store(db, read_only=True) as store, pytest.raises(ExportError, match=str(blocker)):
        export_tables(store, blocker / "out", "csv")


def test_export_command_end_to_end(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    result = CliRunner().invoke(
        cli, ["export", "--format", "csv", "--out", str(out), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.csv" for name in TABLES)
    assert f"{out / 'claims.csv'}: 3 rows" in result.output
