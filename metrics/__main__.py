"""`python -m metrics`: the same command line as the `metrics` console script."""

from metrics.cli import cli

if __name__ == "__main__":
    cli(prog_name="metrics")
