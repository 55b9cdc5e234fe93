"""Policy lab ensembles on Dask distributed against the process pool: 16 runs of N firms x 10 years.

Each configuration (executor x workers) runs in a fresh Python process so that its memory
figures are its own:

* ``pool``: ``run_ensemble(..., executor="process", workers=n)``, a pool of n spawned processes;
  peak memory per worker = the largest worker's peak resident set (``RUSAGE_CHILDREN``).
* ``dask``: a ``LocalCluster`` of n single-threaded worker processes (started before the clock
  starts; its start-up time is printed apart), used through ``scheduler=`` as a remote cluster
  would be; peak memory per worker = each worker's own ``ru_maxrss``, asked with ``Client.run``.

How the population reaches the workers: as a ``PopulationSpec`` (firms and seed); each worker
process builds it once from the seed (drawn directly as arrays above 200,000 firms) and reuses it
for all its runs, so nothing large travels. The build is inside the timed ensemble, once per
worker; its time alone is printed as well.

Baselines, in the same invocation: speed-up = time(same executor, 1 worker) / time(n workers),
efficiency = speed-up / n; and dask / pool at the same number of workers. All configurations'
summaries must be identical (their SHA-256 is compared).

    .venv/bin/python benchmarks/bench_ensemble_dask.py --firms 1000000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time

from lumbung.lab.ensemble import PopulationSpec, run_ensemble
from lumbung.lab.outputs import summary_frame


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _digest(ensemble) -> str:
    return hashlib.sha256(summary_frame(ensemble).write_csv().encode()).hexdigest()[:16]


def one(args) -> dict:
    """One configuration, in this process: seconds, workers' CPU, peak memory per worker (MiB)."""
    spec = PopulationSpec(firms=args.firms, seed=args.seed)
    common = dict(runs=args.runs, seed=args.seed, years=args.years)
    if args.one == "pool":
        cpu, start = _children_cpu(), time.perf_counter()
        ensemble = run_ensemble([args.scenario], spec, executor="process", workers=args.workers, **common)
        seconds = time.perf_counter() - start
        peaks = [resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]
        return {"seconds": seconds, "cpu": _children_cpu() - cpu, "peak_mib": peaks, "digest": _digest(ensemble)}
    from dask.distributed import Client

    from lumbung.lab.executors import WORKER_CONFIG, local_cluster

    begin = time.perf_counter()
    with local_cluster(args.workers, {} if args.dask_defaults else WORKER_CONFIG) as cluster, \
            Client(cluster) as client:
        client.wait_for_workers(args.workers)
        started = time.perf_counter() - begin

        def cpu_now() -> float:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            return usage.ru_utime + usage.ru_stime

        before = sum(client.run(cpu_now).values())
        start = time.perf_counter()
        ensemble = run_ensemble([args.scenario], spec, executor="dask", scheduler=cluster.scheduler_address,
                                **common)
        seconds = time.perf_counter() - start
        cpu = sum(client.run(cpu_now).values()) - before
        peaks = sorted(v / 1024 for v in client.run(
            lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss).values())
    return {"seconds": seconds, "cpu": cpu, "peak_mib": peaks, "digest": _digest(ensemble),
            "cluster_start": started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=16)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--executors", nargs="+", default=["pool", "dask"], choices=["pool", "dask"])
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dask-defaults", action="store_true",
                        help="start Dask workers with Dask's MALLOC_TRIM_THRESHOLD_=65536 (lumbung unsets it)")
    parser.add_argument("--one", choices=["pool", "dask"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        args.workers = args.workers[0]
        print(json.dumps(one(args)))
        return
    build = time.perf_counter()
    PopulationSpec(firms=args.firms, seed=args.seed).build()
    build = time.perf_counter() - build
    print(f"{args.runs} runs x {args.firms:,} firms x {args.years} years, scenario {args.scenario}, seed {args.seed}; "
          f"population built per worker from the seed ({build:.1f} s here); load average before "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    results = {}
    for executor in args.executors:
        for workers in args.workers:
            command = [sys.executable, __file__, *(["--dask-defaults"] if args.dask_defaults else []), "--one", executor, "--workers", str(workers), "--firms",
                       str(args.firms), "--runs", str(args.runs), "--years", str(args.years), "--scenario",
                       args.scenario, "--seed", str(args.seed)]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            r = results[executor, workers] = json.loads(done.stdout.strip().splitlines()[-1])
            cluster = f"; cluster started in {r['cluster_start']:.1f} s (not timed)" if "cluster_start" in r else ""
            print(f"{executor} x {workers} worker(s): {r['seconds']:.1f} s ({r['seconds'] / args.runs:.2f} s per run); "
                  f"workers' CPU {r['cpu']:.1f} s = {r['cpu'] / (r['seconds'] * workers):.0%} of {workers} core(s); "
                  f"peak memory per worker {', '.join(f'{m:,.0f}' for m in r['peak_mib'])} MiB{cluster}; "
                  f"summary {r['digest']}")
    digests = {r["digest"] for r in results.values()}
    print(f"summaries identical across all configurations: {len(digests) == 1}")
    base = args.workers[0]
    for executor in args.executors:
        for workers in args.workers[1:]:
            speedup = results[executor, base]["seconds"] / results[executor, workers]["seconds"]
            print(f"{executor}: speed-up {base} -> {workers} workers {speedup:.2f}x, efficiency per worker "
                  f"{speedup / (workers / base):.2f}")
    if {"pool", "dask"} <= set(args.executors):
        for workers in args.workers:
            ratio = results["dask", workers]["seconds"] / results["pool", workers]["seconds"]
            print(f"dask / pool time at {workers} worker(s): {ratio:.2f}")


if __name__ == "__main__":
    main()
