"""Peer benchmark of one enterprise: where it stands among its peers on the core indicators,
as percentiles, without revealing any peer.

**Peers** are the enterprises of the analytics tables (one row per enterprise and year) in the
same KBLI division and size class (BPS by persons engaged, the portal's default regime), first
in the enterprise's regency, then widened step by step to its province, the nation, and finally
the nation over every size class, until at least :func:`min_peers` report the indicator. The
enterprise itself is never its own peer (its row is excluded by id; its own values come live
from the registry, so they may be newer than the tables).

**Disclosure** (docs/disclosure.md; Hundepool et al., *Statistical Disclosure Control*, Wiley
2012): a percentile computed against the raw peer values would let an owner recover a peer's
value exactly, by changing their own report until the percentile jumps. So the owner is
compared with a *microaggregated* distribution (Hundepool et al. 2012, ch. 3, individual
ranking microaggregation): the peer values are sorted and cut into groups of at least
``LUMBUNG_DISCLOSURE_MIN_FIRMS`` (3) consecutive values, and every peer is replaced by its
group's mean. A group dominated by one enterprise (it holds more than
``LUMBUNG_DISCLOSURE_DOMINANCE``, 85%, of the group's total in absolute value: the n=1, k=85%
rule) is merged with its neighbour until no group is dominated; when the whole peer group is
dominated the indicator is not shown. What any sequence of own reports can reveal is therefore
at most the means of groups of at least three, none dominated: the same that a published cell
may reveal. A minimum peer count (:func:`min_peers`) keeps at least three groups, so a
percentile says more than "above or below the mean".

The indicators follow the catalogue's definitions per enterprise (core.toml / extra.toml): value
added per worker, output per worker, sales growth (nominal, against the enterprise's own report
of Y-1), average wage per paid worker, exports as a share of sales, imported share of inputs and
female share of workers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lumbung import vocabulary as F
from lumbung.indicators import disclosure, peers
from lumbung.indicators.analytics import build_version
from lumbung.indicators.schema import PREV_SALES, AnalyticsMissing, partition_path, size_column
from lumbung.indicators.session import parquet_sql, session

#: The regime whose size class defines peers (lumbung.indicators.peers.REGIME: BPS's
#: persons-engaged classes, the portal's default regime).
REGIME = peers.REGIME


@dataclass(frozen=True)
class Measure:
    """One indicator per enterprise: ``numerator / denominator * factor`` (both known, the
    denominator above zero). ``catalogue`` is the catalogue indicator it follows."""

    id: str
    catalogue: str
    numerator: str
    denominator: str
    factor: float = 1.0
    unit: str = "rupiah per worker"
    growth: bool = False  # numerator this year over the same field last year, minus one


MEASURES: tuple[Measure, ...] = (
    Measure("va_per_worker", "va_per_worker", "value_added", "workers"),
    Measure("output_per_worker", "output_per_worker", "output", "workers"),
    Measure("sales_growth", "sales_growth", "sales", "prev_sales", 100.0, "percent", growth=True),
    Measure("avg_wage", "avg_wage", "wages", "workers_paid"),
    Measure("export_share", "export_share", "exports", "sales", 100.0, "percent"),
    Measure("imported_input_share", "imported_input_share", "imported_inputs", "inputs", 100.0, "percent"),
    Measure("female_worker_share", "female_worker_share", "workers_female", "workers", 100.0, "percent"),
)
BY_ID = {m.id: m for m in MEASURES}
#: Columns read from the analytics tables for the peers.
PEER_COLUMNS = peers.MEASURE_COLUMNS

#: The peer groups tried in turn: (geographic level, whether the size class must match).
LEVELS = (("regency", True), ("province", True), ("nation", True), ("nation", False))


def settings_rules(settings: Mapping[str, object] | None = None):
    return disclosure.rules(settings)


def min_peers(settings: Mapping[str, object] | None = None) -> int:
    """At least three microaggregation groups plus one: 3 x LUMBUNG_DISCLOSURE_MIN_FIRMS + 1 (10)."""
    return 3 * settings_rules(settings).min_firms + 1


def measure_value(measure: Measure, row: Mapping[str, object]) -> float | None:
    """The enterprise's value of ``measure`` from its row (None when an input is missing)."""
    num, den = row.get(measure.numerator), row.get(measure.denominator)
    if num is None or den is None or _nan(num) or _nan(den) or float(den) <= 0:
        return None
    ratio = float(num) / float(den)
    return (ratio - 1.0) * measure.factor if measure.growth else ratio * measure.factor


def _nan(value) -> bool:
    return isinstance(value, float) and np.isnan(value)


def _vector(measure: Measure, columns: Mapping[str, np.ndarray]) -> np.ndarray:
    num = np.asarray(columns[measure.numerator], dtype=float)
    den = np.asarray(columns[measure.denominator], dtype=float)
    ok = ~np.isnan(num) & ~np.isnan(den) & (den > 0)
    out = np.full(len(num), np.nan)
    ratio = num[ok] / den[ok]
    out[ok] = (ratio - 1.0) * measure.factor if measure.growth else ratio * measure.factor
    return out


# -- microaggregation -----------------------------------------------------------------------------

def _dominated(values: np.ndarray, dominance: float) -> bool:
    magnitude = np.abs(values)
    total = magnitude.sum()
    return bool(total > 0 and magnitude.max() > dominance * total)


def microaggregate(values, k: int, dominance: float) -> np.ndarray | None:
    """The sorted ``values`` with each replaced by its group's mean: groups of ``k`` consecutive
    values (the last takes the remainder, so every group has k to 2k-1), dominated groups merged
    with their upper neighbour (the top group with the one below) until none is dominated. None
    when even one group of all values is dominated, or fewer than k values. Vectorised: each
    round merges every dominated group at once."""
    ordered = np.sort(np.asarray(values, dtype=float))
    n = len(ordered)
    if n < k:
        return None
    starts = np.arange(max(n // k, 1)) * k  # the first index of each group
    magnitude = np.abs(ordered)
    while True:
        totals = np.add.reduceat(magnitude, starts)
        tops = np.maximum.reduceat(magnitude, starts)
        dominated = (totals > 0) & (tops > dominance * totals)
        if not dominated.any():
            break
        if len(starts) == 1:
            return None
        keep = np.ones(len(starts), dtype=bool)
        merge_up = np.flatnonzero(dominated[:-1]) + 1  # drop the next group's start: merged upward
        keep[merge_up] = False
        if dominated[-1]:
            keep[len(starts) - 1] = False  # the top group merges with the one below
        keep[0] = True
        starts = starts[keep]
    sizes = np.diff(np.append(starts, n))
    means = np.add.reduceat(ordered, starts) / sizes
    return np.repeat(means, sizes)


def percentile(own: float, aggregated: np.ndarray) -> float:
    """Percent of peers below ``own`` (ties count half), against the microaggregated values."""
    below = np.count_nonzero(aggregated < own)
    equal = np.count_nonzero(aggregated == own)
    return 100.0 * (below + 0.5 * equal) / len(aggregated)


# -- the benchmark ---------------------------------------------------------------------------------

@dataclass
class Position:
    measure: Measure
    own: float | None
    peers: int  # peers that report the indicator
    percentile: float | None = None
    median: float | None = None  # the microaggregated median (a mean of at least k peers)
    quartiles: tuple[float, float] | None = None
    reason: str = ""  # why no percentile: "own_missing", "few_peers", "dominated"


@dataclass
class Benchmark:
    year: int
    level: str | None  # "regency" | "province" | "nation" | None (too few peers everywhere)
    region: str | None  # the region code of the peer group (None for the nation)
    division: str
    size_class: str | None  # None when the size class was dropped
    peers: int  # enterprises in the peer group (with a report of the year)
    positions: list[Position] = field(default_factory=list)
    min_peers: int = 10


def _region_of(region_code: str, level: str) -> str | None:
    parts = region_code.split(".")
    if level == "regency":
        return ".".join(parts[:2]) if len(parts) >= 2 else None
    if level == "province":
        return parts[0]
    return None


def _filters(level: str, region: str | None, size_class: str | None) -> tuple[str, list]:
    """SQL conditions (on the alias ``r``) and parameters of one peer group, division aside."""
    sql, params = "", []
    if region is not None:
        sql += f" AND r.{level} = ?"
        params.append(region)
    if size_class is not None:
        sql += f" AND r.{size_column(REGIME)} = ?"
        params.append(size_class)
    return sql, params


def _candidates(region_code: str, size_class: str | None) -> list[tuple[str, str | None, str | None]]:
    """The peer groups of :data:`LEVELS` that apply: (level, region, size class or None)."""
    out = []
    for level, same_class in LEVELS:
        region = _region_of(region_code, level)
        if level != "nation" and region is None:
            continue
        if same_class and (size_class is None or size_class == "unknown"):
            continue
        out.append((level, region, size_class if same_class else None))
    return out


@dataclass
class PeerGroup:
    """The chosen peers' columns (floats, NaN = missing), before any own value is compared."""

    year: int
    level: str | None
    region: str | None
    division: str
    size_class: str | None
    columns: dict[str, np.ndarray]

    @property
    def size(self) -> int:
        return len(self.columns["workers"]) if self.columns else 0


def _partition(year: int, home: Path | None) -> Path:
    path = partition_path(year, home)
    if not path.exists():
        raise AnalyticsMissing(f"no analytics partition for {year}")
    return path


# -- the peer groups of one build, read once per process ----------------------------------------------

#: Peer rows kept in memory per process (about 100 bytes a row: a dozen float columns, so about
#: 100 MB at most): the nation's largest division at 4.4 million enterprises (about 200,000 rows)
#: fits several times over.
CACHE_ROWS = 1_000_000


class _Cache:
    """Least recently used entries with a budget of rows, shared by the server's threads. Keys
    hold the analytics build version (lumbung.indicators.analytics.build_version), so a new build
    is a miss and old entries are never read again; they leave when the budget is spent."""

    def __init__(self, budget: int):
        self.budget = budget
        self.entries: OrderedDict = OrderedDict()
        self.rows = 0
        self.lock = threading.Lock()

    def get(self, key, make, size=lambda value: 1):
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key][0]
        value = make()  # outside the lock: two threads may both read a group, never a wrong one
        rows = size(value)
        with self.lock:
            if key not in self.entries:
                self.entries[key] = (value, rows)
                self.rows += rows
            while self.rows > self.budget and len(self.entries) > 1:
                _key, (_value, dropped) = self.entries.popitem(last=False)
                self.rows -= dropped
        return value

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.rows = 0


_CACHE = _Cache(CACHE_ROWS)


def clear_cache() -> None:
    """Forget every cached group (tests; a new build needs no clearing: its version differs)."""
    _CACHE.clear()


@dataclass(frozen=True)
class _Rows:
    """One peer group of a build with every enterprise in it (the owner's own row included, so
    one read serves every owner of the group), sorted by id; columns as floats, NaN = missing."""

    ids: np.ndarray
    columns: dict[str, np.ndarray]

    def has(self, enterprise_id: int) -> bool:
        i = int(np.searchsorted(self.ids, enterprise_id))
        return i < len(self.ids) and int(self.ids[i]) == enterprise_id

    def without(self, enterprise_id: int) -> dict[str, np.ndarray]:
        """The columns without the enterprise's own row: it is never its own peer."""
        if not self.has(enterprise_id):
            return self.columns
        i = int(np.searchsorted(self.ids, enterprise_id))
        return {name: np.delete(values, i) for name, values in self.columns.items()}


COUNT_FIELDS = ("kbli_division", "level", "region", "size_class", "every_class", "n")


def _count_map(rows) -> dict[tuple, int]:
    return {(division, level, region, None if every else klass): int(n)
            for division, level, region, klass, every, n in rows}


def _counts_from_file(path: Path, division: str) -> dict[tuple, int]:
    """The division's group counts from the build's counts file (sorted by division: the other
    row groups are skipped)."""
    table = pq.read_table(path, filters=[("kbli_division", "=", division)]).to_pydict()
    return _count_map(zip(*(table[name] for name in COUNT_FIELDS), strict=True))


def _counts_from_partition(path: Path, division: str) -> dict[tuple, int]:
    source = f"{parquet_sql([path])} WHERE kbli_division = ?"
    with session() as con:
        return _count_map(con.execute(peers.counts_sql(source), [division]).fetchall())


def _group_filters(division: str, level: str, region, klass) -> list[tuple]:
    filters = [("kbli_division", "=", division)]
    if region is not None:
        filters.append((level, "=", region))
    if klass is not None:
        filters.append((size_column(REGIME), "=", klass))
    return filters


def _rows_from_file(path: Path, previous: Path, division: str, level: str, region, klass) -> _Rows:
    """A group from the build's sorted peer file, read with PyArrow (no DuckDB connection: its
    start costs more than the read); the row groups whose statistics exclude it are skipped."""
    stored = PREV_SALES in pq.read_schema(path).names
    table = pq.read_table(path, columns=[*PEER_COLUMNS, *((PREV_SALES,) if stored else ())],
                          filters=_group_filters(division, level, region, klass))
    table = table.sort_by("enterprise_id")  # a province's or the nation's group spans several runs
    frame = {name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names}
    return _rows_of(frame, previous, stored)


def _rows_from_partition(path: Path, previous: Path, division: str, level: str, region, klass) -> _Rows:
    """A group read from the partition with DuckDB (no peer files for it)."""
    sql, params = _filters(level, region, klass)
    stored = PREV_SALES in pq.read_schema(path).names
    cols = ", ".join(f"r.{c}" for c in (*PEER_COLUMNS, *((PREV_SALES,) if stored else ())))
    with session() as con:
        frame = con.execute(f"SELECT {cols} FROM ({parquet_sql([path])}) r "
                            f"WHERE r.kbli_division = ?{sql} ORDER BY r.enterprise_id",
                            [division, *params]).fetchnumpy()
    return _rows_of(frame, previous, stored)


def _rows_of(frame, previous: Path, stored: bool) -> _Rows:
    """The group's columns as floats, with each peer's sales of Y-1: stored on the row by the
    build (the panel link ``prev_sales``), or for rows written without it joined from Y-1's
    partition on the group's ids only."""
    ids = np.asarray(frame["enterprise_id"], dtype=np.int64)
    if stored:
        prev = _floats(frame[PREV_SALES])
    else:
        prev = np.full(len(ids), np.nan)
        if previous.exists() and len(ids):
            with session() as con:
                con.register("peer_ids", pa.table({"enterprise_id": ids}))
                found = con.execute(f"SELECT p.enterprise_id, p.sales FROM ({parquet_sql([previous])}) p "
                                    "JOIN peer_ids USING (enterprise_id)").fetchnumpy()
            position = np.searchsorted(ids, np.asarray(found["enterprise_id"], dtype=np.int64))
            prev[position] = _floats(found["sales"])
    columns = {c: _floats(frame[c]) for c in PEER_COLUMNS[1:]} | {"prev_sales": prev}
    for values in (ids, *columns.values()):
        values.setflags(write=False)  # shared by every request of the build: never changed in place
    return _Rows(ids, columns)


class _Build:
    """The partition of one year under one build version: group counts (per division) and
    groups, each read at most once per process. Read from the build's peer files
    (lumbung.indicators.peers) when they match the partition, else from the partition."""

    def __init__(self, year: int, home: Path | None):
        self.path, self.previous = _partition(year, home), partition_path(year - 1, home)
        self.version = build_version(home)
        self.peer_files = peers.files(year, home)

    def counts(self, division: str) -> dict[tuple, int]:
        def make():
            if self.peer_files is not None:
                return _counts_from_file(self.peer_files[1], division)
            return _counts_from_partition(self.path, division)
        return _CACHE.get(("counts", str(self.path), self.version, division), make,
                          lambda counts: len(counts) // 10 + 1)

    def rows(self, division: str, level: str, region, klass) -> _Rows:
        def make():
            if self.peer_files is not None:
                return _rows_from_file(self.peer_files[0], self.previous, division, level, region, klass)
            return _rows_from_partition(self.path, self.previous, division, level, region, klass)
        key = ("rows", str(self.path), self.version, division, level, region, klass)
        return _CACHE.get(key, make, lambda rows: len(rows.ids) + 1)

    def choose(self, division: str, exclude: int, candidates, needed: int):
        """The first candidate group with at least ``needed`` enterprises other than ``exclude``:
        a look-up in the counts; a group of exactly ``needed`` is read to see whether the owner's
        own row is one of them."""
        counts = self.counts(division)
        for candidate in candidates:
            count = counts.get((division, *candidate), 0)
            if count > needed or (count == needed and not self.rows(division, *candidate).has(exclude)):
                return candidate
        return None


def peer_group(*, year: int, region_code: str, kbli: str, size_class: str | None, enterprise_id: int | None = None,
               home: Path | None = None, settings: Mapping[str, object] | None = None) -> PeerGroup:
    """The first peer group of :data:`LEVELS` with at least :func:`min_peers` enterprises
    (``level`` None when there is none). AnalyticsMissing when the tables lack the year. What a
    build's partitions say is read once per process and build version (:class:`_Build`): the
    counts of every candidate group in one scan, then each chosen group's rows; a later request
    of the same build reads no file."""
    needed = min_peers(settings)
    division = kbli[:2]
    built = _Build(year, home)
    exclude = -1 if enterprise_id is None else int(enterprise_id)
    chosen = built.choose(division, exclude, _candidates(region_code, size_class), needed)
    if chosen is None:
        return PeerGroup(year, None, None, division, size_class, {})
    level, region, klass = chosen
    columns = built.rows(division, level, region, klass).without(exclude)
    return PeerGroup(year, level, region, division, klass, columns)


def positions(own: Mapping[str, object], group: PeerGroup, settings: Mapping[str, object] | None = None) -> Benchmark:
    """Where ``own`` stands in ``group`` on every measure (see the module's disclosure notes)."""
    rules = settings_rules(settings)
    needed = min_peers(settings)
    result = Benchmark(group.year, group.level, group.region, group.division, group.size_class, group.size,
                       min_peers=needed)
    for measure in MEASURES:
        mine = measure_value(measure, own)
        if group.level is None:
            result.positions.append(Position(measure, mine, 0, reason="few_peers"))
            continue
        values = _vector(measure, group.columns)
        values = values[~np.isnan(values)]
        position = Position(measure, mine, len(values))
        if len(values) < needed:
            position.reason = "few_peers"
        else:
            aggregated = microaggregate(values, rules.min_firms, rules.dominance)
            if aggregated is None:
                position.reason = "dominated"
            else:
                position.median = float(np.quantile(aggregated, 0.5, method="inverted_cdf"))
                position.quartiles = (float(np.quantile(aggregated, 0.25, method="inverted_cdf")),
                                      float(np.quantile(aggregated, 0.75, method="inverted_cdf")))
                if mine is None:
                    position.reason = "own_missing"
                else:
                    position.percentile = percentile(mine, aggregated)
        result.positions.append(position)
    return result


def benchmark(own: Mapping[str, object], *, year: int, region_code: str, kbli: str, size_class: str | None,
              enterprise_id: int | None = None, home: Path | None = None,
              settings: Mapping[str, object] | None = None) -> Benchmark:
    """Where the enterprise with values ``own`` (its report of ``year``, ``prev_sales`` its sales
    of Y-1, ``value_added`` included; see :func:`own_values`) stands among its peers.
    ``size_class`` is its class under :data:`REGIME`. AnalyticsMissing when the tables lack the year."""
    group = peer_group(year=year, region_code=region_code, kbli=kbli, size_class=size_class,
                       enterprise_id=enterprise_id, home=home, settings=settings)
    return positions(own, group, settings)


def _floats(array) -> np.ndarray:
    if np.ma.isMaskedArray(array):
        return array.astype(float).filled(np.nan)
    return np.asarray(array, dtype=float)


def own_values(report: Mapping[str, object], previous: Mapping[str, object] | None) -> dict:
    """The enterprise's row for :func:`benchmark` from its report of the year and of Y-1."""
    row = {name: report.get(name) for name in F.REPORT_COLUMNS}
    row["value_added"] = F.value_added(report.get("output"), report.get("inputs"))
    row["prev_sales"] = previous.get("sales") if previous else None
    return row
