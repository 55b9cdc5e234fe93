"""The model's contract: summary columns, bookkeeping identities, reproducibility and common
random numbers (the same seed gives the same draws in every scenario)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

from lumbung.lab import SUMMARY_COLUMNS, population, scenarios
from lumbung.lab.codes import SIZE_CLASSES
from lumbung.lab.run import simulate

FIRMS, YEARS = 3000, 3


@lru_cache(maxsize=4)
def _pop(seed: int = 7):
    return population.synthetic(FIRMS, seed=seed)


@lru_cache(maxsize=16)
def _run(name: str, seed: int = 7, pop_seed: int = 7):
    return simulate(name, _pop(pop_seed), seed=seed, years=YEARS)


def _by_period(result, column: str) -> np.ndarray:
    s = result.summary
    return np.bincount(s["period"], weights=s[column], minlength=result.periods)


def test_summary_has_the_agreed_columns_and_one_row_per_group():
    s = _run("baseline").summary
    assert tuple(s) == SUMMARY_COLUMNS
    n = len(s["period"])
    assert all(len(v) == n for v in s.values())
    assert set(np.unique(s["period"])) == set(range(YEARS * 4))
    assert set(np.unique(s["size_class"])) <= set(SIZE_CLASSES)
    keys = list(zip(s["period"], s["size_class"], s["kbli_division"], s["province"], strict=True))
    assert len(keys) == len(set(keys)), "a group appears twice in one quarter"
    assert all(len(d) == 2 and 10 <= int(d) <= 33 for d in np.unique(s["kbli_division"]))


def test_summary_values_are_consistent():
    s = _run("crisis-1998").summary
    live = s["firms"] > 0
    assert (s["workers"][live] >= s["firms"][live] * 0.999).all(), "every live firm has at least one person"
    assert (s["value_added"] <= s["output"] + 1e-6).all(), "value added cannot exceed output"
    share = s["share_traditional"][live]
    assert ((share >= 0) & (share <= 1)).all()
    assert np.isnan(s["share_traditional"][~live]).all()
    for col in ("entries", "exits", "upgrades", "graduations"):
        assert (s[col] >= 0).all()


def test_firm_count_moves_only_by_entries_and_exits():
    r = _run("crisis-1998")
    firms, entries, exits = (_by_period(r, c) for c in ("firms", "entries", "exits"))
    start = FIRMS
    previous = np.concatenate([[start], firms[:-1]])
    np.testing.assert_array_equal(firms, previous + entries - exits)


def test_same_seed_gives_identical_results():
    pop = _pop()
    a = simulate("crisis-1998", pop, seed=3, years=2)
    b = simulate("crisis-1998", pop, seed=3, years=2)
    for column in SUMMARY_COLUMNS:
        np.testing.assert_array_equal(a.summary[column], b.summary[column])
    for name in a.firms:
        np.testing.assert_array_equal(a.firms[name], b.firms[name])


def test_different_seeds_differ():
    a, b = _run("baseline", seed=1), _run("baseline", seed=2)
    assert not np.array_equal(_by_period(a, "output"), _by_period(b, "output"))


def test_scenarios_share_draws_until_they_diverge():
    """Common random numbers: crisis-1998 and the credit program start in quarter 4, so every
    quarter before it is identical to the baseline, to the last rupiah."""
    base = _run("baseline", seed=5)
    for name in ("crisis-1998", "credit"):
        other = _run(name, seed=5)
        for column in ("firms", "workers", "output", "value_added", "exits", "entries"):
            a, b = _by_period(base, column), _by_period(other, column)
            np.testing.assert_array_equal(a[:4], b[:4], err_msg=f"{name} {column} before the shock")
        assert not np.array_equal(_by_period(base, "output")[4:], _by_period(other, "output")[4:])


def test_programs_reach_the_same_firms_in_every_scenario_that_runs_them():
    credit = _run("credit", seed=5).firms["enrolled:kur-micro"]
    bundle = _run("credit-training", seed=5).firms
    np.testing.assert_array_equal(credit, bundle["enrolled:kur-micro"])
    np.testing.assert_array_equal(credit, bundle["enrolled:training-micro"])
    assert 0.3 < credit.mean() < 0.6  # half of the (mostly micro, traditional) firms


def test_progress_is_reported_every_quarter():
    calls = []
    simulate("baseline", _pop(), seed=1, years=1, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(q, 4) for q in range(1, 5)]


def test_metrics_report_firm_periods_per_second():
    m = _run("baseline").metrics
    assert m["firm_periods"] == pytest.approx(_by_period(_run("baseline"), "firms").sum())
    assert m["firm_periods_per_second"] > 0


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="backend"):
        simulate("baseline", _pop(), seed=1, years=1, backend="fortran")
    with pytest.raises(ValueError, match="years"):
        simulate("baseline", _pop(), seed=1, years=0)
    with pytest.raises(scenarios.ScenarioError, match="unknown scenario"):
        simulate("no-such-scenario", _pop(), seed=1, years=1)


def test_budget_caps_enrolment():
    sc = scenarios.from_dict({"name": "capped", "inherits": "baseline", "interventions": [
        {"name": "machines", "kind": "equipment", "target": 'size_class == "micro"', "dose": 10e6,
         "take_up": 1.0, "start": 1, "budget": 100 * 10e6}]})
    r = simulate(sc, _pop(), seed=1, years=1)
    assert r.programs["machines"]["enrolled"] == 100
    assert r.programs["machines"]["cost"] == pytest.approx(100 * 10e6)
    assert r.programs["machines"]["eligible"] > 1000
    assert r.firms["enrolled:machines"].sum() == 100


def test_equipment_raises_the_capital_of_exactly_the_enrolled_firms():
    sc = scenarios.from_dict({"name": "machines", "inherits": "baseline", "interventions": [
        {"name": "machines", "kind": "equipment", "target": 'capital < 20e6', "dose": 10e6,
         "take_up": 0.5, "start": 0}]})
    pop = _pop()
    with_program = simulate(sc, pop, seed=2, years=1).firms
    without = simulate("baseline", pop, seed=2, years=1).firms
    enrolled = with_program["enrolled:machines"]
    assert (pop.capital[enrolled] < 20e6).all()
    assert 0.4 < enrolled.sum() / (pop.capital < 20e6).sum() < 0.6
    both = with_program["alive_end"] & without["alive_end"]
    gain = with_program["capital_end"] - without["capital_end"]
    assert np.nanmedian(gain[both & enrolled]) > 5e6
    assert np.nanmax(np.abs(gain[both & ~enrolled])) < 1.0  # others untouched (same draws)


def test_partners_are_linked_to_a_big_firm_of_their_own_division_until_it_exits():
    pop = population.synthetic(FIRMS, seed=7)
    f = simulate("partnership", pop, seed=5, years=YEARS).firms
    enrolled = f["enrolled:bapak-angkat"]
    assert enrolled.sum() > 100
    linked = enrolled & (f["nucleus_end"] >= 0)
    nucleus = f["nucleus_end"][linked]
    assert (nucleus < FIRMS).all()
    np.testing.assert_array_equal(f["division"][nucleus], f["division"][linked])
    assert (f["size_start"][nucleus] >= 2).all()
    assert f["alive_end"][nucleus].all(), "a partnership ends when its nucleus exits"
    assert (f["nucleus_end"][~enrolled] == -1).all()
