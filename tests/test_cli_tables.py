"""Terminal tables fit the terminal and every listing command speaks table, csv and json
(issue 19, item 7): long text columns are cut with "…" to the width COLUMNS or the terminal
gives, numbers never; csv and json keep whole values; `claims` names each claim's file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from metrics.cli import cli
from metrics.output import CUT, TEXT_COLUMN_MIN, text_table

LONG = "a sentence far longer than any terminal column should be allowed to show " * 3
FRAME = pd.DataFrame(
    {"metric": ["titr_cargo_volume", "gdp_growth"], "value": [2_760_000.0, 4.9],
     "reason": [LONG, "short"], "quote": [LONG.upper(), "q"]}
)


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_table_rows_fit_the_width(width: int) -> None:
    lines = text_table(FRAME, width).splitlines()
    assert max(map(len, lines)) <= width
    assert "2,760,000" in lines[1]  # numbers are never cut
    assert lines[1].rstrip().endswith(CUT)


def test_no_width_keeps_whole_values() -> None:
    assert LONG.strip() in text_table(FRAME)


def test_columns_keep_a_minimum_when_the_terminal_is_too_narrow() -> None:
    lines = text_table(FRAME, 10).splitlines()
    assert lines[1].startswith("titr_cargo_volume"[: TEXT_COLUMN_MIN - 1] + CUT + " ")


@pytest.fixture
def db(stored) -> Path:
    return stored(
        {
            "docs/a-long-file-name-of-an-article-about-freight.txt": f"{LONG} 4500 tons. {LONG}",
            "docs/b.txt": "Aktau handled 2600 tons.",
        }
    )


@pytest.mark.parametrize(
    ("command", "columns"),
    [("claims", 80), ("conflicts", 80), ("catalog", 80), ("resolved", 100)],  # 12 columns
)
def test_listing_commands_fit_columns(
    db: Path, command: str, columns: int, real_catalog
) -> None:
    args = [command] if command == "catalog" else [command, "--db", str(db)]
    whole = CliRunner().invoke(cli, args)
    assert max(map(len, whole.stdout.splitlines())) > columns  # piped: whole values
    result = CliRunner().invoke(cli, args, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    assert max(map(len, result.stdout.splitlines())) <= columns


def test_claims_table_shows_its_source(db: Path) -> None:
    result = CliRunner().invoke(cli, ["claims", "--db", str(db)])
    lines = result.stdout.splitlines()
    assert lines[0].split()[-1] == "source"
    assert lines[1].endswith("a-long-file-name-of-an-article-about-freight.txt")
    assert lines[-1].endswith("b.txt")


@pytest.mark.parametrize("command", ["claims", "resolved", "conflicts", "catalog"])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_every_listing_command_gives_csv_and_json(
    db: Path, command: str, fmt: str, real_catalog
) -> None:
    args = [command] if command == "catalog" else [command, "--db", str(db)]
    result = CliRunner().invoke(cli, [*args, "--format", fmt], env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        frame = pd.read_csv(io.StringIO(result.stdout))
        assert len(frame) > 0
        assert not frame.astype(str).apply(lambda c: c.str.endswith(CUT)).any().any()
    else:
        parsed = json.loads(result.stdout)
        assert parsed["metrics"] if command == "catalog" else parsed


def test_catalog_csv_and_json_hold_metrics_and_entities(real_catalog) -> None:
    runner = CliRunner()
    frame = pd.read_csv(io.StringIO(runner.invoke(cli, ["catalog", "--format", "csv"]).stdout))
    assert set(frame["kind"]) == {"metric", "entity"}
    assert "titr_cargo_volume" in set(frame.loc[frame["kind"] == "metric", "name"])
    parsed = json.loads(runner.invoke(cli, ["catalog", "--format", "json"]).stdout)
    assert len(parsed["metrics"]) == (frame["kind"] == "metric").sum()
    assert "TITR" in {row["entity"] for row in parsed["entities"]}


USER_CATALOG = """\
metrics:
  wheat_harvest:
    meaning: wheat harvested in a country
    unit: t
    measure: level
    units: [t]
    entity_kinds: [country]
    cues: ['wheat harvest']
entities:
  TITR:
    extra_aliases: ['the Caspian bridge']
"""


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_catalog_csv_and_json_name_each_entry_s_file(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real_catalog
) -> None:
    """The file each entry came from, as the table form names it after its tables."""
    from metrics.lexicon.catalog import CATALOG_ENV, PACKAGED

    monkeypatch.setenv(CATALOG_ENV, "")  # no ./metrics.yaml: only --catalog counts
    mine = tmp_path / "mine.yaml"
    mine.write_text(USER_CATALOG)
    result = CliRunner().invoke(cli, ["catalog", "--catalog", str(mine), "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        rows = pd.read_csv(io.StringIO(result.stdout))
        origin = dict(zip(rows["kind"] + " " + rows["name"], rows["origin"], strict=True))
    else:
        parsed = json.loads(result.stdout)
        origin = {f"metric {m['id']}": m["origin"] for m in parsed["metrics"]} | {
            f"entity {e['entity']}": e["origin"] for e in parsed["entities"]
        }
    assert origin["metric wheat_harvest"] == origin["entity TITR"] == str(mine)
    assert origin["metric titr_cargo_volume"] == origin["entity Kazakhstan"] == PACKAGED
    assert set(origin.values()) == {str(mine), PACKAGED}
