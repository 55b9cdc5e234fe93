"""Import benchmark (issue 3): ``import_file`` with full validation into a fresh SQLite registry,
against DuckDB's ``read_csv`` of the same file into a table, in the same run.

    .venv/bin/python benchmarks/bench_import.py            # 1M rows
    .venv/bin/python benchmarks/bench_import.py --file f.csv --repeat 1

Each run (``--repeat``, default 3) is a fresh process and a fresh registry; the machine is shared,
so the figure is the ratio within each run, and their median. Without ``--file`` it writes the synthetic population ``lumbung.synthetic.generate(firms=200000,
years=5, seed=1)`` (about a million enterprise-year rows) as CSV into a temporary folder. Prints
both times, the ratio (target: at most 5x DuckDB), rows per second and peak memory (the process's
maximum resident set, which includes Polars' and Arrow's native memory).

The store's floor (issue 13.2), in the same run: the same rows, read typed by Polars (the file is
valid, so these are the values the import stores), inserted by the fastest plain method (one
transaction, ``sqlite3`` ``executemany`` of prepared tuples, enterprises then reports) into the same
schema (``migrate``), once with its secondary indexes in place and once with them dropped before
the load and created after it (the index build counted): as ``registry.first_load`` does, the
non-unique indexes and the name-search triggers, the name-search table rebuilt at the end.
No validation, no NIK encryption, no audit
entries: the import's extra work over the floor is what the ratio shows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
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
    from lumbung.registry import nik, store

    try:
        from lumbung.registry import first_load
    except ImportError:  # code from before registry.first_load (a "before" run)
        first_load = None

    spent = {"bulk SQL (executemany)": 0.0, "NIK encryption (registry.nik.protect_many)": 0.0,
             "indexes built after a first load (registry.first_load.restore)": 0.0}

    def timed(function, key):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - started
        return wrapper

    store._Cursor.executemany = timed(store._Cursor.executemany, "bulk SQL (executemany)")
    store._Cursor.insert_many = timed(store._Cursor.insert_many, "bulk SQL (executemany)")
    nik.protect_many = timed(nik.protect_many, "NIK encryption (registry.nik.protect_many)")
    if first_load is not None:
        first_load.restore = timed(first_load.restore, "indexes built after a first load (registry.first_load.restore)")
    return spent


def _floor_rows(path: Path) -> tuple[list[str], list[tuple], list[str], list[tuple]]:
    """Enterprise and report tuples for a plain insert: one enterprise per source_id (its latest
    year's columns, as the import takes them), ids 1..n, its reports pointing to them."""
    import polars as pl

    from lumbung import vocabulary as F

    frame = pl.read_csv(path, infer_schema_length=0)
    typed = {f.name: (pl.Int64 if f.kind in ("int", "money", "year") else pl.Boolean if f.kind == "bool" else pl.String)
             for f in F.TEMPLATE_FIELDS if f.name in frame.columns}
    truth = ["1", "true", "ya", "y", "yes"]
    frame = frame.select([pl.when(pl.col(c).is_null()).then(None).otherwise(pl.col(c).str.to_lowercase().is_in(truth))
                          .alias(c) if t == pl.Boolean else pl.col(c).cast(t) for c, t in typed.items()])
    ents = frame.sort(["source_id", "year"], descending=[False, True]).unique("source_id", keep="first",
                                                                                  maintain_order=True)
    ents = ents.with_row_index("id", offset=1)
    ent_cols = [c for c in F.ENTERPRISE_COLUMNS if c in ents.columns and c != "owner_nik"]
    now = "2026-01-01 00:00:00"
    ent_frame = ents.select("id", pl.lit("template").alias("source"), *ent_cols, pl.lit(2020).alias("kbli_version"),
                            pl.lit("").alias("address"), pl.lit("").alias("main_products"),
                            pl.lit(now).alias("created_at"), pl.lit(now).alias("updated_at"))
    rep_cols = [c for c in F.REPORT_COLUMNS if c in frame.columns]
    reports = frame.join(ents.select("id", "source_id"), on="source_id").select(
        pl.col("id").alias("enterprise_id"), *rep_cols, pl.lit(now).alias("created_at"),
        pl.lit(now).alias("updated_at"))
    return ent_frame.columns, ent_frame.rows(), reports.columns, reports.rows()


def _floor_seconds(folder: Path, path: Path, indexes_after: bool) -> tuple[float, float]:
    """A plain load of the same rows into a freshly migrated registry schema (see the docstring)."""
    import sqlite3

    ent_cols, ent_rows, rep_cols, rep_rows = _floor_rows(path)
    database = folder / f"floor_{int(indexes_after)}.sqlite3"
    subprocess.run([sys.executable, "-c", "import lumbung; lumbung.setup_django(); from django.core.management "
                    "import call_command; call_command('migrate', verbosity=0)"], check=True,
                   env={**os.environ, "LUMBUNG_DATABASE_URL": f"sqlite:///{database}"})
    db = sqlite3.connect(database, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    started, cpu = time.perf_counter(), time.process_time()
    indexes = []
    if indexes_after:  # as registry.first_load does: non-unique indexes and the name-search triggers
        indexes = db.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND "
                             "sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' AND "
                             "tbl_name IN ('registry_enterprise', 'registry_annualreport')").fetchall()
        for kind, name, _sql in indexes:
            db.execute(f'DROP {kind.upper()} "{name}"')
    db.execute("BEGIN")
    db.executemany(f"INSERT INTO registry_enterprise ({', '.join(ent_cols)}) VALUES ({', '.join('?' * len(ent_cols))})",
                   ent_rows)
    db.executemany(f"INSERT INTO registry_annualreport ({', '.join(rep_cols)}) "
                   f"VALUES ({', '.join('?' * len(rep_cols))})", rep_rows)
    for _kind, _name, sql in sorted(indexes, key=lambda found: found[0] == "trigger"):
        db.execute(sql)
    if any(kind == "trigger" for kind, _name, _sql in indexes):
        db.execute("INSERT INTO registry_enterprise_name_fts(registry_enterprise_name_fts) VALUES ('rebuild')")
    db.execute("COMMIT")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    db.close()
    return seconds, cpu


def _one_run(path: Path) -> dict:
    """One import into a fresh registry and one DuckDB read, in this process."""
    with tempfile.TemporaryDirectory(prefix="lumbung-bench-import-") as tmp:
        _fresh_registry(Path(tmp))
        from lumbung.registry.importer import import_file

        spent = _instrument()
        before = _peak_mib()
        started, cpu = time.perf_counter(), time.process_time()
        result = import_file(path)
        ours, ours_cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = _peak_mib()
        duck, duck_rows = _duckdb_seconds(path)
        floor, floor_cpu = _floor_seconds(Path(tmp), path, indexes_after=False)
        floor_after, floor_after_cpu = _floor_seconds(Path(tmp), path, indexes_after=True)
    return {"ours": ours, "duck": duck, "floor": floor, "floor_after": floor_after, "duck_rows": duck_rows,
            "ours_cpu": ours_cpu, "floor_cpu": floor_cpu, "floor_after_cpu": floor_after_cpu,
            "rows": result.imported + result.rejected,
            "line": result.line(), "timings": result.timings, "spent": spent, "counts": result.counts,
            "peak": peak, "before": before, "load": os.getloadavg()[0]}


def _print_run(run: dict) -> None:
    print(f"lumbung import_file: {run['ours']:.2f} s ({run['rows'] / run['ours']:,.0f} rows/s); {run['line']}; "
          f"duckdb read_csv -> table: {run['duck']:.2f} s; ratio {run['ours'] / run['duck']:.1f}x; "
          f"load average {run['load']:.1f}")
    print(f"  store floor (plain executemany, same schema): with indexes {run['floor']:.2f} s "
          f"(import {run['ours'] / run['floor']:.1f}x), indexes built after the load {run['floor_after']:.2f} s "
          f"(import {run['ours'] / run['floor_after']:.1f}x; target at most 1.5x)")
    print(f"  CPU time (this process; the machine may be shared): import {run['ours_cpu']:.2f} s, floor with indexes "
          f"{run['floor_cpu']:.2f} s (import {run['ours_cpu'] / run['floor_cpu']:.2f}x), indexes built after "
          f"{run['floor_after_cpu']:.2f} s (import {run['ours_cpu'] / run['floor_after_cpu']:.2f}x)")
    print("  stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in run["timings"].items())
          + "; of which " + ", ".join(f"{k} {v:.2f} s" for k, v in run["spent"].items()))
    counts = run["counts"]
    print(f"  enterprises created {counts['enterprises_created']:,}, reports created {counts['reports_created']:,}, "
          f"audit entries {counts['audit_entries']:,}; peak memory (max RSS) {run['peak']:,.0f} MiB "
          f"(before the import {run['before']:,.0f} MiB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="CSV to import (default: generate the synthetic population)")
    parser.add_argument("--firms", type=int, default=200_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs, each in a fresh process and registry")
    parser.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.single:
        print(json.dumps(_one_run(args.file)))
        return 0
    with tempfile.TemporaryDirectory(prefix="lumbung-bench-file-") as tmp:
        path = args.file or _synthetic_csv(Path(tmp), args.firms, args.years, args.seed)
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run([sys.executable, __file__, "--file", str(path), "--single"], check=True,
                                 capture_output=True, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
            _print_run(runs[-1])
    ratios = sorted(r["ours"] / r["duck"] for r in runs)
    best = min(runs, key=lambda r: r["ours"])
    print(f"file: {path.name}, {runs[0]['rows']:,} rows ({runs[0]['duck_rows']:,} read by DuckDB), {len(runs)} runs")
    print(f"best lumbung import_file {best['ours']:.2f} s ({best['rows'] / best['ours']:,.0f} rows/s), "
          f"best DuckDB {min(r['duck'] for r in runs):.2f} s")
    print(f"ratio per run: {', '.join(f'{x:.1f}x' for x in ratios)}; median {statistics.median(ratios):.1f}x "
          f"(target at most 5x DuckDB)")
    floors = sorted(r["ours"] / r["floor"] for r in runs)
    print(f"import / store floor with indexes per run: {', '.join(f'{x:.1f}x' for x in floors)}; "
          f"median {statistics.median(floors):.1f}x (target at most 1.5x)")
    print(f"peak memory (max RSS) of an import process: {max(r['peak'] for r in runs):,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
