"""Run compiled indicators with DuckDB over the analytics Parquet and return the long format.

Output columns: the ``by`` dimensions, then ``indicator``, ``value``, ``numerator``,
``denominator``, ``n_firms`` (enterprises in the indicator's population in the cell) and
``max_contribution`` (the largest single enterprise's absolute value in a money total, for the
dominance rule; null otherwise), and ``suppressed`` when ``public``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from lumbung.i18n import _
from lumbung.indicators import dimensions as D
from lumbung.indicators.catalogue import Indicator, get
from lumbung.indicators.panel import has_links
from lumbung.indicators.schema import available_years, partition_path
from lumbung.indicators.sqlgen import Plan, compile_plan

LONG_COLUMNS = ("indicator", "value", "numerator", "denominator", "n_firms", "max_contribution")
SOURCES = ("registry", "published")


class AnalyticsMissing(RuntimeError):
    """No analytics tables yet: run `lumbung analytics build`."""


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
            public: bool = False, source: str = "registry", home: Path | None = None) -> pd.DataFrame:
    """Compute catalogue indicators ``ids`` broken down by ``by`` (see docs/indicators.md)."""
    indicators = get(ids) if isinstance(ids, str) or all(isinstance(i, str) for i in ids) else list(ids)
    by = D.parse_by(by)
    D.check_regime(regime)
    where = dict(where or {})
    years = parse_years(years)
    if "year" in where:
        years = sorted(set(years or parse_years(where["year"])) & set(parse_years(where["year"])))
        where.pop("year")
    if source == "published":
        from lumbung.indicators.published import compute_published

        result = compute_published(indicators, by, years=years, regime=regime, where=where, home=home)
    elif source == "registry":
        result = _compute_registry(indicators, by, years, regime, where, home)
    else:
        raise ValueError(_("unknown source {source!r} (registry or published)").format(source=source))
    if public:
        from lumbung.indicators.disclosure import protect

        result = protect(result, by)
    return result


def _compute_registry(indicators, by, years, regime, where, home) -> pd.DataFrame:
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
    return run_plan(plan, files)


def run_plan(plan: Plan, files: list[Path], view_sql: str | None = None) -> pd.DataFrame:
    """Execute ``plan`` over Parquet ``files`` (or a custom view) and reshape to the long format."""
    import duckdb

    con = duckdb.connect()
    try:
        if view_sql is None:
            if not files:
                return empty_result(plan.by)
            listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
            view_sql = f"SELECT * FROM read_parquet([{listing}])"
        con.execute(f"CREATE VIEW reports AS {view_sql}")
        wide = con.execute(plan.sql).df()
    finally:
        con.close()
    return to_long(wide, plan)


def empty_result(by: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in [*by, *LONG_COLUMNS]})


def _value(ind: Indicator, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if ind.kind in ("count", "sum"):
            return num * ind.factor
        ratio = np.where(den != 0, num / np.where(den != 0, den, 1), np.nan)
        if ind.kind == "growth":
            return (ratio - 1.0) * ind.factor
        return ratio * ind.factor


def to_long(wide: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """One row per cell x indicator: cells in the order of ``plan.by``, indicators as requested.

    Built with whole-array operations (cells x indicators matrices, raveled row-major), since a
    national query has hundreds of thousands of output rows.
    """
    if wide.empty:
        return empty_result(plan.by)
    dim_cols = [f"dim_{d}" for d in plan.by]
    if dim_cols:
        wide = wide.sort_values(dim_cols, kind="stable").reset_index(drop=True)
    cells, count = len(wide), len(plan.indicators)

    def matrix(key: str) -> np.ndarray:
        out = np.full((cells, count), np.nan)
        for j, ind in enumerate(plan.indicators):
            name = f"{ind.id}__{key}"
            if name in wide:
                out[:, j] = wide[name].to_numpy(dtype="float64", na_value=np.nan)
        return out

    num, den, n, mx = matrix("num"), matrix("den"), matrix("n"), matrix("max")
    value = np.empty_like(num)
    counts = np.array([i.kind == "count" or (i.kind == "share" and not i.numerator) for i in plan.indicators])
    num[:, counts] = np.nan_to_num(num[:, counts])
    n = np.nan_to_num(n)
    for j, ind in enumerate(plan.indicators):
        value[:, j] = _value(ind, num[:, j], den[:, j])
    keep = ((n > 0) | counts[None, :]).ravel()
    out = pd.DataFrame({d: np.repeat(wide[f"dim_{d}"].to_numpy(), count)[keep] for d in plan.by})
    out["indicator"] = np.tile(np.array([i.id for i in plan.indicators], dtype=object), cells)[keep]
    out["value"] = value.ravel()[keep]
    out["numerator"] = num.ravel()[keep]
    out["denominator"] = den.ravel()[keep]
    out["n_firms"] = n.ravel()[keep].astype("int64")
    out["max_contribution"] = mx.ravel()[keep]
    if "year" in plan.by:
        out["year"] = out["year"].astype("int64")
    return out
