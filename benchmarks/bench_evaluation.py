"""The evaluation of one program on the national synthetic population (issue 12, benchmark).

1. the population: ``lumbung.synthetic.partitioned.write_partitioned`` (4.4 million firms x 5
   years by default, bounded memory), or an existing folder given with ``--population``;
2. the columns an evaluation reads, with ``kur:va_per_worker:0.15`` injected
   (``lumbung.synthetic.effects.inject``), written to one Parquet file and the enrolments;
3. in a fresh process: the panel read and built, then ``lumbung.evaluation.evaluate`` timed
   with the process's peak RSS, against the baseline of the naive comparison alone (one OLS
   over every firm, ``lumbung.evaluation.core.naive``) measured in the same process.

    nice -n 10 python benchmarks/bench_evaluation.py --firms 4400000 --work /tmp/bench-evaluation
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

COLUMNS = ["source_id", "year", "region_code", "kbli", "workers", "workers_paid", "workers_female", "sales",
           "output", "inputs", "exports", "imported_inputs"]


def prepare(args) -> Path:
    from lumbung.synthetic.effects import inject, parse_effect
    from lumbung.synthetic.partitioned import write_partitioned

    work = Path(args.work)
    population = Path(args.population) if args.population else work / "population"
    if not population.exists():
        started = time.perf_counter()
        write_partitioned(args.firms, args.years, 1, population)
        print(f"population written in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    table = pq.read_table(population, columns=COLUMNS)
    table, enrolments = inject(table, parse_effect("kur:va_per_worker:0.15"), 1)
    pq.write_table(table, work / "panel.parquet")
    pq.write_table(enrolments, work / "enrolments.parquet")
    print(f"{table.num_rows:,} rows, {enrolments.num_rows:,} enrolments; injected in "
          f"{time.perf_counter() - started:.1f} s")
    return work


def measure(work: Path) -> None:
    from lumbung.evaluation import build_panel, evaluate
    from lumbung.evaluation.core import naive

    started = time.perf_counter()
    panel = build_panel(pl.read_parquet(work / "panel.parquet"), "va_per_worker", id_column="source_id")
    enrolments = pl.read_parquet(work / "enrolments.parquet").rename({"source_id": "enterprise_id"})
    read = time.perf_counter() - started
    started = time.perf_counter()
    first = enrolments.group_by("enterprise_id").agg(pl.col("year").min().cast(pl.Int32).alias("cohort"))
    naive(panel, first, 0.95)
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    result = evaluate(panel, enrolments, program="kur", outcome="va_per_worker")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": panel.height, "participants": result.participants, "matched": result.matched,
                      "read_and_panel_s": round(read, 1), "naive_baseline_s": round(baseline, 1),
                      "evaluate_s": round(seconds, 1), "ratio_evaluate_to_naive": round(seconds / baseline, 1),
                      "peak_rss_mib": round(peak), "relative_estimate": round(result.relative_estimate, 4),
                      "relative_ci": [round(result.relative_ci_low, 4), round(result.relative_ci_high, 4)],
                      "naive_relative": round(result.naive_relative, 4)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=4_400_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--work", required=True)
    parser.add_argument("--population", default=None)
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    Path(args.work).mkdir(parents=True, exist_ok=True)
    if args.measure_only:
        measure(Path(args.work))
        return
    work = prepare(args)
    subprocess.run([sys.executable, __file__, "--work", str(work), "--measure-only"], check=True)


if __name__ == "__main__":
    main()
