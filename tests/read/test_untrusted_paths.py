"""Folders from elsewhere (issue 17, item 4): symlinks that lead out of the folder, names
at the system's length limit, metadata that is a list. Each file fails alone, on one line
naming it, or is read; the rest of the batch is stored."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from metrics import pipeline
from metrics.cli import cli
from metrics.errors import Reason
from metrics.pipeline import ingest
from metrics.read import SIDECAR_SUFFIX, load_document
from metrics.store import Store

ARTICLE = "---\npublished: 2024-05-01\n---\nCargo reached 4500 tons.\n"
LONG_NAME = "n" * 246 + ".txt"  # 250 bytes: the sidecar's name would be 260, over 255


@pytest.fixture(autouse=True)
def fake_ingest(monkeypatch: pytest.MonkeyPatch, fake_extractor) -> None:
    monkeypatch.setattr(pipeline, "ingest", functools.partial(ingest, extractor=fake_extractor))


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A private file beside the folder being ingested."""
    secret = tmp_path / "private" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("Salary 9999 tons.\n", encoding="utf-8")
    return secret


def _ingest(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["ingest", *args, "--db", str(tmp_path / "m.duckdb")])


def _stored_paths(tmp_path: Path) -> list[str]:
    with Store(tmp_path / "m.duckdb", read_only=True) as store:
        return sorted(store.query("SELECT path FROM sources")["path"])


def _errors(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Error:")]


def test_a_symlink_out_of_the_folder_is_refused_unread(
    tmp_path: Path, write, outside: Path
) -> None:
    write("docs/good.txt", ARTICLE)
    (tmp_path / "docs" / "link.txt").symlink_to(outside)
    (tmp_path / "docs" / "passwd.txt").symlink_to("/etc/passwd")
    result = _ingest(tmp_path, str(tmp_path / "docs"))
    assert result.exit_code == 1
    assert sorted(_errors(result)) == [
        f"Error: {tmp_path}/docs/link.txt: {Reason.OUTSIDE_FOLDER.value} (to {outside}); "
        "ingest it with --follow-symlinks if you trust where it leads",
        f"Error: {tmp_path}/docs/passwd.txt: {Reason.OUTSIDE_FOLDER.value} (to /etc/passwd); "
        "ingest it with --follow-symlinks if you trust where it leads",
    ]
    assert _stored_paths(tmp_path) == ["good.txt"]
    assert "1 documents, 1 claims, 0 skipped, 2 failed" in result.stdout


def test_follow_symlinks_reads_them(tmp_path: Path, write, outside: Path) -> None:
    write("docs/good.txt", ARTICLE)
    (tmp_path / "docs" / "link.txt").symlink_to(outside)
    result = _ingest(tmp_path, str(tmp_path / "docs"), "--follow-symlinks")
    assert result.exit_code == 0, result.output
    assert _stored_paths(tmp_path) == ["good.txt", "link.txt"]


def test_a_symlink_within_the_folder_is_read(tmp_path: Path, write) -> None:
    write("docs/.drafts/draft.txt", ARTICLE)  # hidden: not walked itself
    (tmp_path / "docs" / "published.txt").symlink_to(tmp_path / "docs" / ".drafts" / "draft.txt")
    result = _ingest(tmp_path, str(tmp_path / "docs"))
    assert result.exit_code == 0, result.output
    assert _stored_paths(tmp_path) == ["published.txt"]


def test_a_file_named_on_the_command_line_is_held_to_its_own_folder(
    tmp_path: Path, write, outside: Path
) -> None:
    write("docs/good.txt", ARTICLE)
    link = tmp_path / "docs" / "link.txt"
    link.symlink_to(outside)
    refused = _ingest(tmp_path, str(link), str(tmp_path / "docs" / "good.txt"))
    assert refused.exit_code == 1
    assert [e.split(": ")[2].split(" (")[0] for e in _errors(refused)] == [
        Reason.OUTSIDE_FOLDER.value
    ]
    assert _stored_paths(tmp_path) == ["good.txt"]
    assert _ingest(tmp_path, str(link), "--follow-symlinks").exit_code == 0


def test_a_folder_reached_through_a_symlink_is_read(tmp_path: Path, write) -> None:
    """The folder named is where the user points: a link to it is not "outside"."""
    write("real/a.txt", ARTICLE)
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    result = _ingest(tmp_path, str(tmp_path / "alias"))
    assert result.exit_code == 0, result.output
    assert _stored_paths(tmp_path) == ["a.txt"]


def test_a_name_at_the_length_limit_is_read(tmp_path: Path, write) -> None:
    write(f"docs/{LONG_NAME}", ARTICLE)
    write("docs/other.txt", ARTICLE.replace("4500", "2600"))
    result = _ingest(tmp_path, str(tmp_path / "docs"))
    assert result.exit_code == 0, result.output
    assert _stored_paths(tmp_path) == [LONG_NAME, "other.txt"]
    again = _ingest(tmp_path, str(tmp_path / "docs"))  # hashed again to skip it
    assert "0 documents, 0 claims, 2 skipped, 0 failed" in again.stdout
    extracted = CliRunner().invoke(cli, ["extract", str(tmp_path / "docs" / LONG_NAME)])
    assert extracted.exit_code == 0 and "4,500" in extracted.stdout


def test_a_report_name_at_the_length_limit_is_written(tmp_path: Path, write) -> None:
    write("docs/a.txt", ARTICLE)
    assert _ingest(tmp_path, str(tmp_path / "docs")).exit_code == 0
    out = tmp_path / ("r" * 250 + ".html")
    result = CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "m.duckdb"),
                                      "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0 and not list(tmp_path.glob("*.partial"))


LIST_METADATA = [
    pytest.param("a.md", "---\nurl: [https://a.example/x, https://b.example/x]\n---\nBody 1 tons.\n",
                 None, Reason.BAD_FRONT_MATTER, "url is a list", id="url-list"),
    pytest.param("a.md", "---\ntitle:\n  en: Cargo\n  ru: Грузы\n---\nBody 1 tons.\n",
                 None, Reason.BAD_FRONT_MATTER, "title is a mapping", id="title-mapping"),
    pytest.param("a.md", "---\npublisher: [A, B]\n---\nBody 1 tons.\n",
                 None, Reason.BAD_FRONT_MATTER, "publisher is a list", id="publisher-list"),
    pytest.param("a.csv", "Indicator,2024\nCargo,1\n", "url:\n  - https://a.example\n",
                 Reason.BAD_SIDECAR, "url is a list", id="sidecar-url-list"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "sidecar", "reason", "detail"), LIST_METADATA)
def test_metadata_that_is_a_list_is_refused(
    tmp_path: Path, write, name: str, content: str, sidecar: str | None, reason: Reason,
    detail: str,
) -> None:  # fmt: skip
    path = write(f"docs/{name}", content)
    if sidecar is not None:
        write(f"docs/{name}{SIDECAR_SUFFIX}", sidecar)
    write("docs/good.txt", ARTICLE)
    result = _ingest(tmp_path, str(tmp_path / "docs"))
    assert result.exit_code == 1
    (error,) = _errors(result)
    assert error.startswith(f"Error: {path}: {reason.value} ({detail}; give one value")
    assert _stored_paths(tmp_path) == ["good.txt"]


def test_metadata_beside_the_known_keys_may_be_a_list(tmp_path: Path, write) -> None:
    path = write("a.md", "---\nurl: https://a.example/x\nmirrors: [https://b.example/x]\n---\n"
                         "Body.\n")  # fmt: skip
    document = load_document(path)
    assert document.url == "https://a.example/x"
    assert document.meta == {"mirrors": ["https://b.example/x"]}
