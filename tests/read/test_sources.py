"""Reading article files: front matter, datelines, exact bodies and every way a file is refused.

The articles that load, and what they load as, are in `tests/cases/read_text_cases.yaml`.
The refusals stay here: their bytes (Latin-1, UTF-16 without a mark, a truncated UTF-16
character) are not text a YAML file can hold.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from paths import CASES

from metrics.errors import Reason, SourceError
from metrics.models import SOURCE_FORMATS
from metrics.read import FORMATS, iter_source_files, load_document

CASES_FILE = CASES / "read_text_cases.yaml"

UNICODE_ARTICLE = "---\ntitle: Грузы\n---\nРост 62%.\n"


def with_bom(codec: str) -> bytes:
    """The article as Windows saves "Unicode" text: the byte-order mark first."""
    text = UNICODE_ARTICLE if codec in ("utf-16", "utf-32", "utf-8-sig") else "\ufeff" + UNICODE_ARTICLE
    return text.encode(codec)


def load_cases(path: Path) -> list:
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        pytest.param(case["file"], case["content"], case["expected"], id=case["id"])
        for case in cases
    ]


LOADS = [
    *load_cases(CASES_FILE),
    *(
        pytest.param(
            "a.txt", with_bom(codec), {"title": "Грузы", "text": "Рост 62%.\n"},
            id=f"{codec}-with-byte-order-mark",
        )
        for codec in ("utf-16", "utf-16-be", "utf-32", "utf-8-sig")
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), LOADS)
def test_load_document(write, name: str, content: str, expected: dict) -> None:
    path = write(name, content)
    doc = load_document(path, path.parent)
    assert {key: getattr(doc, key) for key in expected} == expected
    assert doc.path == name
    assert doc.content_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    json.dumps(doc.meta)  # meta goes into a JSON column


REFUSALS = [
    pytest.param("a.txt", b"caf\xe9 4.5 million tons", Reason.NOT_UTF8, id="latin-1"),
    pytest.param("a.txt", b"---\ntitle: [unclosed\n---\nBody", Reason.BAD_FRONT_MATTER,
                 id="bad-yaml"),
    pytest.param("a.txt", b"---\n- a list\n---\nBody", Reason.BAD_FRONT_MATTER,
                 id="yaml-not-a-mapping"),
    pytest.param("a.txt", b"---\ntitle: x\nBody without closing fence", Reason.BAD_FRONT_MATTER,
                 id="no-closing-fence"),
    pytest.param("a.txt", b"---\npublished: 2024-13-45\n---\nBody", Reason.BAD_DATE,
                 id="impossible-date"),
    pytest.param("a.txt", b"---\npublished: yesterday\n---\nBody", Reason.BAD_DATE,
                 id="words-for-date"),
    pytest.param("a.txt", b"---\npublished: 2024\n---\nBody", Reason.BAD_DATE, id="year-only"),
    pytest.param("a.txt", b"date 2025-02-30 Images\nBody", Reason.BAD_DATE,
                 id="impossible-date-line"),
    pytest.param("a.docx", b"PK\x03\x04 4.5 million tons", Reason.UNSUPPORTED_FORMAT, id="docx"),
    pytest.param("README", b"4.5 million tons", Reason.UNSUPPORTED_FORMAT, id="no-suffix"),
    pytest.param("a.txt", b"", Reason.EMPTY, id="empty-file"),
    pytest.param("a.txt", "Рост 62%.".encode("utf-16-le"), Reason.BINARY, id="utf-16-without-mark"),
    pytest.param("a.txt", "Рост".encode("utf-16") + b"\x00", Reason.NOT_UTF8, id="utf-16-truncated"),
    pytest.param("a.md", b" \n\t\n", Reason.EMPTY, id="whitespace-only"),
    pytest.param("a.txt", b"---\ntitle: Only a header\n---\n", Reason.EMPTY,
                 id="front-matter-only"),
]


@pytest.mark.parametrize(("name", "content", "reason"), REFUSALS)
def test_load_document_refuses(write, name: str, content: bytes, reason: Reason) -> None:
    path = write(name, content)
    with pytest.raises(SourceError) as raised:
        load_document(path, path.parent)
    assert raised.value.reason is reason
    assert str(path) in str(raised.value)
    assert reason.value in str(raised.value)


def test_every_format_read_is_one_the_contract_knows() -> None:
    """The readers' registry and the data contract's list of formats cannot drift apart."""
    assert sorted({source_format.name for source_format in FORMATS.values()}) == sorted(
        SOURCE_FORMATS
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as raised:
        load_document(tmp_path / "gone.txt")
    assert raised.value.reason is Reason.NOT_FOUND


def test_path_is_relative_to_root_in_posix_form(write, tmp_path: Path) -> None:
    path = write("docs/2024/a.txt", "Body.")
    assert load_document(path, tmp_path / "docs").path == "2024/a.txt"
    assert load_document(path).path == path.as_posix()


def test_iter_source_files_walks_folders(write, tmp_path: Path) -> None:
    for name in ["docs/b.txt", "docs/a.md", "docs/sub/c.TXT", "docs/notes.json",
                 "docs/.hidden.txt", "docs/.git/d.txt", "docs/README.md", "e.json"]:
        write(name, "Body.")
    docs = tmp_path / "docs"
    found = iter_source_files([docs, tmp_path / "e.json", docs / "a.md"])
    assert [(file.relative_to(tmp_path).as_posix(), root) for file, root in found] == [
        ("docs/a.md", docs),
        ("docs/b.txt", docs),
        ("docs/sub/c.TXT", docs),
        ("e.json", tmp_path),  # named explicitly: kept, so load_document reports it
    ]


def test_corpus_loads_with_exact_bodies(corpus_docs: Path) -> None:
    """Every gold quote must be found verbatim in the body, or offsets would be off."""
    documents = {
        doc.path: doc
        for doc in (load_document(file, root) for file, root in iter_source_files([corpus_docs]))
    }
    assert all(doc.published is not None for doc in documents.values())
    lines = (corpus_docs.parent / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    gold = [json.loads(line) for line in lines if line.strip()]
    missing = [g["quote"] for g in gold if g["quote"] not in documents[g["doc"]].text]
    assert missing == []
