"""Ensembles: R runs per scenario, on any executor, with identical results whatever runs them.

A run is a pure function of (scenario, population, seed, years). An ensemble of R runs derives
run r's inputs from the master seed and r alone:

* the model seed of run r comes from ``SeedSequence(seed, spawn_key=(r, 0))``;
* for every parameter the scenario declares uncertain (a ``[low, high]`` range), run r draws a
  value from streams keyed by ``(seed, r, parameter name)``: a Latin hypercube over the R runs
  by default (each parameter's range is cut into R equal strata, and each stratum is used by
  exactly one run, in a random order fixed by the master seed and the parameter name, with a
  uniform position inside the stratum), or plain independent uniform draws.

Nothing depends on the scenario's name, so scenarios compared in one ensemble share the same
random draws for run r (common random numbers: the paired difference between two scenarios
measures the policy, not the luck of the draw), and nothing depends on which process ran a
task or in which order tasks finished: results are put back in (scenario, run) order. The
ensemble is therefore byte-identical on the serial, process-pool and Dask executors and on any
number of workers.
"""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.lab import population as populations
from lumbung.lab.executors import EXECUTORS, Progress, on_dask, on_executor, on_processes, serially
from lumbung.lab.population import Population
from lumbung.lab.run import RunResult, simulate
from lumbung.lab.scenarios import load as load_scenario

SAMPLINGS = ("lhs", "uniform")

#: spawn_key tags that keep the streams of one run apart
_MODEL_STREAM = 0
_PARAMETER_STREAM = 1
#: spawn_key tag of the Latin hypercube's stratum order (shared by all runs)
_LHS_ORDER = 2**31 - 1



# --------------------------------------------------------------------------- population


@dataclass(frozen=True)
class PopulationSpec:
    """How to build the starting population, small enough to send to every worker.

    Either ``firms`` synthetic firms drawn with ``seed``, or a file at ``path``: a table (Parquet
    or CSV in the import-template columns, e.g. a registry export; ``seed`` drives the imputation
    of what the registry does not observe) or a population saved by :func:`save_population`.
    """

    firms: int | None = None
    seed: int = 0
    path: str | None = None

    def __post_init__(self) -> None:
        if (self.firms is None) == (self.path is None):
            raise UserError(_("give either a number of firms or a population file, not both"))
        if self.firms is not None and self.firms < 1:
            raise UserError(_("the number of firms must be at least 1"))

    def build(self) -> Population:
        """The Population this spec describes (cached per process: see ``_cached_population``)."""
        if self.path is not None and self.path.endswith(".npz"):
            return load_population(self.path)
        if self.path is not None:
            return populations.from_table(_read_table(Path(self.path)), seed=self.seed)
        return populations.synthetic(self.firms, self.seed)


def save_population(firms, path: Path) -> Path:
    """Save a Population's arrays (and code labels) to an .npz file that a spec can point to."""
    arrays = {name: getattr(firms, name) for name in firms.ARRAYS}
    np.savez(path, **arrays, region_code=np.array(firms.region_code),
             division_code=np.array(firms.division_code))
    return Path(path)


def load_population(path: str | Path) -> Population:
    with np.load(path) as data:
        arrays = {name: data[name] for name in Population.ARRAYS}
        labels = {name: tuple(str(v) for v in data[name]) for name in ("region_code", "division_code")}
    return Population(**arrays, **labels)


def _read_table(path: Path):
    if not path.is_file():
        raise UserError(_("population file {path} does not exist").format(path=path))
    if path.suffix.lower() == ".parquet":
        return pq.read_table(path)
    if path.suffix.lower() == ".csv":
        return pacsv.read_csv(path)
    raise UserError(_("population file must be .parquet or .csv: {path}").format(path=path))


@lru_cache(maxsize=2)
def _cached_population(spec: PopulationSpec):
    # A worker builds the population once and reuses it for every run it is given; the model
    # must not change it in place (tests/lab/test_lab_runs_ensemble.py checks that runs agree).
    return spec.build()


def as_population_spec(population: Any, seed: int = 0):
    """Accept a PopulationSpec, a number of firms, a file path, or a ready Population object."""
    if isinstance(population, PopulationSpec):
        return population
    if isinstance(population, (int, np.integer)) and not isinstance(population, bool):
        return PopulationSpec(firms=int(population), seed=seed)
    if isinstance(population, (str, Path)):
        return PopulationSpec(path=str(population))
    return population  # an in-memory Population, sent as it is (pickled for process workers)


def _population(spec: Any):
    return _cached_population(spec) if isinstance(spec, PopulationSpec) else spec


# --------------------------------------------------------------------------- seeds and draws


def run_seed(seed: int, run: int) -> int:
    """The model seed of run ``run``: a 64-bit integer from SeedSequence(seed, spawn_key=(run, 0))."""
    sequence = np.random.SeedSequence(seed, spawn_key=(run, _MODEL_STREAM))
    return int(sequence.generate_state(1, dtype=np.uint64)[0])


def _name_key(name: str) -> int:
    # a stable key per parameter name (Python's hash() changes between processes)
    return zlib.crc32(name.encode("utf-8"))


def _unit_draw(name: str, seed: int, run: int, runs: int, sampling: str) -> float:
    position = np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(run, _PARAMETER_STREAM, _name_key(name)))
    ).random()
    if sampling == "uniform":
        return float(position)
    order = np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(_LHS_ORDER, _name_key(name)))
    ).permutation(runs)
    return float((order[run] + position) / runs)


def draw_parameters(
    ranges: Mapping[str, tuple[float, float]], seed: int, run: int, runs: int, sampling: str = "lhs"
) -> dict[str, float]:
    """Run ``run``'s value of every uncertain parameter (``ranges``: name -> (low, high))."""
    if sampling not in SAMPLINGS:
        raise UserError(_("unknown sampling {name!r}; choose one of: {choices}").format(
            name=sampling, choices=", ".join(SAMPLINGS)))
    values = {}
    for name in sorted(ranges):
        low, high = ranges[name]
        values[name] = float(low + _unit_draw(name, seed, run, runs, sampling) * (high - low))
    return values


# --------------------------------------------------------------------------- scenarios


def resolve_scenario(scenario: Any):
    """A Scenario object from a name, a TOML path or a Scenario."""
    if isinstance(scenario, (str, Path)):
        return load_scenario(scenario)
    return scenario


def uncertain_ranges(scenario: Any) -> dict[str, tuple[float, float]]:
    """The parameters a scenario declares uncertain, name -> (low, high)."""
    ranges = scenario.uncertain() if hasattr(scenario, "uncertain") else {}
    return {name: (float(low), float(high)) for name, (low, high) in dict(ranges).items()}


def with_parameters(scenario: Any, values: Mapping[str, float]):
    """The scenario with ``values`` fixed in place of its ranges."""
    return scenario.with_parameters(values) if values else scenario


def scenario_name(scenario: Any) -> str:
    return str(getattr(scenario, "name", scenario))


# --------------------------------------------------------------------------- one run


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs for one run (picklable, small)."""

    scenario: Any
    population: Any
    run: int
    seed: int
    years: int
    parameters: Mapping[str, float] = field(default_factory=dict)


@dataclass
class RunOutput:
    scenario: str
    run: int
    seed: int
    parameters: dict[str, float]
    summary: dict[str, np.ndarray]
    cost: float


def run_task(task: RunTask, population: Population | None = None) -> RunOutput:
    """Run one task (on ``population`` when given, else the task's). Top-level so that spawned
    worker processes can import it."""
    scenario = with_parameters(task.scenario, task.parameters)
    start = population if population is not None else _population(task.population)
    result = simulate(scenario, start, task.seed, task.years)
    summary = {name: np.asarray(values) for name, values in result.summary.items()}
    return RunOutput(
        scenario=scenario_name(task.scenario),
        run=task.run,
        seed=task.seed,
        parameters=dict(task.parameters),
        summary=summary,
        cost=programme_cost(result),
    )


def programme_cost(result: RunResult) -> float:
    """Rupiah the run's interventions spent: the sum of the model's per-programme ``cost``
    (firms enrolled x cost per firm, within the budget; lumbung.lab.model)."""
    return float(sum(float(stats.get("cost", 0.0)) for stats in getattr(result, "programs", {}).values()))


# --------------------------------------------------------------------------- the ensemble


@dataclass
class EnsembleResult:
    """All runs of all scenarios, in (scenario, run) order."""

    scenarios: list[str]
    runs: int
    seed: int
    years: int
    outputs: list[RunOutput]
    sampling: str = "lhs"

    def of(self, scenario: str) -> list[RunOutput]:
        return [o for o in self.outputs if o.scenario == scenario]


def make_tasks(scenarios: Sequence[Any], population: Any, runs: int, seed: int, years: int,
               sampling: str = "lhs") -> list[RunTask]:
    tasks = []
    for scenario in scenarios:
        ranges = uncertain_ranges(scenario)
        for run in range(runs):
            tasks.append(RunTask(
                scenario=scenario, population=population, run=run, seed=run_seed(seed, run),
                years=years, parameters=draw_parameters(ranges, seed, run, runs, sampling),
            ))
    return tasks


def run_ensemble(
    scenarios: Sequence[Any] | Any,
    population_spec: Any,
    runs: int,
    seed: int,
    years: int,
    executor: str | Executor = "process",
    workers: int | None = None,
    progress: Progress | None = None,
    sampling: str = "lhs",
    scheduler: str | None = None,
) -> EnsembleResult:
    """Run ``runs`` runs of every scenario and return them in (scenario, run) order.

    ``scenarios``: names, TOML paths or Scenario objects. ``population_spec``: a PopulationSpec,
    a number of synthetic firms (drawn with ``seed``), a table file, or a Population.
    ``executor``: "process" (a process pool of ``workers``, default all cores; a single run
    runs in this process), "serial", "dask" (needs the ``scale`` extra; on the cluster whose
    scheduler is at ``scheduler``, else on a local cluster of ``workers`` processes) or any
    ``concurrent.futures.Executor``, which is used as it is and not shut down.
    ``progress(done, total)`` is called after every run.

    How the population reaches the workers: a PopulationSpec (firms and seed, or a file) is
    built once per worker process and reused for its runs; a Population object is saved once to
    a temporary file that process workers read, or scattered once to every Dask worker.
    """
    if isinstance(scenarios, (str, Path)) or not isinstance(scenarios, Sequence):
        scenarios = [scenarios]
    if not scenarios:
        raise UserError(_("give at least one scenario"))
    _check_counts(runs, years, workers)
    if not isinstance(executor, Executor) and executor not in EXECUTORS:
        raise UserError(_("unknown executor {name!r}; choose one of: {choices}").format(
            name=executor, choices=", ".join(EXECUTORS)))
    resolved = [resolve_scenario(s) for s in scenarios]
    names = [scenario_name(s) for s in resolved]
    if len(set(names)) != len(names):
        raise UserError(_("a scenario is listed twice: {names}").format(names=", ".join(names)))
    population = as_population_spec(population_spec, seed)
    with tempfile.TemporaryDirectory(prefix="lumbung-lab-") as scratch:
        if executor == "process" and isinstance(population, Population):
            # saved once and read by every worker, instead of pickling the arrays into every task
            population = PopulationSpec(path=str(save_population(population, Path(scratch) / "population.npz")))
        tasks = make_tasks(resolved, population, runs, seed, years, sampling)
        outputs = _execute(tasks, executor, workers, scheduler, progress)
    return EnsembleResult(names, runs, seed, years, outputs, sampling)


def _check_counts(runs: int, years: int, workers: int | None) -> None:
    if runs < 1:
        raise UserError(_("the number of runs must be at least 1"))
    if years < 1:
        raise UserError(_("the number of years must be at least 1"))
    if workers is not None and workers < 1:
        raise UserError(_("the number of workers must be at least 1"))


def _execute(tasks: list[RunTask], executor: str | Executor, workers: int | None, scheduler: str | None,
             progress: Progress | None) -> list[RunOutput]:
    if isinstance(executor, Executor):
        return on_executor(run_task, tasks, executor, progress)
    if executor == "serial" or (executor == "process" and len(tasks) == 1):
        # one task: starting a process would only add its start-up time
        return serially(run_task, tasks, progress)
    if executor == "process":
        return on_processes(run_task, tasks, workers, progress)
    shared = tasks[0].population
    if isinstance(shared, PopulationSpec):
        return on_dask(run_task, tasks, None, workers, scheduler, progress)
    # an in-memory Population: sent to each worker once, not with every task
    return on_dask(run_task, [replace(t, population=None) for t in tasks], shared, workers, scheduler, progress)
