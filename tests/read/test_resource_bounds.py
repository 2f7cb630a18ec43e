"""Tiny hostile files that took gigabytes or minutes to read: each now fails alone, quickly.

Every file is built here and is small on disk (the largest, 20,000 PDF pages, is 3 MB): YAML
aliases ("billion laughs"), a table cell spanning a million columns and rows, a workbook
with one far cell or 256 MB of sheet XML, a PDF with a stream inflating to 256 MB or
holding 20,000 pages or two million text operators, a CSV of 15 million rows, a sidecar
over --max-size, text of nothing but numbers, and dates pandas cannot hold. (The issue's
bombs inflate to a gigabyte; a quarter of that is four times the limit and builds in a
quarter of the time.) Text of numbers is read at its usual pace, about 40 µs a number,
so a file of them near --max-size would take minutes: the time budget is its bound. Each is ingested
beside a good article through the command line, in this process (`-j 1`), under a memory
budget: it must fail within a few seconds with one line naming it and the bound it broke,
and the good article must be stored. The limits themselves are `metrics/data/limits.yaml`.
"""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from metrics.cli import cli
from metrics.data import load
from metrics.errors import Reason

GOOD = (
    "---\npublisher: Test Wire\npublished: 2024-05-01\n---\n"
    "TITR cargo volume reached 4.5 million tons in 2024.\n"
)
MEGABYTE = 2**20
SECONDS = 10.0
"""Each hostile file must be refused well within this (they took 29 s to 20 minutes)."""


def laughs(levels: int = 9) -> str:
    """Nine levels of nine aliases: 387 million strings once expanded, 1 KB written."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def pdf(content: bytes = b"", *, pages: int = 1, chunks: list[bytes] | None = None) -> bytes:
    """A minimal PDF of `pages` pages sharing one Flate content stream, compressed from
    `content` or, for a stream larger than memory should hold, from `chunks`."""
    deflate = zlib.compressobj(9)
    stream = b"".join(deflate.compress(chunk) for chunk in chunks or [content]) + deflate.flush()
    first_page = 5
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    )
    objects += [page] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
    out.write(trailer % (len(objects) + 1, xref))
    return out.getvalue()


def shown(text: str) -> bytes:
    """A content stream showing `text` in one line."""
    return b"BT /F1 12 Tf 72 700 Td (" + text.encode() + b") Tj ET"


_NS = "http://schemas.openxmlformats.org/"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{_NS}package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_NS}package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_NS}officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_NS}spreadsheetml/2006/main" xmlns:r="{_NS}officeDocument/2006/relationships">'
        '<sheets><sheet name="Cargo" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_NS}package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_NS}officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}


def xlsx(cells: dict[str, str], dimension: str, padding_mb: int = 0) -> bytes:
    """A one-sheet workbook of text `cells` ("B2": "4.5"), declaring `dimension`, its sheet
    XML padded with `padding_mb` MB of blanks (which deflate to almost nothing)."""
    rows: dict[int, list[str]] = {}
    for ref, value in cells.items():
        row = int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        rows.setdefault(row, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
    data = "".join(f'<row r="{row}">{"".join(c)}</row>' for row, c in sorted(rows.items()))
    head = (
        f'<worksheet xmlns="{_NS}spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{data}'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as workbook:
        for name, text in _XLSX_PARTS.items():
            workbook.writestr(name, text)
        with workbook.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head.encode())
            blanks = b" " * MEGABYTE
            for _ in range(padding_mb):
                sheet.write(blanks)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def csv_rows(count: int) -> bytes:
    """`count` one-column rows: the digits over and over."""
    return b"1\n2\n3\n4\n5\n6\n7\n8\n9\n0\n" * (count // 10)


def with_sidecar(content: bytes, sidecar: bytes) -> Callable[[Path, str], None]:
    def make(folder: Path, name: str) -> None:
        (folder / name).write_bytes(content)
        (folder / f"{name}.meta.yaml").write_bytes(sidecar)

    return make


def html_table(cell: str) -> bytes:
    return f"<html><body><p>Cargo.</p><table><tr>{cell}</tr></table></body></html>".encode()


def built(content: Callable[[], bytes]) -> Callable[[Path, str], None]:
    """Write the file only when the test runs: some take a second to build."""

    def make(folder: Path, name: str) -> None:
        (folder / name).write_bytes(content())

    return make


# file name -> (what makes it in a folder, the reason, what the line must also say,
#               extra options of the ingest)
HOSTILE: dict[str, tuple[Callable[[Path, str], None], Reason, str, tuple[str, ...]]] = {
    "laughs-front-matter.md": (
        built(lambda: f"---\n{laughs()}---\n{GOOD.split('---')[-1]}".encode()),
        Reason.BAD_FRONT_MATTER,
        "aliases (*name) are not allowed",
        (),
    ),
    "laughs-sidecar.csv": (
        with_sidecar(b"Year,Cargo\n2024,4.5\n", laughs().encode()),
        Reason.BAD_SIDECAR,
        "aliases (*name) are not allowed",
        (),
    ),
    "spans.html": (  # clamped to 1000 x 65534, still too many cells
        built(lambda: html_table('<td colspan="1000000" rowspan="1000000">1</td>')),
        Reason.TOO_LARGE,
        "table 1 has more than 1,000,000 cells",
        (),
    ),
    "far-cell.xlsx": (
        built(lambda: xlsx({"A1": "Year", "XFD1048576": "4.5"}, "A1:XFD1048576")),
        Reason.TOO_LARGE,
        "worksheet sheet1.xml has more than 100,000 rows",
        (),
    ),
    "sheet-xml-256mb.xlsx": (
        built(lambda: xlsx({"A1": "Year"}, "A1", padding_mb=256)),
        Reason.TOO_LARGE,
        "256 MB uncompressed, over the limit of 64 MB",
        (),
    ),
    "stream-256mb.pdf": (
        built(lambda: pdf(chunks=[shown("Cargo.")] + [b" " * MEGABYTE] * 256)),
        Reason.TOO_LARGE,
        "a stream of more than 64 MB once inflated",
        (),
    ),
    "pages-20000.pdf": (
        built(lambda: pdf(shown("Cargo."), pages=20_000)),
        Reason.TOO_LARGE,
        "more than 2,000 pages",
        (),
    ),
    "text-operators-2m.pdf": (
        built(lambda: pdf(b"BT /F1 1 Tf " + b"(a) Tj " * 2_000_000 + b"ET")),
        Reason.TOO_LARGE,
        "more than 1,000,000 text operators",
        (),
    ),
    "rows-15m.csv": (
        built(lambda: csv_rows(15_000_000)),
        Reason.TOO_LARGE,
        "rows-15m.csv has more than 100,000 rows",
        (),
    ),
    "sidecar-2mb.csv": (
        with_sidecar(b"Year,Cargo\n2024,4.5\n", b"title: " + b"x" * (2 * MEGABYTE) + b"\n"),
        Reason.TOO_LARGE,
        "its sidecar sidecar-2mb.csv.meta.yaml: 2.0 MB, over the limit of 1 MB",
        ("--max-size", "1"),
    ),
    "ones.txt": (
        # a cue first, or the article screen passes over it in a moment
        built(lambda: b"Cargo: " + b"1 " * MEGABYTE),
        Reason.TIME_BUDGET,
        "(1 s)",
        ("--file-timeout", "1"),
    ),
    "years.txt": (
        # a cue first, or the article-level prefilter passes over it in a moment
        built(lambda: b"Cargo: " + b"2023 " * (MEGABYTE // 2)),
        Reason.TIME_BUDGET,
        "(1 s)",
        ("--file-timeout", "1"),
    ),
    "published-0001.md": (
        built(lambda: GOOD.replace("2024-05-01", "0001-01-01").encode()),
        Reason.DATE_OUT_OF_RANGE,
        "0001-01-01: before 1677-09-22",
        (),
    ),
    "published-1677-09-21.md": (
        built(lambda: GOOD.replace("2024-05-01", "1677-09-21").encode()),
        Reason.DATE_OUT_OF_RANGE,
        "1677-09-21: before 1677-09-22",
        (),
    ),
}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, object, float]]:
    """Each hostile file ingested beside a good article: (folder, result, seconds)."""
    outcomes = {}
    runner = CliRunner()
    for name, (content, _, _, options) in HOSTILE.items():
        folder = tmp_path_factory.mktemp(name.replace(".", "-"))
        (folder / "good.md").write_text(GOOD, encoding="utf-8")
        content(folder, name)
        db = folder.parent / f"{folder.name}.duckdb"
        started = time.monotonic()
        args = ["ingest", str(folder), "--db", str(db), "-j", "1", "--file-memory", "768"]
        result = runner.invoke(cli, [*args, *options])
        outcomes[name] = (folder, result, time.monotonic() - started)
    return outcomes


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_fails_alone_quickly_with_one_line(
    ingested: dict[str, tuple[Path, object, float]], name: str
) -> None:
    folder, result, seconds = ingested[name]
    _, reason, detail, _ = HOSTILE[name]
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.output
    assert errors[0].startswith(f"Error: {folder / name}: {reason.value}"), errors[0]
    assert detail in errors[0]
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    assert seconds < SECONDS, f"{name} took {seconds:.1f} s"
    db = folder.parent / f"{folder.name}.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("SELECT path FROM sources").fetchall()
    assert stored == [("good.md",)]


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_small_on_disk(
    ingested: dict[str, tuple[Path, object, float]], name: str
) -> None:
    folder, _, _ = ingested[name]
    size = sum(path.stat().st_size for path in folder.iterdir())
    # the CSV is as big as a file under --max-size may be: its hazard is rows per byte
    assert size < (30 if name == "rows-15m.csv" else 4) * MEGABYTE


def test_the_limits_the_tests_name_are_the_data_files() -> None:
    """The expected messages above quote limits.yaml: a changed limit must change them."""
    limits = load("limits.yaml")
    assert limits["tables"] == {"max_rows": 100_000, "max_cells": 1_000_000}
    assert limits["xlsx"]["max_uncompressed_mb"] == 64
    assert limits["pdf"]["max_stream_mb"] == 64
    assert limits["pdf"]["max_pages"] == 2000
    assert limits["pdf"]["max_text_operators"] == 1_000_000


@pytest.mark.parametrize(
    ("cell", "expected_width"),
    [
        ('<td colspan="3">1</td>', 3),
        ('<td colspan="5000">1</td>', 1000),  # clamped as browsers clamp it
    ],
)
def test_spans_are_clamped_like_a_browser(write, cell: str, expected_width: int) -> None:
    from metrics.read import load_document

    page = write("page.html", html_table(cell).decode().replace("<tr>", "<tr><td>2024</td>"))
    (table,) = load_document(page).tables
    assert max(len(row) for row in table.rows) == expected_width + 1


def test_anchors_without_aliases_still_read(write) -> None:
    from metrics.read import load_document

    article = write("a.md", "---\ntitle: &t Cargo\npublisher: Wire\n---\nText.\n")
    assert load_document(article).title == "Cargo"


def test_a_declared_dimension_alone_costs_nothing(write) -> None:
    """pandas reads the cells, not the declaration: a sheet declaring A1:XFD1048576 over
    four cells is read as the four cells."""
    from metrics.read import load_document

    cells = {"A1": "Year", "B1": "TITR cargo, million tons", "A2": "2024", "B2": "4.5"}
    workbook = write("declared.xlsx", xlsx(cells, "A1:XFD1048576"))
    (table,) = load_document(workbook).tables
    assert table.rows == (("Year", "TITR cargo, million tons"), ("2024", "4.5"))


def test_extract_reads_one_file_under_the_default_budget(
    write, monkeypatch: pytest.MonkeyPatch
) -> None:
    import metrics.run.budget

    monkeypatch.setattr(metrics.run.budget, "default_timeout", lambda: 1.0)
    numbers = write("ones.txt", "Cargo: " + "1 " * MEGABYTE)  # a cue, or it is screened out
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["extract", str(numbers)])
    assert result.exit_code == 1
    assert f"Error: {numbers}: exceeded the time budget (1 s); split it" in result.stderr
    assert time.monotonic() - started < SECONDS
