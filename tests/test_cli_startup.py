"""`metrics --help` and `--version` answer at once: the command line imports pandas, pandera,
DuckDB and plotly only in the commands that use them (issue 19, item 6)."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest
from click.testing import CliRunner

from metrics.cli import cli

HEAVY = ("pandas", "pandera", "plotly", "duckdb", "pyarrow", "dask")


def _loaded_after(statement: str) -> set[str]:
    """The heavy libraries in sys.modules after `statement` runs in a fresh interpreter."""
    probe = f"{statement}\nimport sys\nprint('MODULES', *sorted(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return set(out.rpartition("MODULES ")[2].split()) & set(HEAVY)


@pytest.mark.parametrize(
    "statement",
    [
        "import metrics.cli",
        "import metrics.run.budget",
        "from metrics.cli import cli\ntry:\n    cli(['--help'])\nexcept SystemExit:\n    pass",
        "from metrics.cli import cli\ntry:\n    cli(['ingest', '--help'])\nexcept SystemExit:\n    pass",
    ],
    ids=["import", "budget", "help", "ingest-help"],
)
def test_startup_imports_no_heavy_library(statement: str) -> None:
    assert _loaded_after(statement) == set()


def test_a_command_still_loads_what_it_needs() -> None:
    """The probe can fail: a command that reads claims does import pandas."""
    assert "pandas" in _loaded_after("import metrics.store")


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"metrics {version('metrics')}\n"
