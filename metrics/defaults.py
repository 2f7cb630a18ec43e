"""Defaults the command line shows in its help, kept apart from the modules that use them so
that `metrics --help` need not import DuckDB or pandas to print them."""

from __future__ import annotations

from pathlib import Path

DEFAULT_DB = Path("metrics.duckdb")
MAX_FILE_BYTES = 32 * 2**20
"""Files larger than this are refused by default: no article or report is this long, and a
text dump would hold one worker for minutes (extraction reads about 0.4 MB a second)."""
