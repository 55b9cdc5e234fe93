"""The Mesa 3 version of the model (benchmarks/mesa_model.py, one agent per firm) gives the same
aggregates as lumbung.lab for the same population, scenario and seed.

Both draw the same random numbers (the Mesa model draws them per quarter from lumbung.lab's
streams and hands each agent its slot's draw), so counts (firms, entries, exits, upgrades,
graduations) agree exactly, by quarter and size class, and money and workers, summed from
float32 arrays in lumbung.lab and from Python floats in Mesa, agree to float32 precision: a
relative difference under 1e-5 (float32 has about 7 significant digits). The exception, a
decision on a knife edge, is explained where it occurs.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from lumbung.lab import population, scenarios
from lumbung.lab.run import simulate

MESA_MODEL = Path(__file__).resolve().parents[2] / "benchmarks" / "mesa_model.py"
COUNTS = ("firms", "entries", "exits", "upgrades", "graduations")
AMOUNTS = ("workers", "output", "value_added")
SIZES = ("micro", "small", "medium", "large")


def _mesa_model():
    spec = importlib.util.spec_from_file_location("mesa_model", MESA_MODEL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _by_period_and_size(summary: dict[str, np.ndarray], column: str) -> np.ndarray:
    """(periods, 4) totals of a column by quarter and size class."""
    periods = int(summary["period"].max()) + 1
    size = np.searchsorted(np.array(SIZES), summary["size_class"].astype(str), sorter=np.argsort(SIZES))
    size = np.argsort(SIZES)[size]
    index = summary["period"].astype(np.int64) * len(SIZES) + size
    totals = np.bincount(index, weights=summary[column].astype(np.float64), minlength=periods * len(SIZES))
    return totals.reshape(periods, len(SIZES))


def _runs(scenario: str, firms: int, years: int):
    start = population.synthetic(firms, seed=4)
    chosen = scenarios.load(scenario)
    ours = simulate(chosen, start, seed=7, years=years).summary
    theirs = _mesa_model().simulate(chosen, start, seed=7, years=years)
    assert set(theirs) == set(ours)
    # the runs are not trivial: firms enter, exit and move between classes
    for column in ("entries", "exits", "graduations"):
        assert _by_period_and_size(ours, column).sum() > 0, column
    return ours, theirs


def test_baseline_agrees_exactly_at_10000_firms_over_10_years():
    ours, theirs = _runs("baseline", 10_000, 10)
    for column in COUNTS:
        assert np.array_equal(_by_period_and_size(ours, column), _by_period_and_size(theirs, column)), column
    for column in AMOUNTS:
        a, b = _by_period_and_size(ours, column), _by_period_and_size(theirs, column)
        assert np.allclose(a, b, rtol=1e-5, atol=1e-3), column


@pytest.mark.parametrize("scenario,years", [
    # shocks (exchange rate, interest rates, credit freeze, demand) and reopened plants
    ("crisis-1998", 5),
    # interventions with targeting, take-up and budget
    ("credit-training", 4),
    ("partnership", 4),
])
def test_shocks_and_interventions_agree_within_float_tolerance(scenario, years):
    """The number of entrants is a rounded sum over all firms' layoffs; where that sum lies within
    float32 precision of a half (in crisis-1998 at this seed: 130.49998 here, 130.50001 in Mesa),
    one model admits one more entrant than the other, and the populations then differ by a firm
    or two. So counts must agree within 2 firms (or 0.5%) per quarter and size class, amounts
    within 0.1%."""
    ours, theirs = _runs(scenario, 3_000, years)
    for column in COUNTS:
        a, b = _by_period_and_size(ours, column), _by_period_and_size(theirs, column)
        assert np.all(np.abs(a - b) <= np.maximum(2, 0.005 * a)), column
    for column in AMOUNTS:
        a, b = _by_period_and_size(ours, column), _by_period_and_size(theirs, column)
        assert np.allclose(a.sum(axis=1), b.sum(axis=1), rtol=1e-3), column


def test_a_different_seed_changes_the_mesa_run():
    # guards against the comparison passing because neither model uses its draws
    mesa_model = _mesa_model()
    start = population.synthetic(1_000, seed=4)
    one = mesa_model.simulate("baseline", start, seed=1, years=2)
    two = mesa_model.simulate("baseline", start, seed=2, years=2)
    assert not np.array_equal(_by_period_and_size(one, "exits"), _by_period_and_size(two, "exits"))
