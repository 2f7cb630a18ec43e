"""A user's own catalog (metrics.yaml / --catalog / $METRICS_CATALOG) on top of the
packaged one: added metrics, overridden entity aliases, extra cue words, and one-line errors
naming the file and the entry."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from metrics.cli import cli
from metrics.errors import CatalogError
from metrics.extract import extract_text
from metrics.lexicon.catalog import CATALOG_ENV, PACKAGED, load_catalog, use_catalog
from metrics.pipeline import ingest
from metrics.run.shards import MIN_SHARD
from metrics.store import Store

WHEAT = """\
metrics:
  wheat_harvest:
    meaning: wheat harvested in a country
    unit: t
    measure: level
    units: [t, pct_change]
    entity_kinds: [country]
    cues: ['wheat harvest', 'harvest(?:ed)? of wheat']
"""
SENTENCE = "Kazakhstan's wheat harvest reached 17 million tons in 2024."
PUBLISHED = date(2025, 3, 1)


@pytest.fixture(autouse=True)
def own_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test in an empty folder with no user catalog set; whatever a test sets is undone."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(CATALOG_ENV, raising=False)
    monkeypatch.setenv(CATALOG_ENV, "")  # recorded, so the undo removes what use_catalog sets
    monkeypatch.delenv(CATALOG_ENV)
    return tmp_path


def _facts(text: str) -> set[tuple[str, str | None, float]]:
    return {(c.metric, c.entity, c.value) for c in extract_text(text, PUBLISHED)}


def test_metrics_yaml_in_the_working_folder_adds_a_metric(own_folder: Path) -> None:
    assert ("wheat_harvest", "Kazakhstan", 17e6) not in _facts(SENTENCE)
    (own_folder / "metrics.yaml").write_text(WHEAT)
    assert ("wheat_harvest", "Kazakhstan", 17e6) in _facts(SENTENCE)
    assert load_catalog().origins == {"metric wheat_harvest": str(own_folder / "metrics.yaml")}


def test_an_edited_catalog_is_read_again(own_folder: Path) -> None:
    (own_folder / "metrics.yaml").write_text(WHEAT)
    assert "wheat_harvest" in load_catalog().metrics
    (own_folder / "metrics.yaml").write_text(WHEAT.replace("wheat_harvest", "grain_harvest"))
    assert {"grain_harvest"} <= set(load_catalog().metrics) and (
        "wheat_harvest" not in load_catalog().metrics
    )


# (user catalog, sentence, a fact it must yield, a fact it must no longer yield)
OVERRIDES = [
    pytest.param(
        WHEAT + "entities:\n  Kazakhstan:\n    aliases: ['Qazaqstan']\n",
        "Qazaqstan's wheat harvest reached 17 million tons in 2024.",
        ("wheat_harvest", "Kazakhstan", 17e6),
        None,
        id="entity aliases replaced",
    ),
    pytest.param(
        WHEAT + "entities:\n  Kazakhstan:\n    aliases: ['Qazaqstan']\n",
        SENTENCE,
        None,
        ("wheat_harvest", "Kazakhstan", 17e6),
        id="a replaced alias no longer names the entity",
    ),
    pytest.param(
        WHEAT + "entities:\n  Kazakhstan:\n    extra_aliases: ['the Steppe Republic']\n",
        "The Steppe Republic's wheat harvest reached 17 million tons in 2024.",
        ("wheat_harvest", "Kazakhstan", 17e6),
        None,
        id="entity alias added",
    ),
    pytest.param(
        WHEAT + "  wheat_harvest_extra:\n    metric: wheat_harvest\n    meaning: same\n"
        "    unit: t\n    measure: level\n    units: [t]\n    entity_kinds: [country]\n"
        "    cues: ['grain crop']\n",
        "Kazakhstan's grain crop reached 17 million tons in 2024.",
        ("wheat_harvest", "Kazakhstan", 17e6),
        None,
        id="a second reading of a metric",
    ),
    pytest.param(
        WHEAT.replace("cues: ['wheat harvest', 'harvest(?:ed)? of wheat']", "cues: ['crop']"),
        SENTENCE,
        None,
        ("wheat_harvest", "Kazakhstan", 17e6),
        id="cues replaced",
    ),
]


@pytest.mark.parametrize(("catalog", "sentence", "present", "absent"), OVERRIDES)
def test_user_entries_change_what_is_extracted(
    own_folder: Path,
    catalog: str,
    sentence: str,
    present: tuple[str, str, float] | None,
    absent: tuple[str, str, float] | None,
) -> None:
    (own_folder / "mine.yaml").write_text(catalog)
    use_catalog(own_folder / "mine.yaml")
    facts = _facts(sentence)
    assert present is None or present in facts, facts
    assert absent is None or absent not in facts, facts


def test_extra_cues_add_to_a_packaged_metric(own_folder: Path) -> None:
    sentence = "TITR tonnage reached 4.5 million tons in 2024."
    before = {fact[0] for fact in _facts(sentence)}
    (own_folder / "metrics.yaml").write_text(
        "metrics:\n  titr_cargo_volume:\n    extra_cues: ['tonnage']\n"
    )
    assert "titr_cargo_volume" not in before
    assert ("titr_cargo_volume", "TITR", 4.5e6) in _facts(sentence)
    assert load_catalog().metrics["titr_cargo_volume"].meaning  # the rest kept


# (user catalog, what the one-line error says after "<file>: ")
INVALID = [
    ("- wheat\n", "expected `metrics:` and `entities:` sections"),
    ("metrics: [wheat]\n", "metrics: expected entries by name"),
    ("metrics:\n  wheat: [t]\n", "metric wheat: expected keys such as"),
    ("aliases:\n  TITR: [x]\n", "unknown section aliases"),
    ("metrics:\n  wheat:\n    meaning: x\n", "metric wheat: a new entry needs cues, measure, unit, units"),
    (WHEAT.replace("unit: t", "unit: bushels"), "metric wheat_harvest: unknown unit 'bushels'"),
    (WHEAT.replace("measure: level", "measure: height"), "metric wheat_harvest: unknown measure 'height'"),
    (WHEAT.replace("units: [t, pct_change]", "units: [t, acres]"), "metric wheat_harvest: unknown units acres"),
    (WHEAT.replace("cues: ['wheat harvest'", "cues: ['wheat (harvest'"), "metric wheat_harvest: cues: bad pattern 'wheat (harvest'"),
    (WHEAT.replace("cues: ['wheat harvest', 'harvest(?:ed)? of wheat']", "cues: []"), "metric wheat_harvest: cues: empty pattern list"),
    (WHEAT.replace("cues: ['wheat harvest', 'harvest(?:ed)? of wheat']", "cues: wheat"), "metric wheat_harvest: cues must be a list of strings"),
    (WHEAT + "    entity: Atlantis\n", "metric wheat_harvest: unknown entity 'Atlantis'"),
    (WHEAT + "    colour: gold\n", "metric wheat_harvest: unknown key colour"),
    ("entities:\n  Atlantis:\n    aliases: [Atlantis]\n", "entity Atlantis: a new entry needs kind"),
    ("entities:\n  TITR:\n    aliases: ['Middle (Corridor']\n", "entity TITR: aliases: bad pattern"),
    ("metrics:\n  wheat: {meaning: [unclosed\n", "not valid YAML"),
]  # fmt: skip


@pytest.mark.parametrize(("catalog", "message"), INVALID)
def test_an_invalid_entry_is_one_line_naming_the_file_and_the_entry(
    own_folder: Path, catalog: str, message: str
) -> None:
    path = own_folder / "metrics.yaml"
    path.write_text(catalog)
    with pytest.raises(CatalogError) as raised:
        load_catalog()
    text = str(raised.value)
    assert text.startswith(f"{path}: ") and message in text, text
    assert "\n" not in text


def test_a_bad_catalog_given_to_use_catalog_changes_nothing(own_folder: Path) -> None:
    (own_folder / "bad.yaml").write_text("metrics:\n  wheat:\n    meaning: x\n")
    with pytest.raises(CatalogError):
        use_catalog(own_folder / "bad.yaml")
    assert load_catalog().origins == {}


def test_catalog_command_shows_where_each_entry_came_from(own_folder: Path) -> None:
    (own_folder / "mine.yaml").write_text(
        WHEAT + "entities:\n  TITR:\n    extra_aliases: ['the Caspian bridge']\n"
    )
    result = CliRunner().invoke(cli, ["catalog", "--catalog", "mine.yaml"])
    assert result.exit_code == 0, result.output
    assert "wheat_harvest" in result.output and "the Caspian bridge" in result.output
    origin = f"from {own_folder / 'mine.yaml'}: metric wheat_harvest, entity TITR"
    assert origin in result.output
    assert f"every other entry from {PACKAGED}" in result.output


def test_catalog_command_without_a_user_catalog_names_no_file(own_folder: Path) -> None:
    result = CliRunner().invoke(cli, ["catalog"])
    assert result.exit_code == 0, result.output
    assert "titr_cargo_volume" in result.output
    assert "wheat_harvest" not in result.output and "\nfrom " not in result.output


def test_an_invalid_catalog_stops_the_command_before_any_file(own_folder: Path) -> None:
    (own_folder / "metrics.yaml").write_text(WHEAT.replace("unit: t", "unit: bushels"))
    (own_folder / "a.txt").write_text(SENTENCE)
    result = CliRunner().invoke(cli, ["ingest", "a.txt", "--db", "m.duckdb"])
    assert result.exit_code == 1
    assert (
        f"Error: {own_folder / 'metrics.yaml'}: metric wheat_harvest: unknown unit" in result.output
    )
    assert not (own_folder / "m.duckdb").exists()


def test_ingest_extracts_with_the_user_catalog_in_every_worker(own_folder: Path) -> None:
    """Enough files for two shards, so workers extract them; the first ingest starts the
    fork server without the user catalog, so the second one's workers cannot inherit it."""
    docs = own_folder / "docs"
    docs.mkdir()
    count = 2 * MIN_SHARD + 1
    for number in range(count):
        harvest = SENTENCE.replace("17", str(10 + number))
        (docs / f"a{number}.txt").write_text(f"---\npublished: 2025-03-01\n---\n{harvest}\n")
    (own_folder / "mine.yaml").write_text(WHEAT)
    runner = CliRunner()
    for db, catalog in (("before.duckdb", []), ("after.duckdb", ["--catalog", "mine.yaml"])):
        result = runner.invoke(cli, ["ingest", "docs", "--jobs", "2", "--db", db, *catalog])
        assert result.exit_code == 0, result.output
    with Store(own_folder / "before.duckdb", read_only=True) as store:
        assert store.claims(metric="wheat_harvest").empty
    with Store(own_folder / "after.duckdb", read_only=True) as store:
        values = sorted(store.claims(metric="wheat_harvest")["value"])
    assert values == [(10 + number) * 1e6 for number in range(count)]


def test_a_changed_catalog_needs_a_new_database_for_stored_files(own_folder: Path) -> None:
    """As the README says: an unchanged file is not extracted again when only the catalog
    changed (its hash is what is compared); a new database extracts it with the new one."""
    (own_folder / "docs").mkdir()
    (own_folder / "docs" / "a.txt").write_text(f"---\npublished: 2025-03-01\n---\n{SENTENCE}\n")
    with Store(own_folder / "old.duckdb") as store:
        ingest(store, [own_folder / "docs"])
        (own_folder / "metrics.yaml").write_text(WHEAT)
        again = ingest(store, [own_folder / "docs"])
        assert (again.documents, again.skipped) == (0, 1)
        assert store.claims(metric="wheat_harvest").empty
    with Store(own_folder / "new.duckdb") as store:
        ingest(store, [own_folder / "docs"])
        assert list(store.claims(metric="wheat_harvest")["value"]) == [17e6]
