"""Paired runs for the stylised-fact tests: baseline and a scenario on the same population and
seed, so that they share every random draw (common random numbers)."""

from __future__ import annotations

from functools import lru_cache

from lumbung.lab import population
from lumbung.lab.run import simulate


@lru_cache(maxsize=4)
def paired_runs(scenario, firms: int, years: int, seeds: tuple[int, ...]) -> list:
    """[(baseline run, scenario run)] for each seed."""
    out = []
    for seed in seeds:
        pop = population.synthetic(firms, seed=seed)
        out.append((simulate("baseline", pop, seed=seed, years=years),
                    simulate(scenario, pop, seed=seed, years=years)))
    return out
