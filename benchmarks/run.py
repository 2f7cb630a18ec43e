"""Speed and scale benchmarks: prints figures and writes them to benchmarks/results.json.

Run from the repository root (quantulum3 is optional: `pip install -e '.[bench]'`):

    .venv/bin/python benchmarks/run.py                      # about 10 minutes on 2 cores
    .venv/bin/python benchmarks/run.py --large 100000       # adds the 100,000-document ingest

It measures extraction throughput in one process, each beside a bare number-finding regex and
quantulum3 on the same text, on three feeds: the synthetic news corpus (benchmarks/generate.py),
real text (the shared corpus's articles, else the sample sources/, repeated to ~5 MB) and a
mixed feed where one article in ten is on topic (what a document with nothing to claim costs).
`--extract-only` stops there. On the synthetic corpus it then measures `metrics
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

from generate import write_corpus  # scripts beside this one

from metrics.extract import extract_claims
from metrics.models import Document
from metrics.read import iter_source_files, load_document

HERE = Path(__file__).parent
RESULTS = HERE / "results.json"
REAL_TEXT = (HERE.parent.parent / "shared" / "corpus" / "docs", HERE.parent / "sources")
_BARE_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUANTULUM_SAMPLE = 200  # documents: quantulum3 is slow enough that a sample tells its rate
_QUANTULUM_REAL_MB = 0.25  # of real text, for the same reason
_QUANTULUM_MIXED_MB = 0.1  # of the mixed feed, whose many numbers slow quantulum3 down most
_REAL_MB = 5.0  # real text is repeated to this size


def documents(count: int, mixed: bool = False) -> list[Document]:
    """The synthetic corpus (`mixed`: the mixed feed), written and loaded once so only
    extraction is timed."""
    with tempfile.TemporaryDirectory() as folder:
        write_corpus(Path(folder), count, mixed=mixed)
        return [load_document(file, root) for file, root in iter_source_files([folder])]


def real_documents(megabytes: float = _REAL_MB) -> tuple[str, list[Document]]:
    """(folder, its documents repeated to about `megabytes` of text): real articles, whose
    sentences are longer and less regular than the generator's."""
    folder = next(path for path in REAL_TEXT if path.is_dir())
    docs = [load_document(file, root) for file, root in iter_source_files([folder])]
    size = sum(len(d.text.encode("utf-8")) for d in docs)
    return str(folder), docs * max(1, round(megabytes * 1e6 / size))


def first_megabytes(docs: list[Document], megabytes: float) -> list[Document]:
    """The documents from the first up to about `megabytes` of text."""
    out, size = [], 0
    for d in docs:
        if size >= megabytes * 1e6:
            break
        out.append(d)
        size += len(d.text.encode("utf-8"))
    return out


def rate(label: str, docs: list[Document], work: Callable[[Document], Sized]) -> dict[str, float]:
    """Time `work` over `docs`; MB/s and documents/s of text in, one process."""
    size = sum(len(d.text.encode("utf-8")) for d in docs)
    start, cpu = time.perf_counter(), time.process_time()
    found = sum(len(work(d)) for d in docs)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    figures = {
        "documents": len(docs),
        "mb": size / 1e6,
        "seconds": seconds,
        "mb_per_s": size / 1e6 / seconds,
        "docs_per_s": len(docs) / seconds,
        "cpu_mb_per_s": size / 1e6 / cpu_seconds,  # the same on a machine shared with others
        "found": found,
    }
    print(
        f"{label:<28} {figures['mb_per_s']:8.3f} MB/s {figures['docs_per_s']:9.1f} docs/s "
        f"({figures['cpu_mb_per_s']:.3f} MB/s of CPU; {len(docs):,} docs, "
        f"{figures['mb']:.1f} MB, {found:,} found)"
    )
    return figures


def extraction_figures(
    label: str, docs: list[Document], quantulum_docs: list[Document]
) -> dict[str, Any]:
    """`extract_claims`, the bare number regex and quantulum3 (on `quantulum_docs`, a
    sample) over the same feed, one after the other in this process."""
    print(f"-- {label}")
    figures: dict[str, Any] = {
        "metrics_extract": rate("metrics extract_claims", docs, extract_claims),
        "bare_number_regex": rate(
            "bare number regex", docs, lambda d: _BARE_NUMBER.findall(d.text)
        ),
    }
    if not quantulum_docs:
        return figures  # --no-quantulum
    try:
        from quantulum3 import parser as quantulum
    except ImportError:
        print("quantulum3 not installed: pip install -e '.[bench]' to compare")
        return figures
    figures["quantulum3"] = rate(
        "quantulum3 parse", quantulum_docs, lambda d: quantulum.parse(d.text)
    )
    # by CPU time: wall time swings with whatever else the machine runs between the two
    ours, theirs = figures["metrics_extract"], figures["quantulum3"]
    figures["ratio_vs_quantulum3"] = ours["cpu_mb_per_s"] / theirs["cpu_mb_per_s"]
    figures["ratio_vs_quantulum3_wall"] = ours["mb_per_s"] / theirs["mb_per_s"]
    print(
        f"metrics / quantulum3 throughput: {figures['ratio_vs_quantulum3']:.1f}x "
        f"({figures['ratio_vs_quantulum3_wall']:.1f}x by wall time)"
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
    parser.add_argument(
        "--extract-only", action="store_true", help="only the extraction figures (minutes)"
    )
    parser.add_argument(
        "--no-quantulum", action="store_true", help="without quantulum3, most of that time"
    )
    parser.add_argument(
        "--real-mb", type=float, default=_REAL_MB, help=f"real text size ({_REAL_MB:g} MB)"
    )
    args = parser.parse_args()
    # quantulum3's samples: documents, or megabytes of real text and of the mixed feed
    samples = (
        (0, 0.0, 0.0)
        if args.no_quantulum
        else (_QUANTULUM_SAMPLE, _QUANTULUM_REAL_MB, _QUANTULUM_MIXED_MB)
    )

    docs = documents(args.docs)
    extract_claims(docs[0])  # compile the patterns before timing
    results: dict[str, Any] = {"documents": args.docs}
    results.update(extraction_figures("synthetic news", docs, docs[: samples[0]]))
    folder, real = real_documents(args.real_mb)
    results["real_text"] = {"folder": folder} | extraction_figures(
        f"real text ({folder}, repeated)", real, first_megabytes(real, samples[1])
    )
    mixed = documents(args.docs, mixed=True)
    results["mixed_feed"] = extraction_figures(
        "mixed feed, 1 in 10 on topic", mixed, first_megabytes(mixed, samples[2])
    )
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"extraction peak RSS {results['peak_rss_mb']:.0f} MB")
    del docs, real, mixed
    if args.extract_only:
        print(json.dumps(results))  # results.json keeps the last full run
        return

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
