"""Ensembles on Dask distributed give results byte-identical to the process pool's for the same
seeds (issue 13, point 5), whether the population goes as a spec (built on each worker) or as an
object (scattered once), from Python and from `lumbung simulate --executor dask --scheduler`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lumbung.cli import main
from lumbung.lab.ensemble import PopulationSpec, run_ensemble
from lumbung.lab.outputs import tables

distributed = pytest.importorskip("dask.distributed")

SPEC = PopulationSpec(firms=1_500, seed=2)
SCENARIOS = ["baseline", "credit"]
RUNS, SEED, YEARS = 4, 3, 2


@pytest.fixture(scope="module")
def scheduler():
    """A 2-worker cluster in this process (threads: quick to start; the workers' code is the same)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def pool_ensemble():
    return run_ensemble(SCENARIOS, SPEC, runs=RUNS, seed=SEED, years=YEARS, executor="process", workers=2)


def _csv(ensemble) -> dict[str, str]:
    return {name: frame.write_csv() for name, frame in tables(ensemble).items()}


def test_dask_and_the_process_pool_give_byte_identical_tables(scheduler, pool_ensemble):
    on_dask = run_ensemble(SCENARIOS, SPEC, runs=RUNS, seed=SEED, years=YEARS, executor="dask",
                           scheduler=scheduler)
    assert [(o.scenario, o.run) for o in on_dask.outputs] == [(o.scenario, o.run) for o in pool_ensemble.outputs]
    assert _csv(on_dask) == _csv(pool_ensemble)


def test_a_population_object_is_scattered_and_gives_the_same_tables(scheduler, pool_ensemble):
    calls = []
    on_dask = run_ensemble(SCENARIOS, SPEC.build(), runs=RUNS, seed=SEED, years=YEARS, executor="dask",
                           scheduler=scheduler, progress=lambda done, total: calls.append((done, total)))
    assert _csv(on_dask) == _csv(pool_ensemble)
    assert calls == [(i, RUNS * len(SCENARIOS)) for i in range(1, RUNS * len(SCENARIOS) + 1)]


def test_the_command_runs_on_a_scheduler(scheduler, tmp_path):
    args = ["simulate", "baseline", "--compare", "credit", "--firms", "1500", "--runs", str(RUNS), "--years",
            str(YEARS), "--seed", str(SEED), "--lang", "en"]
    on_dask = CliRunner().invoke(main, [*args, "--executor", "dask", "--scheduler", scheduler,
                                        "--out", str(tmp_path / "dask")])
    assert on_dask.exit_code == 0, on_dask.output
    serial = CliRunner().invoke(main, [*args, "--executor", "serial", "--out", str(tmp_path / "serial")])
    assert serial.exit_code == 0, serial.output
    for name in ("summary.csv", "bands.csv", "comparison.csv", "runs.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "serial" / name).read_bytes(), name
