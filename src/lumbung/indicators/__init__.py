"""Uniform IKM indicators: a catalogue defined as data, computed over region x sector x size
class x year from analytics Parquet tables with DuckDB (docs/indicators.md).

Pure Python: only :func:`lumbung.indicators.analytics.build` reads the registry database, and it
imports Django inside the function. Submodules are imported lazily so that importing the package
stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_analytics", "catalogue", "compute", "import_table", "to_sql"]


def compute(ids, by=(), years=None, regime: str = "bps-workers", where: dict | None = None,
            public: bool = False, source: str = "registry", home=None):
    """Indicators ``ids`` by dimensions ``by`` as a long DataFrame (see engine.compute)."""
    from lumbung.indicators.engine import compute as _compute

    return _compute(ids, by=by, years=years, regime=regime, where=where, public=public, source=source, home=home)


def to_sql(ids, by=(), years=None, regime: str = "bps-workers", where: dict | None = None,
           dialect: str = "duckdb", table: str = "reports", available_years=None, links: bool = True) -> str:
    """The SQL statement for ``ids`` by ``by`` in ``dialect`` ("duckdb" or "spark"); ``links``:
    the table carries the panel links of ``lumbung analytics build`` (False: self-joins)."""
    from lumbung.indicators.sqlgen import to_sql as _to_sql

    return _to_sql(ids, by=by, years=years, regime=regime, where=where, dialect=dialect, table=table,
                   available_years=available_years, links=links)


def catalogue() -> dict[str, Any]:
    """The indicator catalogue by id."""
    from lumbung.indicators.catalogue import catalogue as _catalogue

    return _catalogue()


def build_analytics(full: bool = False, home=None, progress=None):
    """Write the analytics tables from the registry (``lumbung analytics build``)."""
    from lumbung.indicators.analytics import build

    return build(full=full, home=home, progress=progress)


def import_table(path, layout: str = "bps-imk-province", year: int | None = None, home=None):
    """Load a published aggregate table (``lumbung import-table``)."""
    from lumbung.indicators.published import import_table as _import_table

    return _import_table(path, layout, year=year, home=home)
