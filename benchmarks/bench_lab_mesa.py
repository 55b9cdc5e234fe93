"""The policy lab against the same model written with Mesa 3 (benchmarks/mesa_model.py).

Both run the same scenario on the same starting population with the same seed; the script times
each (after a small warm-up run of both, so that imports and first-call costs are not counted),
checks that their national aggregates agree, and prints the speed-up (Mesa time / our time).
With --mesa-years below --years, Mesa runs only that many years and its time is extrapolated
linearly to --years (printed as such).

Run under the shared machine's lock:
    .venv/bin/python benchmarks/bench_lab_mesa.py
Target (issue 5): at 100,000 firms x 10 years, ours at least 50x faster than Mesa.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mesa_model  # noqa: E402
from lumbung.lab import population, scenarios  # noqa: E402
from lumbung.lab.codes import PERIODS_PER_YEAR  # noqa: E402
from lumbung.lab.run import simulate  # noqa: E402


def national(summary: dict[str, np.ndarray], column: str) -> np.ndarray:
    return np.bincount(summary["period"], weights=summary[column].astype(np.float64))


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--mesa-years", type=int, default=None, help="run Mesa this long and extrapolate")
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    mesa_years = args.mesa_years or args.years
    scenario = scenarios.load(args.scenario)
    start = population.synthetic(args.firms, seed=args.seed)
    warm = population.synthetic(1_000, seed=args.seed)
    simulate(scenario, warm, args.seed, 1)
    mesa_model.simulate(scenario, warm, args.seed, 1)

    ours_time, ours = timed(simulate, scenario, start, args.seed, args.years)
    mesa_time, theirs = timed(mesa_model.simulate, scenario, start, args.seed, mesa_years)
    quarters = mesa_years * PERIODS_PER_YEAR
    print(f"scenario {args.scenario}, {args.firms:,} firms, seed {args.seed}")
    print(f"lumbung.lab (NumPy, vectorised): {args.years} years in {ours_time:.2f} s")
    if mesa_years == args.years:
        mesa_full = mesa_time
        print(f"Mesa 3 (one agent per firm):     {args.years} years in {mesa_time:.1f} s (measured)")
    else:
        mesa_full = mesa_time * args.years / mesa_years
        print(f"Mesa 3 (one agent per firm):     {mesa_years} years in {mesa_time:.1f} s measured; "
              f"EXTRAPOLATED linearly to {args.years} years: {mesa_full:.1f} s")
    print(f"speed-up: {mesa_full / ours_time:.0f}x (target >= 50x)")
    for column in ("firms", "entries", "exits", "workers", "output"):
        a = national(ours.summary, column)[:quarters]
        b = national(theirs, column)
        worst = float(np.max(np.abs(a - b) / np.maximum(np.abs(a), 1.0)))
        print(f"  {column:8s} last quarter: ours {a[-1]:,.6g}  Mesa {b[-1]:,.6g}  "
              f"largest relative difference over quarters {worst:.1e}")


if __name__ == "__main__":
    main()
