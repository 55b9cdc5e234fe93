"""Single rules of the quarterly step, on small hand-made populations with the random parts
switched off (no productivity shocks, no exogenous exits), so each outcome follows from the rule."""

from __future__ import annotations

import numpy as np
import pytest

from lumbung.lab import scenarios
from lumbung.lab.codes import DIVISIONS, PROVINCES
from lumbung.lab.population import Population
from lumbung.lab.run import simulate

QUIET = {"productivity_shock_sd": 0.0, "exit_hazard_micro": 0.0, "exit_hazard_other": 0.0, "entry_rate": 0.0,
         "entry_per_layoff": 0.0}


def _scenario(name: str = "baseline", **params):
    return scenarios.load(name).with_parameters({**QUIET, **params})


def _population(n: int, **values) -> Population:
    f32 = np.float32
    base = dict(
        capital=np.full(n, 20e6, f32), owner_skill=np.full(n, 0.3, f32), worker_skill=np.full(n, 0.3, f32),
        input_quality=np.full(n, 0.5, f32), technique=np.zeros(n, np.int8), workers=np.full(n, 2, f32),
        debt_bank=np.zeros(n, f32), debt_kur=np.zeros(n, f32), debt_moneylender=np.zeros(n, f32),
        cash=np.full(n, 5e6, f32), division=np.full(n, DIVISIONS.index("10"), np.int16),
        province=np.full(n, PROVINCES.index("33"), np.int16), age=np.full(n, 5, f32), partner=np.zeros(n, bool),
        nucleus=np.full(n, -1, np.int32), formality=np.zeros(n, np.int8), import_share=np.zeros(n, f32),
        export_share=np.zeros(n, f32), fx_debt_share=np.zeros(n, f32), productivity=np.ones(n, f32),
    )
    for name, value in values.items():
        base[name] = np.asarray(value, dtype=base[name].dtype)
    return Population(**base)


def test_upgrade_needs_both_capital_and_skill():
    pop = _population(3, capital=[200e6, 200e6, 60e6], owner_skill=[0.6, 0.5, 0.6], cash=[40e6, 40e6, 40e6])
    f = simulate(_scenario(), pop, seed=1, years=1).firms
    assert f["upgraded"].tolist() == [True, False, False]
    assert f["technique_end"].tolist() == [1, 0, 0]


def test_sentra_halves_the_capital_needed_to_upgrade():
    sc = _scenario().with_parameters({})
    sentra = scenarios.from_dict({"name": "s", "inherits": "baseline", "interventions": [
        {"name": "centre", "kind": "sentra", "target": "True", "dose": 0.0, "take_up": 1.0, "start": 0}]})
    sentra = sentra.with_parameters(QUIET)
    pop = _population(2, capital=[90e6, 90e6], owner_skill=[0.6, 0.6], cash=[40e6, 40e6])
    assert not simulate(sc, pop, seed=1, years=1).firms["upgraded"].any()
    assert simulate(sentra, pop, seed=1, years=1).firms["upgraded"].all()


def test_a_shortfall_is_financed_by_the_moneylender_and_unpaid_losses_end_the_firm():
    # No bank or KUR access: firm 0 starts Rp3 million short and the moneylender covers it;
    # firm 1 is Rp500 million short, beyond any moneylender (cap Rp50 million): four quarters of
    # negative cash end it; firm 2 never borrows.
    pop = _population(3, cash=[-3e6, -500e6, 5e6])
    no_formal_credit = _scenario(bank_ltv_informal=0.0, kur_access=0.0)
    f = simulate(no_formal_credit, pop, seed=1, years=2).firms
    assert f["alive_end"].tolist() == [True, False, True]
    assert f["exit_period"][1] == 3  # quarters 0-3 failing, exit at the end of quarter 3
    assert f["debt_end"][2] == 0
    first = simulate(no_formal_credit, pop, seed=1, years=1).firms
    assert 0 < first["debt_end"][0] < 3e6, "moneylender debt, partly repaid (half a quarter)"


def test_household_firms_below_the_outside_option_close():
    # productivity so low that profit stays under the reservation income (Rp3.6 million a quarter)
    pop = _population(2, productivity=[0.2, 1.5], formality=[0, 0])
    f = simulate(_scenario(), pop, seed=1, years=2).firms
    assert f["alive_end"].tolist() == [False, True]
    legal = _population(1, productivity=[0.2], formality=[2])
    assert simulate(_scenario(), legal, seed=1, years=2).firms["alive_end"].all()


def test_firms_with_paid_workers_start_at_their_optimum():
    # (below the traditional market cap: a capped firm invests up to the cap instead)
    pop = _population(4, workers=[8, 30, 150, 6], capital=[80e6, 2e9, 20e9, 30e6],
                      technique=[0, 1, 1, 0], formality=[1, 2, 2, 0], productivity=[1.0, 2.0, 3.0, 1.0])
    f = simulate(_scenario(), pop, seed=1, years=1).firms
    np.testing.assert_allclose(f["workers_end"], f["workers_start"], rtol=0.03)
    np.testing.assert_allclose(f["capital_end"], f["capital_start"], rtol=0.03)


def test_foreign_currency_debt_follows_the_rupiah():
    pop = _population(2, workers=[150, 150], capital=[20e9, 20e9], technique=[1, 1], formality=[2, 2],
                      debt_bank=[5e9, 5e9], fx_debt_share=[0.4, 0.0], cash=[5e9, 5e9])
    crisis = scenarios.from_dict({"name": "fx", "inherits": "baseline", "shocks": [
        {"kind": "exchange_rate", "path": [[0, 1.0], [1, 1.0], [2, 2.0]]}]}).with_parameters(QUIET)
    f = simulate(crisis, pop, seed=1, years=1).firms
    base = simulate(_scenario(), pop, seed=1, years=1).firms
    assert base["debt_end"][0] == pytest.approx(base["debt_end"][1], rel=1e-6)
    # the rupiah halves: 40% of the debt doubles in rupiah (before a year of repayments)
    assert f["debt_end"][0] / f["debt_end"][1] == pytest.approx(1.4, rel=0.05)


def test_credit_program_lends_to_enrolled_firms_at_its_rate():
    sc = scenarios.from_dict({"name": "c", "inherits": "baseline", "interventions": [
        {"name": "kur", "kind": "credit", "target": "capital < 30e6", "dose": 30e6, "rate": 0.06,
         "take_up": 1.0, "start": 0}]}).with_parameters(QUIET)
    pop = _population(2, capital=[10e6, 40e6])
    f = simulate(sc.with_parameters({"bank_ltv_informal": 0.0, "kur_access": 0.0}), pop, seed=1, years=1).firms
    assert f["enrolled:kur"].tolist() == [True, False]
    assert 0 < f["debt_end"][0] <= 30e6 and f["debt_end"][1] == 0
    assert f["capital_end"][0] > f["capital_end"][1] * 0.4  # the loan bought equipment
