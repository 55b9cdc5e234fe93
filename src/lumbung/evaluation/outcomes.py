"""The outcomes an evaluation can measure: firm-level values of catalogue indicators.

Each outcome is one number per enterprise and year, computed from the registry's columns with
the same definition as the catalogue indicator of the same id (``indicators/catalogue/core.toml``;
value added = output less intermediate inputs, the BPS IBS definition). Rates and shares of the
catalogue (kur_rate, export_share, ...) are not firm-level outcomes and are not offered.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from lumbung.errors import UserError
from lumbung.i18n import _


@dataclass(frozen=True)
class Outcome:
    id: str
    columns: tuple[str, ...]
    unit: str
    label_en: str
    label_id: str
    source: str

    def expression(self) -> pl.Expr:
        """The firm-level value as a Polars expression over the registry's columns (Float64)."""
        if self.id == "value_added":
            return (pl.col("output") - pl.col("inputs")).cast(pl.Float64)
        if self.id == "va_per_worker":
            return ((pl.col("output") - pl.col("inputs")) / pl.col("workers")).cast(pl.Float64)
        return pl.col(self.id).cast(pl.Float64)


_BPS = "BPS IBS/IMK definitions, as the catalogue indicator of the same id (indicators/catalogue/core.toml)"
#: Supported outcomes by id (the catalogue indicator ids).
OUTCOMES: dict[str, Outcome] = {o.id: o for o in (
    Outcome("va_per_worker", ("output", "inputs", "workers"), "rupiah per worker",
            "Value added per worker", "Nilai tambah per tenaga kerja", _BPS),
    Outcome("value_added", ("output", "inputs"), "rupiah", "Value added", "Nilai tambah", _BPS),
    Outcome("output", ("output",), "rupiah", "Output", "Nilai output", _BPS),
    Outcome("sales", ("sales",), "rupiah", "Annual sales", "Omzet", _BPS),
    Outcome("workers", ("workers",), "persons", "Persons engaged", "Tenaga kerja", _BPS),
)}


def get_outcome(outcome: str) -> Outcome:
    """The outcome ``outcome``, or a UserError naming the supported ones."""
    try:
        return OUTCOMES[outcome]
    except KeyError:
        raise UserError(_("{outcome} is not an outcome an evaluation can measure; use one of: {known}").format(
            outcome=outcome, known=", ".join(OUTCOMES))) from None
