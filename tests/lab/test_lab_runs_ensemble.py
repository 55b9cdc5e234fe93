"""Ensembles: seeds and parameter draws derived from (seed, run), common random numbers across
scenarios, and identical results on every executor."""

from __future__ import annotations

import sys
import threading
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from lumbung.errors import UserError
from lumbung.lab import scenarios
from lumbung.lab.ensemble import (
    PopulationSpec,
    draw_parameters,
    load_population,
    run_ensemble,
    run_seed,
    save_population,
)
from lumbung.lab.outputs import comparison, runs_frame, summary_frame

FIRMS, YEARS, RUNS = 2000, 2, 3
SPEC = PopulationSpec(firms=FIRMS, seed=5)


def _csv(ensemble) -> bytes:
    return summary_frame(ensemble).write_csv().encode()


@pytest.fixture(scope="module")
def serial():
    return run_ensemble(["baseline", "credit"], SPEC, runs=RUNS, seed=11, years=YEARS, executor="serial")


def test_run_seeds_depend_on_seed_and_run_only():
    seeds = [run_seed(11, r) for r in range(4)]
    assert len(set(seeds)) == 4
    assert seeds == [run_seed(11, r) for r in range(4)]
    assert run_seed(12, 0) != seeds[0]


def test_latin_hypercube_uses_every_stratum_once():
    ranges = {"a": (0.0, 1.0), "b": (10.0, 20.0)}
    runs = 8
    draws = [draw_parameters(ranges, seed=3, run=r, runs=runs) for r in range(runs)]
    for name, (low, high) in ranges.items():
        strata = sorted(int((d[name] - low) / (high - low) * runs) for d in draws)
        assert strata == list(range(runs))
    # the two parameters are not drawn in the same stratum order
    assert [int(d["a"] * runs) for d in draws] != [int((d["b"] - 10) / 10 * runs) for d in draws]


def test_uniform_draws_stay_in_range_and_do_not_depend_on_the_number_of_runs():
    ranges = {"rate": (0.02, 0.05)}
    first = draw_parameters(ranges, seed=3, run=2, runs=4, sampling="uniform")
    assert first == draw_parameters(ranges, seed=3, run=2, runs=40, sampling="uniform")
    assert 0.02 <= first["rate"] <= 0.05
    with pytest.raises(ValueError, match="sampling"):
        draw_parameters(ranges, seed=3, run=0, runs=4, sampling="sobol")


def test_serial_and_process_pool_give_byte_identical_summaries(serial):
    pooled = run_ensemble(["baseline", "credit"], SPEC, runs=RUNS, seed=11, years=YEARS,
                          executor="process", workers=2)
    assert [(o.scenario, o.run) for o in pooled.outputs] == [(o.scenario, o.run) for o in serial.outputs]
    assert _csv(pooled) == _csv(serial)
    assert runs_frame(pooled).equals(runs_frame(serial))


class CountingThreadExecutor(Executor):
    """A user-supplied executor: threads, finishing in any order, counting what it was given."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=3)
        self.submitted = 0
        self.lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        with self.lock:
            self.submitted += 1
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait=True, **kwargs) -> None:
        self._pool.shutdown(wait=wait)


def test_any_concurrent_futures_executor_can_run_the_ensemble(serial):
    executor = CountingThreadExecutor()
    try:
        result = run_ensemble(["baseline", "credit"], SPEC, runs=RUNS, seed=11, years=YEARS,
                              executor=executor)
        assert executor.submitted == 2 * RUNS
        # the caller's executor is left running: it can take more work
        assert executor.submit(sum, [1, 2]).result() == 3
    finally:
        executor.shutdown()
    assert _csv(result) == _csv(serial)


def test_different_seeds_give_different_runs(serial):
    runs = summary_frame(serial).filter(pl.col("scenario") == "baseline").partition_by("run")
    assert not runs[0].drop("run").equals(runs[1].drop("run"))


def test_compared_scenarios_share_random_draws():
    # the same scenario under two names: with common random numbers every paired difference is 0
    base = scenarios.load("baseline")
    twin = replace(base, name="baseline-twin")
    ensemble = run_ensemble([base, twin], SPEC, runs=2, seed=4, years=YEARS, executor="serial")
    frame = comparison(summary_frame(ensemble), runs_frame(ensemble), "baseline")
    spread = frame.select(pl.col("difference_p05").abs().max(), pl.col("difference_p95").abs().max())
    assert spread.row(0) == (0.0, 0.0)
    assert frame.filter(pl.col("indicator") == "jobs")["baseline_median"][0] > 0


def test_progress_reports_every_run():
    calls = []
    run_ensemble("baseline", SPEC, runs=2, seed=1, years=1, executor="serial",
                 progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]


def test_saved_population_gives_the_same_runs(tmp_path):
    path = save_population(SPEC.build(), tmp_path / "firms.npz")
    again = load_population(path)
    assert len(again) == FIRMS
    assert np.array_equal(again.capital, SPEC.build().capital)
    from_file = run_ensemble("baseline", PopulationSpec(path=str(path)), runs=1, seed=2, years=1,
                             executor="serial")
    direct = run_ensemble("baseline", SPEC, runs=1, seed=2, years=1, executor="serial")
    assert _csv(from_file) == _csv(direct)


def test_dask_executor_without_dask_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(UserError, match="needs Dask"):
        run_ensemble("baseline", SPEC, runs=1, seed=1, years=1, executor="dask")


@pytest.mark.parametrize("arguments,message", [
    ({"runs": 0}, "runs"), ({"years": 0}, "years"), ({"executor": "gpu"}, "executor"),
    ({"workers": 0}, "workers"),
])
def test_bad_arguments_are_rejected(arguments, message):
    kwargs = {"runs": 1, "seed": 1, "years": 1, "executor": "serial", **arguments}
    with pytest.raises(ValueError, match=message):
        run_ensemble("baseline", SPEC, **kwargs)


def test_no_scenario_is_rejected():
    with pytest.raises(ValueError, match="at least one scenario"):
        run_ensemble([], SPEC, runs=1, seed=1, years=1, executor="serial")


def test_a_scenario_listed_twice_is_rejected():
    with pytest.raises(ValueError, match="twice"):
        run_ensemble(["baseline", "baseline"], SPEC, runs=1, seed=1, years=1, executor="serial")


def test_uncertain_parameters_are_drawn_per_run_and_shared_by_scenarios(serial):
    frame = runs_frame(serial)
    ranges = scenarios.load("baseline").uncertain()
    assert ranges, "the baseline declares uncertain parameters"
    assert set(ranges) <= set(frame.columns)
    for name, (low, high) in ranges.items():
        assert frame[name].is_between(low, high).all()
        base = frame.filter(pl.col("scenario") == "baseline")[name].to_list()
        assert base == frame.filter(pl.col("scenario") == "credit")[name].to_list()
        assert len(set(base)) == RUNS  # a different stratum in every run
    seeds = frame.group_by("run").agg(pl.col("seed").n_unique())
    assert seeds["seed"].to_list() == [1] * RUNS
