"""Speed and scale benchmarks: prints figures and writes them to benchmarks/results.json.

Run from the repository root (quantulum3 is optional: `pip install -e '.[bench]'`):

    .venv/bin/python benchmarks/run.py                      # about 10 minutes on 2 cores
    .venv/bin/python benchmarks/run.py --large 100000       # adds the 100,000-document ingest

On a synthetic news corpus (benchmarks/generate.py) it measures: extraction throughput in
one process beside a bare number-finding regex and quantulum3 on the same text; `metrics
ingest` end to end with 1 and 2 processes, then again over the unchanged folder; the
peak memory of an ingest as the corpus grows; reconciliation and the report at 10^4 and
10^6 claims. Every ingest and reconciliation runs in its own process so that each peak is
its own. Figures, not assertions: nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sized
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write_corpus  # a script beside this one

from metrics.extract import extract_claims
from metrics.models import Document
from metrics.read import iter_source_files, load_document

HERE = Path(__file__).parent
RESULTS = HERE / "results.json"
_BARE_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUANTULUM_SAMPLE = 200  # documents: quantulum3 is slow enough that a sample tells its rate


def documents(count: int) -> list[Document]:
    """The synthetic corpus, written and loaded once so only extraction is timed."""
    with tempfile.TemporaryDirectory() as folder:
        write_corpus(Path(folder), count)
        return [load_document(file, root) for file, root in iter_source_files([folder])]


def rate(label: str, docs: list[Document], work: Callable[[Document], Sized]) -> dict[str, float]:
    """Time `work` over `docs`; MB/s and documents/s of text in, one process."""
    size = sum(len(d.text.encode("utf-8")) for d in docs)
    start = time.perf_counter()
    found = sum(len(work(d)) for d in docs)
    seconds = time.perf_counter() - start
    figures = {
        "documents": len(docs),
        "mb": size / 1e6,
        "seconds": seconds,
        "mb_per_s": size / 1e6 / seconds,
        "docs_per_s": len(docs) / seconds,
        "found": found,
    }
    print(
        f"{label:<28} {figures['mb_per_s']:8.3f} MB/s {figures['docs_per_s']:9.1f} docs/s "
        f"({len(docs):,} docs, {figures['mb']:.1f} MB, {found:,} found)"
    )
    return figures


def in_own_process(script: str, *args: object) -> dict[str, Any]:
    """Run a benchmark script beside this one and read the JSON it prints last."""
    done = subprocess.run(
        [sys.executable, str(HERE / script), *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def ingest_figures(count: int, jobs: list[int]) -> dict[str, Any]:
    """`metrics.pipeline.ingest` of `count` documents into a fresh database per setting, then again."""
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus"
        write_corpus(corpus, count)
        for n in jobs:
            db = Path(folder) / f"jobs{n}.duckdb"
            figures[f"jobs_{n}"] = run = in_own_process("ingest.py", corpus, db, "--jobs", n)
            print(
                f"ingest {count:,} docs, {n} process{'es' if n > 1 else ''}: "
                f"{run['seconds']:.1f} s, {run['docs_per_s']:.0f} docs/s, "
                f"{run['mb_per_s']:.2f} MB/s, {run['claims']:,} claims, writer peak "
                f"{run['writer_peak_mb']:.0f} MB, worker peak {run['worker_peak_mb']:.0f} MB"
            )
        again = in_own_process("ingest.py", corpus, db, "--jobs", jobs[-1])
        figures["unchanged"] = again
        print(
            f"re-ingest of the unchanged folder: {again['seconds']:.2f} s "
            f"({again['seconds'] / figures[f'jobs_{jobs[-1]}']['seconds']:.1%} of the first)"
        )
    if len(jobs) > 1:
        figures["speedup"] = (
            figures[f"jobs_{jobs[0]}"]["seconds"] / figures[f"jobs_{jobs[-1]}"]["seconds"]
        )
        print(f"speed-up with {jobs[-1]} processes: {figures['speedup']:.2f}x")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents for extraction (1000)")
    parser.add_argument("--ingest", type=int, default=10000, help="documents to ingest (10000)")
    parser.add_argument("--large", type=int, help="also ingest this many, for memory growth")
    parser.add_argument(
        "--claims",
        type=int,
        nargs="*",
        default=[10_000, 1_000_000],
        help="claim counts for reconciliation and the report (10000 1000000)",
    )
    args = parser.parse_args()

    docs = documents(args.docs)
    extract_claims(docs[0])  # compile the patterns before timing
    results: dict[str, Any] = {"documents": args.docs}
    results["metrics_extract"] = rate("metrics extract_claims", docs, extract_claims)
    results["bare_number_regex"] = rate(
        "bare number regex", docs, lambda d: _BARE_NUMBER.findall(d.text)
    )
    try:
        from quantulum3 import parser as quantulum
    except ImportError:
        print("quantulum3 not installed: pip install -e '.[bench]' to compare")
    else:
        sample = docs[:_QUANTULUM_SAMPLE]
        results["quantulum3"] = rate("quantulum3 parse", sample, lambda d: quantulum.parse(d.text))
        ours = results["metrics_extract"]["mb_per_s"]
        results["ratio_vs_quantulum3"] = ours / results["quantulum3"]["mb_per_s"]
        print(f"metrics / quantulum3 throughput: {results['ratio_vs_quantulum3']:.1f}x")
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"extraction peak RSS {results['peak_rss_mb']:.0f} MB")
    del docs

    results["ingest"] = ingest_figures(args.ingest, [1, 2])
    if args.large:
        large = ingest_figures(args.large, [2])
        results["ingest_large"] = large
        growth = large["jobs_2"]["writer_peak_mb"] / results["ingest"]["jobs_2"]["writer_peak_mb"]
        results["memory_growth"] = growth
        print(f"writer peak, {args.large:,} vs {args.ingest:,} documents: {growth:.2f}x")
    results["reconcile_report"] = []
    for n in args.claims:
        m = in_own_process("reconcile_report.py", "--one", "--claims", n)
        results["reconcile_report"].append(m)
        print(
            f"reconcile {m['claims']:,} claims: {m['reconcile_s']:.1f} s "
            f"({m['claims_per_s']:,.0f} claims/s, peak +{m['reconcile_peak_mb']:,.0f} MB); "
            f"report {m['report_s']:.1f} s, {m['report_mb']:.1f} MB, {m['charts']} charts"
        )
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
