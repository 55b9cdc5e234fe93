"""Panel links: what the row of enterprise E in year Y needs to know about E in Y-1 and Y+1.

The panel indicators compare an enterprise with itself a year apart: entry (in Y, not in Y-1),
exit (in Y-1, not in Y), graduation (size class in Y against Y-1) and growth (a field in Y over
Y-1). Rather than a self-join of ~24 million rows at every query, the analytics build stores on
each row (columns :data:`lumbung.indicators.schema.PANEL_SCHEMA`):

* ``in_prev``: E has a row in Y-1 (False when there is no Y-1 partition);
* ``in_next``: E has a row in Y+1 (False when there is no Y+1 partition);
* ``next_<field>``: E's Y+1 value of each of :data:`~lumbung.indicators.schema.LINKED_FIELDS`
  (NULL when E has no Y+1 row);
* ``prev_sales``: E's sales of Y-1 (NULL when E has no Y-1 row or did not report them), for the
  owners' peer benchmark (lumbung.indicators.benchmark), which then reads one partition.

Exit, graduation and growth are counted on the Y-1 row and attributed to year Y, so they read
``in_next`` / ``next_*`` there; entry reads ``in_prev`` on the row of Y. Since the links of Y
depend on Y-1 and Y+1, a change in year Y also rewrites the partitions of Y-1 and Y+1
(:func:`link_partitions`, called by the incremental build).

Everything that writes analytics partitions (the build, the test fixture, the benchmark) goes
through :func:`link_table`, so the links are computed one way.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lumbung.indicators.schema import (
    COLUMNS,
    LINKED_FIELDS,
    NEXT_PREFIX,
    PANEL_COLUMNS,
    PREV_SALES,
    SIZE_COLUMNS,
    STORED_SCHEMA,
    available_years,
    partition_path,
)

#: Rows per batch when a partition is rewritten (bounded memory; also its row-group size).
BATCH_ROWS = 262_144


class NextYear:
    """The rows of Y+1 sorted by enterprise_id, with the linked fields, for look-ups by id."""

    def __init__(self, table: pa.Table):
        ids = np.asarray(table.column("enterprise_id").to_numpy(), dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        self.ids = ids[order]
        self.values = table.select(list(LINKED_FIELDS)).take(pa.array(order))


class PrevYear:
    """The ids of Y-1 sorted, with each one's sales (for ``in_prev`` and ``prev_sales`` look-ups)."""

    def __init__(self, table: pa.Table):
        ids = np.asarray(table.column("enterprise_id").to_numpy(), dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        self.ids = ids[order]
        self.sales = table.column("sales").take(pa.array(order))


def sorted_ids(table: pa.Table) -> np.ndarray:
    """The enterprise ids of a year, sorted."""
    return np.sort(np.asarray(table.column("enterprise_id").to_numpy(), dtype=np.int64))


def _positions(sorted_keys: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each id sits in ``sorted_keys``, and whether it is there at all."""
    if len(sorted_keys) == 0:
        return np.zeros(len(ids), dtype=np.int64), np.zeros(len(ids), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, ids), len(sorted_keys) - 1)
    return pos, sorted_keys[pos] == ids


def link_table(table: pa.Table, prev: PrevYear | None, nxt: NextYear | None) -> pa.Table:
    """``table`` (rows of one year Y, base columns) with the panel columns, in STORED_SCHEMA.

    ``prev``: :class:`PrevYear` of year Y-1, or None when Y-1 has no partition;
    ``nxt``: :class:`NextYear` of Y+1, or None when Y+1 has no partition.
    """
    ids = np.asarray(table.column("enterprise_id").to_numpy(), dtype=np.int64)
    n = len(ids)
    columns = {name: table.column(name) for name in COLUMNS}
    sales_type = STORED_SCHEMA.field(PREV_SALES).type
    if prev is None:
        columns["in_prev"] = pa.array(np.zeros(n, dtype=bool), type=pa.bool_())
        columns[PREV_SALES] = pa.nulls(n, sales_type)
    else:
        pos, found = _positions(prev.ids, ids)
        columns["in_prev"] = pa.array(found, type=pa.bool_())
        columns[PREV_SALES] = prev.sales.take(pa.array(pos, mask=~found)).cast(sales_type)
    if nxt is None:
        columns["in_next"] = pa.array(np.zeros(n, dtype=bool), type=pa.bool_())
        for name in LINKED_FIELDS:
            columns[NEXT_PREFIX + name] = pa.nulls(n, STORED_SCHEMA.field(NEXT_PREFIX + name).type)
    else:
        pos, found = _positions(nxt.ids, ids)
        columns["in_next"] = pa.array(found, type=pa.bool_())
        index = pa.array(pos, mask=~found)  # a null index takes a null: no Y+1 row
        for name in LINKED_FIELDS:
            target = STORED_SCHEMA.field(NEXT_PREFIX + name).type
            columns[NEXT_PREFIX + name] = nxt.values.column(name).take(index).cast(target)
    return pa.table([columns[f.name] for f in STORED_SCHEMA], schema=STORED_SCHEMA)


def link_tables(tables: Mapping[int, pa.Table]) -> dict[int, pa.Table]:
    """Link whole years held in memory (year -> base rows); used for small tables (the fixture)."""
    out = {}
    for year, table in tables.items():
        prev = PrevYear(tables[year - 1]) if year - 1 in tables else None
        nxt = NextYear(tables[year + 1]) if year + 1 in tables else None
        out[year] = link_table(table, prev, nxt)
    return out


def has_links(path: Path) -> bool:
    """Whether a partition file carries the panel columns (written by a schema-2 build)."""
    return set(PANEL_COLUMNS) <= set(pq.read_schema(path).names)


def link_partitions(years: Iterable[int], home: Path | None = None,
                    sources: Mapping[int, Path] | None = None, absent: Iterable[int] = ()) -> list[int]:
    """(Re)write the partitions of ``years`` with fresh panel links; returns the years written.

    ``sources`` maps a year to a file holding its new base rows (the build's temporary output);
    other years are read from their partition. A year counts as present if it has a source or a
    partition and is not in ``absent`` (years the caller removes afterwards). All outputs are written to temporary files first and moved in place at the end,
    so a failure leaves the previous partitions as they were.
    """
    sources = dict(sources or {})
    present = (set(available_years(home)) | set(sources)) - set(absent)

    def source(year: int) -> Path:
        return sources.get(year) or partition_path(year, home)

    written: dict[int, Path] = {}
    try:
        for year in sorted(set(years) & present):
            prev = _read_prev(source(year - 1)) if year - 1 in present else None
            nxt = _read_next(source(year + 1)) if year + 1 in present else None
            final = partition_path(year, home)
            final.parent.mkdir(parents=True, exist_ok=True)
            tmp = final.with_name(f".linked-{os.getpid()}.tmp")
            written[year] = tmp
            _rewrite(source(year), tmp, prev, nxt)
    except BaseException:
        for tmp in written.values():
            tmp.unlink(missing_ok=True)
        raise
    for year, tmp in written.items():
        os.replace(tmp, partition_path(year, home))
    return sorted(written)


def _read_prev(path: Path) -> PrevYear:
    return PrevYear(pq.read_table(path, columns=["enterprise_id", "sales"]))


def _read_next(path: Path) -> NextYear:
    # Size classes read dictionary-encoded: a few distinct strings over millions of rows.
    return NextYear(pq.read_table(path, columns=["enterprise_id", *LINKED_FIELDS], read_dictionary=list(SIZE_COLUMNS)))


def _rewrite(source: Path, target: Path, prev: PrevYear | None, nxt: NextYear | None) -> None:
    with pq.ParquetFile(source) as reader, pq.ParquetWriter(target, STORED_SCHEMA, compression="zstd") as writer:
        for batch in reader.iter_batches(batch_size=BATCH_ROWS, columns=list(COLUMNS)):
            writer.write_table(link_table(pa.Table.from_batches([batch]), prev, nxt))
