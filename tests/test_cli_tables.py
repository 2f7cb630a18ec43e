"""Terminal tables fit the terminal and every listing command speaks table, csv and json
(issue 19, item 7): long text columns are cut with "…" to the width COLUMNS or the terminal
gives, numbers never; csv and json keep whole values; `claims` names each claim's file."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from metrics.cli import cli
from metrics.output import CUT, TEXT_COLUMN_MIN, _wrapped, text_table

LONG = "a sentence far longer than any terminal column should be allowed to show " * 3
FRAME = pd.DataFrame(
    {
        "metric": ["titr_cargo_volume", "gdp_growth"],
        "value": [2_760_000.0, 4.9],
        "reason": [LONG, "short"],
        "quote": [LONG.upper(), "q"],
    }
)


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_table_rows_fit_the_width_without_cutting(width: int) -> None:
    lines = text_table(FRAME, width).splitlines()
    assert max(map(len, lines)) <= width
    assert "2,760,000" in lines[1]  # numbers are never cut
    assert CUT not in "".join(lines)
    words = " ".join(lines).split()
    assert words.count("terminal") == words.count("TERMINAL") == 3  # every word, whole


def test_no_width_keeps_whole_values() -> None:
    assert LONG.strip() in text_table(FRAME)


def test_a_row_that_fits_is_left_as_it_is() -> None:
    short = FRAME.assign(reason="r", quote="q")
    assert text_table(short, 80) == text_table(short)


@pytest.mark.parametrize(
    ("cell", "width", "lines"),
    [
        ("Kazakhstan-China", 11, ["Kazakhstan-", "China"]),
        ("2023-01..2023-07", 9, ["2023-01..", "2023-07"]),
        ("North-South corridor", 11, ["North-South", "corridor"]),
        ("abcdefgh", 5, ["abcd…"]),  # no break at all: cut, the last resort
        ("port_transit_cargo_throughput", 20, ["port_transit_cargo_", "throughput"]),
        ("4.9 percent vs 16 percent", 12, ["4.9 percent", "vs 16", "percent"]),
    ],
)
def test_text_wraps_between_words_never_inside_one(cell: str, width: int, lines: list[str]) -> None:
    assert _wrapped(cell, width, whole=False) == lines


def test_columns_keep_a_minimum_when_the_terminal_is_too_narrow() -> None:
    frame = pd.DataFrame({"metric": ["a" * 30], "value": [1.5]})
    lines = text_table(frame, 10).splitlines()
    assert lines[1].startswith("a" * (TEXT_COLUMN_MIN - 1) + CUT + " ")


@pytest.mark.parametrize(
    ("value", "cell"),
    [(34.1, "34.1"), (17_971_662_938.1059, "17,971,662,938"), (4.16666666666667, "4.16667"),
     (401_481.481481481, "401,481"), (24_100_000_000.0, "24,100,000,000"), (-6.7, "-6.7")],
)  # fmt: skip
def test_fractions_are_rounded_for_reading(value: float, cell: str) -> None:
    assert text_table(pd.DataFrame({"value": [value]})).splitlines()[1].strip() == cell


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
def test_listing_commands_fit_columns(db: Path, command: str, columns: int, real_catalog) -> None:
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


# --- the samples at 80 and 200 columns -----------------------------------------------------

NUMBERS = {"value", "n_sources", "n_claims"}


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from paths import SAMPLES

    db = tmp_path_factory.mktemp("samples") / "m.duckdb"
    result = CliRunner().invoke(cli, ["ingest", str(SAMPLES), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    return db


def _records(table: str) -> tuple[list[str], list[dict[str, str]]]:
    """The grid's columns and, per row, each grid cell (its lines joined as they were split)
    and the text folded under the row ("~"), read back from the printed table."""
    header, *lines = table.splitlines()
    names = header.split()
    starts = [header.index(f" {n}" if i else n) + (1 if i else 0) for i, n in enumerate(names)]
    grid = [header, *(line for line in lines if not re.match(r"  \S", line))]
    blank = [all(len(line) <= at or line[at] == " " for line in grid) for at in range(len(header))]
    cuts = []  # where each column ends: before the next name, or before the widest number
    for i, name in enumerate(names[1:], 1):
        if name in NUMBERS:
            gutter = range(starts[i - 1] + len(names[i - 1]), starts[i])
            cuts.append(max(at for at in gutter if blank[at]))
        else:
            cuts.append(starts[i] - 1)
    spans = list(zip([0, *(c + 1 for c in cuts)], [*cuts, None], strict=True))
    records: list[dict[str, list[str]]] = []
    for line in lines:
        if re.match(r"  \S", line):
            records[-1]["~"].append(line.strip())  # folded under the row
            continue
        id_goes_on = records and records[-1][names[0]][-1].endswith("_")  # the last resort
        if not line.startswith(" ") and not id_goes_on:
            records.append({name: [] for name in [*names, "~"]})
        for name, (left, right) in zip(names, spans, strict=True):
            if piece := line[left:right].strip():
                records[-1][name].append(piece)
    joined = [
        {name: " ".join(parts) if name == "~" else
         "".join(p if not i or re.search(r"[-._]$", parts[i - 1]) else f" {p}"
                 for i, p in enumerate(parts)) for name, parts in r.items()}
        for r in records
    ]  # fmt: skip
    return names, joined


@pytest.mark.parametrize("columns", [80, 200])
@pytest.mark.parametrize(
    ("command", "key", "folded_first"),
    [("resolved", ["metric", "entity", "period", "value", "unit"], "value_text"),
     ("conflicts", ["metric", "entity", "period", "value_text"], "reason"),
     ("claims", ["metric", "entity", "value", "unit", "period"], "source")],
)  # fmt: skip
def test_sample_tables_read_whole_at_80_and_200_columns(
    samples_db: Path, command: str, key: list[str], folded_first: str, columns: int
) -> None:
    """Every row of the samples readable: no line past the terminal, nothing cut with "…";
    metric, entity, period and value whole in the grid (a line break only between the words
    of "Kazakhstan-China" or after the ".." of "2023-01..2023-07"); the long text (why,
    quote, source) whole, in its column or under its row."""
    runner = CliRunner()
    whole = pd.read_csv(
        io.StringIO(runner.invoke(cli, [command, "--db", str(samples_db), "--format", "csv"]).stdout),
        dtype=str, keep_default_na=False,
    )  # fmt: skip
    if command == "claims":
        paths = runner.invoke(cli, ["sql", "SELECT source_id, path AS source FROM sources",
                                    "--db", str(samples_db), "--format", "csv"]).stdout  # fmt: skip
        whole = whole.merge(pd.read_csv(io.StringIO(paths), dtype=str), on="source_id")
    result = runner.invoke(cli, [command, "--db", str(samples_db)], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    assert len(whole) >= 8  # enough rows to meet long and short text alike
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= columns
    assert CUT not in result.stdout
    names, rows = _records(result.stdout)
    assert set(key) <= set(names)
    assert len(rows) == len(whole)
    for row, expected in zip(rows, whole.to_dict("records"), strict=True):
        for name in key:
            if name == "value" and expected[name]:
                assert float(row[name].replace(",", "")) == pytest.approx(
                    float(expected[name]), rel=1e-5
                )
            else:
                assert row[name] == expected[name], (name, row)
        text = expected[folded_first].removeprefix("'")  # CSV's mark of a formula-like cell
        if folded_first not in names and text:
            said = "".join(row["~"].split())
            assert "".join(f"{folded_first}: {text}".split()) in said
    if columns == 200:
        assert folded_first in names or command == "resolved"


@pytest.mark.parametrize("columns", [60, 80])
def test_any_query_fits_without_cutting(samples_db: Path, columns: int) -> None:
    """`metrics sql` of every column of a view: the columns FOLD_ORDER does not name fold
    too (the rightmost first), so nothing is cut; metric, entity, period stay in the grid."""
    result = CliRunner().invoke(
        cli, ["sql", "SELECT * FROM conflicts", "--db", str(samples_db)],
        env={"COLUMNS": str(columns)},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= columns and CUT not in result.stdout
    assert lines[0].split()[:3] == ["metric", "entity", "period"]
    assert "claim_id: " in result.stdout and "quote: " in result.stdout
