"""What the analytics build reads: a *source* of registry rows (a ``typing.Protocol``).

The build (:mod:`lumbung.indicators.analytics`) needs only these few methods, so it imports no
Django: the registry's implementation is :class:`lumbung.registry.rows.RegistryRows`, and
:class:`MemorySource` keeps rows in memory for tests and examples.

* ``high_water_mark()``: an integer that grows with every change (the registry: microseconds of
  the latest ``updated_at``); the build stores it, and a later source mark above it means the
  analytics tables are stale;
* ``touched_years(since)``: years with a row changed after the mark ``since``;
* ``year_counts()``: rows per year (a deletion shows as a smaller count);
* ``iter_batches(years, batch_size, columns)``: the rows (``enterprise_id`` then the names of
  :mod:`lumbung.vocabulary`), as ``pyarrow.RecordBatch`` of at most ``batch_size`` rows;
* ``network_table()``: the enterprises' linkages and memberships (:data:`NETWORK_SCHEMA`: one
  row per linkage side or membership, with its first and last year, open-ended when the last is
  null), from which the build derives the network columns (schema.NETWORK_FIELDS). A change to
  a linkage or membership moves the high-water mark and touches the years of its enterprises.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Protocol, runtime_checkable

import pyarrow as pa

from lumbung import vocabulary as F
from lumbung.indicators.schema import arrow_type

#: Columns a source gives: the key, then every vocabulary field except the owner's NIK.
SOURCE_COLUMNS = ("enterprise_id", *(c for c in F.ENTERPRISE_COLUMNS if c != "owner_nik"), *F.REPORT_COLUMNS)
ENTERPRISE_ONLY = frozenset(F.ENTERPRISE_COLUMNS)
#: What ``network_table`` gives: ``role`` is "ikm" or "partner" (a linkage's two sides), "sentra" or
#: "cooperative" (a membership); ``output_share`` (percent) only on a linkage's IKM side.
NETWORK_SCHEMA = pa.schema([pa.field("enterprise_id", pa.int64()), pa.field("role", pa.string()),
                            pa.field("start_year", pa.int32()), pa.field("end_year", pa.int32()),
                            pa.field("output_share", pa.int64())])
NETWORK_ROLES = ("ikm", "partner", "sentra", "cooperative")


@runtime_checkable
class Source(Protocol):
    """Registry rows as the analytics build reads them."""

    def high_water_mark(self) -> int: ...

    def touched_years(self, since: int) -> set[int]: ...

    def year_counts(self) -> dict[int, int]: ...

    def iter_batches(self, years: Iterable[int] | None = None, batch_size: int = ...,
                     columns: Sequence[str] | None = None) -> Iterator[pa.RecordBatch]: ...

    def network_table(self) -> pa.Table: ...


def source_schema(columns: Sequence[str]) -> pa.Schema:
    return pa.schema([pa.field(c, arrow_type(c)) for c in columns])


class MemorySource:
    """Rows held in a dict, with a change counter as the high-water mark (tests, examples).

    >>> src = MemorySource()
    >>> src.put({"enterprise_id": 1, "year": 2023, "region_code": "32.04", "kbli": "10110", "workers": 3})
    >>> src.year_counts(), src.high_water_mark()
    ({2023: 1}, 1)
    >>> src.put({"enterprise_id": 1, "year": 2023, "workers": 4}); src.touched_years(1)
    {2023}
    """

    def __init__(self, rows: Iterable[Mapping] = ()):
        self.rows: dict[tuple[int, int], dict] = {}
        self.marks: dict[tuple[int, int], int] = {}
        self.years_of: dict[int, set[int]] = {}  # enterprise -> its years
        self.mark = 0
        self.network: list[dict] = []
        for row in rows:
            self.put(row)

    def _tick(self) -> int:
        self.mark += 1
        return self.mark

    def put(self, row: Mapping) -> None:
        """Create or update the report (enterprise_id, year); given fields replace stored ones.
        Enterprise fields are shared by every year of the enterprise, as in the registry."""
        key = (int(row["enterprise_id"]), int(row["year"]))
        years = self.years_of.setdefault(key[0], set())
        if key not in self.rows:
            sibling = self.rows[(key[0], next(iter(years)))] if years else {}
            self.rows[key] = {c: sibling.get(c) if c in ENTERPRISE_ONLY else None for c in SOURCE_COLUMNS}
            years.add(key[1])
        self.rows[key].update(row)
        mark = self._tick()
        self.marks[key] = mark
        shared = {k: v for k, v in row.items() if k in ENTERPRISE_ONLY}
        for year in years - {key[1]} if shared else ():
            self.rows[(key[0], year)].update(shared)
            self.marks[(key[0], year)] = mark

    def delete(self, enterprise_id: int, year: int | None = None) -> None:
        """Delete one report, or every report of the enterprise."""
        years = self.years_of.get(enterprise_id, set())
        for gone in [y for y in years if year in (None, y)]:
            del self.rows[(enterprise_id, gone)], self.marks[(enterprise_id, gone)]
            years.discard(gone)
        self._tick()

    def put_network(self, enterprise_id: int, role: str, start_year: int, end_year: int | None = None,
                    output_share: int | None = None) -> None:
        """Add a linkage side or a membership (see NETWORK_SCHEMA); the enterprise's years are touched.

        >>> src = MemorySource([{"enterprise_id": 1, "year": 2023}])
        >>> src.put_network(1, "sentra", 2020); src.network_table().num_rows, src.touched_years(1)
        (1, {2023})
        """
        if role not in NETWORK_ROLES:
            raise ValueError(f"role is one of {', '.join(NETWORK_ROLES)}, not {role!r}")
        self.network.append({"enterprise_id": int(enterprise_id), "role": role, "start_year": start_year,
                             "end_year": end_year, "output_share": output_share})
        mark = self._tick()
        for year in self.years_of.get(int(enterprise_id), ()):
            self.marks[(int(enterprise_id), year)] = mark

    def network_table(self) -> pa.Table:
        return pa.Table.from_pylist(self.network, schema=NETWORK_SCHEMA)

    def high_water_mark(self) -> int:
        return self.mark

    def touched_years(self, since: int) -> set[int]:
        return {year for (_eid, year), mark in self.marks.items() if mark > since}

    def year_counts(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for _eid, year in self.rows:
            counts[year] = counts.get(year, 0) + 1
        return counts

    def iter_batches(self, years: Iterable[int] | None = None, batch_size: int = 100_000,
                     columns: Sequence[str] | None = None) -> Iterator[pa.RecordBatch]:
        chosen = tuple(columns or SOURCE_COLUMNS)
        wanted = None if years is None else set(years)
        keys = sorted((k for k in self.rows if wanted is None or k[1] in wanted), key=lambda k: (k[1], k[0]))
        target = source_schema(chosen)
        for start in range(0, len(keys), batch_size):
            chunk = [self.rows[k] for k in keys[start:start + batch_size]]
            yield pa.RecordBatch.from_pylist([{c: r[c] for c in chosen} for r in chunk], schema=target)

    def reports_table(self, years: Iterable[int] | None = None, columns: Sequence[str] | None = None) -> pa.Table:
        chosen = tuple(columns or SOURCE_COLUMNS)
        return pa.Table.from_batches(list(self.iter_batches(years, columns=chosen)), schema=source_schema(chosen))
