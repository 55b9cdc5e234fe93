"""Whole-process start-up time of the `lumbung` command (issue 9 point 6).

Each command runs ``--repeat`` times in a fresh interpreter (the way a user runs it); the median
wall time is printed with the load average, since the machine is shared. ``--importtime`` adds the
ten slowest imports of one run (``python -X importtime``, cumulative microseconds).

    python benchmarks/bench_startup.py --repeat 7
    python benchmarks/bench_startup.py --importtime
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

#: The commands measured, as argument lists of `lumbung`; targets from issue 9.
COMMANDS = {
    "lumbung --help": (["--help"], 0.5),
    "lumbung classify --regime bps-workers --workers 12": (["classify", "--regime", "bps-workers", "--workers", "12"], 1.0),
    "lumbung import --help": (["import", "--help"], None),
    "lumbung simulate --list": (["simulate", "--list"], None),
}

LAUNCH = "import sys; from lumbung.cli import main; sys.argv[0] = 'lumbung'; main()"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(args: list[str], env: dict, importtime: bool = False) -> tuple[float, str, float]:
    """(wall seconds, stderr, CPU seconds) of one run in a fresh interpreter. CPU time (user +
    system) barely depends on what else the machine runs; wall time does."""
    flags = ["-X", "importtime"] if importtime else []
    cpu, start = _cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, *flags, "-c", LAUNCH, *args], env=env, capture_output=True, text=True)
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"lumbung {' '.join(args)} failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed, done.stderr, cpu


def _slowest_imports(stderr: str, count: int = 10) -> list[tuple[int, str]]:
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, _self, cumulative, name = (part.strip() for part in line.split("|", 1)[0].split(":", 1) + line.split("|")[1:])
        rows.append((int(cumulative), name))
    top_level = [row for row in rows if not row[1].startswith(" ") or row[1].count(" ") <= 2]
    return sorted(top_level, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--importtime", action="store_true")
    options = parser.parse_args()
    env = dict(os.environ, LUMBUNG_HOME=tempfile.mkdtemp(prefix="lumbung-bench-"))
    for label, (args, target) in COMMANDS.items():
        _run(args, env)  # warm the file cache
        runs = [_run(args, env) for _ in range(options.repeat)]
        times, cpus = [r[0] for r in runs], [r[2] for r in runs]
        verdict = "" if target is None else (f"  target < {target} s: " + ("met" if statistics.median(times) < target else "NOT met"))
        print(f"{label}: median {statistics.median(times):.2f} s wall (min {min(times):.2f}, max {max(times):.2f}), "
              f"{statistics.median(cpus):.2f} s CPU; n={len(times)}; load average {os.getloadavg()[0]:.1f}{verdict}")
        if options.importtime:
            for cumulative, name in _slowest_imports(_run(args, env, importtime=True)[1]):
                print(f"    {cumulative / 1e6:6.2f} s  {name.strip()}")


if __name__ == "__main__":
    main()
