"""lumbung.evaluation: matching and difference in differences on hand-made and synthetic panels."""

from __future__ import annotations

import polars as pl
import pytest

from lumbung.errors import UserError
from lumbung.evaluation import OUTCOMES, build_panel, evaluate, get_outcome
from lumbung.evaluation.matching import match
from lumbung.synthetic import generate
from lumbung.synthetic.effects import enrolment_year, inject, parse_effect


def _hand_panel() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Two participants (1, 2) and three non-participants in one cell; 3 and 4 are the nearest
    to 1 and 2 in 2021; 5 is far from both. Participants gain 10 from 2022 on; every firm
    otherwise grows by its own constant, controls 3 and 4 like their participants."""
    rows = []
    base = {1: 100.0, 2: 200.0, 3: 101.0, 4: 199.0, 5: 1000.0}
    growth = {1: 5.0, 2: 1.0, 3: 5.0, 4: 1.0, 5: 50.0}
    for firm, level in base.items():
        for year in (2020, 2021, 2022, 2023):
            value = level + growth[firm] * (year - 2021) + (10.0 if firm in (1, 2) and year >= 2022 else 0.0)
            rows.append({"enterprise_id": firm, "year": year, "kbli_division": "10", "province": "32",
                         "size_class": "micro", "workers": 2.0, "value": value})
    return pl.DataFrame(rows), pl.DataFrame({"enterprise_id": [1, 2], "year": [2022, 2022]})


def test_hand_panel_gives_the_difference_in_differences_exactly():
    panel, enrolments = _hand_panel()
    result = evaluate(panel, enrolments, program="kur", outcome="output")
    assert result.matched == 2
    assert result.controls == 2  # firm 5 is not anyone's nearest neighbour
    assert result.estimate == pytest.approx(10.0)
    assert result.ci_low < 10 < result.ci_high
    # participants' mean after enrolment less the effect
    treated_post = [100 + 5 + 10, 100 + 10 + 10, 200 + 1 + 10, 200 + 2 + 10]
    assert result.counterfactual == pytest.approx(sum(treated_post) / 4 - 10)
    assert result.relative_estimate == pytest.approx(10 / result.counterfactual)
    assert result.pretrend["periods"] == 1 and result.pretrend["p_value"] is not None
    # naive: participants after enrolment against every non-participant in the same years
    others = [101 + 5, 101 + 10, 199 + 1, 199 + 2, 1000 + 50, 1000 + 100]
    assert result.naive_estimate == pytest.approx(sum(treated_post) / 4 - sum(others) / 6)
    before = {row["covariate"]: row for row in result.balance}["outcome"]
    assert before["participants_before"] == pytest.approx(150.0)
    assert before["others_before"] == pytest.approx((101 + 199 + 1000) / 3)
    assert before["controls_after"] == pytest.approx(150.0)


def test_participants_without_a_comparable_firm_are_dropped_by_reason():
    panel, enrolments = _hand_panel()
    other_cell = panel.with_columns(
        pl.when(pl.col("enterprise_id") == 2).then(pl.lit("11")).otherwise(pl.col("kbli_division")).alias("kbli_division"))
    result = match(other_cell, enrolments)
    assert result.matched == 1 and result.dropped["no_cell"] == 1
    assert result.pairs.select("treated_id", "control_id").rows() == [(1, 3)]
    late = pl.DataFrame({"enterprise_id": [1, 2], "year": [2022, 2030]})
    result = match(panel, late)
    assert result.matched == 1 and result.dropped["no_reports"] == 1
    result = match(panel, enrolments, caliper_sd=0.0001)
    assert result.matched == 0 and result.dropped["caliper"] == 2
    with pytest.raises(UserError, match="too few"):
        evaluate(other_cell, enrolments, program="kur", outcome="output")


def test_nothing_to_evaluate_is_one_sentence():
    panel, _ = _hand_panel()
    with pytest.raises(UserError, match="no enrolments"):
        evaluate(panel, pl.DataFrame({"enterprise_id": [], "year": []}, schema={"enterprise_id": pl.Int64,
                                                                               "year": pl.Int32}), program="kur")
    with pytest.raises(UserError, match="could be matched"):
        evaluate(panel.filter(pl.col("enterprise_id") <= 2), pl.DataFrame({"enterprise_id": [1], "year": [2022]}),
                 program="kur")
    with pytest.raises(UserError, match="not an outcome"):
        get_outcome("kur_rate")


def _synthetic(size: float, seed: int, indicator: str = "va_per_worker", firms: int = 20_000):
    table, enrolments = inject(generate(firms, 5, seed), parse_effect(f"kur:{indicator}:{size}"), seed)
    panel = build_panel(table, indicator, id_column="source_id")
    return evaluate(panel, pl.from_arrow(enrolments).rename({"source_id": "enterprise_id"}), program="kur",
                    outcome=indicator)


def test_an_injected_effect_is_recovered_and_the_naive_comparison_is_biased():
    result = _synthetic(0.15, seed=3)
    assert result.relative_ci_low <= 0.15 <= result.relative_ci_high
    assert result.relative_ci_low > 0  # the effect is found, not just covered
    # selection on low productivity: the naive comparison points the wrong way, outside the interval
    assert result.naive_estimate < result.ci_low
    assert result.naive_relative < 0
    assert result.matched > 1000 and result.pretrend["p_value"] > 0.01
    smd = {row["covariate"]: row for row in result.balance}["log_outcome"]
    assert abs(smd["smd_before"]) > 0.5 and abs(smd["smd_after"]) < 0.1


def test_no_injected_effect_finds_none():
    result = _synthetic(0.0, seed=4)
    assert result.ci_low <= 0 <= result.ci_high
    assert result.naive_estimate < result.ci_low  # the naive comparison still "finds" a (negative) effect


def test_an_effect_on_workers_is_recovered():
    result = _synthetic(0.3, seed=5, indicator="workers")
    assert result.relative_ci_low <= 0.3 <= result.relative_ci_high


def test_the_same_seed_gives_the_same_firms_with_and_without_an_effect():
    population = generate(2_000, 4, 7)
    treated, enrolments = inject(population, parse_effect("kur:sales:0.2"), 7)
    assert treated.num_rows == population.num_rows and enrolments.num_rows > 0
    assert treated.column("source_id").equals(population.column("source_id"))
    assert set(enrolments.column("year").to_pylist()) == {enrolment_year([2021, 2022, 2023, 2024])}
    again = inject(population, parse_effect("kur:sales:0.2"), 7)[1]
    assert again.equals(enrolments)


@pytest.mark.parametrize("text, message", [
    ("kur:va_per_worker", "PROGRAM:INDICATOR:SIZE"),
    ("KUR!:sales:0.1", "not a program id"),
    ("kur:kur_rate:0.1", "not an outcome"),
    ("kur:sales:big", "not a relative effect"),
    ("kur:sales:-2", "not a relative effect"),
])
def test_bad_effects_are_one_sentence(text, message):
    with pytest.raises(UserError, match=message):
        parse_effect(text)


def test_supported_outcomes_are_catalogue_indicators():
    from lumbung.indicators.catalogue import catalogue

    assert set(OUTCOMES) - {"sales"} <= set(catalogue())


def test_the_naive_comparison_on_firm_means_equals_the_row_regression_clustered_by_firm():
    import numpy as np
    import statsmodels.api as sm

    from lumbung.evaluation.core import naive

    table, enrolments = inject(generate(3_000, 5, 9), parse_effect("kur:sales:0.1"), 9)
    panel = build_panel(table, "sales", id_column="source_id")
    first = pl.from_arrow(enrolments).select(pl.col("source_id").alias("enterprise_id"),
                                             pl.col("year").cast(pl.Int32).alias("cohort"))
    estimate, low, high, _relative = naive(panel, first, 0.95)
    known = panel.filter(pl.col("value").is_not_null())
    rows = pl.concat([
        known.join(first, on="enterprise_id").filter(pl.col("year") >= pl.col("cohort")).select(
            "enterprise_id", "value", pl.lit(1.0).alias("d")),
        known.join(first, on="enterprise_id", how="anti").filter(pl.col("year") >= first["cohort"].min()).select(
            "enterprise_id", "value", pl.lit(0.0).alias("d"))])
    fit = sm.OLS(rows["value"].to_numpy(), sm.add_constant(rows["d"].to_numpy())).fit(
        cov_type="cluster", cov_kwds={"groups": rows["enterprise_id"].rank("dense").to_numpy()})
    assert estimate == pytest.approx(fit.params[1], rel=1e-9)
    assert (high - low) == pytest.approx(float(np.diff(fit.conf_int()[1])[0]), rel=1e-2)


def test_the_relative_interval_carries_the_counterfactuals_covariance():
    """The relative effect's standard error is the delta method on ATT / CF with their joint
    cluster-robust covariance: checked against the same sandwich written out by hand from each
    enterprise's influence on the cell means (the event study is saturated, so its coefficients
    are cell means), and wider than the former interval (the ATT's bounds over a fixed CF)."""
    from lumbung.evaluation import did

    table, enrolments = inject(generate(4_000, 4, 11), parse_effect("kur:workers:0.3"), 11)
    panel = build_panel(table, "workers", id_column="source_id")
    pairs = match(panel, pl.from_arrow(enrolments).rename({"source_id": "enterprise_id"}).select(
        "enterprise_id", pl.col("year").cast(pl.Int32))).pairs
    rows = did.stack(panel, pairs)
    result = did.estimate(rows)
    post = rows.filter(pl.col("event_time") >= 0)
    cells = post.group_by("event_time", "participant").agg(pl.col("change").mean().alias("m"), pl.len().alias("n"))
    treated = post.filter(pl.col("participant") == 1)
    weights = treated.group_by("event_time").len().with_columns((pl.col("len") / treated.height).alias("w"))
    base = treated["base"].mean()
    frame = post.join(cells, on=["event_time", "participant"]).join(weights.select("event_time", "w"),
                                                                   on="event_time")
    sign = 2 * pl.col("participant") - 1
    att = float((cells.join(weights, on="event_time").select((pl.col("m") * (2 * pl.col("participant") - 1)
                                                               * pl.col("w")).sum())).item())
    cf = base + float(cells.filter(pl.col("participant") == 0).join(weights, on="event_time")
                      .select((pl.col("m") * pl.col("w")).sum()).item())
    assert att == pytest.approx(result.estimate) and cf == pytest.approx(result.counterfactual)
    influence = frame.with_columns(
        (sign * pl.col("w") * (pl.col("change") - pl.col("m")) / pl.col("n")).alias("a"),
        (pl.when(pl.col("participant") == 1).then((pl.col("base") - base) / treated.height).otherwise(0.0)
         + pl.when(pl.col("participant") == 0).then(pl.col("w") * (pl.col("change") - pl.col("m")) / pl.col("n"))
         .otherwise(0.0)).alias("c"))
    per_firm = influence.group_by("enterprise_id").agg((pl.col("a") / cf - att / cf**2 * pl.col("c")).sum().alias("r"))
    groups = per_firm.height
    by_hand = (float((per_firm["r"] ** 2).sum()) * groups / (groups - 1)) ** 0.5
    assert result.relative_se == pytest.approx(by_hand, rel=0.01)
    assert result.relative == pytest.approx(att / cf)
    former = (result.ci_high - result.ci_low) / cf
    assert result.relative_ci_high - result.relative_ci_low > 1.1 * former
