"""Throughput benchmarks: prints figures and writes them to benchmarks/results.json.

Run from the repository root (quantulum3 is optional: `pip install -e '.[bench]'`):

    .venv/bin/python benchmarks/run.py --docs 1000

It generates a synthetic news corpus (benchmarks/generate.py) and measures, in one
process, the extraction throughput of `metrics` on it beside a bare number-finding regex
and, when installed, quantulum3 on the same text. Figures, not assertions: nothing here is
a test.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
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
from metrics.sources import iter_source_files, load_document

RESULTS = Path(__file__).parent / "results.json"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000, help="synthetic documents (1000)")
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
    print(f"peak RSS {results['peak_rss_mb']:.0f} MB")
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
