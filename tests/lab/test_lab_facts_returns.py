"""Stylised fact 2: returns to capital in micro firms are high, about 4.6-5.3% a month in the
field experiment of de Mel, McKenzie & Woodruff (2008, QJE), who gave random cash grants to
micro firms and compared profits.

The same experiment inside the model: in quarter 2 a random half of traditional micro firms
receives a cash grant of Rp5 million (about a third of their median capital, close to the
experiment's grant sizes); profits over the last year of a 2-year run are compared. The return
is (profit gain per month) / (capital gain), as de Mel et al. instrument capital with the grant.

Set-up: 20,000 synthetic firms x 2 years x 3 seeds (1, 2, 3).
Tolerances: randomized difference-in-differences estimate pooled over seeds in [3%, 7%] a month;
the within-firm estimate using common random numbers (same firm, with and without the grant)
in [4%, 6%] for every seed."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from lumbung.lab import population, scenarios
from lumbung.lab.run import simulate

FIRMS, YEARS, SEEDS = 20_000, 2, (1, 2, 3)
GRANT = scenarios.from_dict({"name": "grant", "inherits": "baseline", "interventions": [
    {"name": "grant", "kind": "grant", "target": 'size_class == "micro" and technique == "traditional"',
     "dose": 5e6, "take_up": 0.5, "start": 2}]})


@lru_cache(maxsize=1)
def _runs():
    out = []
    for seed in SEEDS:
        pop = population.synthetic(FIRMS, seed=seed)
        out.append((simulate(GRANT, pop, seed=seed, years=YEARS).firms,
                    simulate("baseline", pop, seed=seed, years=YEARS).firms))
    return out


def test_randomized_grant_returns_match_the_field_experiment():
    profit_gain = capital_gain = 0.0
    for grant, _ in _runs():
        eligible = (grant["size_start"] == 0) & (grant["technique_start"] == 0) & grant["alive_end"]
        treated = eligible & grant["enrolled:grant"]
        control = eligible & ~grant["enrolled:grant"]
        assert 0.45 < treated.sum() / eligible.sum() < 0.55, "take-up 50% is a coin flip"
        change = grant["profit_last_year"] - grant["profit_first"]
        growth = grant["capital_end"] - grant["capital_start"]
        profit_gain += change[treated].mean() - change[control].mean()
        capital_gain += growth[treated].mean() - growth[control].mean()
    assert 0 < capital_gain / len(SEEDS) < 5e6, "part of the grant is invested, part consumed"
    monthly = profit_gain / 3 / capital_gain
    assert 0.03 <= monthly <= 0.07, f"return {monthly:.2%} a month"


def test_within_firm_returns_match_the_field_experiment():
    for grant, base in _runs():
        treated = grant["enrolled:grant"] & grant["alive_end"] & base["alive_end"]
        profit = (grant["profit_last_year"] - base["profit_last_year"])[treated].mean()
        capital = (grant["capital_end"] - base["capital_end"])[treated].mean()
        monthly = profit / 3 / capital
        assert 0.04 <= monthly <= 0.06, f"return {monthly:.2%} a month"
        untreated = ~grant["enrolled:grant"] & grant["alive_end"] & base["alive_end"]
        assert np.nanmax(np.abs(grant["capital_end"] - base["capital_end"])[untreated]) < 1.0
