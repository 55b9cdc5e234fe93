"""The long format every indicator result has: one row per cell x indicator.

Columns: the ``by`` dimensions, then ``indicator``, ``value``, ``numerator``, ``denominator``,
``n_firms`` (enterprises in the indicator's population in the cell) and ``max_contribution``
(the largest single enterprise's absolute value in a money total, for the dominance rule; null
otherwise); disclosure control adds ``suppressed``. :func:`to_long` shapes what a compiled plan
(lumbung.indicators.sqlgen) returns, whichever engine ran it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from lumbung.indicators.catalogue import Indicator
from lumbung.indicators.sqlgen import Plan

LONG_COLUMNS = ("indicator", "value", "numerator", "denominator", "n_firms", "max_contribution")


def empty_result(by: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in [*by, *LONG_COLUMNS]})


def value_of(ind: Indicator, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """The indicator's value from its numerator and denominator (a ratio is NaN where den is 0)."""
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
        value[:, j] = value_of(ind, num[:, j], den[:, j])
    keep = np.flatnonzero(((n > 0) | counts[None, :]).ravel())
    # The output rows by position in the cells x indicators matrix: the string columns are taken
    # from their (Arrow-backed) columns by index instead of being rebuilt from Python objects,
    # which took most of this function's time on a national query (~470,000 output rows).
    cell, which = np.divmod(keep, count)
    ids = pd.Series([i.id for i in plan.indicators])
    out = pd.DataFrame({d: _take(wide[f"dim_{d}"], cell) for d in plan.by})
    out["indicator"] = _take(ids, which)
    out["value"] = value.ravel()[keep]
    out["numerator"] = num.ravel()[keep]
    out["denominator"] = den.ravel()[keep]
    out["n_firms"] = n.ravel()[keep].astype("int64")
    out["max_contribution"] = mx.ravel()[keep]
    if "year" in plan.by:
        out["year"] = out["year"].astype("int64")
    return out


def _take(column: pd.Series, positions: np.ndarray) -> pd.Series:
    """``column``'s values at ``positions`` on a fresh 0..n-1 index. A column of Python objects
    (as an engine may return text) gets the dtype pandas infers for it, as any other column."""
    if column.dtype == object:
        return pd.Series(column.to_numpy()[positions])
    return column.take(positions).reset_index(drop=True)


def number(value, decimals: int | None):
    """A figure as the CLI and the API give it: rounded as the catalogue says, whole numbers as
    int, missing (None, NaN, NA) and infinite as None."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    value = round(float(value), decimals) if decimals is not None else float(value)
    if math.isinf(value):
        return None
    return int(value) if value.is_integer() and abs(value) < 2**63 else value


def presented(frame: pd.DataFrame, by: list[str], public: bool, catalogue: dict[str, Indicator]) -> pd.DataFrame:
    """The long format people read (``lumbung indicators``, ``/api/indicators/``): the ``by``
    columns, indicator, value (rounded as catalogued), numerator, denominator, and ``suppressed``
    for public answers."""
    out = frame[[*by, "indicator", "value", "numerator", "denominator", *(["suppressed"] if public else [])]].copy()
    decimals = out["indicator"].map(lambda i: catalogue[i].decimals)
    out["value"] = pd.Series([number(v, d) for v, d in zip(out["value"], decimals, strict=True)], index=out.index,
                             dtype=object)
    for column in ("numerator", "denominator"):
        out[column] = pd.Series([number(v, None) for v in out[column]], index=out.index, dtype=object)
    return out
