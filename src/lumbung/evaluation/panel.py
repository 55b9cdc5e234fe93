"""The evaluation's input panel, from rows in the registry's (or the template's) columns.

A panel has one row per enterprise and year: ``enterprise_id``, ``year``, ``kbli_division``
(the first two digits of the KBLI 2020 subclass, Peraturan BPS 2/2020), ``province`` (the first
two digits of the Kemendagri region code), ``size_class``, ``workers`` (a balance covariate) and ``value`` (the outcome). The size
class is the BPS persons-engaged class (regime ``bps-workers``: micro 1-4, small 5-19, medium
20-99, large 100 and more), the one class every report can be given since it needs only the
workers count.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa

from lumbung.errors import UserError
from lumbung.evaluation.outcomes import get_outcome
from lumbung.i18n import _
from lumbung.sizeclass.vector import classify_many

SIZE_REGIME = "bps-workers"
PANEL_COLUMNS = ("enterprise_id", "year", "kbli_division", "province", "size_class", "workers", "value")


def _frame(rows: pl.DataFrame | pa.Table) -> pl.DataFrame:
    return rows if isinstance(rows, pl.DataFrame) else pl.from_arrow(rows)


def columns_needed(outcome: str) -> tuple[str, ...]:
    """The registry columns :func:`build_panel` reads for ``outcome``."""
    return tuple(dict.fromkeys(("year", "kbli", "region_code", "workers", *get_outcome(outcome).columns)))


def build_panel(rows: pl.DataFrame | pa.Table, outcome: str, id_column: str = "enterprise_id") -> pl.DataFrame:
    """The panel of ``outcome`` from ``rows`` (one per enterprise and year; ``id_column`` names
    the enterprise). Rows whose outcome is missing keep a null ``value``."""
    frame = _frame(rows)
    workers = frame["workers"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    workers = np.where(workers >= 1, workers, np.nan)  # classify_many refuses 0 workers; unknown instead
    size = classify_many(SIZE_REGIME, {"workers": workers})
    panel = frame.select(
        pl.col(id_column).alias("enterprise_id"),
        pl.col("year").cast(pl.Int32),
        pl.col("kbli").str.slice(0, 2).alias("kbli_division"),
        pl.col("region_code").str.slice(0, 2).alias("province"),
        pl.Series("size_class", size, dtype=pl.Utf8),
        pl.col("workers").cast(pl.Float64),
        get_outcome(outcome).expression().alias("value"),
    )
    return panel.with_columns(pl.when(pl.col("value").is_finite()).then(pl.col("value")).alias("value"))


def parse_years(text: str | None) -> list[int] | None:
    """``2021-2025`` or ``2021,2022,2024`` as a list of years (None for None or empty), or a
    UserError in one sentence."""
    if text is None or not text.strip():
        return None
    years: set[int] = set()
    try:
        for part in text.split(","):
            first, _dash, last = part.strip().partition("-")
            low, high = int(first), int(last or first)
            if not 1900 <= low <= high <= 2100:
                raise ValueError(part)
            years.update(range(low, high + 1))
    except ValueError:
        raise UserError(_("{text} is not a list of years such as 2021-2025 or 2021,2022").format(text=text)) from None
    return sorted(years)
