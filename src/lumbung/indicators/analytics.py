"""``lumbung analytics build``: the registry, denormalised into yearly Parquet partitions.

The only part of lumbung.indicators that reads the registry database. Django is imported inside
the functions that need it. Reads are plain SQL in big ``fetchmany`` chunks (the raw sqlite3
cursor on SQLite, a server-side cursor on PostgreSQL), converted to Arrow, enriched with region
levels (lumbung.geography), KBLI section and division (lumbung.sectors) and one size class per
regime (lumbung.sizeclass.classify_many), and written year by year.

Incremental builds (the default once a build exists) rewrite only the years touched since the
last build: reports or enterprises whose ``updated_at`` is after the stored high-water mark, and
years whose report count changed (deletions). Each partition also stores panel links to the
years before and after (lumbung.indicators.panel), so the partitions of Y-1 and Y+1 are
rewritten too when year Y is rebuilt or removed: their links are re-read from the files, without
touching the registry.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lumbung import vocabulary as F
from lumbung.indicators.panel import link_partitions
from lumbung.indicators.schema import (EXCLUDED, REGIME_IDS, SCHEMA, SCHEMA_VERSION, analytics_dir,
                                       available_years, partition_path, size_column)

CHUNK_ROWS = 100_000
SIZE_INPUTS = ("workers", "sales", "net_assets", "business_capital", "investment", "indonesian_owned", "independent")
ENTERPRISE_SOURCE = tuple(f.name for f in F.ENTERPRISE_FIELDS if f.name not in EXCLUDED)
REPORT_SOURCE = tuple(f.name for f in F.REPORT_FIELDS)
# Columns read from the registry, in order: enterprise_id, then these.
SOURCE_COLUMNS = ("enterprise_id", *ENTERPRISE_SOURCE, *REPORT_SOURCE)


@dataclass
class BuildResult:
    mode: str  # "full" | "incremental"
    years: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    relinked: list[int] = field(default_factory=list)  # neighbours whose panel links were rewritten
    rows: int = 0
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


# ---------------------------------------------------------------- state

def state_path(home: Path | None = None) -> Path:
    return analytics_dir(home) / "state.json"


def read_state(home: Path | None = None) -> dict | None:
    path = state_path(home)
    if not path.exists():
        return None
    state = json.loads(path.read_text(encoding="utf-8"))
    return state if state.get("schema") == SCHEMA_VERSION else None


def _write_state(state: dict, home: Path | None) -> None:
    path = state_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
    os.replace(tmp, path)


# ---------------------------------------------------------------- registry access

def _tables() -> tuple[str, str]:
    from lumbung.registry.models import AnnualReport, Enterprise

    return Enterprise._meta.db_table, AnnualReport._meta.db_table


def _scalar_rows(sql: str, params=()) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _high_water() -> str | None:
    ent, rep = _tables()
    values = [row[0] for row in _scalar_rows(f"SELECT MAX(updated_at) FROM {ent} UNION ALL SELECT MAX(updated_at) FROM {rep}")]
    values = [v.isoformat() if isinstance(v, datetime) else v for v in values if v is not None]
    return max(values) if values else None


def _as_param(mark: str):
    from django.db import connection

    # SQLite keeps datetimes as text (compare as text); PostgreSQL wants a timestamp.
    return mark if connection.vendor == "sqlite" else datetime.fromisoformat(mark)


def _year_counts() -> dict[int, int]:
    _, rep = _tables()
    return {int(y): int(n) for y, n in _scalar_rows(f"SELECT year, COUNT(*) FROM {rep} GROUP BY year")}


def _touched_years(mark: str) -> set[int]:
    ent, rep = _tables()
    param = _as_param(mark)
    rows = _scalar_rows(
        f"SELECT DISTINCT r.year FROM {rep} r JOIN {ent} e ON e.id = r.enterprise_id "
        "WHERE r.updated_at > %s OR e.updated_at > %s", [param, param])
    return {int(r[0]) for r in rows}


def _select_sql(years: list[int]) -> str:
    ent, rep = _tables()
    cols = ["r.enterprise_id", *(f"e.{c}" for c in ENTERPRISE_SOURCE), *(f"r.{c}" for c in REPORT_SOURCE)]
    in_list = ", ".join(str(int(y)) for y in years)
    return (f"SELECT {', '.join(cols)} FROM {rep} r JOIN {ent} e ON e.id = r.enterprise_id "
            f"WHERE r.year IN ({in_list}) ORDER BY r.year")


def _fetch(years: list[int]) -> Iterator[tuple[str, list[tuple]]]:
    """Rows of ``years`` in chunks, through the DB-API connection under Django's (no ORM objects)."""
    from django.db import connection, transaction

    sql = _select_sql(years)
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        # A server-side cursor, so the result is streamed rather than loaded whole.
        with transaction.atomic(), raw.cursor(name="lumbung_analytics") as cursor:
            cursor.itersize = CHUNK_ROWS
            cursor.execute(sql)
            while rows := cursor.fetchmany(CHUNK_ROWS):
                yield connection.vendor, rows
        return
    cursor = raw.cursor()  # SQLite: the sqlite3 cursor itself, without Django's wrapper
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            yield connection.vendor, rows
    finally:
        cursor.close()


# ---------------------------------------------------------------- enrichment (pure)

@lru_cache(maxsize=200_000)
def _regions(code: str | None) -> tuple[str | None, str | None, str | None]:
    from lumbung import geography

    if not code:
        return None, None, None
    try:
        parts = (geography.province_of(code), geography.regency_of(code), geography.district_of(code))
    except (ValueError, TypeError):
        return None, None, None
    return tuple(p if p and geography.exists(p) else None for p in parts)  # type: ignore[return-value]


@lru_cache(maxsize=10_000)
def _sector(code: str | None) -> tuple[str | None, str | None]:
    from lumbung import sectors

    if not code:
        return None, None
    try:
        return sectors.section_of(code), sectors.division_of(code)
    except (ValueError, TypeError):
        return None, None


def _map_unique(array: pa.Array, fn: Callable, width: int) -> list[pa.Array]:
    """Apply ``fn`` once per distinct value of ``array``; ``width`` output columns of strings."""
    uniques = pc.unique(array)
    mapped = [fn(v) for v in uniques.to_pylist()]
    index = pc.index_in(array, value_set=uniques)
    return [pa.array([m[i] for m in mapped], type=pa.string()).take(index) for i in range(width)]


def _float(array: pa.Array) -> np.ndarray:
    return np.array(array.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)  # writable copy


def _size_inputs(table: pa.Table) -> dict[str, np.ndarray]:
    """Classifier inputs as floats (NaN = missing). Values the classifier refuses (fewer than one
    worker, negative money) are treated as missing, so such a row's class is "unknown" and the
    data-quality check (`lumbung check`) reports the value instead of the build failing."""
    inputs = {}
    for name in SIZE_INPUTS:
        values = _float(table.column(name).combine_chunks())
        if name == "workers":
            values[values < 1] = np.nan
        elif name in F.MONEY_COLUMNS:
            values[values < 0] = np.nan
        inputs[name] = values
    return inputs


def enrich(table: pa.Table) -> pa.Table:
    """Add value_added, region levels, KBLI section/division and size classes; order as SCHEMA."""
    from lumbung.sizeclass import classify_many

    columns = {name: table.column(name) for name in table.column_names}
    columns["value_added"] = pc.subtract(columns["output"], columns["inputs"])
    region = table.column("region_code").combine_chunks()
    columns["province"], columns["regency"], columns["district"] = _map_unique(region, _regions, 3)
    kbli = table.column("kbli").combine_chunks()
    columns["kbli_section"], columns["kbli_division"] = _map_unique(kbli, _sector, 2)
    inputs = _size_inputs(table)
    for regime in REGIME_IDS:
        classes = classify_many(regime, inputs)
        columns[size_column(regime)] = pa.array(np.asarray(classes, dtype=object), type=pa.string())
    return pa.table([columns[f.name] for f in SCHEMA], schema=SCHEMA)


def rows_to_table(rows: list[tuple], vendor: str) -> pa.Table:
    """Registry rows (in SOURCE_COLUMNS order) to an Arrow table with the analytics types."""
    arrays = []
    for name, values in zip(SOURCE_COLUMNS, zip(*rows)):
        target = SCHEMA.field(name).type
        if target == pa.bool_():
            arrays.append(pa.array(values).cast(pa.bool_()))  # SQLite may hand back 0/1 rather than bools
        else:
            arrays.append(pa.array(values, type=target))
    return pa.table(arrays, names=list(SOURCE_COLUMNS))


# ---------------------------------------------------------------- writing

class _YearWriters:
    """One Parquet writer per year, written to a temporary file (the base columns), which the
    link pass (lumbung.indicators.panel) then reads to write the partition."""

    def __init__(self, home: Path | None):
        self.home = home
        self.writers: dict[int, tuple[pq.ParquetWriter, Path]] = {}

    def write(self, table: pa.Table) -> None:
        years = table.column("year")
        for year in pc.unique(years).to_pylist():
            part = table.filter(pc.equal(years, year))
            if year not in self.writers:
                final = partition_path(year, self.home)
                final.parent.mkdir(parents=True, exist_ok=True)
                tmp = final.with_name(f".base-{os.getpid()}.tmp")
                # lz4: read back once by the link pass, so fast beats small here
                self.writers[year] = (pq.ParquetWriter(tmp, SCHEMA, compression="lz4"), tmp)
            self.writers[year][0].write_table(part)

    def close(self) -> dict[int, Path]:
        """Close the writers; year -> temporary file of its base rows."""
        for writer, _tmp in self.writers.values():
            writer.close()
        return {year: tmp for year, (_writer, tmp) in self.writers.items()}

    def abort(self) -> None:
        for writer, tmp in self.writers.values():
            writer.close()
            tmp.unlink(missing_ok=True)


def _remove_partition(year: int, home: Path | None) -> None:
    path = partition_path(year, home)
    path.unlink(missing_ok=True)
    try:
        path.parent.rmdir()
    except OSError:
        pass


def build(full: bool = False, home: Path | None = None, progress: Callable[[int], None] | None = None) -> BuildResult:
    """Write the analytics partitions from the registry; incremental unless ``full`` or no build yet."""
    import lumbung

    lumbung.setup_django()
    started = time.perf_counter()
    state = None if full else read_state(home)
    mark = _high_water()  # taken before reading: later changes are picked up next time
    counts = _year_counts()
    if state is None:
        result = BuildResult(mode="full", years=sorted(counts))
    else:
        changed = {y for y, n in counts.items() if state.get("counts", {}).get(str(y)) != n}
        touched = _touched_years(state["high_water"]) if state.get("high_water") else set(counts)
        missing = {y for y in counts if not partition_path(y, home).exists()}
        result = BuildResult(mode="incremental", years=sorted((touched | changed | missing) & set(counts)))
    result.removed = [y for y in available_years(home) if y not in counts]
    for year in result.removed:
        _remove_partition(year, home)
    sources: dict[int, Path] = {}
    try:
        if result.years:
            result.rows, sources = _write_years(result.years, home, progress)
        # Links of a year depend on the years next to it: rewrite the neighbours too.
        changed = set(result.years) | set(result.removed)
        neighbours = {y + d for y in changed for d in (-1, 1)} - set(result.years)
        linked = link_partitions(set(result.years) | neighbours, home, sources)
        result.relinked = sorted(set(linked) - set(result.years))
    finally:
        for tmp in sources.values():
            tmp.unlink(missing_ok=True)
    _write_state({"schema": SCHEMA_VERSION, "high_water": mark, "counts": {str(y): n for y, n in counts.items()},
                  "built_at": datetime.now().astimezone().isoformat()}, home)
    result.seconds = time.perf_counter() - started
    return result


def _write_years(years: list[int], home: Path | None, progress) -> tuple[int, dict[int, Path]]:
    """Fetch and enrich ``years``; (rows, year -> temporary base file). A year without rows left
    loses its partition."""
    writers = _YearWriters(home)
    rows = 0
    try:
        for vendor, chunk in _fetch(years):
            writers.write(enrich(rows_to_table(chunk, vendor)))
            rows += len(chunk)
            if progress:
                progress(len(chunk))
    except BaseException:
        writers.abort()
        raise
    written = writers.close()
    for year in set(years) - set(written):  # every report of the year is gone
        _remove_partition(year, home)
    return rows, written
