"""Markdown pipe tables in `.md` and `.txt` articles are read as tables, not as prose.

Each case gives an article body and what `pipe_tables` makes of it: the prose left (each
table a blank line) and the tables as (name, rows, caption). The figures are invented.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from metrics.extract import extract_claims
from metrics.read import load_document
from metrics.read.table import pipe_tables

PORTS = "| Port | 2023 | 2024 |\n|---|---|---|\n| Veln | 5.1 | 5.4 |\n| Marn | 4.2 | 4.6 |"
PORT_ROWS = [["Port", "2023", "2024"], ["Veln", "5.1", "5.4"], ["Marn", "4.2", "4.6"]]

CASES = [
    pytest.param(
        f"Cargo handled by the ports, million tonnes:\n\n{PORTS}\n\nBoth ports grew.",
        "Cargo handled by the ports, million tonnes:\n\n\n\nBoth ports grew.",
        [("table 1", PORT_ROWS, "Cargo handled by the ports, million tonnes:")],
        id="caption-line-before",
    ),
    pytest.param(
        f"{PORTS}\nAfter the table.", "\nAfter the table.", [("table 1", PORT_ROWS, "")],
        id="table-first-no-caption",
    ),
    pytest.param(
        f"## Cargo by port\n{PORTS}", "## Cargo by port\n", [("table 1", PORT_ROWS, "Cargo by port")],
        id="heading-as-caption",
    ),
    pytest.param(
        "| Port | 2024 |\n|:---|---:|\n| Veln | 5.4 |", "", [("table 1", [["Port", "2024"], ["Veln", "5.4"]], "")],
        id="aligned-delimiter",
    ),
    pytest.param(
        "| Item | Value |\n| --- | --- |\n| **Veln** | `5.4` |\n| A \\| B | 1 |",
        "",
        [("table 1", [["Item", "Value"], ["Veln", "5.4"], ["A | B", "1"]], "")],
        id="emphasis-and-escaped-pipe",
    ),
    pytest.param(
        f"One:\n{PORTS}\n\nTwo:\n{PORTS}",
        "One:\n\n\nTwo:\n",
        [("table 1", PORT_ROWS, "One:"), ("table 2", PORT_ROWS, "Two:")],
        id="two-tables",
    ),
    pytest.param(
        f"{'A long paragraph of prose. ' * 10}\n{PORTS}",
        f"{'A long paragraph of prose. ' * 10}\n",
        [("table 1", PORT_ROWS, "")],
        id="long-line-is-no-caption",
    ),
    pytest.param(
        "| Port | 2024 |\n| Veln | 5.4 |", "| Port | 2024 |\n| Veln | 5.4 |", [],
        id="no-delimiter-row-is-prose",
    ),
    pytest.param(
        "Freight | Kazakhstan rose 12% in 2024 | KTZ said.",
        "Freight | Kazakhstan rose 12% in 2024 | KTZ said.",
        [],
        id="pipes-in-a-sentence-are-prose",
    ),
    pytest.param(
        "| a | b |\n|--|--|\n| 1 | 2 |", "| a | b |\n|--|--|\n| 1 | 2 |", [],
        id="two-dashes-are-no-delimiter",
    ),
]


@pytest.mark.parametrize(("text", "prose", "tables"), CASES)
def test_pipe_tables(text: str, prose: str, tables: list) -> None:
    found_prose, found = pipe_tables(text)
    assert found_prose == prose
    assert [(name, rows, caption) for name, rows, caption in found] == tables


def test_an_article_table_gives_table_claims(tmp_path: Path) -> None:
    article = tmp_path / "ports.md"
    article.write_text(
        "---\npublished: 2025-02-01\n---\nThroughput of Aktau port, million tonnes:\n\n"
        "| Port | 2023 | 2024 |\n|---|---|---|\n| Aktau | 5.1 | 5.4 |\n",
        encoding="utf-8",
    )
    doc = load_document(article, tmp_path)
    assert doc.published == date(2025, 2, 1)
    assert "|" not in doc.prose
    claims = {(c.metric, c.entity, c.period_start.year, c.value) for c in extract_claims(doc)}
    assert claims == {
        ("port_cargo_throughput", "Aktau port", 2023, 5_100_000),
        ("port_cargo_throughput", "Aktau port", 2024, 5_400_000),
    }
