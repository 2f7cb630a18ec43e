"""A batch of broken, hostile and odd files: each gets a one-line reason, the rest is stored.

The corpus is built here, file by file, the way real folders go wrong: encodings, truncated
or binary downloads, broken front matter, links, permissions, copies, and numbers no float
holds. It is ingested through the command line with the real extractor, as a user would.
"""

from __future__ import annotations

import math
import os
import pathlib
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner, Result

from metrics.cli import cli
from metrics.errors import Reason

GOOD = (
    "---\npublisher: Test Wire\npublished: 2024-05-01\n---\n"
    "TITR cargo volume reached 4.5 million tons in 2024.\n"
)
RUSSIAN = (
    "Объём перевозок по Транскаспийскому маршруту в 2024 году вырос на 62% "
    "и достиг 4,5 млн тонн, сообщили в министерстве транспорта Казахстана."
)
SENTENCES = (
    "The ministry said the new terminal would open soon. "
    "Officials met in Aktau to discuss tariffs and timetables. "
    * 8
    + "Freight on the route reached 4.5 million tons in 2024. "
)
MEGABYTE = 2**20


def _symlink_loop(folder: Path) -> None:
    (folder / "loop-a.txt").symlink_to("loop-b.txt")
    (folder / "loop-b.txt").symlink_to("loop-a.txt")


# file name -> (bytes, or a function making the file in the folder; the reason it fails)
FAILING: dict[str, tuple[bytes | Callable[[Path], None], Reason]] = {
    "empty.txt": (b"", Reason.EMPTY),
    "binary.txt": (bytes(range(256)) * 64, Reason.BINARY),
    "invalid-utf8.txt": (b"TITR cargo \xff\xfe reached 4.5 million tons in 2024.", Reason.NOT_UTF8),
    "russian-cp1251.txt": (RUSSIAN.encode("cp1251"), Reason.NOT_UTF8),
    "dump-50mb.txt": (b"Cargo moved. " * (50 * MEGABYTE // 13), Reason.TOO_LARGE),
    "front-matter-broken.md": (b"---\ntitle: [unclosed\n---\nBody.\n", Reason.BAD_FRONT_MATTER),
    "front-matter-list.md": (b"---\n- a\n- b\n---\nBody.\n", Reason.BAD_FRONT_MATTER),
    "front-matter-unclosed.md": (b"---\ntitle: x\nBody and no fence.\n", Reason.BAD_FRONT_MATTER),
    "impossible-date.md": (GOOD.replace("2024-05-01", "2024-13-45").encode(), Reason.BAD_DATE),
    "future-date.md": (
        GOOD.replace("2024-05-01", (date.today() + timedelta(days=400)).isoformat()).encode(),
        Reason.FUTURE_DATE,
    ),
    "loop-a.txt": (_symlink_loop, Reason.UNREADABLE),
    "loop-b.txt": (lambda folder: None, Reason.UNREADABLE),  # made with loop-a
    "unreadable.txt": (GOOD.replace("4.5", "4.7").encode(), Reason.UNREADABLE),
}
# file name -> content; each is stored
STORED: dict[str, bytes] = {
    "good.md": GOOD.encode(),
    "one-line-5mb.txt": (SENTENCES * (5 * MEGABYTE // len(SENTENCES))).encode(),
    "overflowing-numbers.txt": (
        b"TITR cargo volume reached 1e308 tons in 2023, 10^999 tons in 2024 and "
        b"1.8e308 tons in 2025, and 4.2 million tons in 2026."
    ),
    "million-digits.txt": b"TITR cargo volume reached " + b"9" * 1_000_000 + b" tons in 2024.",
}
COPIES = {"resaved-good.md": "good.md"}  # skipped: same content as a file before it


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad-input")
    for name, (content, _) in FAILING.items():
        if callable(content):
            content(folder)
        else:
            (folder / name).write_bytes(content)
    for name, content in STORED.items():
        (folder / name).write_bytes(content)
    for copy, original in COPIES.items():
        (folder / copy).write_bytes(STORED[original])
    (folder / "unreadable.txt").chmod(0)
    return folder


def refuse_to_read_as_root(file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads any file whatever its mode: then say what the kernel says to anyone else."""
    if os.geteuid() != 0:
        return
    read_bytes = pathlib.Path.read_bytes

    def refuse(path: pathlib.Path) -> bytes:
        if path.absolute() == file:
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(pathlib.Path, "read_bytes", refuse)


def ingest(*args: str) -> Result:
    """`metrics ingest ARGS -j 1`, in this process, with the unreadable file unreadable.

    No time budget: these files fail for what they hold, and the 5 MB one-line article
    takes tens of seconds on a loaded machine (tests/read/test_resource_bounds.py tests the
    budget)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        refuse_to_read_as_root(Path(args[0]) / "unreadable.txt", monkeypatch)
        return CliRunner().invoke(cli, ["ingest", *args, "-j", "1", "--file-timeout", "0"])


@pytest.fixture(scope="module")
def ingested(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """The whole folder ingested once into a fresh database."""
    db = tmp_path_factory.mktemp("db") / "m.duckdb"
    return db, ingest(str(corpus), "--db", str(db))


def _stored_paths(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [
            path for (path,) in con.execute("SELECT path FROM sources ORDER BY path").fetchall()
        ]


@pytest.mark.parametrize(("name", "reason"), [(n, r) for n, (_, r) in FAILING.items()])
def test_each_failing_file_gets_one_line_naming_it(
    ingested: tuple[Path, Result], corpus: Path, name: str, reason: Reason
) -> None:
    _, result = ingested
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    about = [line for line in lines if line.startswith(f"Error: {corpus / name}: ")]
    assert len(about) == 1, lines
    assert about[0].startswith(f"Error: {corpus / name}: {reason.value}")
    assert f"{corpus / name}: failed" in result.stderr.splitlines()


def test_the_reasons_say_enough_to_fix_the_file(
    ingested: tuple[Path, Result], corpus: Path
) -> None:
    stderr = ingested[1].stderr
    assert f"{corpus / 'russian-cp1251.txt'}: not UTF-8 text (byte 0: " in stderr
    assert "perhaps cp1251, e.g. iconv -f cp1251 -t utf-8" in stderr
    assert "binary data, not text (a NUL byte at 0)" in stderr
    assert "too large for an article (50.0 MB, over the limit of 32 MB)" in stderr
    assert "expected key: value lines, got a list" in stderr
    assert "published is not a date (YYYY-MM-DD) ('2024-13-45')" in stderr
    assert "cannot be read (Too many levels of symbolic links)" in stderr
    assert "cannot be read (Permission denied)" in stderr
    assert "Traceback" not in stderr


def test_the_rest_is_stored_and_the_summary_counts_it(
    ingested: tuple[Path, Result], corpus: Path
) -> None:
    db, result = ingested
    assert result.exit_code == 1  # something failed
    assert _stored_paths(db) == sorted(STORED)
    summary = result.stdout.splitlines()[-1]
    assert summary.startswith(f"{db}: {len(STORED)} documents, ")
    assert summary.endswith(f", {len(COPIES)} skipped, {len(FAILING)} failed")
    for copy, original in COPIES.items():
        assert f"{corpus / copy}: same content as {original}" in result.stderr


def test_numbers_no_float_holds_make_no_claim(ingested: tuple[Path, Result]) -> None:
    db, _ = ingested
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT s.path, c.value, c.period FROM claims c JOIN sources s USING (source_id) "
            "WHERE s.path IN ('overflowing-numbers.txt', 'million-digits.txt') ORDER BY ALL"
        ).fetchall()
        values = [value for (value,) in con.execute("SELECT value FROM claims").fetchall()]
    assert rows == [("overflowing-numbers.txt", 4.2e6, "2026")]
    assert all(math.isfinite(value) for value in values)


def test_the_long_line_is_read_through(ingested: tuple[Path, Result]) -> None:
    db, _ = ingested
    figures = STORED["one-line-5mb.txt"].count(b"4.5 million tons")
    with duckdb.connect(str(db), read_only=True) as con:
        (stored,) = con.execute(
            "SELECT count(*) FROM claims JOIN sources USING (source_id) "
            "WHERE path = 'one-line-5mb.txt' AND value = 4.5e6 AND period = '2024'"
        ).fetchone()
    assert stored == figures > 1000


def test_a_rerun_skips_what_is_stored_and_fails_the_same(
    ingested: tuple[Path, Result], corpus: Path
) -> None:
    db, _ = ingested
    again = ingest(str(corpus), "--db", str(db))
    assert again.exit_code == 1
    assert again.stdout.splitlines()[-1] == (
        f"{db}: 0 documents, 0 claims, {len(STORED) + len(COPIES)} skipped, {len(FAILING)} failed"
    )
    assert _stored_paths(db) == sorted(STORED)


def test_strict_stores_nothing_of_a_batch_with_a_failure(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "strict.duckdb"
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "before.md").write_text(GOOD.replace("4.5", "2.76"), encoding="utf-8")
    assert ingest(str(earlier), "--db", str(db)).exit_code == 0
    result = ingest(str(corpus), "--db", str(db), "--strict")
    assert result.exit_code == 1
    assert f"Error: {len(FAILING)} file(s) failed, so nothing was stored:" in result.stderr
    assert f"  {corpus / 'binary.txt'}: {Reason.BINARY.value}" in result.stderr
    assert _stored_paths(db) == ["before.md"]  # the earlier batch, untouched


def test_strict_stores_a_batch_without_failures(corpus: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    clean.mkdir()
    for name in ("good.md", "overflowing-numbers.txt"):
        (clean / name).write_bytes(STORED[name])
    db = tmp_path / "strict.duckdb"
    result = ingest(str(clean), "--db", str(db), "--strict")
    assert result.exit_code == 0, result.output
    assert _stored_paths(db) == ["good.md", "overflowing-numbers.txt"]


def test_max_size_is_a_choice(corpus: Path, tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.mkdir()
    (small / "good.md").write_bytes(STORED["good.md"])
    db = tmp_path / "m.duckdb"
    refused = ingest(str(small), "--db", str(db), "--max-size", "0.00001")
    assert refused.exit_code == 1
    assert f"Error: {small / 'good.md'}: {Reason.TOO_LARGE.value} (0.0 MB, over the limit of " in (
        refused.stderr
    )
    assert "MB); split it, or raise the limit with --max-size\n" in refused.stderr  # the hint
    assert ingest(str(small), "--db", str(db), "--max-size", "0").exit_code == 0
