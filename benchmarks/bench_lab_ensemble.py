"""Policy lab ensemble scaling: 32 runs of 100,000 firms on 1 and on 2 worker processes.

The baseline is the same ensemble on 1 worker process, measured in the same invocation;
speed-up = time(1 worker) / time(n workers), efficiency = speed-up / n. Both use the
process-pool executor (spawned processes, each building the population once); the two
ensembles' summaries are checked to be identical.

Run under the shared machine's lock:
    .venv/bin/python benchmarks/bench_lab_ensemble.py
"""

from __future__ import annotations

import argparse
import os
import resource
import time

from lumbung.lab.ensemble import PopulationSpec, run_ensemble
from lumbung.lab.outputs import summary_frame


def children_cpu() -> float:
    """CPU seconds used by finished child processes (the pool's workers, once shut down)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(spec, args, workers: int):
    cpu, start = children_cpu(), time.perf_counter()
    ensemble = run_ensemble([args.scenario], spec, runs=args.runs, seed=args.seed, years=args.years,
                            executor="process", workers=workers)
    return time.perf_counter() - start, children_cpu() - cpu, ensemble


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=32)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    spec = PopulationSpec(firms=args.firms, seed=args.seed)
    print(f"{args.runs} runs x {args.firms:,} firms x {args.years} years, scenario {args.scenario}; "
          f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    times, reference = {}, None
    for workers in args.workers:
        times[workers], cpu, ensemble = timed(spec, args, workers)
        summary = summary_frame(ensemble)
        same = "" if reference is None else f", summary identical to {args.workers[0]} worker(s): {summary.equals(reference)}"
        reference = summary if reference is None else reference
        # the share of the workers' cores they actually got: well below 1 means other work competed
        print(f"{workers} worker process(es): {times[workers]:.1f} s "
              f"({times[workers] / args.runs:.2f} s per run); workers' CPU {cpu:.1f} s = "
              f"{cpu / (times[workers] * workers):.0%} of {workers} core(s) over the wall time{same}")
    base = args.workers[0]
    for workers in args.workers[1:]:
        speedup = times[base] / times[workers]
        print(f"speed-up {base} -> {workers} workers: {speedup:.2f}x; efficiency "
              f"{speedup / (workers / base):.2f}")


if __name__ == "__main__":
    main()
