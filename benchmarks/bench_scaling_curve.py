"""The scaling curve of issue 13: the whole path from a synthetic national population to the core
cube, at several sizes, on DuckDB on this machine.

    .venv/bin/python benchmarks/bench_scaling_curve.py --sizes 1000000,4400000,16000000 --work DIR

At each size N (enterprises a year, five years by default), every step in a fresh process:

1. ``lumbung synth --firms N --years Y --partition-by province`` (streamed by partition): time,
   peak memory, disk of the Parquet;
2. the analytics build over those files (``bench_portal_build.py``'s build: enrichment, five
   size-class regimes, yearly partitions, panel links): time, peak memory, disk of the layout;
3. the core cube, the 26 core indicators by province x kbli_division x size_class x year, by
   lumbung's engine (best of ``--repeat``): time and peak memory;
4. baselines in the same run: the benchmark's two pandas scripts over the same partitions (merging
   Y with Y-1, and reading the stored panel links), compared cell by cell with the engine, when
   their memory (measured at 4.4 million firms: ~445 bytes per row) fits in what the machine has
   free; otherwise the line says so and why;
5. with ``--spark-sizes``, the same cube on local Spark (``local[2]``), checked identical.

The cost per million firms is each step's seconds divided by N / 1,000,000; flat or falling is the
target. Peak memory is the ``ru_maxrss`` of the step's own process (its children for ``synth``).
Beside each step's wall time, its CPU time (user + system of the step's processes, from
``RUSAGE_CHILDREN``), which other work on a shared machine disturbs far less. With
``--paused-file``, a file holding the seconds this run has been stopped so far (a watcher that
stops the benchmark with SIGSTOP while another one, such as a Locust run, needs the machine),
the time stopped during a step is printed and taken off its wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_indicators  # noqa: E402  (a sibling benchmark script, not a package)
import bench_portal_build  # noqa: E402

PANDAS_BYTES_PER_ROW = 445  # pandas-linked at 4.4 M firms x 5 years: 10,050 MiB for 23.8 M rows (BENCHMARKS.md)


def _disk(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _available_bytes() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


def _synth(firms: int, years: int, seed: int, out: Path) -> dict:
    """``lumbung synth`` in a child; peak = the largest child's resident set (RUSAGE_CHILDREN)."""
    command = [sys.executable, "-m", "lumbung.cli", "synth", "--firms", str(firms), "--years", str(years),
               "--seed", str(seed), "--out", str(out), "--partition-by", "province"]
    wrapper = [sys.executable, __file__, "--child-synth", json.dumps(command)]
    done = subprocess.run(wrapper, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _child_synth(command: list[str]) -> None:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mib": peak}))


def _cube(home: Path, repeat: int) -> dict:
    runs = [bench_indicators._child("engine", home) for _ in range(repeat)]
    best = min(r["seconds"] for r in runs)
    return {"seconds": best, "runs": [round(r["seconds"], 2) for r in runs],
            "peak_mib": max(r["peak_mib"] for r in runs), "rows": runs[0]["rows"]}


def _pandas(home: Path, rows: int, best_engine: float, step: "Step") -> list[dict]:
    need = rows * PANDAS_BYTES_PER_ROW
    free = _available_bytes()
    if need > 0.85 * free:
        return [{"task": "pandas", "skipped": f"needs ~{need / 2**30:.0f} GiB, {free / 2**30:.0f} GiB free"}]
    out = []
    for task in ("pandas", "pandas-linked"):
        result = step.run(bench_indicators._child, task, home)
        result.update(task=task, ratio=result["seconds"] / best_engine,
                      compared=bench_indicators.compare(home, task))
        out.append(result)
    return out


def _spark(home: Path, best_engine: float) -> dict:
    import pandas as pd

    result = bench_indicators._child("spark", home, "local[2]")
    keys = ["indicator", *bench_indicators.BY]
    ours = pd.read_parquet(home / "engine.parquet").sort_values(keys).reset_index(drop=True)
    theirs = pd.read_parquet(home / "spark.parquet").sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False, rtol=1e-9)
    result.update(identical=True, duckdb_over_spark=best_engine / result["seconds"])
    return result


class Step:
    """CPU seconds of the children and seconds stopped by the watcher, around one step."""

    def __init__(self, paused_file: Path | None):
        self.paused_file = paused_file

    def _paused(self) -> float:
        try:
            return float(self.paused_file.read_text() or 0) if self.paused_file else 0.0
        except (OSError, ValueError):
            return 0.0

    def run(self, fn, *args) -> dict:
        usage, paused = resource.getrusage(resource.RUSAGE_CHILDREN), self._paused()
        result = fn(*args)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
        stopped = self._paused() - paused
        result.update(cpu_seconds=cpu, paused_seconds=stopped)
        if "seconds" in result:
            result["seconds"] -= stopped
        return result


def one_size(firms: int, args) -> dict:
    work = args.work / f"n{firms}"
    synth_dir, home = work / "synth", work / "query"  # bench_indicators' layout: <work>/query is the home
    record: dict = {"firms": firms, "years": args.years, "load_before": os.getloadavg()[0]}
    step = Step(args.paused_file)
    if not (synth_dir.is_dir() and args.reuse):
        record["synth"] = step.run(_synth, firms, args.years, args.seed, synth_dir)
    record["synth_bytes"] = _disk(synth_dir)
    if not ((home / "analytics").is_dir() and args.reuse):
        home.mkdir(parents=True, exist_ok=True)
        record["build"] = step.run(bench_portal_build._measure, "build", str(synth_dir), str(home))
    record["analytics_bytes"] = _disk(home / "analytics")
    record["cube"] = step.run(_cube, home, args.repeat)
    rows = record.get("build", {}).get("rows") or _rows(home)
    record["rows"] = rows
    record["pandas"] = [] if args.skip_pandas else _pandas(home, rows, record["cube"]["seconds"], step)
    if firms in args.spark_sizes:
        record["spark"] = step.run(_spark, home, record["cube"]["seconds"])
    record["load_after"] = os.getloadavg()[0]
    if args.clean:
        import shutil

        shutil.rmtree(synth_dir, ignore_errors=True)
    return record


def _rows(home: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.read_metadata(f).num_rows for f in bench_indicators._files(home))


def _line(r: dict) -> str:
    per_m = r["firms"] / 1e6
    parts = [f"{r['firms']:,} firms x {r['years']} years ({r['rows']:,} rows), load {r['load_before']:.1f}->{r['load_after']:.1f}"]
    for step in ("synth", "build", "cube"):
        if step in r:
            s = r[step]
            stopped = f", {s['paused_seconds']:.0f} s stopped and not counted" if s.get("paused_seconds") else ""
            parts.append(f"  {step}: {s['seconds']:.1f} s ({s['seconds'] / per_m:.1f} s per million firms), "
                         f"CPU {s['cpu_seconds']:.1f} s ({s['cpu_seconds'] / per_m:.1f} s per million), "
                         f"peak {s['peak_mib']:,.0f} MiB{stopped}")
    parts.append(f"  disk: synthetic Parquet {r['synth_bytes'] / 2**30:.2f} GiB, "
                 f"analytics layout {r['analytics_bytes'] / 2**30:.2f} GiB")
    for p in r["pandas"]:
        if "skipped" in p:
            parts.append(f"  pandas: not run ({p['skipped']})")
        else:
            parts.append(f"  {p['task']}: {p['seconds']:.1f} s (CPU {p['cpu_seconds']:.1f} s), peak {p['peak_mib']:,.0f} MiB; engine {p['ratio']:.1f}x "
                         f"faster (target >= 10); equal numbers in {p['compared']:,} values")
    if "spark" in r:
        s = r["spark"]
        parts.append(f"  spark local[2]: {s['seconds']:.1f} s, identical to DuckDB; "
                     f"DuckDB/Spark time ratio {s['duckdb_over_spark']:.2f}")
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,4400000,16000000",
                        help="enterprises a year, comma-separated")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2, help="engine runs per size (best kept)")
    parser.add_argument("--work", type=Path, help="folder for the populations (kept between runs)")
    parser.add_argument("--reuse", action="store_true", help="keep a size's files that are already there")
    parser.add_argument("--clean", action="store_true", help="delete each size's synthetic files after it")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--spark-sizes", default="", help="sizes also run on local Spark, comma-separated")
    parser.add_argument("--paused-file", type=Path, help="seconds stopped so far, kept by a watcher")
    parser.add_argument("--child-synth", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_synth:
        _child_synth(json.loads(args.child_synth))
        return 0
    if args.work is None:
        parser.error("--work is required")
    args.spark_sizes = {int(s) for s in args.spark_sizes.split(",") if s}
    for firms in (int(s) for s in args.sizes.split(",")):
        record = one_size(firms, args)
        print(_line(record), flush=True)
        print("json " + json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
