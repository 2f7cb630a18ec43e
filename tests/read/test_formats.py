"""Real-world inputs end to end: a saved web page, CSV and XLSX tables, a PDF with text and a
table, and the files that cannot be read.

The HTML page and the CSV are committed under tests/fixtures/formats; the XLSX and PDF files
are written by the tests (openpyxl, fpdf2). Every figure restates a public report named in
the fixture or next to the rows below.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import paths
import pytest
from click.testing import CliRunner

from metrics.cli import cli
from metrics.errors import Reason, SourceError
from metrics.extract import extract_claims
from metrics.models import Claim, Document
from metrics.pipeline import ingest
from metrics.read import load_document
from metrics.store import Store

FIXTURES = paths.FIXTURES / "formats"
PAGE = FIXTURES / "middle_corridor_page.html"
CSV = FIXTURES / "titr_freight.csv"

# Kazakhstan: real GDP growth 5.1 % (2023) and 4.8 % (2024), Bureau of National Statistics;
# year-end inflation 9.8 % (2023) and 8.6 % (2024), National Bank of Kazakhstan.
ECONOMY_SHEET = [
    ["Year", "GDP growth, %", "Inflation, % y/y"],
    [2023, 5.1, 9.8],
    [2024, 4.8, 8.6],
]
# Aktau port handled 2.6 million tonnes in January-July 2023 (PortNews, 2023-09-04).
PORTS_SHEET = [
    ["Cargo handled at Caspian ports, thousand tonnes"],
    ["Port", "Jan–Jul 2023"],
    ["Aktau port", 2600],
]

# TITR freight: 2.76 Mt in 2023 (The Astana Times, 2024-02-27); 4.5 Mt in 2024, up 62 %
# (Kazinform, May 2025).
PDF_INTRO = (
    "Freight carried along the Trans-Caspian International Transport Route reached "
    "4.5 million tonnes in 2024, up 62 percent on the year before."
)
PDF_CAPTION = "Table 1. Freight on the Middle Corridor, thousand tonnes"
PDF_TABLE = [["Route", "2023", "2024"], ["TITR", "2 760", "4 500"]]


def facts(claims: list[Claim]) -> set[tuple[object, ...]]:
    """What a claim says, without where it was found."""
    return {
        (c.metric, c.entity, round(c.value, 6), c.unit, c.period, c.status, c.measure,
         c.base_period, c.extractor.split(":")[0])
        for c in claims
    }


def assert_located(document: Document, claims: list[Claim]) -> None:
    """Every claim points at its own figure in the document text."""
    for claim in claims:
        assert document.text[claim.char_start : claim.char_end] == claim.value_text, claim


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def pdf_bytes(*, encrypt: bool = False, text: bool = True) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    if text:
        pdf.multi_cell(0, 6, PDF_INTRO)
        pdf.ln(4)
        pdf.cell(0, 6, PDF_CAPTION, new_x="LMARGIN", new_y="NEXT")
        with pdf.table() as table:
            for cells in PDF_TABLE:
                row = table.row()
                for cell in cells:
                    row.cell(cell)
        pdf.ln(4)
        pdf.multi_cell(0, 6, "Shippers expect waiting times at the Caspian ports to shorten.")
    else:
        pdf.rect(20, 20, 120, 80, style="F")  # a scanned page: pixels, no text
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password="secret")
    return bytes(pdf.output())


# -- HTML pages ---------------------------------------------------------------------------


def test_page_metadata_comes_from_its_tags() -> None:
    page = load_document(PAGE, FIXTURES)
    assert page.format == "html"
    assert page.title == "Middle Corridor freight keeps growing"
    assert page.url == "https://example.org/news/middle-corridor-freight"
    assert page.publisher == "Corridor Review (metrics test fixture)"
    assert page.published == date(2025, 5, 20)


def test_page_text_is_the_article_without_furniture() -> None:
    page = load_document(PAGE, FIXTURES)
    assert "4.5 million tonnes in 2024" in page.prose
    assert "10 million tonnes by 2027" in page.prose
    for furniture in ("Most read", "Subscribe", "525", "1,000,000", "4.8%"):
        assert furniture not in page.text
    assert [table.name for table in page.tables] == ["table 1"]  # the sidebar's is skipped
    assert page.tables[0].caption == "Freight on the Middle Corridor, thousand tonnes"


def test_page_gives_the_article_and_table_claims_only() -> None:
    page = load_document(PAGE, FIXTURES)
    claims = extract_claims(page)
    assert facts(claims) == {
        ("titr_cargo_volume", "TITR", 4.5e6, "t", "2024", "actual", "level", None, "regex-v1"),
        ("titr_cargo_volume", "TITR", 62.0, "pct_change", "2024", "actual", "growth", "2023",
         "regex-v1"),
        ("titr_cargo_volume", "TITR", 1e7, "t", "2027", "target", "level", None, "regex-v1"),
        ("titr_cargo_volume", "TITR", 2.76e6, "t", "2023", "actual", "level", None, "table-v1"),
        ("titr_cargo_volume", "TITR", 4.5e6, "t", "2024", "actual", "level", None, "table-v1"),
    }
    assert_located(page, claims)
    table_quotes = [c.quote for c in claims if c.extractor.startswith("table-v1")]
    assert table_quotes[0] == (
        'table 1 (Freight on the Middle Corridor, thousand tonnes), row "TITR", '
        'column "2023": 2 760'
    )


def test_sidecar_overrides_what_the_file_says(tmp_path: Path) -> None:
    page = shutil.copy(PAGE, tmp_path / "page.html")
    before = load_document(Path(page), tmp_path)
    sidecar = tmp_path / "page.html.meta.yaml"
    sidecar.write_text("publisher: Kazinform\npublished: 2025-05-21\nlanguage: en\n")
    after = load_document(Path(page), tmp_path)
    assert (after.publisher, after.published) == ("Kazinform", date(2025, 5, 21))
    assert after.title == before.title  # keys the sidecar leaves out still come from the page
    assert after.meta == {"language": "en"}
    assert after.content_sha256 != before.content_sha256  # a new sidecar is a change to ingest


# -- tables ------------------------------------------------------------------------------


def test_csv_of_yearly_tonnage() -> None:
    table = load_document(CSV, FIXTURES)
    assert (table.format, table.publisher, table.published) == (
        "csv", "The Astana Times and Kazinform (restated)", date(2025, 5, 15)
    )
    claims = extract_claims(table)
    assert facts(claims) == {
        ("titr_cargo_volume", "TITR", 2.76e6, "t", "2023", "actual", "level", None, "table-v1"),
        ("titr_cargo_volume", "TITR", 4.5e6, "t", "2024", "actual", "level", None, "table-v1"),
        ("titr_cargo_volume", "TITR", 65.0, "pct_change", "2023", "actual", "growth", "2022",
         "table-v1"),
        ("titr_cargo_volume", "TITR", 62.0, "pct_change", "2024", "actual", "growth", "2023",
         "table-v1"),
    }
    assert {c.extractor for c in claims} == {"table-v1:period-in-column"}
    assert_located(table, claims)
    growth = next(c for c in claims if c.value == 62.0)
    assert growth.quote == (
        "titr_freight.csv (Freight carried on the Trans-Caspian International Transport Route "
        '(TITR)), row "Growth", column "2024": 62'
    )


def test_xlsx_sheets_are_tables(tmp_path: Path) -> None:
    book = write_xlsx(
        tmp_path / "kazakhstan.xlsx", {"Kazakhstan": ECONOMY_SHEET, "Ports": PORTS_SHEET}
    )
    document = load_document(book, tmp_path)
    assert [t.name for t in document.tables] == ["sheet Kazakhstan", "sheet Ports"]
    assert document.tables[0].rows[1] == ("2023", "5.1", "9.8")  # numbers as Excel shows them
    claims = extract_claims(document)
    assert facts(claims) == {
        ("gdp_growth", "Kazakhstan", 5.1, "pct_change", "2023", "actual", "growth", "2022",
         "table-v1"),
        ("gdp_growth", "Kazakhstan", 4.8, "pct_change", "2024", "actual", "growth", "2023",
         "table-v1"),
        ("inflation", "Kazakhstan", 9.8, "%", "2023", "actual", "level", None, "table-v1"),
        ("inflation", "Kazakhstan", 8.6, "%", "2024", "actual", "level", None, "table-v1"),
        ("port_cargo_throughput", "Aktau port", 2.6e6, "t", "2023-01..2023-07", "actual",
         "level", None, "table-v1"),
    }
    assert_located(document, claims)
    extractors = {c.metric: c.extractor for c in claims}
    assert extractors["gdp_growth"] == "table-v1:period-in-row"
    assert extractors["port_cargo_throughput"] == "table-v1:period-in-column"


def test_pdf_text_and_table(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes())
    (tmp_path / "report.pdf.meta.yaml").write_text(
        "title: Middle Corridor freight\npublisher: Kazinform (restated)\npublished: 2025-05-15\n"
    )
    document = load_document(path, tmp_path)
    assert document.format == "pdf"
    assert "4.5 million tonnes in 2024, up 62 percent" in document.prose  # wrapped lines joined
    assert "2 760" not in document.prose  # the table's cells are read as a table only
    assert document.tables[0].caption == PDF_CAPTION
    claims = extract_claims(document)
    assert facts(claims) == {
        ("titr_cargo_volume", "TITR", 4.5e6, "t", "2024", "actual", "level", None, "regex-v1"),
        ("titr_cargo_volume", "TITR", 62.0, "pct_change", "2024", "actual", "growth", "2023",
         "regex-v1"),
        ("titr_cargo_volume", "TITR", 2.76e6, "t", "2023", "actual", "level", None, "table-v1"),
        ("titr_cargo_volume", "TITR", 4.5e6, "t", "2024", "actual", "level", None, "table-v1"),
    }
    assert_located(document, claims)
    assert any('page 1 table 1 (Table 1. Freight' in c.quote for c in claims)


# -- files that cannot be read -----------------------------------------------------------

BAD_FILES = [
    pytest.param("report.docx", b"PK\x03\x04 not ours", Reason.UNSUPPORTED_FORMAT, id="docx"),
    pytest.param("locked.pdf", pdf_bytes(encrypt=True), Reason.ENCRYPTED, id="encrypted-pdf"),
    pytest.param("truncated.pdf", pdf_bytes()[:300], Reason.BROKEN, id="truncated-pdf"),
    pytest.param("fake.pdf", b"<html>not a pdf</html>", Reason.BROKEN, id="not-a-pdf"),
    pytest.param("scan.pdf", pdf_bytes(text=False), Reason.NO_TEXT_IN_PDF, id="scanned-pdf"),
    pytest.param("sheet.xlsx", b"plain text, not a workbook", Reason.BROKEN, id="broken-xlsx"),
    pytest.param("latin1.csv", "Année,2024\nFret,4,5\n".encode("latin-1"), Reason.NOT_UTF8,
                 id="csv-not-utf8"),
    pytest.param("empty.csv", b"\n,,\n", Reason.EMPTY, id="empty-csv"),
]


@pytest.mark.parametrize(("name", "content", "reason"), BAD_FILES)
def test_unreadable_files_name_the_reason(
    tmp_path: Path, name: str, content: bytes, reason: Reason
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError) as raised:
        load_document(path, tmp_path)
    assert raised.value.reason is reason
    assert str(raised.value).startswith(f"{path}: {reason.value}")


def test_a_bad_sidecar_is_the_files_error(tmp_path: Path) -> None:
    shutil.copy(CSV, tmp_path / "t.csv")
    (tmp_path / "t.csv.meta.yaml").write_text("- a list\n- not a mapping\n")
    with pytest.raises(SourceError) as raised:
        load_document(tmp_path / "t.csv", tmp_path)
    assert raised.value.reason is Reason.BAD_SIDECAR
    assert "t.csv.meta.yaml" in str(raised.value)


def test_a_batch_of_mixed_files_stores_what_it_can(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(PAGE, folder)
    shutil.copy(CSV, folder)
    shutil.copy(FIXTURES / "titr_freight.csv.meta.yaml", folder)
    (folder / "locked.pdf").write_bytes(pdf_bytes(encrypt=True))
    (folder / "phones.csv").write_text("Name,Phone\nAsel,555 0100\n")
    assets = folder / "middle_corridor_page_files"  # what "Save page, complete" adds
    assets.mkdir()
    (assets / "ad-frame.html").write_text("<html><body><p>Win 1,000 dollars</p></body></html>")
    with Store(":memory:") as store:
        summary = ingest(store, [folder])
        stored = store.query("SELECT path, format FROM sources ORDER BY path")
        counts = store.query("SELECT count(*) AS n FROM claims")["n"][0]
    assert dict(zip(stored["path"], stored["format"], strict=True)) == {
        "middle_corridor_page.html": "html",
        "titr_freight.csv": "csv",
    }
    assert counts == 9
    failed = sorted((Path(file).name, message) for file, message in summary.failed)
    assert [name for name, _ in failed] == ["locked.pdf", "phones.csv"]
    assert failed[0][1].startswith(f"{folder / 'locked.pdf'}: {Reason.ENCRYPTED.value}")
    assert failed[1][1].startswith(f"{folder / 'phones.csv'}: {Reason.NO_METRIC.value}")
    phones = next(m for f, m in summary.failed if f.endswith("phones.csv"))
    assert "Name, Phone" in phones  # the headers it could not match are shown


def test_cli_ingests_every_format(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(PAGE, folder)
    shutil.copy(CSV, folder)
    write_xlsx(folder / "economy.xlsx", {"Kazakhstan": ECONOMY_SHEET})
    (folder / "report.pdf").write_bytes(pdf_bytes())
    (folder / "scan.pdf").write_bytes(pdf_bytes(text=False))
    db = tmp_path / "m.duckdb"
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert f"Error: {folder / 'scan.pdf'}: {Reason.NO_TEXT_IN_PDF.value}" in result.stderr
    assert result.stdout.startswith(f"{db}: 4 documents")
    with Store(db, read_only=True) as store:
        formats = store.query("SELECT format, count(*) AS n FROM sources GROUP BY 1")
        extractors = set(store.query("SELECT DISTINCT extractor FROM claims")["extractor"])
    assert set(formats["format"]) == {"html", "csv", "xlsx", "pdf"}
    assert {"regex-v1", "table-v1:period-in-column", "table-v1:period-in-row"} <= extractors


def test_cli_extract_explains_an_unreadable_table(tmp_path: Path) -> None:
    table = tmp_path / "phones.csv"
    table.write_text("Name,Phone\nAsel,555 0100\n")
    result = CliRunner().invoke(cli, ["extract", str(table)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {table}: {Reason.NO_METRIC.value} (phones.csv: Name")
    assert "name the metric and unit in a header" in result.stderr
