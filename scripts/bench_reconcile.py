"""Benchmark: how long reconciliation and the report take, and the memory they use.

Builds a synthetic fact table shaped like real news (series of yearly levels and growth
rates, forecasts, targets restated with moving deadlines, several publishers per figure,
some disagreeing) and prints figures; it asserts nothing. Run:

    python scripts/bench_reconcile.py --series 2000
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from datetime import date

import pandas as pd

from metrics.periods import year_period
from metrics.reconcile import reconcile, summarize
from metrics.report import render_report

PUBLISHERS = ["Kazinform", "The Astana Times", "Trend News Agency", "PortNews", "Interfax",
              "Kazinform International News Agency (Qazinform)", "EU Reporter"]  # fmt: skip


def synthetic(series: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`series` metric/entity series of 2015-2024 with 1-3 statements per figure."""
    rng = random.Random(seed)
    claims, sources = [], []

    def source(day: date) -> str:
        sid = f"s{len(sources)}"
        sources.append({"source_id": sid, "publisher": rng.choice(PUBLISHERS), "published": day,
                        "url": f"https://example.org/{sid}", "title": sid})  # fmt: skip
        return sid

    def claim(sid: str, metric: str, entity: str, value: float, unit: str, text: str,
              year: int, status: str, measure: str, base: str | None) -> None:  # fmt: skip
        p = year_period(year)
        claims.append({
            "claim_id": f"c{len(claims)}", "source_id": sid, "metric": metric, "entity": entity,
            "value": value, "unit": unit, "value_text": text, "period": p.label,
            "period_start": p.start, "period_end": p.end, "status": status, "measure": measure,
            "base_period": base, "qualifier": "exact", "quote": f"{entity} {metric} {text} {year}",
            "char_start": 0, "char_end": 1, "extractor": "bench",
        })  # fmt: skip

    for n in range(series):
        metric, entity = f"metric_{n % 40}", f"entity_{n // 40}"
        level = rng.uniform(1, 50)
        for year in range(2015, 2025):
            growth = rng.uniform(-0.1, 0.4)
            new = level * (1 + growth)
            for _ in range(rng.randint(1, 3)):
                sid = source(date(year + 1, rng.randint(1, 12), rng.randint(1, 28)))
                shown = new if rng.random() > 0.05 else new * 1.3  # some sources disagree
                claim(sid, metric, entity, round(shown, 1) * 1e6, "t", f"{shown:.1f} million tons",
                      year, "actual", "level", None)  # fmt: skip
                claim(sid, metric, entity, round(growth * 100), "pct_change",
                      f"{growth * 100:.0f}%", year, "actual", "growth", str(year - 1))  # fmt: skip
            if rng.random() < 0.3:
                sid = source(date(year, 3, 1))
                claim(sid, metric, entity, round(new * 0.95, 1) * 1e6, "t",
                      f"{new * 0.95:.1f} million tons", year, "forecast", "level", None)  # fmt: skip
            level = new
        for deadline in (2030, 2027):
            sid = source(date(2022 if deadline == 2030 else 2024, 6, 1))
            claim(sid, metric, entity, 100e6, "t", "100 million tons", deadline, "target",
                  "level", None)  # fmt: skip
    return pd.DataFrame(claims), pd.DataFrame(sources)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=1000, help="number of metric/entity series")
    args = parser.parse_args()
    claims, sources = synthetic(args.series)
    start = time.perf_counter()
    recon = reconcile(claims, sources)
    took = time.perf_counter() - start
    print(f"claims: {len(claims):,}  sources: {len(sources):,}  points: {len(recon.resolved):,}")
    print(f"reconcile: {took:.2f} s  ({len(claims) / took:,.0f} claims/s)")
    print(f"  {summarize(recon)}")
    joined = claims.merge(sources, on="source_id")
    start = time.perf_counter()
    page, charts = render_report(recon, joined, sources.assign(path=sources["source_id"], claims=0),
                                 title="bench")  # fmt: skip
    took = time.perf_counter() - start
    print(f"report: {took:.2f} s for {charts:,} charts, {len(page) / 1e6:.1f} MB")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
