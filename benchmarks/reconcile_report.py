"""Reconciliation and report at scale: time, throughput and peak memory per claim count.

Builds a synthetic fact table shaped like real news (yearly series of levels and growth
rates, forecasts, targets restated with moving deadlines or new values, several outlets
per figure, some disagreeing, some republishing another's sentence) and prints figures;
it asserts nothing. Each size runs in a fresh process so the peaks of one size do not
hide those of the next. Run from the repository root:

    .venv/bin/python benchmarks/reconcile_report.py --claims 10000 1000000

Peak memory is the growth of the process's peak resident set during a stage (Linux
resets the peak on request, /proc/self/clear_refs), so the synthetic input itself is not
counted; the process's whole peak during reconciliation is printed beside it. The report
is written from a database file holding the claims and their reconciliation (stored
first, not timed), as `metrics report` writes it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from metrics.lexicon.periods import year_period
from metrics.reconcile import Reconciliation, reconcile
from metrics.report import write_report
from metrics.store import Store

PUBLISHERS = [
    "Kazinform", "Kazinform International News Agency (Qazinform)", "The Astana Times",
    "Trend News Agency", "PortNews", "Interfax", "EU Reporter",
    "The Bishkek Herald (source: EU Reporter)",
    *(f"Regional Daily {n}" for n in range(24)),
]  # fmt: skip
METRICS = 40  # a catalog's worth of metrics; entities grow with the claim count
HEADLINES = 4  # series every outlet reports (8-20 statements a year), as TITR freight is
YEARS = range(2015, 2025)


def synthetic(claims: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """About `claims` claims (and their sources) in series of 2015-2024.

    An article reports one metric for a block of 1-4 entities (the ports of a region),
    so a source carries several claims. Each figure is stated by 1-3 outlets (8-20 for
    the first `HEADLINES` series, one entity each: the figures everyone reports); 5 % of the
    statements disagree (a 30 % higher figure), one in ten republishes an earlier outlet's
    sentence word for word, a third of the years have a forecast, and every block restates
    its target: first "by 2030", then by 2027 or with a raised value.
    """
    rng = random.Random(seed)
    columns: dict[str, list[Any]] = defaultdict(list)
    sources: dict[str, list[Any]] = defaultdict(list)
    periods = {year: year_period(year) for year in [*YEARS, 2027, 2030]}

    def source(day: date) -> str:
        sid = f"s{len(sources['source_id'])}"
        for key, value in (("source_id", sid), ("publisher", rng.choice(PUBLISHERS)),
                           ("published", day), ("url", f"https://example.org/{sid}"),
                           ("title", f"Article {sid}"), ("path", f"docs/{sid}.md")):  # fmt: skip
            sources[key].append(value)
        return sid

    def claim(sid: str, metric: str, entity: str, value: float, unit: str, text: str,
              year: int, status: str, measure: str, quote: str, at: int) -> None:  # fmt: skip
        p = periods[year]
        qualifier = "approx" if rng.random() < 0.05 else "exact"
        for key, item in (
            ("claim_id", f"c{len(columns['claim_id'])}"), ("source_id", sid),
            ("metric", metric), ("entity", entity), ("value", value), ("unit", unit),
            ("value_text", text), ("period", p.label), ("period_start", p.start),
            ("period_end", p.end), ("status", status), ("measure", measure),
            ("base_period", str(year - 1) if measure == "growth" else None),
            ("qualifier", qualifier), ("quote", quote), ("char_start", at),
            ("char_end", at + len(text)), ("extractor", "bench"),
        ):  # fmt: skip
            columns[key].append(item)

    block = 0
    while len(columns["claim_id"]) < claims:
        metric = f"metric_{block % METRICS}"
        headline = block < HEADLINES
        entities = [
            f"entity_{block // METRICS}_{k}" for k in range(1 if headline else rng.randint(1, 4))
        ]
        levels = [rng.uniform(1, 50) for _ in entities]
        for year in YEARS:
            growths = [rng.uniform(-0.1, 0.4) for _ in entities]
            new = [level * (1 + g) for level, g in zip(levels, growths, strict=True)]
            first: dict[str, tuple[float, str]] = {}  # entity -> its first statement
            for _ in range(rng.randint(8, 20) if headline else rng.randint(1, 3)):
                sid = source(date(year + 1, rng.randint(1, 12), rng.randint(1, 28)))
                copy = rng.random() < 0.1  # republished word for word, figure and all
                for k, entity in enumerate(entities):
                    shown = new[k] if rng.random() > 0.05 else new[k] * 1.3
                    growth_text = f"{growths[k] * 100:.0f}%"
                    quote = f"{entity} handled {shown:.1f} million tons in {year}, {growth_text} more ({sid})"
                    first.setdefault(entity, (shown, quote))
                    if copy:
                        shown, quote = first[entity]
                    level_text = f"{shown:.1f} million tons"
                    claim(sid, metric, entity, round(shown, 1) * 1e6, "t", level_text, year,
                          "actual", "level", quote, 100 * k)  # fmt: skip
                    claim(sid, metric, entity, round(growths[k] * 100), "pct_change", growth_text,
                          year, "actual", "growth", quote, 100 * k + 40)  # fmt: skip
            if rng.random() < 0.3:
                sid = source(date(year, rng.randint(1, 6), 1))
                for k, entity in enumerate(entities):
                    text = f"{new[k] * 0.95:.1f} million tons"
                    claim(sid, metric, entity, round(new[k] * 0.95, 1) * 1e6, "t", text, year,
                          "forecast", "level", f"{entity} expects {text} in {year}", 100 * k)  # fmt: skip
            levels = new
        moved = rng.random() < 0.5  # the deadline moves; otherwise the value is raised
        for deadline, value, day in ((2030, 100, date(2022, 6, 1)),
                                     (2027 if moved else 2030, 100 if moved else 120, date(2024, 6, 1))):  # fmt: skip
            sid = source(day)
            for k, entity in enumerate(entities):
                text = f"{value} million tons"
                claim(sid, metric, entity, value * 1e6, "t", text, deadline, "target", "level",
                      f"{entity} aims for {text} by {deadline}", 100 * k)  # fmt: skip
        block += 1
    return pd.DataFrame(columns), pd.DataFrame(sources)


def _memory_kb(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+)", status)[1])


def _reset_peak() -> int:
    """Start a new peak-memory window; the current resident set in kB."""
    Path("/proc/self/clear_refs").write_text("5")
    return _memory_kb("VmRSS")


def _peak_mb(since: int) -> float:
    return (_memory_kb("VmHWM") - since) / 1024


def _store(db: Path, claims: pd.DataFrame, sources: pd.DataFrame, recon: Reconciliation) -> None:
    """Write the claims, their sources and their reconciliation to a new database `db`."""
    sources = sources.assign(
        content_sha256=[hashlib.sha256(sid.encode()).hexdigest() for sid in sources["source_id"]],
        format="text",
        ingested_at=datetime(2026, 1, 1),
    )
    with Store(db) as store:
        store.transaction(lambda: store.write(sources, claims, []))
        store.transaction(lambda: store.add_reconciliation(recon))


def measure(claims: int, seed: int = 7) -> dict[str, Any]:
    """Reconcile about `claims` synthetic claims in this process, store them, and write
    their report from the stored file as `metrics report` does.

    Returns the sizes, seconds, claims per second and peak memory (MB above what the
    process held before the stage) of each stage, the report's size and its chart count.
    """
    claims_df, sources_df = synthetic(claims, seed)
    before = _reset_peak()
    start = time.perf_counter()
    recon = reconcile(claims_df, sources_df)
    reconcile_s = time.perf_counter() - start
    reconcile_mb = _peak_mb(before)
    process_mb = _memory_kb("VmHWM") / 1024  # the synthetic input included

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "benchmark.duckdb"
        _store(db, claims_df, sources_df, recon)
        before = _reset_peak()
        start = time.perf_counter()
        with Store(db, read_only=True) as store:  # as `metrics report` reads it
            written = write_report(store, Path(tmp) / "index.html", title="Benchmark")
        report_s = time.perf_counter() - start
    return {
        "claims": len(claims_df),
        "sources": len(sources_df),
        "metrics": int(claims_df["metric"].nunique()),
        "points": len(recon.resolved),
        "reconcile_s": reconcile_s,
        "claims_per_s": len(claims_df) / reconcile_s,
        "reconcile_peak_mb": reconcile_mb,
        "process_peak_mb": process_mb,
        "report_s": report_s,
        "report_peak_mb": _peak_mb(before),
        "report_mb": written.size / 1e6,
        "charts": written.charts,
    }


def main() -> None:
    """Measure each size in its own interpreter and print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a child run
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.claims[0], args.seed)))
        return
    for claims in args.claims:
        child = [
            sys.executable,
            __file__,
            "--one",
            "--claims",
            str(claims),
            "--seed",
            str(args.seed),
        ]
        done = subprocess.run(child, capture_output=True, text=True, check=True)
        m = json.loads(done.stdout.splitlines()[-1])
        print(
            f"{m['claims']:>9,} claims ({m['sources']:,} sources, {m['points']:,} points): "
            f"reconcile {m['reconcile_s']:.1f} s, {m['claims_per_s']:,.0f} claims/s, "
            f"peak {m['reconcile_peak_mb']:,.0f} MB (process {m['process_peak_mb']:,.0f} MB); "
            f"report {m['report_s']:.1f} s, "
            f"peak {m['report_peak_mb']:,.0f} MB, {m['report_mb']:.1f} MB, {m['charts']} charts",
            flush=True,
        )


if __name__ == "__main__":
    main()
