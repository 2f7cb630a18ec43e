"""Empty or mistyped input is never a quiet success (issue 19, item 5): a folder without
sources, a missing sources/ and a --metric or --entity that names nothing fail with one line
saying so (and the closest names), exit status 1, and write no database or report."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from metrics.cli import cli


@pytest.fixture
def db(stored) -> Path:
    """A database holding claims of titr_cargo_volume for TITR (the conftest extractor)."""
    return stored({"docs/a.txt": "Cargo reached 4500 tons."})


def _files(folder: Path) -> set[Path]:
    return {path.relative_to(folder) for path in folder.rglob("*")}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "empty"], "no source files found in empty/; sources are .txt, .md"),
        (["ingest", "missing"], "no source files found in missing (it does not exist)"),
        (["ingest", "empty", "missing"], "no source files found in empty/, missing (it does"),
        (["ingest", "only-other"], "no source files found in only-other/"),
        (["run"], "no sources/ folder here: name the articles' files or folders"),
        (["run", "empty"], "no source files found in empty/"),
    ],
    ids=["empty", "missing", "both", "no-source-suffix", "run-no-sources", "run-empty"],
)
def test_no_sources_fails_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "only-other").mkdir()
    (tmp_path / "only-other" / "notes.docx").write_bytes(b"PK")
    (tmp_path / "only-other" / "README.md").write_text("not an article", encoding="utf-8")
    before = _files(tmp_path)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: {message}")
    assert _files(tmp_path) == before  # no metrics.duckdb, no reports/


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["claims", "--metric", "titr_cargo"],
         "no such metric 'titr_cargo'; did you mean titr_cargo_volume"),
        (["claims", "--entity", "Narnia"], "no such entity 'Narnia'"),
        (["resolved", "--metric", "titr_cargo_volum"],
         "no such metric 'titr_cargo_volum'; did you mean titr_cargo_volume"),
        (["conflicts", "--entity", "titr"], "no such entity 'titr'; did you mean TITR?"),
        (["report", "--metric", "nonesuch"], "no such metric 'nonesuch' (`metrics catalog`"),
        (["report", "--metric", "titr_cargo"],
         "no such metric 'titr_cargo'; did you mean titr_cargo_volume"),
        (["report", "--metric", "gdp_growth"], "no claims of metric 'gdp_growth' in "),
    ],
    ids=["claims-metric", "claims-entity", "resolved", "conflicts", "report", "report-close",
         "report-unstored"],
)
def test_mistyped_filter_fails_with_suggestions(
    tmp_path: Path, db: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "report.html"
    where = ["--out", str(out)] if args[0] == "report" else []
    result = CliRunner().invoke(cli, [*args, "--db", str(db), *where])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: {message}")
    assert "`metrics catalog`" in result.stderr or "nothing to report" in result.stderr
    assert result.stdout == ""
    assert not out.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["claims", "--metric", "titr_cargo_volume", "--entity", "TITR"],
        ["claims", "--metric", "gdp_growth"],  # in the catalog, none stored: no rows, exit 0
        ["resolved", "--entity", "Kazakhstan"],
    ],
)
def test_known_filter_succeeds(db: Path, args: list[str]) -> None:
    result = CliRunner().invoke(cli, [*args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


WHEAT = """\
metrics:
  wheat_harvest:
    meaning: wheat harvested in a country
    unit: t
    measure: level
    units: [t]
    entity_kinds: [country]
    cues: ['wheat harvest']
entities:
  Narnia:
    kind: country
    aliases: ['the Narnian kingdom']
"""


@pytest.mark.parametrize(
    ("args", "listed"),
    [
        (["claims", "--metric", "wheat_harvest"], "(no rows)"),
        (["resolved", "--metric", "wheat_harvest"], "(no rows)"),
        (["conflicts", "--entity", "Narnia"], "(no rows)"),
        (["claims", "--entity", "Narnia", "--format", "json"], "[]"),
        (["report", "--metric", "wheat_harvest"], None),
    ],
    ids=["claims", "resolved", "conflicts", "claims-json", "report"],
)
def test_a_user_catalog_s_names_are_known_with_catalog(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], listed: str | None
) -> None:
    """Every command that checks --metric/--entity against the catalog takes --catalog, so a
    metric or entity of your own catalog is no typo: nothing stored of it lists no rows (a
    report of it has nothing to report)."""
    from metrics.lexicon.catalog import CATALOG_ENV

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(CATALOG_ENV, "")  # no ./metrics.yaml: only --catalog counts
    (tmp_path / "mine.yaml").write_text(WHEAT, encoding="utf-8")
    where = ["--out", str(tmp_path / "r.html")] if args[0] == "report" else []
    without = CliRunner().invoke(cli, [*args, "--db", str(db), *where])
    assert without.exit_code == 1 and "no such" in without.stderr, without.output
    result = CliRunner().invoke(cli, [*args, "--db", str(db), *where, "--catalog", "mine.yaml"])
    if listed is None:
        assert result.exit_code == 1 and "nothing to report" in result.stderr, result.output
        assert "no such" not in result.stderr
    else:
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == listed
