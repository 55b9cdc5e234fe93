"""The lab's firm model: the vicious circle of backwardness, one quarter at a time, for all firms at once.

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

Randomness: each purpose (productivity shocks, exit, entry, program take-up) has its own stream,
derived from (seed, quarter, purpose) by SeedSequence, drawn for every firm slot. Two scenarios run
with the same seed therefore share their draws (common random numbers), and a run is a pure
function of scenario, population and seed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from lumbung.lab.population import DIVISIONS, PROVINCES, SIZE_BOUNDS, Population

PERIODS_PER_YEAR = 4
K_REF = 10e6  # Rp: capital of the reference firm for `va_reference`
SKILL_MEAN_OWNER = 0.33  # mean of the imputed owner-skill distribution Beta(2, 4)
SKILL_MEAN_WORKER = 0.30
SUMMARY_COLUMNS = ("period", "size_class", "kbli_division", "province", "firms", "workers", "output",
                   "value_added", "entries", "exits", "upgrades", "graduations", "share_traditional")

# Stream purposes for SeedSequence spawn keys.
_PRODUCTIVITY, _EXIT, _ENTRY, _PROGRAM = 1, 2, 3, 100


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


def _array_module(backend: str):
    """NumPy by default; CuPy behind the same calls when asked (never required)."""
    if backend == "numpy":
        return np
    if backend == "cupy":
        import cupy  # type: ignore[import-not-found]

        return cupy
    raise ValueError(f"unknown backend {backend!r}; use 'numpy' or 'cupy'")


def _stream(seed: int, period: int, purpose: int, sub: int = 0) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(period, purpose, sub))))


# ----------------------------------------------------------------------------- production

def _baseline_params() -> dict[str, float]:
    from lumbung.lab.scenarios import load

    return load("baseline").params


def log_productivity(p: dict, technique, owner_skill, worker_skill, input_quality, xp=np):
    """log(TFP x skill x input quality) without the firm's own productivity level."""
    out = xp.log(xp.maximum(input_quality, np.float32(0.05)) / np.float32(0.5))
    out *= np.float32(p["input_quality_effect"])
    out += np.float32(p["owner_skill_effect"]) * (owner_skill - np.float32(SKILL_MEAN_OWNER))
    out += np.float32(p["worker_skill_effect"]) * (worker_skill - np.float32(SKILL_MEAN_WORKER))
    out += np.float32(np.log(p["tfp_modern"])) * technique
    return out


def potential_value_added_typical(capital, workers, owner_skill, worker_skill, input_quality, technique,
                                  params: dict | None = None) -> np.ndarray:
    """Quarterly real value added of a firm with productivity level 1 (used to impute productivity)."""
    p = params or _baseline_params()
    alpha = np.where(technique == 1, p["alpha_modern"], p["alpha_traditional"])
    log_va = (np.log(p["va_reference"]) + alpha * np.log(np.maximum(capital, 1.0) / K_REF)
              + p["beta_labour"] * np.log(np.maximum(workers, 1.0))
              + log_productivity(p, technique.astype(np.float64), owner_skill, worker_skill, input_quality))
    return np.exp(log_va)


# ----------------------------------------------------------------------------- shocks

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


# ----------------------------------------------------------------------------- state

class State:
    """Firm slots: the starting population plus headroom for entrants; `alive` marks live slots."""

    def __init__(self, pop: Population, headroom: float, xp):
        n = len(pop)
        cap = n + max(int(np.ceil(headroom * n)), 16)
        self.n0, self.capacity, self.xp = n, cap, xp
        f32 = np.float32

        def grow(a, fill, dtype=None):
            out = np.full(cap, fill, dtype=dtype or a.dtype)
            out[:n] = a
            return xp.asarray(out)

        self.capital = grow(pop.capital, 1e6, f32)
        self.owner_skill = grow(pop.owner_skill, 0.3, f32)
        self.worker_skill = grow(pop.worker_skill, 0.3, f32)
        self.input_quality = grow(pop.input_quality, 0.5, f32)
        self.technique = grow(pop.technique, 0, np.int8)
        self.workers = grow(pop.workers, 1, f32)
        self.debt_bank = grow(pop.debt_bank, 0, f32)
        self.debt_kur = grow(pop.debt_kur, 0, f32)
        self.debt_ml = grow(pop.debt_moneylender, 0, f32)
        self.cash = grow(pop.cash, 0, f32)
        self.division = grow(pop.division, 0, np.int16)
        self.province = grow(pop.province, 0, np.int16)
        self.age = grow(pop.age, 0, f32)
        self.partner = grow(pop.partner, False, bool)
        self.nucleus = grow(pop.nucleus, -1, np.int32)  # slot of the partner's nucleus firm
        self.formality = grow(pop.formality, 0, np.int8)
        self.import_share = grow(pop.import_share, 0, f32)
        self.export_share = grow(pop.export_share, 0, f32)
        self.fx_share = grow(pop.fx_debt_share, 0, f32)
        self.log_z = grow(np.log(np.maximum(pop.productivity, 1e-6)).astype(f32), 0, f32)
        self.shock = xp.zeros(cap, dtype=f32)  # transitory log productivity
        self.alive = grow(np.ones(n, dtype=bool), False, bool)
        self.born = grow(np.zeros(n, dtype=np.int16), -1, np.int16)  # quarter of entry; 0 = starting firm
        self.loss_quarters = xp.zeros(cap, dtype=np.int8)
        # Program state (interventions): KUR access and limits, partnership market, sentra factor.
        self.kur_access = xp.asarray(np.zeros(cap, dtype=bool))
        self.kur_limit = xp.zeros(cap, dtype=f32)
        self.kur_rate = xp.zeros(cap, dtype=f32)
        self.upgrade_factor = xp.ones(cap, dtype=f32)
        # Firm-specific wedges set in the first quarter (see _set_wedges): 1 for entrants.
        self.labour_wedge = xp.ones(cap, dtype=f32)
        self.market = xp.zeros(cap, dtype=f32)  # modern firms' demand level (real value added)
        self.capital_wedge = xp.ones(cap, dtype=f32)
        self.size = xp.asarray(np.zeros(cap, dtype=np.int8))
        self.divprov = xp.zeros(cap, dtype=np.int32)
        self.restart_at = xp.asarray(np.full(cap, -1, dtype=np.int16))  # quarter a failed plant reopens

    def refresh_groups(self, n_prov: int) -> None:
        self.divprov = self.division.astype(np.int32) * n_prov + self.province.astype(np.int32)


# ----------------------------------------------------------------------------- the run

def simulate(scenario, population: Population, seed: int, years: int = 10,
             progress: Callable[[int, int], None] | None = None, backend: str = "numpy") -> RunResult:
    """Run `scenario` on `population` for `years` years (quarterly steps) with `seed`.

    `scenario` is a Scenario or a shipped scenario's name. `progress(done, total)` is called after
    each quarter. Returns a RunResult whose summary has one row per quarter x size class x KBLI
    division x province with any firm or event (columns SUMMARY_COLUMNS).
    """
    from lumbung.lab.scenarios import Scenario, load

    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    if years < 1:
        raise ValueError("years must be at least 1")
    xp = _array_module(backend)
    started = time.perf_counter()
    p = {k: float(v) for k, v in scenario.params.items()}
    periods = years * PERIODS_PER_YEAR
    paths = shock_paths(scenario, periods)
    s = State(population, p["capacity_headroom"], xp)
    s.kur_limit[:] = np.float32(p["kur_limit"])
    s.kur_rate[:] = np.float32(p["kur_rate"])
    rng0 = _stream(seed, 0, _ENTRY, 99)
    s.kur_access[: s.n0] = xp.asarray((rng0.random(s.n0) < p["kur_access"]) | (population.debt_kur > 0))
    s.size = _size_class(s.workers, xp)
    s.refresh_groups(len(PROVINCES))
    # Bank limits from collateral (James & Akrasane 1993); loans already outstanding are honoured.
    ltv = xp.where(s.formality > 0, np.float32(p["bank_ltv_formal"]), np.float32(p["bank_ltv_informal"]))
    s.bank_ltv = xp.minimum(xp.maximum(ltv, s.debt_bank / s.capital), np.float32(1.0)).astype(np.float32)
    exposure = np.array([scenario.sectors.get(d, 0.0) for d in DIVISIONS], dtype=np.float32)
    from lumbung.lab.quarter import Run

    run = Run(s, p, paths, exposure, seed, xp, scenario.interventions)
    for t in range(periods):
        run.step(t)
        if progress is not None:
            progress(t + 1, periods)
    elapsed = time.perf_counter() - started
    firm_periods = float(run.firm_periods)
    metrics = {"seconds": elapsed, "firm_periods": firm_periods,
               "firm_periods_per_second": firm_periods / elapsed if elapsed > 0 else float("inf"),
               "entries_dropped": float(run.entries_dropped), "capacity": float(s.capacity),
               "state_bytes": float(sum(a.nbytes for a in vars(s).values() if hasattr(a, "nbytes")))}
    return RunResult(scenario.name, seed, years, run.summary(), run.firm_table(), metrics, run.program_stats)


def _size_class(workers, xp):
    """BPS class by persons engaged (rounded): 0 micro 1-4, 1 small 5-19, 2 medium 20-99, 3 large."""
    size = (workers >= np.float32(SIZE_BOUNDS[0] - 0.5)).view(np.int8).copy()
    for bound in SIZE_BOUNDS[1:]:
        size += (workers >= np.float32(bound - 0.5)).view(np.int8)
    return size


def _np(a) -> np.ndarray:
    """To NumPy (a no-op on the NumPy backend)."""
    return a.get() if hasattr(a, "get") else np.asarray(a)
