"""Policy lab at national scale: one run of 4.4 million firms x 10 years.

Prints the wall time of the run (population build timed apart), the process's peak memory
(resource.getrusage ru_maxrss), firm-periods per second, and a named baseline measured in the
same process: the same run at 100,000 firms, scaled linearly to the large size (a ratio near 1
means the model scales linearly; above 1, the large run is slower per firm than the small one).

Run under the shared machine's lock:
    .venv/bin/python benchmarks/bench_lab_scale.py
Targets (issue 5): under 60 s and under 8 GB peak memory.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time

import numpy as np

from lumbung.lab import population, scenarios
from lumbung.lab.run import simulate


def peak_memory_gib() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS)
    scale = 1 if platform.system() == "Darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**30


def timed_run(scenario, firms: int, years: int, seed: int) -> tuple[float, float, object]:
    start = time.perf_counter()
    start_population = population.synthetic(firms, seed)
    built = time.perf_counter()
    result = simulate(scenario, start_population, seed, years)
    done = time.perf_counter()
    return built - start, done - built, result


def periods_of(result) -> int:
    return int(np.unique(np.asarray(result.summary["period"])).size)


def live_firm_periods(result, firms: int) -> float:
    """Firm-periods the model simulated (live firms summed over quarters, entrants included) when
    it reports them; else starting firms x quarters."""
    return float(getattr(result, "metrics", {}).get("firm_periods") or firms * periods_of(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=4_400_000)
    parser.add_argument("--baseline-firms", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scenario = scenarios.load(args.scenario)

    _, small_time, small = timed_run(scenario, args.baseline_firms, args.years, args.seed)
    build_time, run_time, result = timed_run(scenario, args.firms, args.years, args.seed)
    periods = periods_of(result)
    rate = live_firm_periods(result, args.firms) / run_time
    small_rate = live_firm_periods(small, args.baseline_firms) / small_time
    scaled = small_time * args.firms / args.baseline_firms
    print(f"scenario {args.scenario}, {args.years} years ({periods} periods), seed {args.seed}")
    print(f"{args.firms:,} firms: population built in {build_time:.1f} s; run {run_time:.1f} s "
          f"(target < 60 s); {rate:,.0f} live firm-periods/s "
          f"({args.firms * periods / run_time:,.0f} starting firms x quarters per s)")
    print(f"peak memory (ru_maxrss, whole process): {peak_memory_gib():.2f} GiB (target < 8 GB)")
    print(f"baseline: the same run at {args.baseline_firms:,} firms took {small_time:.2f} s "
          f"({small_rate:,.0f} firm-periods/s); scaled linearly to {args.firms:,} firms: {scaled:.1f} s; "
          f"measured / scaled = {run_time / scaled:.2f}")


if __name__ == "__main__":
    main()
