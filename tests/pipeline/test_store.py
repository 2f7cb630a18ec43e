"""The DuckDB store: idempotent batches, replacement of changed files, all-or-nothing writes.

Most tests use the fake extractor from conftest ("N tons" -> a claim, "N furlongs" -> a
claim outside the contract), so they test storage rather than extraction.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from paths import SAMPLES

from metrics.errors import SchemaViolation
from metrics.models import CLAIM_COLUMNS, SOURCE_COLUMNS
from metrics.pipeline import IngestSummary, ingest, reconcile_store
from metrics.read import SIDECAR_SUFFIX, iter_source_files
from metrics.run import make_shards
from metrics.store import Store, StoreError


def snapshot(store: Store) -> tuple[list, list]:
    return (
        store.query("SELECT * FROM sources ORDER BY source_id").values.tolist(),
        store.query("SELECT * FROM claims ORDER BY claim_id").values.tolist(),
    )


@pytest.fixture
def docs(write, tmp_path: Path) -> Path:
    write("docs/a.txt", "---\npublished: 2025-05-14\n---\nCargo reached 4500 tons and 300 tons.")
    write("docs/sub/b.md", "# B\n\nAktau handled 2600 tons.")
    write("docs/no-figures.txt", "The ministers met.")
    return tmp_path / "docs"


def test_tables_follow_the_contract(store: Store) -> None:
    assert list(store.query("SELECT * FROM sources").columns) == list(SOURCE_COLUMNS)
    assert list(store.query("SELECT * FROM claims").columns) == list(CLAIM_COLUMNS)


def test_ingest_stores_documents_and_claims(store: Store, docs: Path, fake_extractor) -> None:
    summary = ingest(store, [docs], extractor=fake_extractor)
    assert summary == IngestSummary(documents=3, claims=3, skipped=0, failed=[])
    sources = store.query("SELECT path, published, format FROM sources ORDER BY path")
    assert sources["path"].tolist() == ["a.txt", "no-figures.txt", "sub/b.md"]
    assert sources["format"].tolist() == ["txt", "txt", "md"]
    assert str(sources.loc[0, "published"].date()) == "2025-05-14"
    assert sorted(store.claims()["value"]) == [300, 2600, 4500]


def test_ingesting_twice_adds_nothing(store: Store, docs: Path, fake_extractor) -> None:
    ingest(store, [docs], extractor=fake_extractor)
    before = snapshot(store)
    summary = ingest(store, [docs], extractor=fake_extractor)
    assert summary == IngestSummary(documents=0, claims=0, skipped=3, failed=[])
    assert snapshot(store) == before  # ingested_at included: nothing was rewritten


def test_changed_file_replaces_its_claims(store: Store, docs: Path, fake_extractor) -> None:
    ingest(store, [docs], extractor=fake_extractor)
    (docs / "a.txt").write_text("Cargo reached 4600 tons.", encoding="utf-8")
    summary = ingest(store, [docs], extractor=fake_extractor)
    assert (summary.documents, summary.claims, summary.skipped) == (1, 1, 2)
    assert sorted(store.claims()["value"]) == [2600, 4600]
    sources = store.query("SELECT path, content_sha256, published FROM sources ORDER BY path")
    assert len(sources) == 3
    new_hash = hashlib.sha256((docs / "a.txt").read_bytes()).hexdigest()
    assert sources.loc[0, "content_sha256"] == new_hash
    assert sources["published"].isna().all()  # the front matter was removed


def test_a_new_copy_is_skipped_and_a_file_changed_into_a_copy_is_replaced(
    store: Store, docs: Path, fake_extractor
) -> None:
    ingest(store, [docs], extractor=fake_extractor)
    (docs / "copy.txt").write_bytes((docs / "a.txt").read_bytes())
    (docs / "no-figures.txt").write_bytes((docs / "sub" / "b.md").read_bytes())
    outcomes: dict[str, str] = {}
    progress = lambda file, outcome: outcomes.__setitem__(str(file), outcome)  # noqa: E731
    summary = ingest(store, [docs], extractor=fake_extractor, progress=progress)
    assert (summary.documents, summary.skipped, summary.failed) == (1, 3, [])
    assert outcomes[str(docs / "copy.txt")] == "same content as a.txt"
    assert outcomes[str(docs / "no-figures.txt")] == "1 claim"  # changed: replaced
    rows = store.query("SELECT path, count(c.claim_id) AS n FROM sources s "
                       "LEFT JOIN claims c USING (source_id) GROUP BY path ORDER BY path")
    assert rows.values.tolist() == [["a.txt", 2], ["no-figures.txt", 1], ["sub/b.md", 1]]


def test_single_file_and_its_folder_are_the_same_source(
    store: Store, docs: Path, fake_extractor
) -> None:
    ingest(store, [docs / "a.txt"], extractor=fake_extractor)
    assert ingest(store, [docs], extractor=fake_extractor).skipped == 1


def test_bad_file_among_good_ones(store: Store, docs: Path, write, fake_extractor) -> None:
    ingest(store, [docs / "a.txt"], extractor=fake_extractor)
    before = store.claims()
    bad = write("docs/c.txt", b"Cargo reached 4500 tons in caf\xe9.")
    summary = ingest(store, [docs], extractor=fake_extractor)
    assert (summary.documents, summary.claims, summary.skipped) == (2, 1, 1)
    [(path, message)] = summary.failed
    assert path == str(bad)
    assert message.startswith(f"{bad}: not UTF-8 text")
    claims = store.claims()
    assert sorted(claims["value"]) == [300, 2600, 4500]
    assert before.merge(claims).shape == before.shape  # earlier rows untouched


def test_rejected_claims_write_nothing(store: Store, docs: Path, fake_extractor) -> None:
    """A file whose claims fail pandera keeps its earlier version, even within a batch."""
    ingest(store, [docs], extractor=fake_extractor)
    before = snapshot(store)
    (docs / "a.txt").write_text("Cargo reached 4600 tons and 7 furlongs.", encoding="utf-8")
    summary = ingest(store, [docs], extractor=fake_extractor)
    [(path, message)] = summary.failed
    assert path == str(docs / "a.txt")
    assert "claims failed validation" in message
    assert "unit: isin" in message
    assert "'furlongs'" in message
    assert (summary.documents, summary.skipped) == (0, 2)
    assert snapshot(store) == before


def test_progress_reports_every_file(store: Store, docs: Path, write, fake_extractor) -> None:
    write("docs/z.json", "not an article")  # not a source inside a folder: not reported
    write("docs/empty.txt", "")
    ingest(store, [docs / "a.txt"], extractor=fake_extractor)
    seen: list[tuple[str, str]] = []
    ingest(
        store,
        [docs],
        extractor=fake_extractor,
        progress=lambda file, outcome: seen.append((file.name, outcome)),
    )
    assert seen == [
        ("a.txt", "unchanged"),
        ("empty.txt", "failed"),
        ("no-figures.txt", "0 claims"),
        ("b.md", "1 claim"),
    ]


def test_missing_path_is_reported(store: Store, tmp_path: Path, fake_extractor) -> None:
    summary = ingest(store, [tmp_path / "typo"], extractor=fake_extractor)
    assert summary.failed == [(str(tmp_path / "typo"), f"{tmp_path / 'typo'}: not found")]


def test_same_relative_path_twice_in_one_batch(
    store: Store, write, tmp_path: Path, fake_extractor
) -> None:
    write("one/a.txt", "1 tons")
    write("two/a.txt", "2 tons")
    summary = ingest(store, [tmp_path / "one", tmp_path / "two"], extractor=fake_extractor)
    assert summary.documents == 1
    [(path, message)] = summary.failed
    assert path == str(tmp_path / "two" / "a.txt")
    assert "same path 'a.txt'" in message


def test_claim_ids_shared_between_files_reject_the_batch(
    store: Store, docs: Path, fake_extractor
) -> None:
    def same_ids(document):
        return [replace(claim, claim_id="shared") for claim in fake_extractor(document)[:1]]

    with pytest.raises(SchemaViolation):
        ingest(store, [docs], extractor=same_ids)
    assert snapshot(store) == ([], [])


def test_failed_transaction_rolls_back(store: Store, docs: Path, fake_extractor) -> None:
    """A claim id already stored for another file breaks the INSERT; nothing of the batch stays."""

    def same_ids(document):
        return [replace(claim, claim_id="shared") for claim in fake_extractor(document)[:1]]

    ingest(store, [docs / "a.txt"], extractor=same_ids)
    before = snapshot(store)
    with pytest.raises(StoreError, match="nothing was stored"):
        ingest(store, [docs / "sub" / "b.md"], extractor=same_ids)
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("filters", "values"),
    [
        pytest.param({}, [300, 2600, 4500], id="all"),
        pytest.param({"metric": "titr_cargo_volume"}, [300, 2600, 4500], id="metric"),
        pytest.param({"metric": "gdp"}, [], id="other-metric"),
        pytest.param({"entity": "TITR", "status": "actual"}, [300, 2600, 4500], id="two"),
        pytest.param({"status": "target"}, [], id="status"),
        pytest.param({"period": "2024"}, [300, 2600, 4500], id="period"),
        pytest.param({"period": "2023"}, [], id="other-period"),
    ],
)
def test_claims_filters(store: Store, docs: Path, fake_extractor, filters, values) -> None:
    ingest(store, [docs], extractor=fake_extractor)
    assert sorted(store.claims(**filters)["value"]) == values


def test_bad_query_raises_store_error(store: Store) -> None:
    with pytest.raises(StoreError, match="query failed: Parser Error"):
        store.query("SELEC 1")


def test_file_database_read_only(tmp_path: Path, docs: Path, fake_extractor) -> None:
    db = tmp_path / "m.duckdb"
    with Store(db) as store:
        ingest(store, [docs], extractor=fake_extractor)
    with Store(db, read_only=True) as reader, Store(db, read_only=True) as other:
        assert reader.query("SELECT count(*) AS n FROM claims")["n"].item() == 3
        assert len(other.claims()) == 3
        with pytest.raises(StoreError):
            reader.query("DELETE FROM claims")


def test_read_only_needs_an_existing_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no database at .*run `metrics ingest` first"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_real_corpus_is_ingested_once(tmp_path: Path, corpus_docs: Path, real_extractor) -> None:
    with Store(tmp_path / "corpus.duckdb") as store:
        first = ingest(store, [corpus_docs])
        assert first.failed == []
        assert first.documents == len(list(corpus_docs.glob("*.txt")))
        again = ingest(store, [corpus_docs])
        assert (again.documents, again.claims, again.skipped) == (0, 0, first.documents)
        assert len(store.claims()) == first.claims




def test_parallel_ingest_stores_what_one_process_stores(tmp_path: Path) -> None:
    """Two worker processes, several shards: the same rows as extracting in this process."""
    docs = tmp_path / "docs"
    for part in ("a", "b"):  # 26 real articles and tables under distinct paths
        shutil.copytree(SAMPLES, docs / part)
    for file in iter_source_files([docs / "b"]):  # a comment in a sidecar: not a copy
        sidecar = file[0].with_name(file[0].name + SIDECAR_SUFFIX)
        with sidecar.open("a", encoding="utf-8") as out:
            out.write("\n# the second copy\n")
    assert len(make_shards(list(iter_source_files([docs])), jobs=2)) > 1
    at = "SELECT * EXCLUDE (ingested_at) FROM sources ORDER BY source_id"
    with Store(":memory:") as one, Store(":memory:") as two:
        alone, pooled = ingest(one, [docs], jobs=1), ingest(two, [docs], jobs=2)
        assert alone == pooled
        assert alone.documents == 26 and alone.claims > 100
        assert one.query(at).equals(two.query(at))
        claims = "SELECT * FROM claims ORDER BY claim_id"
        assert one.query(claims).equals(two.query(claims))


def test_reingest_of_an_unchanged_folder_parses_nothing(
    store: Store, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(store, [docs])

    def must_not_parse(*args: object) -> None:
        raise AssertionError("an unchanged file was parsed again")

    monkeypatch.setattr("metrics.run.shards.load_document", must_not_parse)
    assert ingest(store, [docs], jobs=2) == IngestSummary(skipped=3)


def test_reconciling_metric_by_metric_gives_the_whole_reconciliation() -> None:
    """The store reconciles in batches of metrics; a batch per metric changes nothing."""
    tables = ["recon_resolved", "resolution_trail", "recon_implied", "recon_forecast_errors",
              "recon_target_history", "recon_targets"]  # fmt: skip

    def contents(store: Store) -> dict[str, pd.DataFrame]:
        return {
            table: store.query(f"SELECT * FROM {table} ORDER BY ALL").reset_index(drop=True)
            for table in tables
        }

    with Store(":memory:") as store:
        ingest(store, [SAMPLES])
        whole = contents(store)
        assert len(whole["recon_resolved"]) > 50
        reconcile_store(store, batch_claims=1)
        by_metric = contents(store)
    for table in tables:
        pd.testing.assert_frame_equal(by_metric[table], whole[table], obj=table)


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("DROP TABLE claims", "DROP"),
        ("DELETE FROM claims", "DELETE"),
        ("UPDATE claims SET value = 0", "UPDATE"),
        ("INSERT INTO sources (source_id) VALUES ('x')", "INSERT"),
        ("CREATE TABLE copy AS SELECT * FROM claims", "CREATE"),
        ("COPY (SELECT * FROM claims) TO 'stolen.csv'", "COPY"),
        ("COPY claims FROM 'forged.csv'", "COPY"),
        ("EXPORT DATABASE 'dump'", "EXPORT"),
        ("ATTACH 'other.duckdb' AS other", "ATTACH"),
        ("DETACH other", "DETACH"),
        ("INSTALL httpfs", "LOAD"),
        ("LOAD httpfs", "LOAD"),
        ("SET enable_external_access = true", "SET"),
        ("PRAGMA enable_profiling", "PRAGMA"),
        ("CALL pragma_version()", "CALL"),
        ("EXPLAIN ANALYZE DELETE FROM claims", "EXPLAIN"),
        ("VACUUM", "VACUUM"),
        ("CHECKPOINT", "CALL"),
    ],
)
def test_query_refuses_what_could_change_anything(
    store: Store, docs: Path, fake_extractor, tmp_path: Path, monkeypatch, sql: str, kind: str
) -> None:
    monkeypatch.chdir(tmp_path)  # where a COPY or EXPORT would write
    ingest(store, [docs], extractor=fake_extractor)
    before = snapshot(store)
    with pytest.raises(StoreError, match=rf"query refused: {kind} is not a SELECT"):
        store.query(sql)
    assert snapshot(store) == before
    assert not list(tmp_path.glob("stolen*")) and not (tmp_path / "dump").exists()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT count(*) AS n FROM claims",
        "WITH t AS (SELECT value FROM claims) SELECT max(value) AS n FROM t",
        "FROM claims SELECT count(*) AS n",
        "SHOW TABLES",
        "DESCRIBE claims",
        "SUMMARIZE claims",
    ],
)
def test_query_runs_what_only_reads(store: Store, docs: Path, fake_extractor, sql: str) -> None:
    ingest(store, [docs], extractor=fake_extractor)
    assert not store.query(sql).empty


def test_query_takes_one_statement(store: Store) -> None:
    with pytest.raises(StoreError, match="query refused: 2 statements; give one SELECT"):
        store.query("SELECT 1; DROP TABLE claims")
    assert "claims" in store.query("SHOW TABLES")["name"].tolist()


def test_the_summary_reads_only_its_columns_and_counts_the_same(stored) -> None:
    from metrics.reconcile import SUMMARY_COLUMNS, summary_counts

    db = stored({
        "docs/a.txt": "Cargo reached 4500 tons in 2023.",
        "docs/b.txt": "Cargo reached 4600 tons in 2023.",
    })  # fmt: skip
    with Store(db, read_only=True) as store:
        whole, narrow = store.reconciliation(), store.reconciliation(SUMMARY_COLUMNS)
    for field, columns in SUMMARY_COLUMNS.items():
        assert list(getattr(narrow, field).columns) == columns
    assert summary_counts(narrow) == summary_counts(whole)
    assert summary_counts(whole)["resolved"] + summary_counts(whole)["disputed"] >= 1
