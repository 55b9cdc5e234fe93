"""One run of the lab's firm model: the vicious circle of backwardness, one quarter at a time,
for all firms at once.

Period: a quarter. A year is too coarse for the 1997-98 crisis (the rupiah fell and interest rates
spiked within months, and a year of losses is what ends a household firm) and for credit cycles
(KUR and moneylender loans run for months); a month would quadruple the cost of national runs
without adding dynamics the model's sources can calibrate. Flows (value added, profit, wages)
are per quarter; stocks (capital, debt, cash) in rupiah.

Each quarter, vectorised over every firm (no Python loop over firms), the circle runs
(DIMENSIA 2011; lumbung.lab.quarter implements one rule per method; docs/lab.md gives
each rule with its source):

1. productivity: a persistent firm level times an AR(1) shock;
2. production: Cobb-Douglas in capital and workers, with technique-dependent TFP, owner and worker
   skill and input quality (plus the input-tariff effect of Amiti & Konings 2007);
3. demand: traditional products sell in a narrow local market (a ceiling, widened by
   partnerships); modern ones on a CES demand curve; demand shocks cut quantities sold (less for
   traditional products, which are necessities);
4. prices follow the exchange rate and tariffs by sector's import exposure; exporters gain from
   depreciation; imported inputs cost the exchange rate times the input tariff;
5. profit after inputs, wages of paid workers (owner and family work unpaid) and interest by source
   (bank, KUR, moneylender); foreign-currency debt is revalued with the rupiah;
6. the household withdraws subsistence first (business and household money are mixed), then a
   share of the rest; a cash shortfall is covered by bank, KUR, then the moneylender;
7. investment closes part of the gap to the capital at which the marginal product equals the user
   cost of each source of funds, own funds first, then KUR and bank credit within
   collateral-based limits;
8. technique upgrade once capital and owner skill pass thresholds and the set-up cost is funded;
9. labour adjusts toward the desired workforce; layoffs are counted;
10. exit after `exit_after` failing quarters (negative cash, insolvency, profit below the owner's
    outside option), or by an exogenous hazard; failed large plants may reopen under new owners;
11. entry of new micro firms, more of them when workers were laid off (IKM as the safety valve).

Randomness: lumbung.lab.streams. The modules form one chain, each importing only those before
it: codes, streams, scenarios, production, population, shocks, state, quarter (the rules),
programs and records (the run's collaborators), run (this module), then ensemble and outputs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.lab.backend import array_module
from lumbung.lab.codes import DIVISIONS, PERIODS_PER_YEAR
from lumbung.lab.population import Population
from lumbung.lab.programs import Programs
from lumbung.lab.quarter import Rules
from lumbung.lab.records import SUMMARY_COLUMNS, Records
from lumbung.lab.scenarios import Scenario, load
from lumbung.lab.shocks import shock_paths
from lumbung.lab.state import State

__all__ = ["PERIODS_PER_YEAR", "SUMMARY_COLUMNS", "RunResult", "simulate"]


@dataclass
class RunResult:
    """One run: the summary table, end states of the starting firms, and run metrics."""

    scenario: str
    seed: int
    years: int
    summary: dict[str, np.ndarray]
    firms: dict[str, np.ndarray]  # one row per starting firm (see docs/lab.md)
    metrics: dict[str, float] = field(default_factory=dict)
    programs: dict[str, dict[str, float]] = field(default_factory=dict)  # per intervention: enrolled, cost

    @property
    def periods(self) -> int:
        return self.years * PERIODS_PER_YEAR


def simulate(scenario, population: Population, seed: int, years: int = 10,
             progress: Callable[[int, int], None] | None = None, backend: str = "numpy") -> RunResult:
    """Run `scenario` on `population` for `years` years (quarterly steps) with `seed`.

    `scenario` is a Scenario or a shipped scenario's name. `progress(done, total)` is called after
    each quarter. Returns a RunResult whose summary has one row per quarter x size class x KBLI
    division x province with any firm or event (columns SUMMARY_COLUMNS).
    """
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    if years < 1:
        raise UserError(_("years must be at least 1"))
    xp = array_module(backend)
    started = time.perf_counter()
    p = {k: float(v) for k, v in scenario.params.items()}
    periods = years * PERIODS_PER_YEAR
    s = State(population, p, seed, xp)
    exposure = np.array([scenario.sectors.get(d, 0.0) for d in DIVISIONS], dtype=np.float32)
    rules = Rules(s, p, shock_paths(scenario, periods), exposure, seed, xp)
    programs = Programs(s, p, scenario.interventions, seed, xp)
    records = Records(s, periods)
    firm_periods = 0
    for t in range(periods):
        programs.start_quarter(t)
        records.collect(rules.step(t))
        firm_periods += int(xp.count_nonzero(s.alive))
        if progress is not None:
            progress(t + 1, periods)
    elapsed = time.perf_counter() - started
    metrics = {"seconds": elapsed, "firm_periods": float(firm_periods),
               "firm_periods_per_second": firm_periods / elapsed if elapsed > 0 else float("inf"),
               "entries_dropped": float(rules.entries_dropped), "capacity": float(s.capacity),
               "state_bytes": float(sum(a.nbytes for a in vars(s).values() if hasattr(a, "nbytes")))}
    return RunResult(scenario.name, seed, years, records.summary(), records.firm_table(programs.enrolled),
                     metrics, programs.stats)
