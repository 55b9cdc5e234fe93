"""``lumbung analytics build``: registry rows, denormalised into yearly Parquet partitions.

The build reads a :class:`lumbung.indicators.source.Source` (the registry's is
:class:`lumbung.registry.rows.RegistryRows`; tests use :class:`~lumbung.indicators.source.MemorySource`),
so this module imports no Django. Rows arrive as Arrow batches (bounded memory), are enriched
with region levels (lumbung.geography), KBLI section and division (lumbung.sectors) and one size
class per regime (lumbung.sizeclass.classify_many), and are written year by year.

Incremental builds (the default once a build exists) rewrite only the years touched since the
last build: rows changed after the stored high-water mark, and years whose row count changed
(deletions). Each partition also stores panel links to the years before and after
(lumbung.indicators.panel), so the partitions of Y-1 and Y+1 are rewritten too when year Y is
rebuilt or removed: their links are re-read from the files, without touching the source. Last,
the peer files of the owners' benchmark (lumbung.indicators.peers) are written for every
partition whose current version has none.

Faults: every file is written under a temporary name and moved into place (``os.replace``) only
when all of a build's files are complete, so a query never reads a half-written partition; the
state (mark and counts) is written last. A build killed at any point leaves the previous
partitions or the new ones, temporary files that the next build deletes, and the old state, so
:func:`status` reports the tables as stale and the next build redoes the work. One build runs at
a time (a lock file in the analytics folder).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lumbung import conf, geography, sectors
from lumbung import vocabulary as F
from lumbung.i18n import _
from lumbung.indicators import peers
from lumbung.indicators.panel import link_partitions
from lumbung.indicators.schema import (
    EXCLUDED,
    REGIME_IDS,
    SCHEMA,
    SCHEMA_VERSION,
    analytics_dir,
    available_years,
    partition_path,
    published_dir,
    reports_dir,
    size_column,
)
from lumbung.indicators.source import NETWORK_ROLES, Source
from lumbung.sizeclass import classify_many

CHUNK_ROWS = 100_000
SIZE_INPUTS = ("workers", "sales", "net_assets", "business_capital", "investment", "indonesian_owned", "independent")
ENTERPRISE_SOURCE = tuple(f.name for f in F.ENTERPRISE_FIELDS if f.name not in EXCLUDED)
REPORT_SOURCE = tuple(f.name for f in F.REPORT_FIELDS)
#: Columns read from the source, in order: enterprise_id, then these (no personal data).
SOURCE_COLUMNS = ("enterprise_id", *ENTERPRISE_SOURCE, *REPORT_SOURCE)
#: Names of the temporary files a build writes (next to their final files); a later build deletes
#: those that a killed build left.
TEMPORARY_PATTERNS = (".base-*.tmp", ".linked-*.tmp")


@dataclass
class BuildResult:
    mode: str  # "full" | "incremental"
    years: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    relinked: list[int] = field(default_factory=list)  # neighbours whose panel links were rewritten
    cleaned: list[str] = field(default_factory=list)  # temporary files of killed builds, deleted
    rows: int = 0
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


# ---------------------------------------------------------------- state, lock, leftovers

def state_path(home: Path | None = None) -> Path:
    return analytics_dir(home) / "state.json"


def read_state(home: Path | None = None) -> dict | None:
    """The state the last completed build wrote (mark, counts, time), or None."""
    path = state_path(home)
    if not path.exists():
        return None
    state = json.loads(path.read_text(encoding="utf-8"))
    return state if state.get("schema") == SCHEMA_VERSION else None


def _stamp(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return f"{path.name}:-"
    return f"{path.name}:{info.st_size}:{info.st_mtime_ns}"


#: Seconds a computed build version is reused while the state file and the published folder look
#: unchanged (one ``stat`` each): every build writes the state file last, and an import of a
#: published table replaces a file in that folder, so either is seen at once; anything else
#: that changes a partition is seen within this time. Why: the full digest stats every
#: partition, and the portal asks for it on every request.
VERSION_RECHECK_SECONDS = 1.0
_versions: dict[Path, tuple[float, str, str]] = {}


def build_version(home: Path | None = None) -> str:
    """The analytics build's version: a digest of the data folder, the build state file (written
    last by every build) and each year partition's and published table's name, size and time. It
    changes whenever `lumbung analytics build` or `lumbung import-table` writes, so answers keyed
    by it (the API's ETags and result cache, the portal's page cache) are invalidated by a new
    build. Two ``stat`` calls when nothing changed (see :data:`VERSION_RECHECK_SECONDS`)."""
    home = home or conf.home()
    quick = _stamp(state_path(home)) + "|" + _stamp(published_dir(home))
    now = time.monotonic()
    known = _versions.get(home)
    if known is not None and known[1] == quick and now - known[0] < VERSION_RECHECK_SECONDS:
        return known[2]
    version = _full_version(home)
    _versions[home] = (now, quick, version)
    return version


def _full_version(home: Path) -> str:
    state = state_path(home)
    # The folder is part of the version: two data folders never share cached answers.
    parts = [str(state), _stamp(state)]
    parts += [_stamp(partition_path(year, home)) + str(year) for year in available_years(home)]
    folder = published_dir(home)
    if folder.is_dir():
        parts += sorted(_stamp(p) for p in folder.glob("*.parquet"))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _write_state(state: dict, home: Path | None) -> None:
    path = state_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _building_path(home: Path | None) -> Path:
    return analytics_dir(home) / "building"


@contextmanager
def build_lock(home: Path | None = None) -> Iterator[None]:
    """Hold the analytics folder's build lock (``flock``, waiting for another build to end; a
    killed holder releases it)."""
    folder = analytics_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "build.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_running(home: Path | None = None) -> bool:
    """Whether a build holds the lock now (read-only: creates nothing, needs no write access)."""
    path = analytics_dir(home) / "build.lock"
    if not path.exists():
        return False
    with open(path, "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def leftover_files(home: Path | None = None) -> list[Path]:
    """Temporary files that a build killed before its end left behind."""
    root = reports_dir(home)
    found = [p for pattern in TEMPORARY_PATTERNS for p in root.glob(f"year=*/{pattern}")] if root.is_dir() else []
    state_tmp = state_path(home).with_suffix(".tmp")
    return sorted(found + ([state_tmp] if state_tmp.exists() else []))


def clean_leftovers(home: Path | None = None) -> list[str]:
    """Delete :func:`leftover_files`; call only while holding :func:`build_lock`."""
    removed = []
    for path in leftover_files(home):
        path.unlink(missing_ok=True)
        removed.append(str(path))
    return removed


# ---------------------------------------------------------------- freshness

@dataclass(frozen=True)
class AnalyticsStatus:
    """Whether the analytics tables reflect the source (:func:`status`)."""

    built: bool                 # a build has completed
    current: bool               # built, and nothing in the source changed since
    tables: bool = False        # analytics partitions exist (a build, or files written by hand)
    built_at: str | None = None
    built_mark: int | None = None
    source_mark: int | None = None
    changed_years: tuple[int, ...] = ()  # years changed in the source since the build
    interrupted: bool = False   # a build started and did not finish (killed or failed)
    running: bool = False       # a build is running now

    @property
    def stale(self) -> bool:
        return self.built and not self.current

    def message(self) -> str:
        """One sentence for a page or the ``lumbung check`` report."""
        if self.running:
            return _("an analytics build is running; indicators may still show the previous data")
        if not self.built and self.interrupted:
            return _("the first analytics build was interrupted: run `lumbung analytics build`")
        if not self.built and self.tables:
            return _("the analytics tables were not written by `lumbung analytics build`: "
                     "whether they match the registry is not known")
        if not self.built:
            return _("no analytics tables yet: run `lumbung analytics build`")
        if self.current:
            return _("analytics tables are up to date (built {when})").format(when=self.built_at)
        years = ", ".join(map(str, self.changed_years)) or "-"
        why = _("an analytics build was interrupted") if self.interrupted else _("the registry changed")
        return _("indicators are stale: {why} after the build of {when} (years {years}); "
                 "run `lumbung analytics build`").format(why=why, when=self.built_at, years=years)

    def to_dict(self) -> dict:
        return {"built": self.built, "tables": self.tables, "current": self.current, "stale": self.stale, "built_at": self.built_at,
                "built_mark": self.built_mark, "source_mark": self.source_mark,
                "changed_years": list(self.changed_years), "interrupted": self.interrupted,
                "running": self.running, "message": self.message()}


def status(source: Source | None = None, home: Path | None = None) -> AnalyticsStatus:
    """Compare the last completed build with ``source``: current, or stale and since when.

    Without a source only what the analytics folder knows is reported (built, interrupted,
    running); a build that was interrupted counts as stale.
    """
    state = read_state(home)
    running = build_running(home)
    interrupted = not running and _building_path(home).exists()
    tables = bool(available_years(home))
    if state is None:
        return AnalyticsStatus(built=False, current=False, tables=tables, interrupted=interrupted, running=running)
    built_mark = state.get("mark")
    common = dict(built=True, tables=tables, built_at=state.get("built_at"), built_mark=built_mark,
                  interrupted=interrupted, running=running)
    if source is None:
        return AnalyticsStatus(current=not (interrupted or running), **common)
    changed = sorted(_changed_years(source, state, source.year_counts()))
    current = not changed and not running
    return AnalyticsStatus(current=current, source_mark=source.high_water_mark(), changed_years=tuple(changed),
                           **common)


def _changed_years(source: Source, state: dict, counts: dict[int, int]) -> set[int]:
    """Years to rebuild since ``state``: touched after its mark, or with another row count."""
    before = {int(y): n for y, n in state.get("counts", {}).items()}
    changed = {y for y in set(counts) | set(before) if before.get(y) != counts.get(y)}
    mark = state.get("mark")
    touched = source.touched_years(mark) if isinstance(mark, int) else set(counts)  # older state: redo all
    return touched | changed


# ---------------------------------------------------------------- enrichment (pure)

@lru_cache(maxsize=200_000)
def _regions(code: str | None) -> tuple[str | None, str | None, str | None]:
    if not code:
        return None, None, None
    try:
        parts = (geography.province_of(code), geography.regency_of(code), geography.district_of(code))
    except (ValueError, TypeError):
        return None, None, None
    return tuple(p if p and geography.exists(p) else None for p in parts)  # type: ignore[return-value]


@lru_cache(maxsize=10_000)
def _sector(code: str | None) -> tuple[str | None, str | None]:
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


@dataclass(frozen=True)
class SortedNetwork:
    """A network table (source.NETWORK_SCHEMA) as NumPy arrays sorted by enterprise: roles as their
    index in NETWORK_ROLES, open starts and ends as 0 and 9999, unknown shares as NaN."""

    owner: np.ndarray
    role: np.ndarray
    start: np.ndarray
    end: np.ndarray
    share: np.ndarray

    @classmethod
    def of(cls, network: pa.Table) -> "SortedNetwork":
        def ints(array) -> np.ndarray:
            return np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.int64)

        owner = ints(network.column("enterprise_id"))
        order = np.argsort(owner, kind="stable")
        return cls(owner[order],
                   ints(pc.index_in(network.column("role"), value_set=pa.array(NETWORK_ROLES)))[order],
                   ints(pc.fill_null(network.column("start_year"), 0))[order],
                   ints(pc.fill_null(network.column("end_year"), 9999))[order],
                   _float(network.column("output_share").combine_chunks())[order])


def network_columns(table: pa.Table, network: "pa.Table | SortedNetwork | None") -> dict[str, pa.Array]:
    """The network columns (schema.NETWORK_FIELDS) of each row of ``table`` (enterprise_id, year,
    output) from the source's ``network_table`` (source.NETWORK_SCHEMA): a linkage or membership
    counts in every year from its start year to its end year (open-ended when it has none).
    Without a network table (a source that has none) the columns are NULL: unknown, not zero."""
    n = table.num_rows
    if network is None:
        return {"partnerships": pa.nulls(n, pa.int64()), "sentra_member": pa.nulls(n, pa.bool_()),
                "cooperative_member": pa.nulls(n, pa.bool_()), "output_linked": pa.nulls(n, pa.int64())}
    # Every (row, network side) pair of the same enterprise, without a hash join: the network sorted
    # by enterprise (once per build, SortedNetwork), each row's sides are one slice of it
    # (searchsorted), expanded with np.repeat.
    net = network if isinstance(network, SortedNetwork) else SortedNetwork.of(network)
    owner, side_role, side_start, side_end, side_share = net.owner, net.role, net.start, net.end, net.share
    ids = np.asarray(table.column("enterprise_id").to_numpy(zero_copy_only=False), dtype=np.int64)
    years = np.asarray(table.column("year").to_numpy(zero_copy_only=False), dtype=np.int64)
    low, high = np.searchsorted(owner, ids, "left"), np.searchsorted(owner, ids, "right")
    width = high - low
    pair_row = np.repeat(np.arange(n), width)
    first = np.repeat(np.cumsum(width) - width, width)
    pair_side = np.repeat(low, width) + (np.arange(pair_row.size) - first)
    year = years[pair_row]
    running = (side_start[pair_side] <= year) & (year <= side_end[pair_side])
    rows = pair_row[running]
    role = side_role[pair_side[running]]
    share = side_share[pair_side[running]]

    def count(mask: np.ndarray, weights=None) -> np.ndarray:
        return np.bincount(rows[mask], weights=None if weights is None else weights[mask], minlength=n)

    ikm, partner, sentra, cooperative = (role == NETWORK_ROLES.index(r) for r in NETWORK_ROLES)
    linked = ikm | partner
    shares = np.minimum(count(ikm, np.nan_to_num(share)), 100.0)
    unknown = count(ikm & np.isnan(share)) > 0
    output = _float(table.column("output").combine_chunks())
    sold = np.rint(output * shares / 100.0)
    missing = np.isnan(output) | unknown
    return {"partnerships": pa.array(count(linked).astype(np.int64)),
            "sentra_member": pa.array(count(sentra) > 0),
            "cooperative_member": pa.array(count(cooperative) > 0),
            "output_linked": pa.array(np.where(missing, 0, sold).astype(np.int64), mask=missing)}


def enrich(table: pa.Table, network: "pa.Table | SortedNetwork | None" = None) -> pa.Table:
    """Add value_added, region levels, KBLI section/division, size classes and the network
    columns (:func:`network_columns`); order as SCHEMA."""
    columns = {name: table.column(name) for name in table.column_names}
    columns.update(network_columns(table, network))
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


def _plan(source: Source, state: dict | None, counts: dict[int, int], home: Path | None) -> BuildResult:
    """Which years to rewrite and which to remove."""
    before = {int(y) for y in (state or {}).get("counts", {})}
    removed = sorted((before | set(available_years(home))) - set(counts))
    if state is None:
        return BuildResult(mode="full", years=sorted(counts), removed=removed)
    missing = {y for y in counts if not partition_path(y, home).exists()}
    years = (_changed_years(source, state, counts) | missing) & set(counts)
    return BuildResult(mode="incremental", years=sorted(years), removed=removed)


def build(source: Source, full: bool = False, home: Path | None = None,
          progress: Callable[[int], None] | None = None) -> BuildResult:
    """Write the analytics partitions from ``source``; incremental unless ``full`` or no build yet.

    ``progress`` is called with the number of rows of each batch written.
    """
    started = time.perf_counter()
    with build_lock(home):
        cleaned = clean_leftovers(home)
        marker = _building_path(home)
        marker.write_text(json.dumps({"pid": os.getpid(), "started_at": _now()}), encoding="utf-8")
        state = None if full else read_state(home)
        mark = source.high_water_mark()  # taken before reading: later changes are picked up next time
        counts = source.year_counts()
        result = _plan(source, state, counts, home)
        result.cleaned = cleaned
        _rewrite(source, result, home, progress)
        _write_state({"schema": SCHEMA_VERSION, "mark": mark, "counts": {str(y): n for y, n in counts.items()},
                      "built_at": _now()}, home)
        marker.unlink(missing_ok=True)
    result.seconds = time.perf_counter() - started
    return result


def refresh(source: Source, home: Path | None = None,
            progress: Callable[[int], None] | None = None) -> BuildResult | None:
    """Bring analytics tables that exist up to date with ``source`` (an incremental build), as
    ``lumbung import`` does after storing rows; None when no build has been made yet (then
    ``lumbung analytics build`` decides when the first one runs). A first build that was killed
    is completed."""
    if read_state(home) is None and not _building_path(home).exists():  # a killed first build is finished
        return None
    return build(source, home=home, progress=progress)


def _now() -> str:
    return datetime.now().astimezone().isoformat()


def _rewrite(source: Source, result: BuildResult, home: Path | None, progress) -> None:
    """New base rows of ``result.years`` to temporary files, then every changed partition and
    its neighbours linked into temporary files and moved into place together; removed years go last."""
    sources: dict[int, Path] = {}
    try:
        if result.years:
            result.rows, sources = _write_years(source, result.years, home, progress)
        gone = set(result.removed) | (set(result.years) - set(sources))  # a year may lose its last row meanwhile
        result.removed = sorted(gone)
        result.years = sorted(set(result.years) - gone)
        # Links of a year depend on the years next to it: rewrite the neighbours too.
        changed = set(result.years) | gone
        neighbours = {y + d for y in changed for d in (-1, 1)} - changed
        linked = link_partitions(set(result.years) | neighbours, home, sources, absent=gone)
        result.relinked = sorted(set(linked) - set(result.years))
        for year in result.removed:
            _remove_partition(year, home)
        peers.refresh(home)  # the owners' benchmark files of every partition rewritten (or lacking them)
    finally:
        for tmp in sources.values():
            tmp.unlink(missing_ok=True)


def _as_table(batch: pa.RecordBatch) -> pa.Table:
    """A source batch with the analytics types (a no-op for the registry's, which match)."""
    table = pa.Table.from_batches([batch])
    for i, name in enumerate(table.column_names):
        target = SCHEMA.field(name).type
        if table.schema.field(name).type != target:
            table = table.set_column(i, name, table.column(i).cast(target))
    return table


def _write_years(source: Source, years: list[int], home: Path | None, progress) -> tuple[int, dict[int, Path]]:
    """Read and enrich ``years``; (rows, year -> temporary base file)."""
    writers = _YearWriters(home)
    rows = 0
    reader = getattr(source, "network_table", None)  # a source written before issue 12 may have none
    network = SortedNetwork.of(reader()) if reader is not None else None
    try:
        for batch in source.iter_batches(years, batch_size=CHUNK_ROWS, columns=SOURCE_COLUMNS):
            writers.write(enrich(_as_table(batch), network))
            rows += batch.num_rows
            if progress:
                progress(batch.num_rows)
    except BaseException:
        writers.abort()
        raise
    return rows, writers.close()
