"""The policy lab from the browser at its bound (issue 12 point 7): the largest run the page
accepts (lumbung.lab.web: 50,000 firms x 10 runs, firms x runs = 500,000, 10 years), a scenario
against the baseline, through lumbung.lab.web.run_lab (what the worker runs), against the named
baseline measured in the same run: lumbung.lab.run_experiment with the serial executor, that is
``lumbung simulate credit --firms 50000 --runs 10 --years 10 --executor serial`` (same ensemble,
same files, without the ZIP).

    python benchmarks/bench_lab_web.py [--firms 50000 --runs 10 --years 10]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from lumbung.lab import run_experiment, web


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=web.MAX_FIRMS)
    parser.add_argument("--runs", type=int, default=web.MAX_FIRM_RUNS // web.MAX_FIRMS)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        run_experiment("credit", population=args.firms, runs=args.runs, years=args.years, seed=0,
                       out=Path(scratch) / "cli", executor="serial", lang="en")
        cli = time.perf_counter() - started
        started = time.perf_counter()
        web.run_lab("credit", firms=args.firms, runs=args.runs, years=args.years, seed=0, out=Path(scratch) / "web",
                    lang="en")
        page = time.perf_counter() - started
    print(f"{args.firms} firms x {args.runs} runs x {args.years} years, credit and baseline")
    print(f"baseline run_experiment (serial): {cli:.1f} s")
    print(f"web.run_lab (the job's work):     {page:.1f} s")
    print(f"ratio web / baseline: {page / cli:.2f}")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
