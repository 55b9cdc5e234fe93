"""One DuckDB session: connect, expose the rows as the view ``reports``, run, close.

Every query of lumbung.indicators (the engine, published tables, data-quality rules) goes
through :func:`session`, so the rows are read one way: Parquet files with ``union_by_name``
(partitions written by different builds may differ in their columns; missing ones read as NULL),
or an in-memory frame.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

VIEW = "reports"


def parquet_sql(files: Sequence[Path | str]) -> str:
    """The SELECT that reads ``files`` as one table."""
    listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    return f"SELECT * FROM read_parquet([{listing}], union_by_name = true)"


@contextmanager
def session(files: Sequence[Path | str] | None = None, frame: pd.DataFrame | None = None) -> Iterator:
    """A DuckDB connection whose view ``reports`` holds ``files`` (Parquet) or ``frame``."""
    con = duckdb.connect()
    try:
        if frame is not None:
            con.register("reports_frame", frame)
            con.execute(f"CREATE VIEW {VIEW} AS SELECT * FROM reports_frame")
        elif files:
            con.execute(f"CREATE VIEW {VIEW} AS {parquet_sql(files)}")
        yield con
    finally:
        con.close()


def query(sql: str, files: Sequence[Path | str] | None = None, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Run one statement over ``reports`` (see :func:`session`) and return its rows."""
    with session(files, frame) as con:
        return con.execute(sql).df()


def run_wide(sql: str, files: Sequence[Path | str], master: str | None = None) -> pd.DataFrame:
    """The engine interface (lumbung.indicators.engine.ENGINES): a compiled plan (DuckDB dialect)
    over Parquet files, one row per cell. ``master`` is for engines with a cluster (Spark)."""
    return query(sql, files=files)
