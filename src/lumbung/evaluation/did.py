"""Difference in differences on the matched sample, as an event study (statsmodels OLS).

Each matched participant and its control are followed from the base year E-1 (the year before
enrolment) through the panel's years. The regression (Angrist & Pischke 2009, *Mostly Harmless
Econometrics*, ch. 5.2, difference in differences and its event-study form; stacked by cohort as
in Cengiz, Dube, Lindner & Zipperer 2019, QJE 134(3)) is, on every row but the base year,

    y_it - y_i,E-1 = sum_e a_e [t - E = e] + sum_e b_e [t - E = e] * participant_i + u_it

so ``b_e`` is the difference in differences ``e`` years from enrolment (``e < -1``: before it,
the pre-trend; ``e >= 0``: the effect). The estimate is the average of the ``b_e`` after
enrolment weighted by the participants' rows, a linear combination tested with
``results.t_test``; the pre-trend test is the Wald test that every ``b_e`` before enrolment is
zero. Standard errors are cluster-robust by enterprise (``cov_type="cluster"``; a control matched
to several participants is one cluster), conditional on the matched sample (they do not add
the matching step's own uncertainty, Abadie & Imbens 2006).

The relative effect is the ratio ``r = ATT / CF`` of two estimates: CF, the participants'
counterfactual after enrolment, is their base-year level plus the controls' change,
``mean(base) + sum_e w_e a_e``. Both come from one OLS of the stacked equations (the
event-study rows, and one row per participant's post-enrolment row regressing its base-year
level on a constant; the design is block diagonal, so the estimates are those of the separate
equations) with errors clustered by enterprise across both, which gives their joint covariance
(seemingly unrelated estimation, Weesie 1999, Stata Technical Bulletin 52, sg121). The
interval of ``r`` is the delta method on it (Casella & Berger 2002, *Statistical Inference*,
2nd ed., 5.5.4): the gradient ``(1/CF, -ATT/CF^2)`` carries the negative covariance of ATT and
CF (a participant's or control's noise that raises the one lowers the other), which dividing
the ATT's bounds by a fixed CF left out, making the interval too narrow by about ``1 + r``.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import polars as pl
import statsmodels.api as sm

from lumbung.errors import UserError
from lumbung.i18n import _


@dataclass(frozen=True)
class EventTime:
    event_time: int
    estimate: float
    ci_low: float
    ci_high: float
    participants: int


@dataclass(frozen=True)
class DiD:
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    #: the participants' mean outcome after enrolment, less the estimate (their counterfactual)
    counterfactual: float
    #: estimate / counterfactual, its delta-method standard error and interval (None when CF <= 0)
    relative: float | None
    relative_se: float | None
    relative_ci_low: float | None
    relative_ci_high: float | None
    event_study: tuple[EventTime, ...]
    pretrend_statistic: float | None
    pretrend_p_value: float | None
    pretrend_periods: int
    rows: int
    clusters: int


def stack(panel: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """The matched pairs' rows: ``enterprise_id``, ``participant`` (0/1), ``event_time``,
    ``value`` and ``change`` (value less the base year's), the base year's rows left out."""
    units = pl.concat([
        pairs.select("pair", "cohort", pl.col("treated_id").alias("enterprise_id"), pl.lit(1).alias("participant")),
        pairs.select("pair", "cohort", pl.col("control_id").alias("enterprise_id"), pl.lit(0).alias("participant")),
    ])
    rows = units.join(panel.select("enterprise_id", "year", "value").filter(pl.col("value").is_not_null()),
                      on="enterprise_id").with_columns((pl.col("year") - pl.col("cohort")).alias("event_time"))
    base = rows.filter(pl.col("event_time") == -1).select("pair", "participant", pl.col("value").alias("base"))
    rows = rows.join(base, on=["pair", "participant"]).with_columns((pl.col("value") - pl.col("base")).alias("change"))
    return rows.filter(pl.col("event_time") != -1).sort("pair", "participant", "event_time")


def estimate(rows: pl.DataFrame, level: float = 0.95) -> DiD:
    """The event-study regression on :func:`stack`'s rows."""
    times = sorted(rows["event_time"].unique().to_list())
    event = rows["event_time"].to_numpy()
    participant = rows["participant"].to_numpy().astype(np.float64)
    dummies = np.column_stack([(event == e).astype(np.float64) for e in times])
    design = np.hstack([dummies, dummies * participant[:, None]])
    groups = rows["enterprise_id"].rank("dense").to_numpy().astype(np.int64)
    if rows.height <= design.shape[1] or int(groups.max()) < 3:
        raise UserError(_("too few matched participants ({pairs}) to estimate an interval").format(
            pairs=rows.filter(pl.col("participant") == 1)["pair"].n_unique()))
    fit = sm.OLS(rows["change"].to_numpy(), design).fit(cov_type="cluster", cov_kwds={"groups": groups})
    alpha = 1 - level
    k = len(times)
    counts = {e: int(((event == e) & (participant == 1)).sum()) for e in times}
    post = [e for e in times if e >= 0]
    pre = [e for e in times if e < -1]
    weights = np.zeros(2 * k)
    total = sum(counts[e] for e in post)
    for e in post:
        weights[k + times.index(e)] = counts[e] / total
    test = fit.t_test(weights)
    low, high = (float(v) for v in np.asarray(test.conf_int(alpha=alpha)).ravel())
    att = float(np.asarray(test.effect).ravel()[0])
    bands = np.asarray(fit.conf_int(alpha=alpha))
    study = [EventTime(-1, 0.0, 0.0, 0.0, int(rows.filter(pl.col("participant") == 1)["pair"].n_unique()))]
    for i, e in enumerate(times):
        study.append(EventTime(e, float(fit.params[k + i]), float(bands[k + i, 0]), float(bands[k + i, 1]), counts[e]))
    statistic = p_pre = None
    if pre:
        restriction = np.zeros((len(pre), 2 * k))
        for row, e in enumerate(pre):
            restriction[row, k + times.index(e)] = 1.0
        wald = fit.wald_test(restriction, scalar=True)
        statistic, p_pre = float(wald.statistic), float(wald.pvalue)
    treated_post = rows.filter((pl.col("participant") == 1) & (pl.col("event_time") >= 0))
    counterfactual = float(treated_post["value"].mean()) - att
    ratio = relative(rows, design, groups, weights, level) if counterfactual > 0 else (None, None, None, None)
    return DiD(
        estimate=att, se=float(np.asarray(test.sd).ravel()[0]), ci_low=low, ci_high=high,
        p_value=float(np.asarray(test.pvalue).ravel()[0]),
        counterfactual=counterfactual, relative=ratio[0], relative_se=ratio[1], relative_ci_low=ratio[2],
        relative_ci_high=ratio[3],
        event_study=tuple(sorted(study, key=lambda t: t.event_time)),
        pretrend_statistic=statistic, pretrend_p_value=p_pre, pretrend_periods=len(pre),
        rows=rows.height, clusters=int(groups.max()) if len(groups) else 0,
    )


def relative(rows: pl.DataFrame, design: np.ndarray, groups: np.ndarray, weights: np.ndarray,
             level: float) -> tuple[float, float, float, float]:
    """``ATT / CF`` with its delta-method standard error and interval, from the stacked
    regression of the module's docstring (``design`` and ``weights``: the event study's)."""
    post = ((rows["participant"] == 1) & (rows["event_time"] >= 0)).to_numpy()
    k2 = design.shape[1]
    stacked = np.zeros((design.shape[0] + int(post.sum()), k2 + 1))
    stacked[:design.shape[0], :k2] = design
    stacked[design.shape[0]:, k2] = 1.0
    y = np.concatenate([rows["change"].to_numpy(), rows["base"].to_numpy()[post]]).astype(np.float64)
    fit = sm.OLS(y, stacked).fit(cov_type="cluster", cov_kwds={"groups": np.concatenate([groups, groups[post]])})
    k = k2 // 2
    g_att = np.append(weights, 0.0)
    g_cf = np.concatenate([weights[k:], np.zeros(k), [1.0]])  # the controls' change a_e, and mean(base)
    params = np.asarray(fit.params)
    att, cf = float(g_att @ params), float(g_cf @ params)
    gradient = g_att / cf - att / cf**2 * g_cf
    se = float(np.sqrt(gradient @ np.asarray(fit.cov_params()) @ gradient))
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    r = att / cf
    return r, se, r - z * se, r + z * se
