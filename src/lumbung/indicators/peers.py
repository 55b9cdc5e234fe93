"""Peer files: what an owner's peer benchmark (lumbung.indicators.benchmark) reads, written by the
analytics build next to each year partition.

For year Y, in ``<LUMBUNG_HOME>/analytics/peers/year=Y/``:

* ``rows-<stamp>.parquet``: the partition's columns that the benchmark reads (:data:`COLUMNS`,
  with ``prev_sales`` when the partition stores it), sorted by KBLI division, province, regency,
  size class and id, in row groups of :data:`ROW_GROUP_ROWS`: a peer group is then a contiguous
  run of rows, and DuckDB's row-group statistics (min/max per column) skip every other row group,
  so reading one group touches a few KB instead of scanning the partition;
* ``counts-<stamp>.parquet``: the number of enterprises in every candidate peer group
  (:func:`counts_sql`), sorted by division, so choosing the group is a look-up.

``<stamp>`` is the partition file's size and modification time: a file whose stamp is not the
partition's current one is ignored (a partition rewritten by a later build, by hand, or by a
build killed before its peer files were written), and the benchmark falls back to the partition
itself. So the peer files never answer for other rows than the partition's.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq

from lumbung.indicators.schema import PREV_SALES, analytics_dir, available_years, partition_path, size_column
from lumbung.indicators.session import parquet_sql, session

#: The regime whose size class defines peers: BPS's persons-engaged classes (micro 1-4, small
#: 5-19, medium 20-99, large 100+; BPS, Survei IMK), the portal's default regime.
REGIME = "bps-workers"
#: The columns of a peer's row that the benchmark's measures read.
MEASURE_COLUMNS = ("enterprise_id", "workers", "workers_paid", "workers_female", "sales", "output", "inputs",
                   "value_added", "wages", "exports", "imported_inputs")
#: The columns a peer group is chosen by, in the sort order of the rows file.
GROUP_COLUMNS = ("kbli_division", "province", "regency", size_column(REGIME))
#: Rows per row group of the rows file: small enough that a regency's group sits in one or two,
#: large enough that the file's metadata stays a few hundred KB at national scale.
ROW_GROUP_ROWS = 8192
#: Rows per row group of the counts file (sorted by division): a division's counts are read alone.
COUNT_GROUP_ROWS = 1024


def peers_dir(year: int, home: Path | None = None) -> Path:
    return analytics_dir(home) / "peers" / f"year={int(year)}"


def stamp(path: Path) -> str | None:
    """The partition's size and modification time, or None when it does not exist."""
    try:
        info = path.stat()
    except OSError:
        return None
    return f"{info.st_size}-{info.st_mtime_ns}"


def files(year: int, home: Path | None = None) -> tuple[Path, Path] | None:
    """The rows and counts files of the year's current partition, or None (not written, or
    written for an earlier version of the partition)."""
    current = stamp(partition_path(year, home))
    if current is None:
        return None
    folder = peers_dir(year, home)
    rows, counts = folder / f"rows-{current}.parquet", folder / f"counts-{current}.parquet"
    return (rows, counts) if rows.exists() and counts.exists() else None


def counts_sql(source: str) -> str:
    """Enterprises per candidate group of ``source`` (a SELECT): kbli_division, level
    ("regency" | "province" | "nation"), region (None for the nation), size class (None: every
    class) and n. One scan with grouping sets."""
    klass = size_column(REGIME)
    return (f"SELECT kbli_division, CASE WHEN GROUPING(regency) = 0 THEN 'regency' "
            f"WHEN GROUPING(province) = 0 THEN 'province' ELSE 'nation' END AS level, "
            f"CASE WHEN GROUPING(regency) = 0 THEN regency WHEN GROUPING(province) = 0 THEN province END AS region, "
            f"CASE WHEN GROUPING({klass}) = 0 THEN {klass} END AS size_class, "
            f"GROUPING({klass}) = 1 AS every_class, count(*) AS n "
            f"FROM ({source}) WHERE kbli_division IS NOT NULL "
            f"GROUP BY GROUPING SETS ((kbli_division, regency, {klass}), (kbli_division, province, {klass}), "
            f"(kbli_division, {klass}), (kbli_division))")


def write(year: int, home: Path | None = None) -> tuple[Path, Path]:
    """Write the year's peer files from its partition (under temporary names, moved into place
    together) and delete those of earlier versions."""
    partition = partition_path(year, home)
    current = stamp(partition)
    folder = peers_dir(year, home)
    folder.mkdir(parents=True, exist_ok=True)
    names = (*MEASURE_COLUMNS, *((PREV_SALES,) if PREV_SALES in pq.read_schema(partition).names else ()))
    columns = ", ".join(dict.fromkeys((*GROUP_COLUMNS, *names)))
    source = parquet_sql([partition])
    rows, counts = folder / f"rows-{current}.parquet", folder / f"counts-{current}.parquet"
    rows_tmp, counts_tmp = (p.with_name(f".{p.stem}-{os.getpid()}.tmp") for p in (rows, counts))
    try:
        with session() as con:
            con.execute(f"COPY (SELECT {columns} FROM ({source}) ORDER BY {', '.join(GROUP_COLUMNS)}, enterprise_id) "
                        f"TO '{_quoted(rows_tmp)}' (FORMAT parquet, ROW_GROUP_SIZE {ROW_GROUP_ROWS})")
            con.execute(f"COPY ({counts_sql(source)} ORDER BY kbli_division) TO '{_quoted(counts_tmp)}' "
                        f"(FORMAT parquet, ROW_GROUP_SIZE {COUNT_GROUP_ROWS})")
        os.replace(rows_tmp, rows)
        os.replace(counts_tmp, counts)
    finally:
        rows_tmp.unlink(missing_ok=True)
        counts_tmp.unlink(missing_ok=True)
    for old in folder.iterdir():
        if old not in (rows, counts):
            old.unlink(missing_ok=True)
    return rows, counts


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def refresh(home: Path | None = None) -> list[int]:
    """Write the peer files of every year whose partition has none of its current version, and
    delete every other file of the peers folder (years without a partition, earlier versions,
    temporary files of a killed build); returns the years written. Called at the end of every
    analytics build, under its lock (so a deployment built before peer files existed gets them
    too)."""
    years = available_years(home)
    root = analytics_dir(home) / "peers"
    if root.is_dir():
        for folder in root.iterdir():
            year = folder.name.removeprefix("year=")
            if not (year.isdigit() and int(year) in years):
                shutil.rmtree(folder, ignore_errors=True)
    written = [year for year in years if files(year, home) is None]
    for year in written:
        write(year, home)
    for year in set(years) - set(written):  # a killed build's temporary files, old versions' files
        current = files(year, home) or ()
        for path in peers_dir(year, home).iterdir():
            if path not in current:
                path.unlink(missing_ok=True)
    return written
