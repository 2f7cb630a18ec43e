"""`walk.links_below`: the cheap look that lets re-ingest skip `realpath` for a file with
no symlink between the ingested folder and it. It may say True wrongly (then `realpath`
decides) but never False where a link is on the way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from metrics.read.walk import links_below, outside_root

CASES = [
    # (id, file under the tree, root under the tree, links below)
    ("plain_file", "docs/a.md", "docs", False),
    ("nested_plain_file", "docs/2024/05/a.md", "docs", False),
    ("file_is_a_link", "docs/link.md", "docs", True),
    ("folder_on_the_way_is_a_link", "docs/linked/b.md", "docs", True),
    ("root_itself_a_link_nothing_below", "rootlink/a.md", "rootlink", False),
    ("file_not_under_root", "other/c.md", "docs", True),
    ("dot_dot_on_the_way", "docs/../other/c.md", "docs", True),
    ("dangling_link", "docs/dangling.md", "docs", True),
    ("link_deep_down", "docs/2024/deep.md", "docs", True),
    ("root_with_trailing_slash", "docs/a.md", "docs/", False),
]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "docs/2024/05").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    for name in ("docs/a.md", "docs/2024/05/a.md", "other/c.md", "other/d.md"):
        (tmp_path / name).write_text("text")
    (tmp_path / "docs/link.md").symlink_to(tmp_path / "other/c.md")
    (tmp_path / "docs/linked").symlink_to(tmp_path / "other")
    (tmp_path / "other/b.md").write_text("text")
    (tmp_path / "rootlink").symlink_to(tmp_path / "docs")
    (tmp_path / "docs/dangling.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "docs/2024/deep.md").symlink_to(tmp_path / "other/d.md")
    return tmp_path


@pytest.mark.parametrize(
    ("file", "root", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_links_below(tree: Path, file: str, root: str, expected: bool) -> None:
    assert links_below(Path(tree, file), Path(tree, root)) is expected
    here = Path.cwd()
    os.chdir(tree)
    try:  # the same, written relative to the working folder
        assert links_below(Path(file), Path(root)) is expected
    finally:
        os.chdir(here)


def test_a_file_named_in_the_working_folder(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree / "docs")
    assert links_below(Path("a.md"), Path("a.md").parent) is False
    assert links_below(Path("link.md"), Path("link.md").parent) is True


@pytest.mark.parametrize(("file", "outside"), [("docs/a.md", False), ("docs/link.md", True)])
def test_outside_root_agrees_with_realpath(tree: Path, file: str, outside: bool) -> None:
    assert (outside_root(tree / file, tree / "docs") is not None) is outside
