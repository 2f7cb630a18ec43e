"""Issue 18: a reconciliation rebuilt a part at a time, and an ingest that commits in steps.

Every way the store rebuilds the reconciliation (in one batch, a few metrics at a time, a
metric cut into parts of its points, only the metrics a batch touched) must give the rows a
whole rebuild gives; a large ingest, which commits every `COMMIT_DOCUMENTS` documents, must
end where a one-transaction ingest ends, and one that fails between its commits must leave
whole documents, no reconciliation of a missing claim, and a mark that makes the next
ingest rebuild everything.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import duckdb
import pandas as pd
import pytest

from metrics import pipeline
from metrics.pipeline import ingest, reconcile_store
from metrics.reconcile import OriginRoots, origin_roots, origins, quote_words
from metrics.run import shards
from metrics.store import Store, StoreError, writer_memory

TABLES = ["recon_resolved", "resolution_trail", "recon_implied", "recon_forecast_errors",
          "recon_target_history", "recon_targets", "recon_undated"]  # fmt: skip
DOCUMENTS = 120
"""Synthetic articles: enough for metrics of a few hundred claims, points of many."""


def contents(store: Store) -> dict[str, pd.DataFrame]:
    """Claims, sources (without the time of the ingest) and every reconciliation table,
    in an order that does not depend on how they were written."""
    tables = {t: f"SELECT * FROM {t}" for t in TABLES}
    tables["claims"] = "SELECT * FROM claims"
    tables["sources"] = "SELECT * EXCLUDE (ingested_at) FROM sources"
    return {
        name: store.query(f"{sql} ORDER BY ALL").reset_index(drop=True)
        for name, sql in tables.items()
    }


def assert_same(found: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame]) -> None:
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(found[name], frame, obj=name)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, article_generator: ModuleType) -> Path:
    folder = tmp_path_factory.mktemp("synthetic") / "news"
    article_generator.write_corpus(folder, DOCUMENTS, seed=18)
    return folder


@pytest.fixture(scope="module")
def whole(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """The corpus ingested in one transaction and reconciled in one batch."""
    with Store(tmp_path_factory.mktemp("whole") / "m.duckdb") as store:
        ingest(store, [corpus])
        reconcile_store(store, batch_claims=10**9)
        found = contents(store)
    assert len(found["recon_resolved"]) > 100 and len(found["recon_undated"]) > 0
    assert len(found["recon_target_history"]) > 0 and len(found["recon_implied"]) > 0
    return found


@pytest.fixture
def many_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shards of 10 files and a commit every 20 documents, so a small corpus commits often."""
    monkeypatch.setattr(shards, "MAX_SHARD", 10)
    monkeypatch.setattr(pipeline, "COMMIT_DOCUMENTS", 20)


@pytest.mark.parametrize(
    "batch_claims",
    [
        pytest.param(10**9, id="one-batch"),
        pytest.param(400, id="metrics-together-up-to-400-claims"),
        pytest.param(60, id="large-metrics-in-parts"),
        pytest.param(5, id="every-metric-in-many-parts"),
    ],
)
def test_every_batching_gives_the_whole_rebuild(
    corpus: Path, whole: dict[str, pd.DataFrame], batch_claims: int
) -> None:
    with Store(":memory:") as store:
        ingest(store, [corpus])
        reconcile_store(store, batch_claims=batch_claims)
        assert_same(contents(store), whole)
        assert not store.reconciliation_stale()


def _halves(corpus: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The corpus as two folders, the second to be ingested after the first."""
    files = sorted(corpus.rglob("*.md"))
    first, second = tmp_path / "first", tmp_path / "second"
    for n, file in enumerate(files):
        target = (first if n % 2 else second) / file.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    return first, second


@pytest.mark.parametrize(
    "change",
    [
        pytest.param("new-documents", id="new-documents"),
        pytest.param("changed-document", id="a-changed-document-replaced"),
        pytest.param("emptied-document", id="a-document-now-without-claims"),
    ],
)
def test_rebuilding_the_touched_metrics_gives_the_whole_rebuild(
    corpus: Path, tmp_path: Path, change: str
) -> None:
    """A second batch rebuilds only the metrics its documents had or have claims of; the
    other metrics' rows stay as the first batch left them, and all equal a whole rebuild."""
    first, second = _halves(corpus, tmp_path)
    with Store(tmp_path / "m.duckdb") as store:
        ingest(store, [first, second])
        victim = sorted(first.rglob("*.md"))[0]
        if change == "changed-document":
            victim.write_text(sorted(second.rglob("*.md"))[0].read_text() + "\nMore.\n")
        elif change == "emptied-document":
            victim.write_text("The ministers met.\n")
        else:
            extra = tmp_path / "extra"
            shutil.copytree(first, extra)
            for file in extra.rglob("*.md"):
                file.write_text(file.read_text().replace("2024", "2019"))
        rebuilt = pipeline._rebuild
        touched: list[set[str] | None] = []

        def spy(store: Store, *args: object, metrics: set[str] | None = None, **kw: object) -> None:
            touched.append(metrics)
            rebuilt(store, *args, metrics=metrics, **kw)  # type: ignore[arg-type]

        pipeline._rebuild = spy  # type: ignore[assignment]
        try:
            ingest(store, [first, second] + ([tmp_path / "extra"] if change == "new-documents" else []))
        finally:
            pipeline._rebuild = rebuilt  # type: ignore[assignment]
        every = {metric for metric, _ in store.claims_per_metric()}
        assert touched and touched[0] is not None and 0 < len(touched[0]) < len(every)
        incremental = contents(store)
        reconcile_store(store, batch_claims=10**9)
        assert_same(incremental, contents(store))


def test_committing_every_few_documents_ends_as_one_transaction(
    corpus: Path, tmp_path: Path, whole: dict[str, pd.DataFrame], many_shards: None
) -> None:
    commits = []
    with Store(tmp_path / "m.duckdb") as store:
        real = store.commit_point

        def counted() -> None:
            commits.append(1)
            real()

        store.commit_point = counted  # type: ignore[method-assign]
        summary = ingest(store, [corpus])
        assert summary.documents == DOCUMENTS and summary.failed == []
        assert len(commits) >= DOCUMENTS // 20
        assert_same(contents(store), whole)
        assert not store.reconciliation_stale()


def test_a_failure_between_commits_leaves_whole_documents_and_a_rebuild_to_do(
    corpus: Path,
    tmp_path: Path,
    whole: dict[str, pd.DataFrame],
    many_shards: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "m.duckdb"
    write = Store.write
    calls = []

    def full_on_the_fifth(self: Store, *args: object, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) == 5:
            raise duckdb.IOException("Could not write file: No space left on device")
        write(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "write", full_on_the_fifth)
    with Store(db) as store, pytest.raises(StoreError) as failure:
        ingest(store, [corpus])
    assert str(failure.value) == (
        "the write failed after 40 new documents were stored (the next ingest stores the "
        "rest and reconciles them): Could not write file: No space left on device"
    )
    monkeypatch.setattr(Store, "write", write)
    with Store(db) as store:
        found = contents(store)
        assert store.reconciliation_stale()
        assert len(found["sources"]) == 40
        for table in ("claims", "sources"):  # every stored document is whole
            kept = whole[table].merge(found["sources"][["source_id"]], on="source_id")
            pd.testing.assert_frame_equal(found[table], kept, obj=table)
        judged = set(found["resolution_trail"]["claim_id"])
        assert judged <= set(found["claims"]["claim_id"])
        summary = ingest(store, [corpus])
        assert (summary.documents, summary.skipped) == (DOCUMENTS - 40, 40)
        assert_same(contents(store), whole)
        assert not store.reconciliation_stale()


def test_a_stale_mark_alone_makes_the_next_ingest_rebuild_everything(
    corpus: Path, tmp_path: Path, whole: dict[str, pd.DataFrame]
) -> None:
    with Store(tmp_path / "m.duckdb") as store:
        ingest(store, [corpus])
        store.transaction(lambda: store.con.execute("DELETE FROM recon_targets"))
        store.transaction(store.mark_reconciliation_stale)
        assert ingest(store, [corpus]).documents == 0  # nothing new, yet a rebuild
        assert_same(contents(store), whole)
        assert not store.reconciliation_stale()


@pytest.mark.parametrize("batch_claims", [pytest.param(1, id="a-batch-per-claim"), 10**9])
def test_a_level_and_its_per_head_figure_are_reconciled_together(
    stored_real: Callable[[dict[str, str]], Store], batch_claims: int
) -> None:
    """Plausibility reads GDP beside GDP per capita: batches of one metric must not part
    them (the population they imply is 7 times Uzbekistan's)."""
    store = stored_real({
        "a.md": "---\npublished: 2024-03-15\npublisher: Trend\n---\n"
                "Uzbekistan's GDP reached $623.5 billion in 2023, or $2,338 per capita.",
        "b.md": "---\npublished: 2024-04-02\npublisher: Kun.uz\n---\n"
                "Uzbekistan's GDP per capita was $2,340 in 2023.",
    })  # fmt: skip
    reconcile_store(store, batch_claims=batch_claims)
    gdp = store.view("resolved", metric="gdp")
    assert gdp["state"].tolist() == ["implausible"]
    assert store.view("implausible")["metric"].tolist() == ["gdp"]


@pytest.fixture
def stored_real(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> Iterator[Callable[[dict[str, str]], Store]]:
    """`stored_real({"a.md": text})`: an open store holding those articles, ingested with
    the real extractor."""
    opened: list[Store] = []

    def _stored(articles: dict[str, str]) -> Store:
        for name, text in articles.items():
            write(f"docs/{name}", text)
        store = Store(tmp_path / "real.duckdb")
        opened.append(store)
        ingest(store, [tmp_path / "docs"])
        return store

    yield _stored
    for store in opened:
        store.close()


class _Parts:
    """Stands in for the store: `origin_rows` gives the rows of each part (by number)."""

    def __init__(self, parts: list[list[tuple[str, str | None, str, str]]]) -> None:
        self.parts = parts

    def origin_rows(self, metrics: list[str], groups: list[int]) -> pd.DataFrame:
        (number,) = groups
        rows = self.parts[number]
        columns = ["metric", "originator", "publisher", "quote"]
        return pd.DataFrame(rows, columns=columns).assign(source_id=None)


_SAID = "Cargo on the route reached 4.5 million tons in 2024."


@pytest.mark.parametrize(
    ("parts", "linked"),
    [
        pytest.param([[("m", None, "Trend", _SAID)], [("m", None, "APA", "Other words.")]],
                     [], id="no-sentence-shared"),
        pytest.param([[("m", None, "Trend", _SAID)], [("m", None, "APA", _SAID.upper())]],
                     [{"trend", "apa"}], id="shared-across-parts-case-ignored"),
        pytest.param([[("m", None, "Trend", _SAID), ("m", None, "Trend", _SAID + "!")]],
                     [], id="one-origin-says-it-twice"),
        pytest.param([[("m", None, "Trend", _SAID)], [("m", None, "APA", _SAID),
                      ("m", None, "APA", "Rail grew.")], [("m", None, "Kun.uz", "Rail grew.")]],
                     [{"trend", "apa", "kun.uz"}], id="a-chain-through-three-parts"),
        pytest.param([[("m", "ADB", "APA", "ADB sees growth.")],
                      [("m", None, "Kun.uz", "ADB sees growth.")]],
                     [{"adb", "kun.uz"}], id="the-originator-not-the-publisher"),
        pytest.param([[("m", None, "Trend", _SAID)], [("n", None, "APA", _SAID)]],
                     [], id="same-words-other-metric"),
        pytest.param([[("m", None, "Trend", _SAID), ("m", None, "APA", "x")],
                      [("m", None, "Kun.uz", "x"), ("m", None, "Gazeta", _SAID)]],
                     [{"trend", "gazeta"}, {"apa", "kun.uz"}], id="two-separate-links"),
        pytest.param([[], [("m", None, "Trend", _SAID)]], [], id="an-empty-part"),
    ],
)  # fmt: skip
def test_origins_linked_a_part_at_a_time_are_those_of_all_claims(
    parts: list[list[tuple[str, str | None, str, str]]], linked: list[set[str]]
) -> None:
    """The store gathers a large metric's sentences a part at a time as digests and links
    only those two origins state; the groups must be those of every quote at once."""
    everything = pd.concat([_Parts(parts).origin_rows([], [n]) for n in range(len(parts))])
    origin, _ = origins(everything.assign(originator=everything["originator"].astype(object)))
    whole = origin_roots(
        zip(everything["metric"], origin, map(quote_words, everything["quote"]), strict=True)
    )
    store = _Parts(parts)
    streamed = pipeline._origin_roots(store, ["m", "n"], [[n] for n in range(len(parts))])  # type: ignore[arg-type]
    assert _groups(streamed) == _groups(whole)
    assert _groups(streamed) == sorted(sorted(group) for group in linked)


def _groups(roots: OriginRoots) -> list[list[str]]:
    """The origins linked together, as sorted lists of names (which stands for a group
    is not part of the contract)."""
    found: dict[tuple[str, str], set[str]] = {}
    for (_, name), root in roots.items():
        found.setdefault(root, set()).add(name)
    return sorted(sorted(group) for group in found.values())


@pytest.mark.parametrize(
    ("database_mb", "wal_mb", "limit"),
    [
        pytest.param(None, None, "96MB", id="a-new-file"),
        pytest.param(223, 0, "96MB", id="100000-documents-keep-the-floor"),
        pytest.param(240, 0, "96MB", id="where-the-indexes-reach-the-floor"),
        pytest.param(700, 0, "188MB", id="2.6-million-claims"),
        pytest.param(600, 100, "188MB", id="the-write-ahead-log-counts-too"),
        pytest.param(4096, 0, "867MB", id="a-4-GB-store"),
    ],
)
def test_a_large_files_writer_has_room_for_its_indexes(
    tmp_path: Path, database_mb: int | None, wal_mb: int | None, limit: str
) -> None:
    """DuckDB keeps the primary keys' indexes whole in memory (a sixth of the file) and
    fails a commit past its limit: a large file's writer gets a fifth of it and more."""
    db = tmp_path / "m.duckdb"
    for name, megabytes in ((db, database_mb), (Path(f"{db}.wal"), wal_mb)):
        if megabytes is not None:
            with open(name, "wb") as file:
                file.truncate(megabytes * 2**20)  # sparse: no disk used
    assert writer_memory(str(db)) == limit


@pytest.mark.parametrize(
    ("grown_to", "reopened"),
    [
        pytest.param("96MB", False, id="still-within-its-limit"),
        pytest.param("300MB", True, id="outgrown-its-limit"),
    ],
)
def test_a_writer_that_outgrows_its_limit_is_reopened_with_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, grown_to: str, reopened: bool
) -> None:
    """One ingest can grow a file past what its writer was opened for: at a commit point
    the writer is opened again with the limit the file now needs, and what was written
    before and after the commit is stored."""
    import metrics.store as store_module

    with Store(tmp_path / "m.duckdb") as store:
        opened_with = store._memory_limit()

        def work() -> None:
            store.con.execute("INSERT INTO meta VALUES ('before', '1')")
            monkeypatch.setattr(store_module, "writer_memory", lambda path: grown_to)
            store.commit_point()
            store.con.execute("INSERT INTO meta VALUES ('after', '2')")

        store.transaction(work)
        now = store._memory_limit()
        keys = {key for (key,) in store.con.execute("SELECT key FROM meta").fetchall()}
    assert (now != opened_with) is reopened
    assert store_module._bytes(now) >= store_module._bytes(grown_to) * 0.95
    assert {"before", "after"} <= keys
