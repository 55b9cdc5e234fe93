"""Run compiled indicators over the analytics Parquet and return the long format
(lumbung.indicators.longformat).

Where the rows come from is a *source* (:data:`SOURCES`: the registry's analytics tables, or
published aggregate tables); what runs the statement is an *engine* (:data:`ENGINES`: DuckDB in
this process, or Spark on a cluster, over the same Parquet files and the same compiled SQL).
Disclosure control (lumbung.indicators.disclosure) applies to every result alike.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.indicators import dimensions as D
from lumbung.indicators.catalogue import get
from lumbung.indicators.disclosure import protect
from lumbung.indicators.longformat import LONG_COLUMNS, empty_result, to_long
from lumbung.indicators.panel import has_links
from lumbung.indicators.published import compute_published
from lumbung.indicators.schema import AnalyticsMissing, available_years, partition_path
from lumbung.indicators.sqlgen import Plan, QueryError, compile_plan

__all__ = ["ENGINES", "LONG_COLUMNS", "SOURCES", "AnalyticsMissing", "EngineUnavailable", "compute", "empty_result", "parse_years",
           "run_plan", "to_long"]

#: engine name -> module with ``run_wide(sql, files, master=None)``, imported when first used:
#: Spark (pyspark, the optional ``scale`` extra) is loaded only by those who ask for it.
ENGINES = {"duckdb": "lumbung.indicators.session", "spark": "lumbung.indicators.spark"}


class EngineUnavailable(UserError):
    """The engine asked for is not installed (Spark: pyspark, the ``scale`` extra, and Java)."""


def parse_years(years) -> list[int] | None:
    """None, an int, an iterable of ints, or text "2023" / "2021-2023" / "2021,2023"."""
    if years is None:
        return None
    if isinstance(years, (int, np.integer)):
        return [int(years)]
    if isinstance(years, str):
        return _parse_year_text(years)
    if isinstance(years, Iterable):
        return sorted({int(y) for y in years})
    raise ValueError(_("years must be a year, a list of years or a range like 2021-2023"))


def _year(text: str, whole: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(_("cannot read years {text!r}: give a year, Y1-Y2 or Y1,Y2").format(text=whole)) from None


def _parse_year_text(years: str) -> list[int]:
    out: list[int] = []
    for part in years.split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = (_year(p, years) for p in part.split("-", 1))
            if hi < lo:
                raise ValueError(_("year range {text!r} ends before it starts").format(text=part))
            out.extend(range(lo, hi + 1))
        elif part:
            out.append(_year(part, years))
    return sorted(set(out))


def compute(ids, by=(), years=None, regime: str = "bps-workers", where: dict | None = None,
            public: bool = False, source: str = "registry", home: Path | None = None,
            engine: str = "duckdb", spark_master: str | None = None) -> pd.DataFrame:
    """Compute catalogue indicators ``ids`` broken down by ``by`` (see docs/indicators.md).

    ``source``: "registry" (the analytics tables) or "published"; ``engine``: "duckdb" or
    "spark" (``spark_master``: the cluster's URL, default ``local[*]`` or LUMBUNG_SPARK_MASTER).
    """
    indicators = get(ids) if isinstance(ids, str) or all(isinstance(i, str) for i in ids) else list(ids)
    by = D.parse_by(by)
    D.check_regime(regime)
    where = dict(where or {})
    years = parse_years(years)
    if "year" in where:
        years = sorted(set(years or parse_years(where["year"])) & set(parse_years(where["year"])))
        where.pop("year")
    if source not in SOURCES:
        raise ValueError(_("unknown source {source!r} (registry or published)").format(source=source))
    check_engine(engine)
    result = SOURCES[source](indicators, by, years=years, regime=regime, where=where, home=home,
                             engine=engine, spark_master=spark_master)
    return protect(result, by) if public else result


def check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ValueError(_("unknown engine {engine!r} (one of {known})").format(engine=engine, known=", ".join(ENGINES)))


def compute_registry(indicators, by, years=None, regime="bps-workers", where=None, home=None,
                     engine: str = "duckdb", spark_master: str | None = None) -> pd.DataFrame:
    """Indicators over the analytics tables that ``lumbung analytics build`` wrote."""
    available = available_years(home)
    if not available:
        raise AnalyticsMissing(_("no analytics tables yet: run `lumbung analytics build`"))
    wanted = set(years) if years else set(available)
    read = wanted | ({y - 1 for y in wanted} if any(i.is_panel for i in indicators) else set())
    files = [partition_path(y, home) for y in sorted(read & set(available))]
    # Partitions from `lumbung analytics build` carry panel links (no self-join needed); tables
    # written otherwise (an older build, hand-made files) are still answered, with joins.
    links = bool(files) and all(has_links(f) for f in files)
    plan = compile_plan(indicators, by, years=years, regime=regime, where=where, available_years=available,
                        links=links)
    return run_plan(plan, files, engine=engine, spark_master=spark_master)


def _published(indicators, by, years=None, regime="bps-workers", where=None, home=None,
               engine: str = "duckdb", spark_master: str | None = None) -> pd.DataFrame:
    if engine != "duckdb":
        raise QueryError(_("published tables are small aggregate tables: they are computed with DuckDB, "
                           "not {engine}").format(engine=engine))
    return compute_published(indicators, by, years=years, regime=regime, where=where, home=home)


#: source name -> function computing indicators from it
SOURCES = {"registry": compute_registry, "published": _published}


def run_plan(plan: Plan, files: list[Path], engine: str = "duckdb", spark_master: str | None = None) -> pd.DataFrame:
    """Execute ``plan`` over Parquet ``files`` with ``engine`` and reshape to the long format."""
    if not files:
        return empty_result(plan.by)
    wide = engine_module(engine).run_wide(plan.sql, files, master=spark_master)
    return to_long(wide, plan)


def engine_module(engine: str):
    """The module that runs ``engine`` (:data:`ENGINES`)."""
    check_engine(engine)
    try:
        return importlib.import_module(ENGINES[engine])
    except ImportError as error:
        raise EngineUnavailable(_("the {engine} engine is not installed ({error}); for Spark: "
                                  "pip install 'lumbung[scale]' and a Java runtime").format(
                                      engine=engine, error=error)) from None
