"""Import benchmark (issue 3): ``import_file`` with full validation into a fresh SQLite registry,
against DuckDB's ``read_csv`` of the same file into a table, in the same run.

    flock /tmp/lumbung-bench.lock .venv/bin/python benchmarks/bench_import.py            # 1M rows
    flock /tmp/lumbung-bench.lock .venv/bin/python benchmarks/bench_import.py --file f.csv

Without ``--file`` it writes the synthetic population ``lumbung.synthetic.generate(firms=200000,
years=5, seed=1)`` (about a million enterprise-year rows) as CSV into a temporary folder. Prints
both times, the ratio (target: at most 5x DuckDB), rows per second and peak memory (the process's
maximum resident set, which includes Polars' and Arrow's native memory).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _synthetic_csv(folder: Path, firms: int, years: int, seed: int) -> Path:
    from lumbung import synthetic

    path = folder / f"synthetic_{firms}x{years}_seed{seed}.csv"
    started = time.perf_counter()
    synthetic.write(synthetic.generate(firms=firms, years=years, seed=seed), path)
    print(f"generated {path.name} ({path.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - started:.1f} s")
    return path


def _fresh_registry(folder: Path) -> None:
    os.environ["LUMBUNG_HOME"] = str(folder / "home")
    os.environ["LUMBUNG_DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    import lumbung

    lumbung.setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _duckdb_seconds(path: Path) -> tuple[float, int]:
    import duckdb

    connection = duckdb.connect()
    started = time.perf_counter()
    connection.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(path)])
    seconds = time.perf_counter() - started
    rows = connection.execute("SELECT COUNT(*) FROM t").fetchone()[0]
    connection.close()
    return seconds, rows


def _instrument() -> dict[str, float]:
    """Time spent in bulk SQL and in NIK encryption, to show where the write stage goes."""
    from lumbung.imports import store
    from lumbung.registry import nik

    spent = {"bulk SQL (executemany)": 0.0, "NIK encryption (registry.nik.protect_many)": 0.0}

    def timed(function, key):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - started
        return wrapper

    store._Cursor.executemany = timed(store._Cursor.executemany, "bulk SQL (executemany)")
    nik.protect_many = timed(nik.protect_many, "NIK encryption (registry.nik.protect_many)")
    return spent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="CSV to import (default: generate the synthetic population)")
    parser.add_argument("--firms", type=int, default=200_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="lumbung-bench-import-") as tmp:
        folder = Path(tmp)
        path = args.file or _synthetic_csv(folder, args.firms, args.years, args.seed)
        _fresh_registry(folder)
        from lumbung.imports import import_file

        spent = _instrument()
        before = _peak_mib()
        started = time.perf_counter()
        result = import_file(path)
        ours = time.perf_counter() - started
        peak = _peak_mib()
        duck, duck_rows = _duckdb_seconds(path)

    rows = result.imported + result.rejected
    print(f"file: {path.name}, {rows:,} rows ({duck_rows:,} read by DuckDB)")
    print(f"lumbung import_file: {ours:.2f} s ({rows / ours:,.0f} rows/s); {result.line()}")
    print("  stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items()))
    print("  of which: " + ", ".join(f"{k} {v:.2f} s" for k, v in spent.items()))
    print(f"  enterprises created {result.counts['enterprises_created']:,}, "
          f"reports created {result.counts['reports_created']:,}, audit entries {result.counts['audit_entries']:,}")
    print(f"duckdb read_csv -> table: {duck:.2f} s ({duck_rows / duck:,.0f} rows/s)")
    print(f"ratio: {ours / duck:.1f}x DuckDB (target at most 5x)")
    print(f"peak memory (max RSS): {peak:,.0f} MiB (before the import: {before:,.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
