"""The frame that eligibility rules read: one row per enterprise, vectorised end to end.

Input: the registry's rows (``registry.rows.reports_table``: yearly reports joined to their
enterprises, as Arrow) or any frame with the same columns (a synthetic population). Each
enterprise is judged on its **latest report** (or its report of a chosen year): the registry's
most recent picture of it. Derived columns: ``province`` and ``kbli_division`` (the first two
digits of the region code and of the KBLI code), ``age`` (report year minus founding year), and
``size_<regime>`` for every regime a rule names (:func:`lumbung.sizeclass.classify_many`,
"unknown" read as missing, so a rule on it is unknown rather than false).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import polars as pl
import pyarrow as pa

from lumbung.eligibility.rules import Rule, parse, size_column
from lumbung.sizeclass import UNKNOWN, classify_many, get_regime

KEY = "enterprise_id"
#: Registry columns the frame may carry (the rules' fields that are not derived).
SIZE_INPUTS = ("workers", "sales", "net_assets", "business_capital", "investment", "indonesian_owned", "independent")


def as_frame(rows: pa.Table | pl.DataFrame) -> pl.DataFrame:
    return rows if isinstance(rows, pl.DataFrame) else pl.from_arrow(rows)


def latest(rows: pa.Table | pl.DataFrame, year: int | None = None) -> pl.DataFrame:
    """One row per enterprise: its report of ``year`` (None: its latest report)."""
    frame = as_frame(rows)
    if year is not None:
        return frame.filter(pl.col("year") == year).unique(KEY, keep="last")
    if frame.is_empty():
        return frame
    # The row with the largest year of each enterprise, without a sort of the whole frame.
    last = frame.group_by(KEY).agg(pl.col("year").max().alias("_last"))
    return frame.join(last, on=KEY).filter(pl.col("year") == pl.col("_last")).drop("_last")


def _float(frame: pl.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(frame.height, np.nan)
    column = frame.get_column(name)
    if column.dtype == pl.Boolean:
        column = column.cast(pl.Float64)
    values = column.cast(pl.Float64).fill_null(np.nan).to_numpy()
    if name == "workers":  # 0 persons engaged is refused by the registry's rules; read it as missing
        values = np.where(values < 1, np.nan, values)
    if name in ("sales", "net_assets", "business_capital", "investment"):
        values = np.where(values < 0, np.nan, values)
    return values


def size_classes(frame: pl.DataFrame, regimes: Iterable[str]) -> pl.DataFrame:
    """``frame`` with ``size_<regime>`` for each regime (missing where the class is unknown)."""
    columns = {}
    for regime_id in dict.fromkeys(regimes):
        regime = get_regime(regime_id)
        inputs = {name: _float(frame, name) for name in regime.inputs}
        classes = classify_many(regime, inputs) if frame.height else np.array([], dtype=str)
        series = pl.Series(size_column(regime_id), classes, dtype=pl.String)
        columns[size_column(regime_id)] = pl.when(series == UNKNOWN).then(None).otherwise(series)
    return frame.with_columns(**columns) if columns else frame


def derived(frame: pl.DataFrame) -> pl.DataFrame:
    """``province``, ``kbli_division`` and ``age`` from the registry's columns present."""
    extra = []
    if "region_code" in frame.columns:
        extra.append(pl.col("region_code").str.slice(0, 2).alias("province"))
    if "kbli" in frame.columns:
        extra.append(pl.col("kbli").str.slice(0, 2).alias("kbli_division"))
    if "founded_year" in frame.columns and "year" in frame.columns:
        extra.append((pl.col("year").cast(pl.Int64) - pl.col("founded_year").cast(pl.Int64)).alias("age"))
    return frame.with_columns(extra) if extra else frame


def prepare(rows: pa.Table | pl.DataFrame, rules: Iterable[Rule], year: int | None = None,
            judged: bool = False) -> pl.DataFrame:
    """The frame for ``rules``: latest reports (unless ``judged``: rows are one per enterprise
    already), derived columns and the size classes the rules need."""
    frame = as_frame(rows) if judged else latest(rows, year)
    frame = derived(frame)
    regimes = [r for rule in rules for r in rule.regimes]
    return size_classes(frame, regimes)


def evaluate(programs: Mapping[str, str], frame: pl.DataFrame) -> pl.DataFrame:
    """Eligibility of every row of a prepared frame for every program: ``enterprise_id`` and one
    Boolean column per program slug (True eligible, False not, null unknown). One Polars
    ``select``: the programs' expressions run together over the columns."""
    parsed = {slug: parse(text) for slug, text in programs.items()}
    missing = sorted({f for rule in parsed.values() for f in _columns_needed(rule)} - set(frame.columns))
    if missing:
        frame = frame.with_columns([pl.lit(None).alias(name) for name in missing])
    keep = [pl.col(KEY)] if KEY in frame.columns else []
    return frame.select(*keep, *[rule.expr().alias(slug) for slug, rule in parsed.items()])


def _columns_needed(rule: Rule) -> list[str]:
    return [size_column(f.split(":", 1)[1]) if f.startswith("size:") else f for f in rule.fields]


def clauses(rule_text: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Each clause of a rule over a prepared frame: one Boolean column per clause (``c0``, ``c1``...)."""
    rule = parse(rule_text)
    missing = sorted(set(_columns_needed(rule)) - set(frame.columns))
    if missing:
        frame = frame.with_columns([pl.lit(None).alias(name) for name in missing])
    return frame.select([c.expr().alias(f"c{i}") for i, c in enumerate(rule.clauses)])


def eligible_all(programs: Mapping[str, str], rows: pa.Table | pl.DataFrame, year: int | None = None,
                 judged: bool = False) -> pl.DataFrame:
    """:func:`prepare` then :func:`evaluate`: the registry (or a population) against the catalogue."""
    rules = [parse(text) for text in programs.values()]
    return evaluate(programs, prepare(rows, rules, year, judged))


def counts(result: pl.DataFrame) -> dict[str, dict[str, int]]:
    """Per program: how many enterprises are eligible, not eligible and unknown."""
    out = {}
    for slug in [c for c in result.columns if c != KEY]:
        column = result.get_column(slug)
        yes = int(column.sum() or 0)
        unknown = int(column.null_count())
        out[slug] = {"eligible": yes, "not_eligible": result.height - yes - unknown, "unknown": unknown}
    return out
