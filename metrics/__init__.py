"""metrics: pull quantitative transport and economic claims out of articles into DuckDB."""
