"""Outputs of an ensemble (summary, bands, comparison) on hand-made run summaries, whose
expected figures are worked out by hand below."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from lumbung.lab.ensemble import EnsembleResult, RunOutput
from lumbung.lab.outputs import (
    BAND_COLUMNS,
    COMPARISON_COLUMNS,
    SUMMARY_COLUMNS,
    at_horizon,
    bands,
    comparison,
    runs_frame,
    summary_frame,
    tables,
)

RUNS = 4


def _summary(rows: list[dict]) -> dict[str, np.ndarray]:
    columns = SUMMARY_COLUMNS[2:]
    return {c: np.array([r.get(c, 0) for r in rows]) for c in columns}


def _cell(period, size_class, workers, exits=0, firms=10, share=0.5, output=100.0):
    return {"period": period, "size_class": size_class, "kbli_division": "10", "province": "33",
            "firms": firms, "workers": workers, "output": output, "value_added": output / 2,
            "entries": 0, "exits": exits, "upgrades": 0, "graduations": 0, "share_traditional": share}


# jobs created by "credit" in run r at the horizon (period 2): 2, 4, 6 and, in run 3, -1
JOBS = [2, 4, 6, -1]


def _run(scenario: str, run: int) -> RunOutput:
    extra = JOBS[run] if scenario == "credit" else 0
    rows = [
        _cell(1, "micro", 10 + run, exits=1),
        _cell(1, "small", 20, exits=run),
        _cell(2, "micro", 10 + run + extra, exits=2),
        _cell(2, "small", 20, exits=0, share=0.0, firms=30),
    ]
    cost = 100.0 * (run + 1) if scenario == "credit" else 0.0
    return RunOutput(scenario, run, seed=run, parameters={"p": 0.1 * run}, summary=_summary(rows),
                     cost=cost)


@pytest.fixture
def ensemble() -> EnsembleResult:
    outputs = [_run(s, r) for s in ("baseline", "credit") for r in range(RUNS)]
    return EnsembleResult(["baseline", "credit"], RUNS, seed=0, years=1, outputs=outputs)


def test_summary_has_exactly_the_specified_columns(ensemble):
    summary = summary_frame(ensemble)
    assert summary.columns == [
        "scenario", "run", "period", "size_class", "kbli_division", "province", "firms", "workers",
        "output", "value_added", "entries", "exits", "upgrades", "graduations", "share_traditional"]
    assert summary.height == 2 * RUNS * 4


def test_horizon_takes_stocks_at_the_last_period_and_sums_flows(ensemble):
    table = at_horizon(summary_frame(ensemble)).filter(pl.col("scenario") == "baseline")
    # run r: workers at period 2 = (10 + r) + 20; exits = 1 + r (period 1) + 2 (period 2)
    assert table["workers"].to_list() == [30 + r for r in range(RUNS)]
    assert table["exits"].to_list() == [3 + r for r in range(RUNS)]


def _row(frame, indicator):
    return frame.filter(pl.col("indicator") == indicator).row(0, named=True)


def test_comparison_uses_paired_differences(ensemble):
    frame = comparison(summary_frame(ensemble), runs_frame(ensemble), "baseline")
    assert frame.columns == COMPARISON_COLUMNS
    assert set(frame["scenario"]) == {"credit"}
    jobs = _row(frame, "jobs")
    # differences -1, 2, 4, 6: median (2 + 4) / 2 = 3; p5 at position 0.15 of 0..3 between
    # -1 and 2: -1 + 0.15 * 3 = -0.55; p95 at position 2.85 between 4 and 6: 4 + 0.85 * 2 = 5.7
    assert jobs["difference_median"] == pytest.approx(3.0)
    assert jobs["difference_p05"] == pytest.approx(-0.55)
    assert jobs["difference_p95"] == pytest.approx(5.7)
    # baseline workers 30..33: median 31.5
    assert jobs["baseline_median"] == pytest.approx(31.5)
    assert jobs["runs"] == RUNS
    # exits are identical in both scenarios: the paired difference is exactly 0
    exits = _row(frame, "exits")
    assert (exits["difference_p05"], exits["difference_median"], exits["difference_p95"]) == (0, 0, 0)


def test_cost_per_job_leaves_out_runs_without_jobs(ensemble):
    frame = comparison(summary_frame(ensemble), runs_frame(ensemble), "baseline")
    cost = _row(frame, "cost")
    assert cost["difference_median"] == pytest.approx(250.0)  # 100, 200, 300, 400
    per_job = _row(frame, "cost_per_job")
    # runs 0-2: 100/2, 200/4, 300/6 = 50 each; run 3 created no jobs and is left out
    assert per_job["runs"] == 3
    assert per_job["difference_median"] == pytest.approx(50.0)


def test_bands_are_ordered_and_national_share_is_firm_weighted(ensemble):
    frame = bands(summary_frame(ensemble))
    assert frame.columns == BAND_COLUMNS
    assert (frame["p05"] <= frame["median"]).all() and (frame["median"] <= frame["p95"]).all()
    share = frame.filter((pl.col("size_class") == "all") & (pl.col("indicator") == "share_traditional")
                         & (pl.col("period") == 2) & (pl.col("scenario") == "baseline")).row(0, named=True)
    # 10 micro firms at 0.5 and 30 small firms at 0.0: 5 / 40
    assert share["median"] == pytest.approx(0.125)


def test_absent_size_class_counts_as_zero_firms():
    rows_with = [_cell(1, "micro", 5), _cell(1, "large", 200, firms=1)]
    rows_without = [_cell(1, "micro", 5)]
    outputs = [RunOutput("baseline", 0, 0, {}, _summary(rows_with), 0.0),
               RunOutput("baseline", 1, 1, {}, _summary(rows_without), 0.0)]
    frame = bands(summary_frame(EnsembleResult(["baseline"], 2, 0, 1, outputs)))
    large = frame.filter((pl.col("size_class") == "large") & (pl.col("indicator") == "firms")).row(0, named=True)
    assert large["runs"] == 2
    assert (large["p05"], large["median"], large["p95"]) == pytest.approx((0.05, 0.5, 0.95))


def test_runs_table_records_seeds_costs_and_parameters(ensemble):
    frame = tables(ensemble)["runs"]
    assert frame.columns == ["scenario", "run", "seed", "cost", "p"]
    assert frame.filter(pl.col("scenario") == "credit")["cost"].to_list() == [100, 200, 300, 400]


def test_unknown_baseline_is_an_error(ensemble):
    with pytest.raises(ValueError, match="not among"):
        tables(ensemble, baseline="training")


def test_cells_without_firms_do_not_blank_the_national_share():
    rows = [_cell(1, "micro", 5, firms=4, share=1.0), _cell(1, "small", 0, exits=2, firms=0, share=float("nan"))]
    outputs = [RunOutput("baseline", 0, 0, {}, _summary(rows), 0.0)]
    frame = bands(summary_frame(EnsembleResult(["baseline"], 1, 0, 1, outputs)))
    share = frame.filter((pl.col("size_class") == "all") & (pl.col("indicator") == "share_traditional"))
    assert share["median"].to_list() == [1.0]
