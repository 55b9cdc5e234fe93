"""A known program effect in a synthetic population (``lumbung synth --inject-effect``).

``inject(table, effect, seed)`` chooses a program's participants among the firms alive in the
year before enrolment and in the enrolment year, with **selection on observables**: the chance
to enrol falls with the firm's pre-enrolment outcome (standardised signed log) and with its BPS
size class, as credit programs such as KUR reach smaller, less productive firms first (the
paper's diagnosis, ../shared/DOMAIN.md section 8). A naive comparison of participants with
everyone else is therefore biased downwards, while matching on the same observables (cell and
pre-enrolment outcome, lumbung.evaluation) removes the bias. From the enrolment year on, the
participants' outcome is multiplied by ``1 + size``:

* money outcomes (``sales``, ``output``, ``value_added``, ``va_per_worker``): sales, output,
  inputs, exports and imported inputs are scaled, so value added and value added per worker
  scale by the same factor;
* ``workers``: persons engaged (and paid and female workers in proportion) are scaled with
  unbiased random rounding, at least one.

It returns the changed population and the enrolments (``source_id``, ``program``, ``year``,
``status``). The population's own draws are not touched (the enrolment draw has its own stream),
so the same seed gives the same firms with and without an effect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from lumbung.errors import UserError
from lumbung.evaluation.outcomes import OUTCOMES
from lumbung.evaluation.panel import build_panel
from lumbung.i18n import _

#: Share of the eligible firms that enrol, on average.
PARTICIPATION = 0.10
#: Logit slopes of enrolment on the standardised pre-enrolment outcome and on the size class index.
SLOPE_OUTCOME = -1.0
SLOPE_SIZE = -0.7
MONEY_SCALED = ("sales", "output", "inputs", "exports", "imported_inputs")
WORKERS_SCALED = ("workers", "workers_paid", "workers_female")
ENROLMENT_SCHEMA = pa.schema([pa.field("source_id", pa.string()), pa.field("program", pa.string()),
                              pa.field("year", pa.int64()), pa.field("status", pa.string())])
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class InjectedEffect:
    program: str
    indicator: str
    size: float


def parse_effect(text: str) -> InjectedEffect:
    """``PROGRAM:INDICATOR:SIZE`` (``kur:va_per_worker:0.15``), or a UserError saying what is wrong."""
    parts = text.split(":")
    if len(parts) != 3:
        raise UserError(_("--inject-effect must be PROGRAM:INDICATOR:SIZE, for example kur:va_per_worker:0.15"))
    program, indicator, size_text = (p.strip() for p in parts)
    if not _SLUG.match(program):
        raise UserError(_("{program} is not a program id (lower-case letters, digits, - and _)").format(
            program=program))
    if indicator not in OUTCOMES:
        raise UserError(_("{indicator} is not an outcome an effect can be given to; use one of: {known}").format(
            indicator=indicator, known=", ".join(OUTCOMES)))
    try:
        size = float(size_text)
    except ValueError:
        size = float("nan")
    if not -0.9 <= size <= 10:
        raise UserError(_("the effect size {size} is not a relative effect between -0.9 and 10").format(
            size=size_text))
    return InjectedEffect(program, indicator, size)


def enrolment_year(years: list[int]) -> int:
    """The enrolment year: the third year observed (two years before it, for the pre-trend test),
    or the middle one in long panels; the second when only two are observed."""
    if len(years) < 2:
        raise UserError(_("an injected effect needs at least two years: one before enrolment and one from it"))
    return years[min(len(years) - 1, max(2, len(years) // 2))]


def _intercept(score: np.ndarray, share: float) -> float:
    """The logit intercept giving a mean enrolment probability of ``share`` (bisection)."""
    low, high = -30.0, 30.0
    for _step in range(60):
        mid = (low + high) / 2
        if (1 / (1 + np.exp(-(mid + score)))).mean() < share:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def _round(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """Unbiased random rounding (floor, plus one with probability the fraction)."""
    floor = np.floor(values)
    return floor + (rng.random(len(values)) < values - floor)


def inject(table: pa.Table, effect: InjectedEffect, seed: int,
           share: float = PARTICIPATION) -> tuple[pa.Table, pa.Table]:
    """``table`` with ``effect`` given to the participants, and the enrolments (see the module)."""
    rng = np.random.Generator(np.random.PCG64([seed, 0x5EED, 12]))
    frame = pl.from_arrow(table)
    cohort = enrolment_year(sorted(frame["year"].unique().to_list()))
    panel = build_panel(frame, effect.indicator, id_column="source_id")
    base = panel.filter(pl.col("year") == cohort - 1).join(
        panel.filter(pl.col("year") == cohort).select("enterprise_id"), on="enterprise_id", how="semi")
    value = base["value"].to_numpy().astype(np.float64)
    value = np.sign(value) * np.log1p(np.abs(value))
    known = ~np.isnan(value)
    z = np.zeros(len(value))
    if known.sum() > 1 and value[known].std() > 0:
        z[known] = (value[known] - value[known].mean()) / value[known].std()
    size_index = base["size_class"].replace_strict({"micro": 0, "small": 1, "medium": 2, "large": 3},
                                                   default=0, return_dtype=pl.Float64).to_numpy()
    score = SLOPE_OUTCOME * z + SLOPE_SIZE * size_index
    probability = 1 / (1 + np.exp(-(_intercept(score, share) + score)))
    chosen = base["enterprise_id"].filter(pl.Series(rng.random(len(probability)) < probability))
    treated = frame["source_id"].is_in(chosen.implode()) & (frame["year"] >= cohort)
    mask = treated.to_numpy()
    factor = 1 + effect.size
    if effect.indicator == "workers":
        columns = _scaled_workers(rng, frame, mask, factor)
    else:
        columns = {name: frame[name].to_numpy().astype(np.float64) for name in MONEY_SCALED}
        columns = {name: np.where(mask, np.round(values * factor), values) for name, values in columns.items()}
    changed = frame.with_columns(*(pl.Series(name, values).fill_nan(None).cast(pl.Int64)
                                   for name, values in columns.items()))
    enrolments = pa.table({"source_id": chosen.sort().to_arrow().cast(pa.string()),
                           "program": pa.array([effect.program] * len(chosen), pa.string()),
                           "year": pa.array([cohort] * len(chosen), pa.int64()),
                           "status": pa.array(["enrolled"] * len(chosen), pa.string())}, schema=ENROLMENT_SCHEMA)
    return changed.to_arrow().cast(table.schema), enrolments


def _scaled_workers(rng: np.random.Generator, frame: pl.DataFrame, mask: np.ndarray, factor: float) -> dict:
    workers = frame["workers"].to_numpy().astype(np.float64)
    new_workers = np.where(mask, np.maximum(1, _round(rng, workers * factor)), workers)
    columns = {"workers": new_workers}
    for name in ("workers_paid", "workers_female"):
        values = frame[name].to_numpy().astype(np.float64)
        scaled = np.minimum(_round(rng, values * factor), new_workers)
        columns[name] = np.where(mask, scaled, values)
    return columns


def enrolments_path(out: Path) -> Path:
    """Where ``lumbung synth`` writes the enrolments: beside ``out``, ``<name>.enrolments.csv``."""
    return out.with_name(out.stem + ".enrolments.csv")
