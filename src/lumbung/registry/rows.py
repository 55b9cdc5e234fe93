"""The one reader of the registry's tables: yearly reports joined to their enterprises, as Arrow.

Everything outside the ``registry`` app that needs the registry's rows (the analytics build,
the export, the lab's population) reads them here, so the join is written once:

* :func:`high_water_mark`: the latest change to an enterprise or a report, as an integer
  (microseconds since 1970-01-01 UTC; 0 for an empty registry);
* :func:`touched_years`: the years with a report or an enterprise changed after such a mark;
* :func:`year_counts`: reports per year (a deletion shows as a smaller count);
* :func:`iter_batches`: the rows, streamed as ``pyarrow.RecordBatch`` of at most ``batch_size``
  rows, in year order, read through the DB-API connection under Django's (a plain cursor on
  SQLite; on PostgreSQL ``COPY (query) TO STDOUT`` in CSV, parsed by Arrow's streaming CSV reader
  into columns, with no Python object per value; never ORM objects), so memory stays bounded;
* :func:`reports_table`: the same rows as one ``pyarrow.Table``;
* :func:`network_table`: the linkages and memberships (lumbung.linkages) in the analytics layout
  (:data:`lumbung.indicators.source.NETWORK_SCHEMA`); their changes count in the high-water mark
  and touch the years of their enterprises (a deletion touches the enterprises, see
  lumbung.linkages.audit).

Columns are ``enterprise_id`` then the names of :mod:`lumbung.vocabulary` (enterprise fields,
then report fields). The owner's NIK is never read: it is stored encrypted and leaves the
registry only in the owner's own view (UU 27/2022). ``columns=`` narrows the read (the analytics
build does not read names). :class:`RegistryRows` bundles the functions as an object that
implements :class:`lumbung.indicators.source.Source`.

Django must be set up before this module is imported (``lumbung.setup_django()``).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone

import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
from django.apps import apps
from django.db import connection, transaction
from django.db.models import Count, Max, Q

from lumbung import vocabulary as F
from lumbung.indicators.source import NETWORK_SCHEMA
from lumbung.registry.models import AnnualReport, Enterprise

#: Rows per batch by default (about 40 MiB of Python tuples at the registry's width).
BATCH_SIZE = 100_000
#: Bytes of CSV parsed at a time when reading PostgreSQL through COPY (about 40,000 rows).
COPY_BLOCK = 8 << 20
KEY = "enterprise_id"
#: Enterprise columns that can be read (every vocabulary field but the owner's NIK).
ENTERPRISE_COLUMNS = tuple(c for c in F.ENTERPRISE_COLUMNS if c != "owner_nik")
REPORT_COLUMNS = F.REPORT_COLUMNS
#: Every column :func:`iter_batches` returns by default, in its order.
COLUMNS = (KEY, *ENTERPRISE_COLUMNS, *REPORT_COLUMNS)
#: The system an enterprise's source_id belongs to: readable on request (the export carries it).
SOURCE = "source"
#: Arrow type of each vocabulary kind (money is whole rupiah).
ARROW_TYPES = {"text": pa.string(), "choice": pa.string(), "int": pa.int64(), "money": pa.int64(),
               "bool": pa.bool_(), "year": pa.int32()}
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def arrow_type(column: str) -> pa.DataType:
    if column == KEY:
        return pa.int64()
    return pa.string() if column == SOURCE else ARROW_TYPES[F.BY_NAME[column].kind]


def schema(columns: Sequence[str] | None = None) -> pa.Schema:
    """The Arrow schema of a read of ``columns`` (all :data:`COLUMNS` when None)."""
    return pa.schema([pa.field(c, arrow_type(c), nullable=c != KEY) for c in _columns(columns)])


def _columns(columns: Sequence[str] | None) -> tuple[str, ...]:
    if columns is None:
        return COLUMNS
    unknown = [c for c in columns if c not in COLUMNS and c != SOURCE]
    if unknown:
        raise ValueError(f"not a registry column: {', '.join(unknown)}")
    return tuple(columns)


# ---------------------------------------------------------------- change tracking

def _micros(moment: datetime | None) -> int:
    if moment is None:
        return 0
    if moment.tzinfo is None:  # naive datetimes are UTC under USE_TZ
        moment = moment.replace(tzinfo=timezone.utc)
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _moment(mark: int) -> datetime:
    return EPOCH + timedelta(microseconds=int(mark))


def _network_models() -> list:
    """The linkages app's Linkage and Membership, looked up by name (the registry does not import
    the app that builds on it); none when the app is not installed."""
    if not apps.is_installed("lumbung.linkages"):
        return []
    return [apps.get_model("linkages", "Linkage"), apps.get_model("linkages", "Membership")]


def high_water_mark() -> int:
    """The latest ``updated_at`` of any enterprise, report, linkage or membership, in microseconds
    since the epoch (UTC)."""
    latest = [model.objects.aggregate(m=Max("updated_at"))["m"]
              for model in (Enterprise, AnnualReport, *_network_models())]
    return max(_micros(m) for m in latest)


def touched_years(since: int) -> set[int]:
    """Years of the reports changed, or whose enterprise, linkage or membership changed, after the
    mark ``since``."""
    moment = _moment(since)
    changed = AnnualReport.objects.filter(Q(updated_at__gt=moment) | Q(enterprise__updated_at__gt=moment))
    years = {int(y) for y in changed.order_by().values_list("year", flat=True).distinct()}
    models = _network_models()
    if models:
        linkage, membership = models
        links = linkage.objects.filter(updated_at__gt=moment)
        ids = (set(links.values_list("ikm_id", flat=True)) | set(links.values_list("partner_id", flat=True))
               | set(membership.objects.filter(updated_at__gt=moment).values_list("enterprise_id", flat=True)))
        if ids:
            years |= {int(y) for y in AnnualReport.objects.filter(enterprise_id__in=ids).order_by()
                      .values_list("year", flat=True).distinct()}
    return years


def network_table() -> pa.Table:
    """One row per linkage side (roles "ikm", "partner") and per membership ("sentra",
    "cooperative"), with the start and end years (NETWORK_SCHEMA)."""
    rows: list[tuple] = []
    models = _network_models()
    if models:
        linkage, membership = models
        for ikm, partner, start, end, share in linkage.objects.values_list(
                "ikm_id", "partner_id", "start_date", "end_date", "output_share").iterator(chunk_size=10_000):
            ends = end.year if end else None
            rows += [(ikm, "ikm", start.year, ends, share), (partner, "partner", start.year, ends, None)]
        for eid, sentra, start, end in membership.objects.values_list(
                "enterprise_id", "sentra_id", "start_date", "end_date").iterator(chunk_size=10_000):
            rows.append((eid, "sentra" if sentra else "cooperative", start.year, end.year if end else None, None))
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in NETWORK_SCHEMA]
    return pa.table([pa.array(list(c), type=f.type) for c, f in zip(columns, NETWORK_SCHEMA, strict=True)],
                    schema=NETWORK_SCHEMA)


def year_counts() -> dict[int, int]:
    """Reports per year."""
    rows = AnnualReport.objects.order_by().values("year").annotate(n=Count("id")).values_list("year", "n")
    return {int(year): int(n) for year, n in rows}


# ---------------------------------------------------------------- rows

def _select(columns: tuple[str, ...], years: Iterable[int] | None, region: str | None) -> tuple[str, list]:
    ent, rep = Enterprise._meta.db_table, AnnualReport._meta.db_table
    select = ["r.enterprise_id" if c == KEY else f"e.{c}" if c in (*ENTERPRISE_COLUMNS, SOURCE) else f"r.{c}"
              for c in columns]
    where, params = [], []
    if years is not None:
        where.append("r.year IN (" + ", ".join(str(int(y)) for y in years) + ")" if years else "1 = 0")
    if region:
        where.append("(e.region_code = %s OR e.region_code LIKE %s)")
        params += [region, region + ".%"]
    sql = (f"SELECT {', '.join(select)} FROM {rep} r JOIN {ent} e ON e.id = r.enterprise_id"
           + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY r.year")
    return sql, params


class _CopyStream(io.RawIOBase):
    """The data blocks of a ``COPY ... TO STDOUT`` as a readable binary file (for Arrow's CSV reader)."""

    def __init__(self, copy) -> None:
        self.blocks = iter(copy)
        self.left = b""

    def readable(self) -> bool:
        return True

    def empty(self) -> bool:
        """True when the COPY sends no data at all (no row: Arrow's reader refuses an empty file)."""
        if not self.left:
            self.left = bytes(next(self.blocks, b""))
        return not self.left

    def readinto(self, buffer) -> int:
        while not self.left:
            block = next(self.blocks, None)
            if block is None:
                return 0
            self.left = bytes(block)
        size = min(len(buffer), len(self.left))
        buffer[:size] = self.left[:size]
        self.left = self.left[size:]
        return size


def _copy_batches(sql: str, params: list, target: pa.Schema, batch_size: int) -> Iterator[pa.RecordBatch]:
    """PostgreSQL: the query's rows through ``COPY (query) TO STDOUT (FORMAT csv)``, parsed by
    Arrow's streaming CSV reader straight into columns (no Python object per value). In CSV, NULL
    is an unquoted empty field and an empty string a quoted one; booleans are ``t``/``f``."""
    connection.ensure_connection()
    raw = connection.connection
    query = psycopg.ClientCursor(raw).mogrify(sql, params)  # COPY takes no parameters: bound here
    options = pacsv.ConvertOptions(column_types=target, true_values=["t"], false_values=["f"],
                                   strings_can_be_null=True, quoted_strings_can_be_null=False)
    read = pacsv.ReadOptions(column_names=target.names, block_size=COPY_BLOCK)
    with transaction.atomic(), raw.cursor() as cursor, cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy:
        stream = _CopyStream(copy)
        if stream.empty():
            return
        reader = pacsv.open_csv(io.BufferedReader(stream, COPY_BLOCK), read_options=read, convert_options=options)
        for parsed in reader:
            batch = pa.RecordBatch.from_arrays(parsed.columns, schema=target)  # the key is NOT NULL
            for start in range(0, batch.num_rows, batch_size):
                yield batch.slice(start, batch_size)


def _chunks(sql: str, params: list, batch_size: int) -> Iterator[list[tuple]]:
    """SQLite: rows in chunks through the DB-API connection under Django's (no ORM objects)."""
    connection.ensure_connection()
    cursor = connection.connection.cursor()  # SQLite: the sqlite3 cursor itself, without Django's wrapper
    try:
        cursor.execute(sql.replace("%s", "?"), params)
        while rows := cursor.fetchmany(batch_size):
            yield rows
    finally:
        cursor.close()


def _batch(rows: list[tuple], target: pa.Schema) -> pa.RecordBatch:
    arrays = []
    for column, values in zip(target, zip(*rows, strict=True), strict=True):
        if column.type == pa.bool_():
            arrays.append(pa.array(values).cast(pa.bool_()))  # SQLite hands back 0/1 rather than bools
        else:
            arrays.append(pa.array(values, type=column.type))
    return pa.RecordBatch.from_arrays(arrays, schema=target)


def iter_batches(years: Iterable[int] | None = None, batch_size: int = BATCH_SIZE,
                 columns: Sequence[str] | None = None, region: str | None = None) -> Iterator[pa.RecordBatch]:
    """Reports joined to their enterprises, ordered by year, in batches.

    ``years``: only these (all when None); ``columns``: a subset of :data:`COLUMNS`;
    ``region``: only enterprises in this region code and below (dotted, normalised).
    """
    chosen = _columns(columns)
    target = schema(chosen)
    sql, params = _select(chosen, None if years is None else sorted(set(years)), region)
    if connection.vendor == "postgresql":
        yield from _copy_batches(sql, params, target, batch_size)
        return
    for rows in _chunks(sql, params, batch_size):
        yield _batch(rows, target)


def reports_table(years: Iterable[int] | None = None, columns: Sequence[str] | None = None,
                  region: str | None = None) -> pa.Table:
    """:func:`iter_batches` as one table (empty, with the schema, when nothing matches)."""
    chosen = _columns(columns)
    return pa.Table.from_batches(list(iter_batches(years, columns=chosen, region=region)), schema=schema(chosen))


class RegistryRows:
    """The registry as a :class:`lumbung.indicators.source.Source` (the analytics build's input)."""

    columns = COLUMNS

    def high_water_mark(self) -> int:
        return high_water_mark()

    def touched_years(self, since: int) -> set[int]:
        return touched_years(since)

    def year_counts(self) -> dict[int, int]:
        return year_counts()

    def iter_batches(self, years: Iterable[int] | None = None, batch_size: int = BATCH_SIZE,
                     columns: Sequence[str] | None = None, region: str | None = None) -> Iterator[pa.RecordBatch]:
        return iter_batches(years, batch_size, columns, region)

    def reports_table(self, years: Iterable[int] | None = None, columns: Sequence[str] | None = None,
                      region: str | None = None) -> pa.Table:
        return reports_table(years, columns, region)

    def network_table(self) -> pa.Table:
        return network_table()
