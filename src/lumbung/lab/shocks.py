"""A scenario's shocks evaluated for every quarter of a run (and every KBLI division)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lumbung.lab.codes import DIVISIONS, PERIODS_PER_YEAR


@dataclass
class Paths:
    """Scenario shocks evaluated for every quarter (index t) and division."""

    demand: np.ndarray  # (T, D) domestic demand index
    exchange: np.ndarray  # (T + 1,) real exchange-rate index; [0] = start
    rate_add: np.ndarray  # (T,) addition to formal rates, fraction per quarter
    bank_supply: np.ndarray  # (T,)
    export_demand: np.ndarray  # (T,)
    output_tariff: np.ndarray  # (T + 1, D); [0] = start
    input_tariff: np.ndarray  # (T + 1, D)


def shock_paths(scenario, periods: int) -> Paths:
    """The Paths of ``scenario`` (a lumbung.lab.scenarios.Scenario) over ``periods`` quarters."""
    nd = len(DIVISIONS)
    p = scenario.params
    t = np.arange(periods + 1, dtype=float)
    demand = np.ones((periods + 1, nd))
    exchange = np.ones(periods + 1)
    rate_add = np.zeros(periods + 1)
    bank = np.ones(periods + 1)
    export = np.ones(periods + 1)
    out_tariff = np.full((periods + 1, nd), p["output_tariff_base"])
    in_tariff = np.full((periods + 1, nd), p["input_tariff_base"])
    for shock in scenario.shocks:
        values = np.array([shock.at(x) for x in t])
        cols = [DIVISIONS.index(d) for d in shock.divisions] if shock.divisions else list(range(nd))
        if shock.kind == "demand":
            demand[:, cols] *= values[:, None]
        elif shock.kind == "exchange_rate":
            exchange *= values
        elif shock.kind == "interest_rate":
            rate_add += values / 100.0 / PERIODS_PER_YEAR
        elif shock.kind == "bank_credit":
            bank *= values
        elif shock.kind == "export_demand":
            export *= values
        elif shock.kind == "output_tariff":
            out_tariff[:, cols] = values[:, None]
        elif shock.kind == "input_tariff":
            in_tariff[:, cols] = values[:, None]
    # Quarter t of the run uses the value at t + 1 for prices (index 0 is the pre-run reference).
    return Paths(demand[1:], exchange, rate_add[1:], bank[1:], export[1:], out_tariff, in_tariff)
