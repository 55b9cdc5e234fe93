"""``evaluate``: matching, difference in differences, balance, naive comparison, assumptions."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import numpy as np
import polars as pl
import pyarrow as pa
import statsmodels.api as sm

from lumbung.errors import UserError
from lumbung.evaluation import did as did_
from lumbung.evaluation.matching import CALIPER_SD, CELL, Matching, match
from lumbung.evaluation.outcomes import get_outcome
from lumbung.i18n import _


def gettext_noop(message: str) -> str:
    """Marks a message for translation without translating it (translated where it is shown)."""
    return message


METHOD = gettext_noop("exact matching on KBLI division, province and size class in the year before enrolment; one nearest "
          "neighbour with replacement on the signed log of the pre-enrolment outcome within a 0.25 SD caliper "
          "(Abadie & Imbens 2006; Rosenbaum & Rubin 1985); difference in differences as an event study relative "
          "to the year before enrolment, stacked by cohort, OLS with standard errors clustered by enterprise "
          "(statsmodels, cov_type='cluster'; Angrist & Pischke 2009, ch. 5)")
SIZE_CLASSES = ("micro", "small", "medium", "large")


@dataclass(frozen=True)
class BalanceRow:
    """One covariate in the base year: means and standardised mean differences before and after
    matching (SMD: difference of means over the pooled standard deviation before matching, Stuart
    2010, "Matching methods for causal inference", Statistical Science 25(1); |SMD| < 0.1 is the
    usual mark of balance, Austin 2009)."""

    covariate: str
    participants_before: float | None
    others_before: float | None
    smd_before: float | None
    participants_after: float | None
    controls_after: float | None
    smd_after: float | None


@dataclass
class Evaluation:
    program: str
    outcome: str
    unit: str
    level: float
    method: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    counterfactual: float
    relative_estimate: float | None
    relative_ci_low: float | None
    relative_ci_high: float | None
    naive_estimate: float
    naive_ci_low: float
    naive_ci_high: float
    naive_relative: float | None
    participants: int
    matched: int
    controls: int
    dropped: dict[str, int]
    cohorts: list[int]
    years: list[int]
    event_study: list[dict]
    pretrend: dict
    balance: list[dict]
    assumptions: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {k: _plain(v) for k, v in asdict(self).items()}


def _plain(value):
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _frame(data: pl.DataFrame | pa.Table) -> pl.DataFrame:
    return data if isinstance(data, pl.DataFrame) else pl.from_arrow(data)


def _moments(values: np.ndarray) -> tuple[float | None, float | None]:
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return None, None
    return float(values.mean()), float(values.var(ddof=1)) if len(values) > 1 else 0.0


def _smd(a: float | None, b: float | None, var_a, var_b) -> float | None:
    if a is None or b is None or var_a is None or var_b is None:
        return None
    pooled = math.sqrt((var_a + var_b) / 2)
    return (a - b) / pooled if pooled > 0 else 0.0


def _covariates(frame: pl.DataFrame, prior: pl.DataFrame) -> dict[str, np.ndarray]:
    """The balance covariates of enterprises in their base year (``frame``), with the outcome
    of the year before it (``prior``, for the pre-enrolment change)."""
    joined = frame.join(prior, on="enterprise_id", how="left")
    covariates = {
        "outcome": joined["value"].to_numpy().astype(np.float64),
        "log_outcome": joined["x"].to_numpy().astype(np.float64),
        "workers": joined["workers"].to_numpy().astype(np.float64),
        "outcome_change": (joined["value"] - joined["value_prior"]).to_numpy().astype(np.float64),
    }
    for size in SIZE_CLASSES:
        covariates[f"size_{size}"] = (joined["size_class"] == size).to_numpy().astype(np.float64)
    return covariates


def balance(panel: pl.DataFrame, matching: Matching) -> list[BalanceRow]:
    """The balance table, pooled over cohorts."""
    before_t, before_c, after_t, after_c = [], [], [], []
    for cohort, treated, controls in matching.pools:
        prior = panel.filter(pl.col("year") == cohort - 2).select("enterprise_id", pl.col("value").alias("value_prior"))
        pairs = matching.pairs.filter(pl.col("cohort") == cohort)
        before_t.append(_covariates(treated, prior))
        before_c.append(_covariates(controls, prior))
        matched_t = pairs.select(pl.col("treated_id").alias("enterprise_id")).join(treated, on="enterprise_id")
        matched_c = pairs.select(pl.col("control_id").alias("enterprise_id")).join(controls, on="enterprise_id")
        after_t.append(_covariates(matched_t, prior))
        after_c.append(_covariates(matched_c, prior))
    rows = []
    for name in before_t[0] if before_t else ():
        bt, bc, at, ac = (np.concatenate([part[name] for part in parts]) for parts in (before_t, before_c, after_t, after_c))
        (mbt, vbt), (mbc, vbc), (mat, _vat), (mac, _vac) = (_moments(v) for v in (bt, bc, at, ac))
        rows.append(BalanceRow(name, mbt, mbc, _smd(mbt, mbc, vbt, vbc), mat, mac, _smd(mat, mac, vbt, vbc)))
    return rows


def naive(panel: pl.DataFrame, first: pl.DataFrame, level: float) -> tuple[float, float, float, float | None]:
    """The naive comparison: participants' mean outcome in the years from their enrolment
    against every non-participant's in the same years (no matching, no baseline); and its value
    relative to the non-participants' mean.

    The regression of the rows on a participant dummy with errors clustered by enterprise is
    computed on each enterprise's mean over its rows, weighted by its number of rows (statsmodels
    WLS, HC1): the dummy is constant within an enterprise, so the point estimate is the same and
    the sandwich sums the same per-enterprise scores, on one row per enterprise instead of one
    per year (a third of the memory at national scale)."""
    known = panel.filter(pl.col("value").is_not_null()).select("enterprise_id", "year", "value")
    treated = known.join(first, on="enterprise_id").filter(pl.col("year") >= pl.col("cohort")).select(
        "enterprise_id", "value", pl.lit(1.0).alias("participant"))
    if treated.is_empty():
        return math.nan, math.nan, math.nan, None
    post_years = known.join(first, on="enterprise_id").filter(pl.col("year") >= pl.col("cohort"))["year"].unique()
    others = known.join(first, on="enterprise_id", how="anti").filter(pl.col("year").is_in(post_years.implode())).select(
        "enterprise_id", "value", pl.lit(0.0).alias("participant"))
    if others.is_empty():
        return math.nan, math.nan, math.nan, None
    firms = pl.concat([treated, others]).group_by("enterprise_id", "participant").agg(
        pl.col("value").mean().alias("mean"), pl.len().alias("rows"))
    design = sm.add_constant(firms["participant"].to_numpy())
    fit = sm.WLS(firms["mean"].to_numpy(), design, weights=firms["rows"].to_numpy().astype(np.float64)).fit(
        cov_type="HC1")
    low, high = (float(v) for v in np.asarray(fit.conf_int(alpha=1 - level))[1])
    base = float(fit.params[0])
    return float(fit.params[1]), low, high, (float(fit.params[1]) / base if base else None)


def _assumptions(result: did_.DiD, matching: Matching, level: float, _=_) -> list[dict]:  # noqa: B008
    if result.pretrend_p_value is None:
        pretrend = _("not testable: the panel has only one year before enrolment")
        holds = None
    else:
        holds = result.pretrend_p_value >= 1 - level
        pretrend = _("pre-trend test: the differences before enrolment are jointly zero, chi-squared {statistic:.2f} "
                     "on {periods} degrees of freedom, p = {p:.3f}").format(
            statistic=result.pretrend_statistic, periods=result.pretrend_periods, p=result.pretrend_p_value)
    dropped = sum(matching.dropped.values())
    return [
        {"id": "parallel_trends", "holds": holds, "text": _(
            "Parallel trends: without the program, matched participants and controls would have changed alike."),
         "check": pretrend},
        {"id": "selection_on_observables", "holds": None, "text": _(
            "Selection on observables: given the cell and the pre-enrolment outcome, enrolment is unrelated to "
            "what would have happened without the program (conditional independence, Rosenbaum & Rubin 1983)."),
         "check": _("see the balance table")},
        {"id": "overlap", "holds": matching.matched > 0, "text": _(
            "Overlap: each participant has a comparable non-participant; those without one are dropped."),
         "check": _("{matched} matched, {dropped} dropped").format(matched=matching.matched, dropped=dropped)},
        {"id": "no_anticipation", "holds": None, "text": _(
            "No anticipation: the year before enrolment is not yet affected by the program."), "check": ""},
        {"id": "no_spillovers", "holds": None, "text": _(
            "No spillovers (SUTVA): the program does not change the outcomes of non-participants."), "check": ""},
    ]


def evaluate(panel: pl.DataFrame | pa.Table, enrolments: pl.DataFrame | pa.Table, *, program: str = "",
             outcome: str = "", years: Iterable[int] | None = None, level: float = 0.95,
             caliper_sd: float = CALIPER_SD, translate=None) -> Evaluation:
    """Evaluate a program on ``panel`` (columns of :data:`lumbung.evaluation.panel.PANEL_COLUMNS`)
    given its ``enrolments`` (``enterprise_id``, ``year``). ``years``: only these years of the panel;
    ``translate``: the gettext of the assumptions' texts (the web page passes the request's).
    UserError when nothing can be estimated (no participant, none matched, no year after)."""
    panel = _frame(panel)
    enrolments = _frame(enrolments).select("enterprise_id", pl.col("year").cast(pl.Int32))
    if years is not None:
        chosen = sorted({int(y) for y in years})
        panel = panel.filter(pl.col("year").is_in(chosen))
    unit = get_outcome(outcome).unit if outcome else ""
    if enrolments.is_empty():
        raise UserError(_("program {program} has no enrolments to evaluate").format(program=program))
    matching = match(panel, enrolments, caliper_sd=caliper_sd)
    if matching.participants == 0:
        raise UserError(_("no participant of program {program} has a report in the years evaluated").format(
            program=program))
    if matching.matched == 0:
        raise UserError(_("no participant of program {program} could be matched: each needs reports in the year "
                          "before enrolment and the year of enrolment, and a non-participant in the same KBLI "
                          "division, province and size class").format(program=program))
    result = did_.estimate(did_.stack(panel, matching.pairs), level=level)
    all_first = enrolments.group_by("enterprise_id").agg(pl.col("year").min().alias("cohort"))
    naive_estimate, naive_low, naive_high, naive_relative = naive(panel, all_first, level)
    cf = result.counterfactual
    return Evaluation(
        program=program, outcome=outcome, unit=unit, level=level, method=(translate or _)(METHOD),
        estimate=result.estimate, se=result.se, ci_low=result.ci_low, ci_high=result.ci_high, p_value=result.p_value,
        counterfactual=cf, relative_estimate=result.relative, relative_ci_low=result.relative_ci_low,
        relative_ci_high=result.relative_ci_high,
        naive_estimate=naive_estimate, naive_ci_low=naive_low, naive_ci_high=naive_high, naive_relative=naive_relative,
        participants=matching.participants, matched=matching.matched,
        controls=matching.pairs["control_id"].n_unique(), dropped=dict(matching.dropped),
        cohorts=sorted(matching.pairs["cohort"].unique().to_list()),
        years=sorted(panel["year"].unique().to_list()),
        event_study=[asdict(e) for e in result.event_study],
        pretrend={"statistic": result.pretrend_statistic, "p_value": result.pretrend_p_value,
                  "periods": result.pretrend_periods},
        balance=[asdict(b) for b in balance(panel, matching)],
        assumptions=_assumptions(result, matching, level, translate or _),
    )


__all__ = ["CELL", "Evaluation", "evaluate"]
