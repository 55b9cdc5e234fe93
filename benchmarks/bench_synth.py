"""Benchmark: ``lumbung synth --firms 1000000 --years 5`` to CSV (issue 3; target under 60 s).

Baseline in the same run (a floor): NumPy draws a table with the same schema and number of rows
(plain uniform random numbers and strings picked from a short list, no model) and pyarrow.csv
writes it. The ratio says how much the calibrated model costs over just producing and writing
that many rows. Each side runs in its own process so peak memory (max RSS) is measured apart.

Run it under the shared lock:  .venv/bin/python benchmarks/bench_synth.py
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE = r"""
import sys, time, resource
import numpy as np, pyarrow as pa, pyarrow.csv as pacsv
from lumbung.synthetic import SCHEMA
rows, out = int(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
rng = np.random.Generator(np.random.PCG64(1))
words = pa.array([f"value-{i:05d}" for i in range(1000)])
arrays = []
for field in SCHEMA:
    if field.type == pa.string():
        arrays.append(words.take(pa.array(rng.integers(0, 1000, rows))))
    elif field.type == pa.bool_():
        arrays.append(pa.array(rng.random(rows) < 0.5))
    else:
        arrays.append(pa.array(rng.integers(0, 10**9, rows)))
table = pa.Table.from_arrays(arrays, schema=SCHEMA)
pacsv.write_csv(table, out)
print(time.perf_counter() - start)
"""


def run(command: list[str]) -> tuple[float, float, str]:
    """Run a command in a fresh process: (wall seconds, peak RSS MiB of that process, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024, done.stdout


def count_rows(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b"")) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    lumbung = str(Path(sys.executable).with_name("lumbung"))
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as folder:
        out = Path(folder) / "population.csv"
        command = [lumbung, "synth", "--firms", str(args.firms), "--years", str(args.years),
                   "--seed", str(args.seed), "--out", str(out)]
        print("command:", " ".join(["lumbung", *command[1:-1], "population.csv"]))
        seconds, peak, _ = run(command)
        rows = count_rows(out)
        size = out.stat().st_size
        out.unlink()
        print(f"lumbung synth: {seconds:.1f} s, {rows:,} rows, {rows / seconds:,.0f} rows/s, "
              f"{size / 2**20:,.0f} MiB CSV, peak memory {peak:,.0f} MiB")

        base_out = Path(folder) / "baseline.csv"
        # The baseline process starts after the first one ended, so RUSAGE_CHILDREN's maximum
        # would still be the first one's: measure it in its own wrapper instead.
        wrapper = [sys.executable, "-c",
                   "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
                   "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)",
                   sys.executable, "-c", BASELINE, str(rows), str(base_out)]
        base_seconds, _, output = run(wrapper)
        base_inner, base_peak = (float(x) for x in output.split())
        print(f"baseline (numpy random rows of the same schema + pyarrow.csv): {base_seconds:.1f} s "
              f"({base_inner:.1f} s inside), {rows / base_seconds:,.0f} rows/s, peak memory {base_peak:,.0f} MiB")
        print(f"ratio lumbung synth / baseline: {seconds / base_seconds:.2f}x; target < 60 s: "
              f"{'met' if seconds < 60 else 'NOT met'}")
        print(f"machine: {os.cpu_count()} CPUs (shared with other work: timings are noisy)")


if __name__ == "__main__":
    main()
