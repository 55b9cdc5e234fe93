"""The analytics build at national scale for the portal benchmark (issue 10.12): time and peak memory
of ``lumbung.indicators.analytics.build`` over the 4.4-million-firm synthetic population.

    lumbung synth --firms 4400000 --years 5 --out SYNTH --partition-by province
    nice -n 10 .venv/bin/python benchmarks/bench_portal_build.py --synth SYNTH --home HOME

The population is not imported into the registry first (22 million reports through the import
pipeline take hours on a shared two-core machine): the build reads the synthetic Parquet files
straight through :class:`TemplateParquet`, a ``lumbung.indicators.source.Source`` over files in
the import template format, so enrichment (regions, KBLI, five size-class regimes), the yearly
partitions and the panel links are the same code as ``lumbung analytics build``; only the reading
of registry rows from the database is left out. Baseline, measured in the same run: reading the
same rows from the files without building (``--no-baseline`` skips it), so the ratio says what
the build adds to reading.

Prints rows, seconds, rows/s, peak memory (ru_maxrss of this process: the build runs in a fresh
process, so the peak is the build's) and the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from lumbung.indicators.source import SOURCE_COLUMNS, source_schema


class TemplateParquet:
    """Rows of ``lumbung synth`` Parquet (import template columns) as a build source.

    ``enterprise_id`` is the number at the end of ``source_id`` (``SYN1-00000114`` -> 114), which
    identifies a synthetic firm across its years; the owner's NIK is never read. The high-water
    mark is the newest file time, so a second build of unchanged files is a no-op."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.dataset = ds.dataset(str(self.folder), format="parquet")

    def high_water_mark(self) -> int:
        return max(int(p.stat().st_mtime_ns // 1000) for p in self.folder.rglob("*.parquet"))

    def touched_years(self, since: int) -> set[int]:
        return set(self.year_counts()) if self.high_water_mark() > since else set()

    def year_counts(self) -> dict[int, int]:
        years = self.dataset.to_table(columns=["year"]).column("year")
        counts = pc.value_counts(years)
        return {int(item["values"]): int(item["counts"]) for item in counts.to_pylist()}

    def iter_batches(self, years: Iterable[int] | None = None, batch_size: int = 100_000,
                     columns: Sequence[str] | None = None) -> Iterator[pa.RecordBatch]:
        chosen = tuple(columns or SOURCE_COLUMNS)
        read = [c for c in chosen if c != "enterprise_id"]
        if "source_id" not in read:
            read.append("source_id")
        where = None if years is None else ds.field("year").isin(sorted(int(y) for y in years))
        target = source_schema(chosen)
        for batch in self.dataset.to_batches(columns=read, filter=where, batch_size=batch_size):
            ids = pc.cast(pc.replace_substring_regex(batch.column("source_id"), pattern=r"^.*\D", replacement=""),
                          pa.int64())
            arrays = [ids if c == "enterprise_id" else batch.column(c).cast(target.field(c).type) for c in chosen]
            yield pa.RecordBatch.from_arrays(arrays, schema=target)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(mode: str, synth: str, home: str) -> None:
    """One measurement in this (fresh) process; prints a JSON line."""
    os.environ["LUMBUNG_HOME"] = home
    source = TemplateParquet(Path(synth))
    started = time.perf_counter()
    if mode == "read":
        rows = sum(b.num_rows for b in source.iter_batches(batch_size=100_000,
                                                          columns=("enterprise_id", *SOURCE_COLUMNS[1:])))
        out = {"rows": rows}
    else:
        from lumbung.indicators import analytics  # noqa: PLC0415 - after LUMBUNG_HOME is set

        result = analytics.build(source, full=True, home=Path(home))
        out = {"rows": result.rows, "years": result.years}
    out.update(seconds=time.perf_counter() - started, peak_mib=_peak_mib())
    print(json.dumps(out))


def _measure(mode: str, synth: str, home: str) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--synth", synth, "--home", home]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synth", required=True, help="folder written by `lumbung synth --partition-by province`")
    parser.add_argument("--home", required=True, help="LUMBUNG_HOME the analytics tables are written to")
    parser.add_argument("--no-baseline", action="store_true", help="skip reading the files alone")
    parser.add_argument("--child", choices=("read", "build"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.synth, args.home)
        return 0
    Path(args.home).mkdir(parents=True, exist_ok=True)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    base = None if args.no_baseline else _measure("read", args.synth, args.home)
    if base:
        print(f"baseline, reading the rows only: {base['rows']:,} rows in {base['seconds']:.1f} s, "
              f"peak {base['peak_mib']:,.0f} MiB")
    build = _measure("build", args.synth, args.home)
    print(f"analytics build (full): {build['rows']:,} rows, years {build['years']}, {build['seconds']:.1f} s, "
          f"{build['rows'] / build['seconds']:,.0f} rows/s, peak {build['peak_mib']:,.0f} MiB")
    if base:
        print(f"build / reading alone: {build['seconds'] / base['seconds']:.1f}x time, "
              f"{build['peak_mib'] / base['peak_mib']:.1f}x peak memory")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
