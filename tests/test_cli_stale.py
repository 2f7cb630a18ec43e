"""Every command that reads the reconciled views warns when an ingest stopped between its
commits (`Store.reconciliation_stale`), and says nothing of the kind otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from metrics.cli import cli
from metrics.store import Store

WARNING = "the reconciliation in"

READERS = [
    ("resolved", []),
    ("conflicts", []),
    ("sql", ["SELECT count(*) AS n FROM resolved"]),
    ("export", ["--format", "csv", "--out", "{tmp}/export"]),
    ("report", ["--out", "{tmp}/report.html"]),
]


@pytest.mark.parametrize("stale", [True, False], ids=["stale", "fresh"])
@pytest.mark.parametrize(("command", "args"), READERS, ids=[r[0] for r in READERS])
def test_readers_warn_of_a_stale_reconciliation(
    stored, tmp_path: Path, command: str, args: list[str], stale: bool
) -> None:
    db = stored({"docs/a.txt": "Cargo reached 4500 tons in 2023."})
    if stale:
        with Store(db) as store:
            store.mark_reconciliation_stale()
    argv = [command, *(a.format(tmp=tmp_path) for a in args), "--db", str(db)]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 0, result.output
    assert (WARNING in result.stderr) is stale
    if stale:
        assert "metrics reconcile" in result.stderr


def test_reconcile_clears_the_mark(stored) -> None:
    db = stored({"docs/a.txt": "Cargo reached 4500 tons in 2023."})
    with Store(db) as store:
        store.mark_reconciliation_stale()
    runner = CliRunner()
    assert runner.invoke(cli, ["reconcile", "--db", str(db)]).exit_code == 0
    assert WARNING not in runner.invoke(cli, ["resolved", "--db", str(db)]).stderr
