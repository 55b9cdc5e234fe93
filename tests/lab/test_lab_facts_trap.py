"""Stylised fact 1, the trap (Lempelius & Thoma 1979, DIMENSIA 2011): in the baseline, firms
that start with little capital and skill are still traditional after 10 years, and the size
distribution stays heavy-tailed (a pyramid with a thin, dominant top; Kuncoro 2007; BPS IBS:
under 1% of firms produce over 85% of manufacturing value added).

Set-up: 20,000 synthetic firms x 10 years x 3 seeds (1, 2, 3), baseline scenario."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from lumbung.lab import population
from lumbung.lab.run import simulate

FIRMS, YEARS, SEEDS = 20_000, 10, (1, 2, 3)


@lru_cache(maxsize=1)
def _runs():
    out = []
    for seed in SEEDS:
        pop = population.synthetic(FIRMS, seed=seed)
        out.append((pop, simulate("baseline", pop, seed=seed, years=YEARS)))
    return out


def _hill(sizes: np.ndarray, top: float = 0.02) -> float:
    """Hill estimator of the Pareto tail index over the largest `top` share of firms."""
    x = np.sort(sizes[np.isfinite(sizes)])[::-1]
    k = max(int(top * x.size), 10)
    return 1.0 / np.mean(np.log(x[:k] / x[k]))


def test_firms_that_start_poor_and_unskilled_stay_traditional():
    """Tolerance: at least 90% of such firms, per seed, are still traditional (or have closed)
    after 10 years; fewer than 5% of all traditional firms upgrade in 10 years."""
    for _pop, run in _runs():
        f = run.firms
        trapped = (f["capital_start"] < 25e6) & (f["owner_skill_start"] < 0.4) & (f["technique_start"] == 0)
        assert trapped.sum() > 0.25 * FIRMS
        still = (~f["upgraded"])[trapped].mean()
        assert still >= 0.90, f"seed {run.seed}: only {still:.1%} of trapped firms still traditional"
        survivors = trapped & f["alive_end"]
        assert (f["technique_end"][survivors] == 0).mean() >= 0.90
        assert f["upgraded"][f["technique_start"] == 0].mean() < 0.05


def test_the_pyramid_persists():
    """Tolerance per seed: micro firms stay above 80% of firms; the number of firms stays within
    15% of the start (entry balances exit)."""
    for pop, run in _runs():
        s = run.summary
        last = s["period"] == run.periods - 1
        firms = s["firms"][last]
        assert firms.sum() == np.clip(firms.sum(), 0.85 * len(pop), 1.15 * len(pop))
        assert firms[s["size_class"][last] == "micro"].sum() / firms.sum() > 0.8


def test_size_distribution_stays_heavy_tailed():
    """Tolerance per seed: the top 1% of surviving firms produce at least half of output after
    10 years; the Hill tail index of persons engaged (top 2%) lies in [0.6, 2.0] (Zipf-like,
    Axtell 2001) at the start and the end and moves by less than 0.5."""
    for _pop, run in _runs():
        f = run.firms
        out = np.sort(f["output_end"][f["alive_end"]])[::-1]
        top = out[: out.size // 100].sum() / out.sum()
        assert top >= 0.5, f"seed {run.seed}: top 1% produce only {top:.0%}"
        start, end = _hill(f["workers_start"]), _hill(f["workers_end"])
        assert 0.6 <= start <= 2.0 and 0.6 <= end <= 2.0, (start, end)
        assert abs(end - start) < 0.5
