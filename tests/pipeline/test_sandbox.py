"""Ad hoc SQL reads the database and nothing else; a file that is not a metrics database is
refused on one line; a query has a time limit and a table a row cap.

Every reproducer of issue 17's first item is a case here. Each builds its files under
tmp_path and ends within seconds: a refusal happens before DuckDB touches a file or the
network, and a long query is interrupted.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from metrics import store as store_module
from metrics.cli import cli
from metrics.store import SCHEMA_VERSION, Store, StoreError, schema_version

LONG_QUERY = "SELECT count(*) FROM range(1000000000000) t(i) WHERE i % 7 = 3"
"""Hours of work for DuckDB: only an interrupt ends it within a test."""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME of its own, so a test sees whether DuckDB installed an extension under it."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


@pytest.fixture
def db(stored) -> Path:
    return stored({"docs/a.txt": "---\npublished: 2025-05-14\n---\nCargo reached 4500 tons."})


@pytest.fixture(params=["read-only file", "writable file", "in memory"])
def any_store(request: pytest.FixtureRequest, db: Path, home: Path) -> Iterator[Store]:
    """Every way the project opens a database: the sandbox holds for all of them."""
    opened = {
        "read-only file": lambda: Store(db, read_only=True),
        "writable file": lambda: Store(db),
        "in memory": lambda: Store(":memory:"),
    }[request.param]()
    with opened as store:
        yield store


def other_file(tmp_path: Path) -> Path:
    """A file on the machine that ad hoc SQL must not read."""
    path = tmp_path / "secret.csv"
    path.write_text("name,password\nroot,hunter2\n", encoding="utf-8")
    return path


OUTSIDE_READS = [
    pytest.param("SELECT content FROM read_text('/etc/passwd')", id="read_text"),
    pytest.param("SELECT * FROM read_csv('{secret}')", id="read_csv"),
    pytest.param("SELECT * FROM read_csv_auto('{secret}')", id="read_csv_auto"),
    pytest.param("SELECT content FROM read_blob('/etc/passwd')", id="read_blob"),
    pytest.param("FROM '{secret}'", id="from-a-file-name"),
    pytest.param("SELECT * FROM '{secret}'", id="select-from-a-file-name"),
    pytest.param("SELECT content FROM read_text('/proc/self/environ')", id="environ"),
    pytest.param("SELECT * FROM glob('/**')", id="glob"),
    pytest.param("SELECT * FROM read_json('{secret}')", id="read_json"),
    pytest.param("SELECT * FROM read_parquet('{secret}')", id="read_parquet"),
    pytest.param("SELECT * FROM read_csv('https://example.com/figures.csv')", id="https"),
    pytest.param("SELECT * FROM read_csv('s3://bucket/figures.csv')", id="s3"),
]


@pytest.mark.parametrize("sql", OUTSIDE_READS)
def test_sql_reads_nothing_outside_the_database(
    any_store: Store, tmp_path: Path, home: Path, sql: str
) -> None:
    started = time.monotonic()
    with pytest.raises(StoreError) as refused:
        any_store.query(sql.format(secret=other_file(tmp_path)))
    message = str(refused.value)
    assert message.startswith("query refused: it reads outside the database")
    assert "\n" not in message and "hunter2" not in message and "root:" not in message
    assert time.monotonic() - started < 5  # refused at once: no network attempt
    assert not (home / ".duckdb").exists()  # no extension (httpfs) was installed


@pytest.mark.parametrize(
    ("sql", "error"),
    [
        pytest.param("SET enable_external_access = true", "locked", id="set-external-access"),
        pytest.param("SET autoinstall_known_extensions = true", "locked", id="set-autoinstall"),
        pytest.param("RESET enable_external_access", "locked", id="reset"),
        pytest.param("INSTALL httpfs", "Permission Error", id="install"),
        pytest.param("LOAD httpfs", "Permission Error", id="load"),
        pytest.param("ATTACH '{secret}' AS other", "Permission Error", id="attach"),
    ],
)
def test_the_connection_itself_refuses_to_loosen_the_sandbox(
    any_store: Store, tmp_path: Path, home: Path, sql: str, error: str
) -> None:
    """Below the statement guard (which refuses these as not a SELECT, see test_store), the
    connection refuses them too: a notebook using `store.con` directly stays sandboxed."""
    with pytest.raises(duckdb.Error, match=error):
        any_store.con.execute(sql.format(secret=other_file(tmp_path)))
    assert any_store.con.execute("SELECT current_setting('enable_external_access')").fetchone() == (
        False,
    )
    assert not (home / ".duckdb").exists()


@pytest.mark.parametrize(
    ("sql", "refusal"),
    [
        ("SET enable_external_access = true", "SET is not a SELECT"),
        ("INSTALL httpfs", "LOAD is not a SELECT"),
        ("LOAD httpfs", "LOAD is not a SELECT"),
    ],
)
def test_sql_refuses_to_loosen_the_sandbox(any_store: Store, sql: str, refusal: str) -> None:
    with pytest.raises(StoreError, match=f"^query refused: {refusal}") as refused:
        any_store.query(sql)
    assert "\n" not in str(refused.value)


def test_sql_still_reads_the_database(any_store: Store) -> None:
    assert any_store.query("SELECT count(*) AS n FROM claims")["n"].item() in (0, 1)
    assert "claims" in any_store.query("SHOW TABLES")["name"].tolist()


def test_a_query_past_its_time_limit_is_stopped(db: Path) -> None:
    started = time.monotonic()
    with Store(db, read_only=True) as store:
        with pytest.raises(StoreError, match=r"^query stopped after 0.5 s, its time limit"):
            store.query(LONG_QUERY, timeout=0.5)
        assert store.query("SELECT 42 AS n", timeout=0.5)["n"].item() == 42  # still usable
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    ("max_rows", "shown", "total"),
    [(None, 2500, 2500), (1000, 1000, 2500), (2500, 2500, 2500), (3000, 2500, 2500), (0, 0, 2500)],
)
def test_query_rows_keeps_the_first_rows_and_counts_the_rest(
    db: Path, max_rows: int | None, shown: int, total: int
) -> None:
    with Store(db, read_only=True) as store:
        result = store.query_rows("SELECT i FROM range(2500) t(i)", max_rows=max_rows)
    assert len(result.frame) == shown
    assert result.frame["i"].tolist() == list(range(shown))
    assert (result.total, result.cut) == (total, total - shown)


def test_rows_too_many_to_count_in_time_still_show_the_first(db: Path) -> None:
    with Store(db, read_only=True) as store:
        result = store.query_rows("SELECT i FROM range(1000000000000) t(i)", timeout=1, max_rows=5)
    assert result.frame["i"].tolist() == [0, 1, 2, 3, 4]
    assert (result.total, result.cut) == (None, None)


def _sqlite(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE claims (x)")
    con.commit()
    con.close()


def _other_duckdb(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE invoices (id INTEGER, amount DOUBLE)")


def _newer_metrics(path: Path) -> None:
    Store(path).close()
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [SCHEMA_VERSION + 1])


NOT_METRICS = [
    pytest.param(_sqlite, "is a SQLite database, not a metrics database", id="sqlite"),
    pytest.param(lambda p: p.write_text("just text\n" * 10), "is another kind of file", id="text"),
    pytest.param(lambda p: p.write_bytes(b""), "is an empty file", id="empty"),
    pytest.param(lambda p: p.write_bytes(b"\0" * 4096), "is another kind of file", id="zeros"),
    pytest.param(_other_duckdb, "is a DuckDB database but not a metrics one (its tables: "
                 "invoices; no sources, claims)", id="other-duckdb"),
    pytest.param(_newer_metrics, f"was written by a newer metrics (schema version "
                 f"{SCHEMA_VERSION + 1}; this one reads up to {SCHEMA_VERSION})", id="newer"),
]  # fmt: skip


@pytest.mark.parametrize("read_only", [True, False], ids=["read", "write"])
@pytest.mark.parametrize(("make", "message"), NOT_METRICS)
def test_a_file_that_is_not_a_metrics_database_is_refused(
    tmp_path: Path, home: Path, make: Callable[[Path], None], message: str, read_only: bool
) -> None:
    path = tmp_path / "other.db"
    make(path)
    before = path.read_bytes()
    with pytest.raises(StoreError) as refused:
        Store(path, read_only=read_only)
    assert str(refused.value).startswith(str(path)) and message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert path.read_bytes() == before  # a writer refused it before changing anything
    assert not (home / ".duckdb").exists()  # no sqlite_scanner download


@pytest.mark.parametrize(("make", "message"), NOT_METRICS)
def test_sql_on_a_file_that_is_not_a_metrics_database(
    tmp_path: Path, home: Path, make: Callable[[Path], None], message: str
) -> None:
    path = tmp_path / "other.db"
    make(path)
    result = CliRunner().invoke(cli, ["sql", "SELECT 1", "--db", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path} ")
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_the_database_records_its_schema_version(db: Path) -> None:
    with Store(db, read_only=True) as store:
        assert schema_version(store.con) == SCHEMA_VERSION


def test_a_file_from_before_versions_were_recorded_is_read_and_upgraded(db: Path) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute("DROP TABLE meta")
    with Store(db, read_only=True) as store:
        assert len(store.claims()) == 1
    with Store(db) as store:  # the writer records the version
        assert schema_version(store.con) == SCHEMA_VERSION


def test_an_empty_database_is_a_new_one(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    duckdb.connect(str(path)).close()
    with Store(path) as store:
        assert store.claims().empty


def test_a_database_whose_tables_were_half_made_is_completed(tmp_path: Path) -> None:
    path = tmp_path / "half.duckdb"
    with duckdb.connect(str(path)) as con:  # a writer stopped after its first table
        con.execute(duckdb.extract_statements(store_module._DDL)[0])
    with Store(path, read_only=True) as reader, pytest.raises(StoreError, match="Catalog Error"):
        reader.query("SELECT * FROM claims")  # a reader: no claims table yet
    Store(path).close()  # a writer: no refusal, and the missing tables are made
    with Store(path, read_only=True) as store:
        assert store.claims().empty


class TestCommand:
    """`metrics sql` end to end: the sandbox, the time limit and the row cap."""

    @pytest.mark.parametrize(
        "sql",
        [
            *OUTSIDE_READS,
            pytest.param("SET enable_external_access = true", id="set"),
            pytest.param("INSTALL httpfs", id="install"),
            pytest.param("LOAD httpfs", id="load"),
        ],
    )
    def test_each_refusal_is_one_error_line(
        self, db: Path, tmp_path: Path, home: Path, sql: str
    ) -> None:
        query = sql.format(secret=other_file(tmp_path))
        result = CliRunner().invoke(cli, ["sql", query, "--db", str(db)])
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: query refused: ")
        assert result.stderr.count("\n") == 1 and result.stdout == ""
        assert "root:" not in result.output and "hunter2" not in result.output
        assert not (home / ".duckdb").exists()

    def test_timeout(self, db: Path) -> None:
        started = time.monotonic()
        result = CliRunner().invoke(cli, ["sql", LONG_QUERY, "--timeout", "0.5", "--db", str(db)])
        assert result.exit_code == 1
        assert result.stderr == (
            "Error: query stopped after 0.5 s, its time limit: narrow it (WHERE, LIMIT) or "
            "allow more time with --timeout SECONDS\n"
        )
        assert time.monotonic() - started < 10

    def test_row_cap_of_a_table(self, db: Path) -> None:
        query = "SELECT i FROM range(2500) t(i)"
        result = CliRunner().invoke(cli, ["sql", query, "--max-rows", "1000", "--db", str(db)])
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        assert len(lines) == 1001 and lines[-1].strip() == "999"
        assert result.stderr == (
            "1,000 of 2,500 rows shown; --max-rows 0 shows all, --format csv or json gives "
            "every row\n"
        )
        everything = CliRunner().invoke(cli, ["sql", query, "--max-rows", "0", "--db", str(db)])
        assert len(everything.stdout.splitlines()) == 2501 and everything.stderr == ""

    @pytest.mark.parametrize("fmt", ["csv", "json"])
    def test_csv_and_json_give_every_row(self, db: Path, fmt: str) -> None:
        result = CliRunner().invoke(
            cli, ["sql", "SELECT i FROM range(2500) t(i)", "--format", fmt, "--db", str(db)]
        )
        assert result.exit_code == 0 and result.stderr == ""
        assert result.stdout.count("\n") == (2501 if fmt == "csv" else 2500 * 3 + 2)

    def test_default_row_cap(self, db: Path) -> None:
        result = CliRunner().invoke(cli, ["sql", "SELECT i FROM range(1500) t(i)", "--db", str(db)])
        assert len(result.stdout.splitlines()) == 1001
        assert result.stderr.startswith("1,000 of 1,500 rows shown")
