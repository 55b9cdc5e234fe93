"""The analytics table: one row per enterprise x year, denormalised for the engine.

Columns (agreed in the interfaces contract): ``enterprise_id``, ``year``, every registry template
column except the personal ones (name, owner name, NIK), ``value_added`` (output - inputs, BPS),
region levels, KBLI section and division, and one size-class column per regime.
Files: ``<LUMBUNG_HOME>/analytics/reports/year=YYYY/part-0.parquet``.

The build also stores panel links after those columns (:data:`PANEL_SCHEMA`, written by
lumbung.indicators.panel): whether the enterprise reported in Y-1 and in Y+1, and its Y+1 values
of the fields that panel indicators compare, so that entry, exit, graduation and growth need no
self-join at query time. :data:`SCHEMA` stays the base (contract) schema; :data:`STORED_SCHEMA`
is what a build writes.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from lumbung import conf
from lumbung import vocabulary as F
from lumbung.errors import UserError

#: Schema version written into the build state; a build with another version rebuilds everything.
SCHEMA_VERSION = 4  # 2: panel links stored with the rows; 3: network columns (issue 12); 4: prev_sales

# Personal data (UU 27/2022) never reaches the analytics tables.
EXCLUDED = ("name", "owner_name", "owner_nik")

#: Regime ids of lumbung.sizeclass (contract); the column of each is size_<id with - as _>.
REGIME_IDS = ("bps-workers", "uu-9-1995", "uu-20-2008", "pp-7-2021", "permenperin-64-2016")

#: Arrow type of each vocabulary kind (money is whole rupiah).
ARROW_TYPES = {
    "text": pa.string(), "choice": pa.string(), "int": pa.int64(), "money": pa.int64(),
    "bool": pa.bool_(), "year": pa.int32(),
}


def arrow_type(column: str) -> pa.DataType:
    """The Arrow type of a registry column (``enterprise_id`` or a vocabulary field)."""
    return pa.int64() if column == "enterprise_id" else ARROW_TYPES[F.BY_NAME[column].kind]


def size_column(regime: str) -> str:
    return "size_" + regime.replace("-", "_")


SIZE_COLUMNS = tuple(size_column(r) for r in REGIME_IDS)


def _schema() -> pa.Schema:
    columns = [pa.field("enterprise_id", pa.int64(), nullable=False), pa.field("year", pa.int32(), nullable=False)]
    for f in F.TEMPLATE_FIELDS:
        if f.name in EXCLUDED or f.name == "year":
            continue
        columns.append(pa.field(f.name, ARROW_TYPES[f.kind]))
    columns.append(pa.field("value_added", pa.int64()))
    for name in ("province", "regency", "district", "kbli_section", "kbli_division", *SIZE_COLUMNS):
        columns.append(pa.field(name, pa.string()))
    columns += [pa.field(name, kind) for name, kind in NETWORK_FIELDS]
    return pa.schema(columns)


#: The enterprise's network in the year (lumbung.linkages, through the source's ``network_table``):
#: linkages running at some time in the year (either side), membership of a sentra and of a
#: cooperative, and the rupiah of its output sold through its linkages as the IKM side
#: (output x the linkages' output shares, capped at 100 %; NULL when output or a share is unknown).
NETWORK_FIELDS = (("partnerships", pa.int64()), ("sentra_member", pa.bool_()), ("cooperative_member", pa.bool_()),
                  ("output_linked", pa.int64()))
NETWORK_COLUMNS = tuple(name for name, _kind in NETWORK_FIELDS)


SCHEMA = _schema()
COLUMNS = tuple(SCHEMA.names)

#: Fields whose Y+1 value is stored on the row of Y as ``next_<field>``: what the catalogue's
#: graduation (size classes) and growth (workers, sales, value added) indicators compare.
LINKED_FIELDS = ("workers", "sales", "value_added", *SIZE_COLUMNS)
NEXT_PREFIX = "next_"
#: The row's own sales of Y-1 (NULL when E has no Y-1 row): what an owner's peer benchmark
#: compares for sales growth (lumbung.indicators.benchmark), so its peers need no read of Y-1.
PREV_SALES = "prev_sales"
PANEL_SCHEMA = pa.schema(
    [pa.field("in_prev", pa.bool_()), pa.field("in_next", pa.bool_())]
    + [pa.field(NEXT_PREFIX + name, SCHEMA.field(name).type) for name in LINKED_FIELDS]
    + [pa.field(PREV_SALES, SCHEMA.field("sales").type)])
PANEL_COLUMNS = tuple(PANEL_SCHEMA.names)
STORED_SCHEMA = pa.schema([*SCHEMA, *PANEL_SCHEMA])
STORED_COLUMNS = tuple(STORED_SCHEMA.names)
MONEY_FIELDS = frozenset((*F.MONEY_COLUMNS, "value_added", "output_linked"))

#: Fields an indicator expression may name: the table's columns plus ``size_class``, which
#: stands for the size column of the regime chosen at query time.
EXPRESSION_FIELDS = frozenset(COLUMNS) | {"size_class"}


class AnalyticsMissing(UserError):
    """No analytics tables yet: run `lumbung analytics build`."""


def analytics_dir(home: Path | None = None) -> Path:
    return (home or conf.home()) / "analytics"


def reports_dir(home: Path | None = None) -> Path:
    return analytics_dir(home) / "reports"


def published_dir(home: Path | None = None) -> Path:
    return analytics_dir(home) / "published"


def partition_path(year: int, home: Path | None = None) -> Path:
    return reports_dir(home) / f"year={int(year)}" / "part-0.parquet"


def available_years(home: Path | None = None) -> list[int]:
    """Years with a written partition, ascending."""
    root = reports_dir(home)
    if not root.is_dir():
        return []
    years = []
    for child in root.iterdir():
        if child.name.startswith("year=") and (child / "part-0.parquet").exists():
            years.append(int(child.name.split("=", 1)[1]))
    return sorted(years)
