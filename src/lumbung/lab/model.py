"""The lab's firm model: the vicious circle of backwardness, one quarter at a time, for all firms at once.

Period: a quarter. A year is too coarse for the 1997-98 crisis (the rupiah fell and interest rates
spiked within months, and a year of losses is what ends a household firm) and for credit cycles
(KUR and moneylender loans run for months); a month would quadruple the cost of national runs
without adding dynamics the model's sources can calibrate. Flows (value added, profit, wages)
are per quarter; stocks (capital, debt, cash) in rupiah.

Each quarter, vectorised over every firm (no Python loop over firms), the circle runs
(DOMAIN.md section 4; docs/lab.md gives each rule with its source):

1. productivity: a persistent firm level times an AR(1) shock;
2. production: Cobb-Douglas in capital and workers, with technique-dependent TFP, owner and worker
   skill and input quality (plus the input-tariff effect of Amiti & Konings 2007);
3. demand: traditional products sell in a narrow local market (a ceiling, widened by partnerships);
   demand shocks cut quantities sold (less for traditional products, which are necessities);
   prices follow the exchange rate and tariffs by sector's import exposure; exporters gain from
   depreciation;
4. profit after inputs (imported inputs priced by the exchange rate and input tariffs), wages of
   paid workers (owner and family work unpaid) and interest by source (bank, KUR, moneylender);
   foreign-currency debt is revalued with the rupiah;
5. the household withdraws subsistence first (business and household money are mixed), then a
   share of the rest; a cash shortfall is covered by bank, KUR, then the moneylender;
6. investment closes part of the gap to the capital at which the marginal product equals the user
   cost of each source of funds, own funds first, then KUR, bank and moneylender credit within
   collateral-based limits;
7. technique upgrade once capital and owner skill pass thresholds and the set-up cost is funded;
8. labour adjusts toward the desired workforce; layoffs are counted;
9. exit after `exit_after` quarters of negative cash, or by an exogenous hazard;
10. entry of new micro firms, more of them when workers were laid off (IKM as the safety valve).

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

from lumbung.lab.population import DIVISIONS, PROVINCES, SIZE_BOUNDS, SIZE_CLASSES, Population

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
    run = _Run(s, p, paths, exposure, seed, xp, scenario.interventions)
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


class _Run:
    """The quarterly step and its bookkeeping (summary groups, starting-firm records)."""

    def __init__(self, s: State, p: dict, paths: Paths, exposure: np.ndarray, seed: int, xp, interventions):
        self.s, self.p, self.paths, self.seed, self.xp = s, p, paths, seed, xp
        self.exposure = xp.asarray(exposure)
        self.interventions = interventions
        self.f = {k: np.float32(v) for k, v in p.items()}
        self.n_div, self.n_prov = len(DIVISIONS), len(PROVINCES)
        self.groups = len(SIZE_CLASSES) * self.n_div * self.n_prov
        self.rows: list[dict[str, np.ndarray]] = []
        self.firm_periods = 0
        self.entries_dropped = 0
        self.layoffs_prev = 0.0
        self.workers_total = float(xp.sum(s.workers[: s.n0], dtype=np.float64))  # last quarter's, for layoff rates
        self.program_stats: dict[str, dict[str, float]] = {}
        self.enrolled: dict[str, np.ndarray] = {}
        n0 = s.n0
        self.start = {
            "capital_start": _np(s.capital[:n0]).copy(), "workers_start": _np(s.workers[:n0]).copy(),
            "technique_start": _np(s.technique[:n0]).copy(), "owner_skill_start": _np(s.owner_skill[:n0]).copy(),
            "size_start": _np(s.size[:n0]).copy(), "division": _np(s.division[:n0]).copy(),
            "province": _np(s.province[:n0]).copy(), "import_share": _np(s.import_share[:n0]).copy(),
            "export_share": _np(s.export_share[:n0]).copy(), "fx_debt_share": _np(s.fx_share[:n0]).copy(),
            "debt_start": _np(s.debt_bank[:n0] + s.debt_kur[:n0] + s.debt_ml[:n0]).copy(),
            "formality": _np(s.formality[:n0]).copy(),
        }
        self.exit_period = np.full(n0, -1, dtype=np.int16)
        self.upgraded = np.zeros(n0, dtype=bool)
        self.profit_recent = np.zeros(n0, dtype=np.float64)  # sum of the last 4 quarters' profit
        self.profit_first = None
        self.va_start = None
        self.log_tfp_start = None
        self.last = {}

    # -- one quarter --------------------------------------------------------------------------
    def step(self, t: int) -> None:
        s, f, xp = self.s, self.f, self.xp
        self._programs(t)
        alive = s.alive
        size_before = s.size.copy()
        # 1. productivity
        # The innovation is uniform with mean 0 and the stated sd (bounded at +-1.73 sd): five
        # times cheaper to draw than a normal, which matters at 4.4 million firms.
        eps = xp.asarray(_stream(self.seed, t, _PRODUCTIVITY).random(s.capacity, dtype=np.float32))
        eps -= np.float32(0.5)
        s.shock *= f["productivity_persistence"]
        s.shock += (f["productivity_shock_sd"] * np.float32(np.sqrt(12.0))) * eps
        del eps
        # 2. production (real value added, base prices)
        log_tfp = log_productivity(self.p, s.technique, s.owner_skill, s.worker_skill, s.input_quality, xp)
        d_in = self.paths.input_tariff[0] - self.paths.input_tariff[t + 1]  # fall in input tariff by division
        if np.any(d_in != 0):
            gain = xp.asarray(d_in.astype(np.float32))[s.division]
            gain *= xp.minimum(s.import_share / f["import_reference_share"], np.float32(1.0))
            log_tfp += f["input_tariff_productivity"] * gain
        log_tfp += s.log_z
        alpha = xp.where(s.technique == 1, f["alpha_modern"], f["alpha_traditional"])
        log_va = xp.log(s.capital / np.float32(K_REF))
        log_va *= alpha
        log_va += f["beta_labour"] * xp.log(s.workers)
        log_va += log_tfp
        log_va += s.shock
        log_va += np.float32(np.log(self.p["va_reference"]))
        va_real = xp.exp(log_va)
        del log_va
        # 3. demand: narrow local markets cap traditional sales; demand shocks cut quantities sold.
        market = f["traditional_market"] * (np.float32(1.0) + f["partnership_market"] * s.partner)
        traditional = s.technique == 0
        constrained = traditional & (va_real > market)
        va_real = xp.where(constrained, market, va_real)
        if np.any(self.paths.demand[t] != 1):
            # demand index ** elasticity, per (technique, division), then gathered per firm
            elasticity = np.array([self.p["demand_elasticity_traditional"], self.p["demand_elasticity_modern"]])
            table = (self.paths.demand[t][None, :] ** elasticity[:, None]).astype(np.float32).ravel()
            va_real *= xp.asarray(table)[s.technique.astype(np.int32) * self.n_div + s.division]
        # Prices: domestic price of import-competing goods follows the exchange rate (partly) and
        # output tariffs (fully) by the sector's exposure; exporters earn in foreign currency.
        e = np.float32(self.paths.exchange[t + 1])
        tariff_ratio = ((1 + self.paths.output_tariff[t + 1]) / (1 + self.paths.output_tariff[0])).astype(np.float32)
        log_price_div = xp.asarray(tariff_ratio)
        log_price_div = xp.log(log_price_div) * self.exposure + self.exposure * f["import_passthrough"] * np.float32(np.log(e))
        domestic = xp.exp(log_price_div)[s.division]
        export_price = np.float32(self.paths.export_demand[t] * e ** self.p["export_passthrough"])
        price = domestic + s.export_share * (export_price - domestic)
        gross = va_real / (np.float32(1.0) - f["input_share"])
        revenue = gross * price
        # Inputs: domestic ones bought within the sector's supply chain at its domestic price;
        # imported ones at the exchange rate times the input tariff (Amiti & Konings 2007).
        in_ratio = ((1 + self.paths.input_tariff[t + 1]) / (1 + self.paths.input_tariff[0])).astype(np.float32)
        imported_price = e * xp.asarray(in_ratio)[s.division]
        input_price = domestic + s.import_share * (imported_price - domestic)
        inputs = gross * f["input_share"] * input_price
        del domestic, imported_price
        del gross, input_price, price
        va = revenue - inputs
        if t == 0:
            self._set_wedges(va, alpha, constrained)
        # 4. profit: foreign-currency debt revalued; wages of paid workers; interest by source.
        e_ratio = np.float32(self.paths.exchange[t + 1] / self.paths.exchange[t])
        if e_ratio != 1:
            s.debt_bank *= np.float32(1.0) + s.fx_share * (e_ratio - np.float32(1.0))
        wage = xp.where(s.size >= 2, f["wage_large"], f["wage_small"]) * s.labour_wedge
        paid = xp.maximum(s.workers - f["family_workers"], np.float32(0.0))
        bank_rate = np.float32(self.p["bank_rate"] + self.paths.rate_add[t])
        interest = bank_rate * s.debt_bank + s.kur_rate * s.debt_kur + f["moneylender_rate"] * s.debt_ml
        profit = va - wage * paid - interest
        del interest
        # 5. the household withdraws; repayments; shortfalls financed bank -> KUR -> moneylender.
        economic = profit - f["depreciation"] * s.capital
        above = xp.maximum(economic - f["subsistence"], np.float32(0.0))
        withdraw = xp.minimum(xp.maximum(economic, np.float32(0.0)), f["subsistence"]) + f["consumption_share"] * above
        legal = s.formality == 2
        withdraw = xp.where(legal, f["payout_legal_entity"] * xp.maximum(economic, np.float32(0.0)), withdraw)
        s.cash += profit
        s.cash -= withdraw
        del above, withdraw, economic
        # Bank interest that cash cannot cover goes into arrears (added to the debt) instead of
        # draining cash: in 1998 banks and debtors restructured rather than close plants at once
        # (Jakarta Initiative). Arrears raise the debt and the next quarter's interest.
        arrears = xp.minimum(bank_rate * s.debt_bank, xp.maximum(-s.cash, np.float32(0.0)))
        s.debt_bank += arrears
        s.cash += arrears
        del arrears
        # Principal falls due by schedule but is paid only out of cash on hand: what cannot be
        # paid is rolled over or left in arrears (in 1998 most large debtors stopped paying and
        # kept operating under standstills; exit comes from losses, not from the schedule).
        for debt, share in ((s.debt_bank, f["repay_bank"]), (s.debt_kur, f["repay_kur"]), (s.debt_ml, f["repay_moneylender"])):
            pay = xp.minimum(debt * share, xp.maximum(s.cash, np.float32(0.0)))
            debt -= pay
            s.cash -= pay
        bank_room = self._bank_room(t)
        kur_room = xp.where(s.kur_access, xp.maximum(s.kur_limit - s.debt_kur, np.float32(0.0)), np.float32(0.0))
        ml_room = xp.maximum(xp.minimum(f["moneylender_limit"] * revenue, f["moneylender_cap"]) - s.debt_ml, np.float32(0.0))
        short = xp.maximum(-s.cash, np.float32(0.0))
        for debt, room in ((s.debt_bank, bank_room), (s.debt_kur, kur_room), (s.debt_ml, ml_room)):
            take = xp.minimum(short, room)
            debt += take
            room -= take
            s.cash += take
            short -= take
        del short
        # 6. investment toward the capital where MPK equals each source's user cost.
        # Firms invest on their expected marginal product: the transitory shock is netted out,
        # so that irreversible investment does not ratchet capital up with every good quarter.
        mpk = alpha * xp.maximum(va, np.float32(0.0)) / s.capital * xp.exp(-s.shock)
        mpk = xp.where(constrained, np.float32(0.0), mpk)
        s.capital *= np.float32(1.0) - f["depreciation"]
        one_minus_alpha = np.float32(1.0) - alpha
        invested = xp.zeros_like(s.capital)
        own = xp.maximum(s.cash - np.float32(0.25) * inputs, np.float32(0.0))
        # Moneylenders finance working capital and emergencies, not equipment.
        sources = ((None, f["deposit_rate"], own), (s.debt_kur, s.kur_rate, kur_room),
                   (s.debt_bank, bank_rate, bank_room))
        # Household firms divert part of what they borrow to household needs (money is fungible:
        # Banerjee, Karlan & Zinman 2015; Kuncoro 2007 on mixed household and business money).
        kept = xp.where(s.formality == 2, np.float32(1.0), np.float32(1.0) - f["credit_leakage"])
        added = xp.zeros_like(s.capital)
        for debt, rate, room in sources:
            cost = (rate + f["depreciation"]) * s.capital_wedge
            gap = xp.clip((mpk - cost) / (one_minus_alpha * cost), np.float32(0.0), np.float32(1.0))
            desired = f["investment_speed"] * gap * s.capital
            take = xp.minimum(xp.maximum(desired - invested, np.float32(0.0)), room)
            invested += take
            if debt is None:
                s.cash -= take
                added += take
            else:
                debt += take
                room -= take
                added += take * kept
        s.capital += added
        del invested, added, kept, own, mpk, one_minus_alpha, inputs
        # 7. technique upgrade past capital and skill thresholds, set-up cost funded.
        upgraded = self._upgrade(kur_room, bank_room, alive)
        del kur_room, bank_room, ml_room
        # Learning by doing in modern firms.
        s.worker_skill += xp.where(s.technique == 1, f["learning_by_doing"], np.float32(0.0))
        xp.minimum(s.worker_skill, np.float32(1.0), out=s.worker_skill)
        # 8. labour toward the desired workforce; family workers stay.
        target = f["beta_labour"] * xp.maximum(va, np.float32(0.0)) / wage
        target = xp.maximum(target, xp.minimum(s.workers, f["family_workers"]))
        target = xp.maximum(target, np.float32(1.0))
        before = s.workers.copy()
        s.workers += f["labour_adjustment"] * (target - s.workers)
        layoffs = float(xp.sum(xp.where(alive, xp.maximum(before - s.workers, np.float32(0.0)), np.float32(0.0)), dtype=np.float64))
        del target, before, wage, paid
        s.age += np.float32(0.25)
        # 9. exit
        # Failing: negative cash (losses beyond reserves and credit), or insolvent (bank debt far
        # above the equipment that secures it, so the bank forecloses; KUR needs no collateral).
        # Failing for `exit_after` quarters in a row ends the firm.
        # A household firm also fails when it earns less than the owner's outside option
        # (occupational choice, Lucas 1978): the owner closes it and takes wage work.
        negative = (s.cash < 0) | (s.debt_bank > f["insolvency_ratio"] * s.capital)
        negative |= (profit < f["reservation_income"]) & (s.formality < 2)
        s.loss_quarters = xp.where(negative, xp.minimum(s.loss_quarters, 100) + 1, 0).astype(np.int8)
        hazard = xp.where(s.size == 0, f["exit_hazard_micro"], f["exit_hazard_other"])
        u = xp.asarray(_stream(self.seed, t, _EXIT).random(s.capacity, dtype=np.float32))
        failed = alive & (s.loss_quarters >= f["exit_after"])
        exiting = failed | (alive & (u < hazard))
        exit_idx = xp.flatnonzero(exiting)
        layoffs += float(xp.sum(s.workers[exit_idx], dtype=np.float64))
        g_exit = self._group(exit_idx, size_before)
        s.alive[exit_idx] = False
        self._record_exits(_np(exit_idx), t)
        self._schedule_restarts(failed & (size_before >= 2), u, t)
        del u, hazard, negative, failed, exiting
        # 10. entry: restarts of failed plants bought by new owners, and new micro firms.
        restarted = self._restart(t)
        new_idx = self._enter(t, layoffs)
        if restarted.size:
            new_idx = xp.concatenate([restarted, new_idx])
        s.size = _size_class(s.workers, xp)
        graduated = xp.flatnonzero(s.alive & (s.size > size_before))
        graduated = graduated[(s.born[graduated] <= t)]  # entrants do not graduate in their first quarter
        self._record(t, revenue, va, g_exit, new_idx, upgraded, graduated, profit, log_tfp)
        self.firm_periods += int(xp.count_nonzero(s.alive))
        self.layoffs_prev = layoffs

    # -- parts of the step ------------------------------------------------------------------
    def _set_wedges(self, va, alpha, constrained) -> None:
        """Start firms where their reported states put them.

        Labour: a firm-specific wage (the reference wage times a wedge, clipped to 0.2-8 times it:
        regional minimum wages differ by a factor of about 2.5, skills and rents by more) makes the starting workforce the
        desired one, so that the data's wage bill and value added need not match the model's. Capital: firms with paid
        workers start at their desired capital: registry net assets exclude land and buildings
        (UU 20/2008), so the measured marginal product overstates the return on all capital in
        use; the wedge (a capital distortion as in Hsieh & Klenow 2009) absorbs that. Household
        firms (no paid workers) keep wedge 1: their high returns and lack of funds are the trap
        (de Mel, McKenzie & Woodruff 2008).
        """
        s, f, xp = self.s, self.f, self.xp
        wage = xp.where(s.size >= 2, f["wage_large"], f["wage_small"])
        mpk = xp.where(constrained, np.float32(0.0), alpha * xp.maximum(va, np.float32(0.0)) / s.capital)
        lw = f["beta_labour"] * xp.maximum(va, np.float32(1.0)) / (wage * s.workers)
        s.labour_wedge = xp.clip(lw, np.float32(0.2), np.float32(8.0)).astype(np.float32)
        employer = s.workers > f["family_workers"] + np.float32(0.5)
        kw = mpk / (f["deposit_rate"] + f["depreciation"])
        s.capital_wedge = xp.where(employer, xp.clip(kw, np.float32(1.0), np.float32(50.0)), np.float32(1.0)).astype(np.float32)

    def _bank_room(self, t: int):
        s, f, xp = self.s, self.f, self.xp
        limit = s.bank_ltv * s.capital * np.float32(self.paths.bank_supply[t])
        return xp.maximum(limit - s.debt_bank, np.float32(0.0))

    def _upgrade(self, kur_room, bank_room, alive):
        s, f, xp = self.s, self.f, self.xp
        eligible = alive & (s.technique == 0) & (s.owner_skill >= f["upgrade_skill"])
        eligible &= s.capital >= f["upgrade_capital"] * s.upgrade_factor
        idx = xp.flatnonzero(eligible)
        if idx.size == 0:
            return idx
        cost = f["upgrade_cost"]
        cash = xp.maximum(s.cash[idx], np.float32(0.0))
        funds = cash + kur_room[idx] + bank_room[idx]
        idx = idx[funds >= cost]
        cash = xp.maximum(s.cash[idx], np.float32(0.0))
        from_cash = xp.minimum(cash, cost)
        rest = cost - from_cash
        from_kur = xp.minimum(rest, kur_room[idx])
        s.cash[idx] -= from_cash
        s.debt_kur[idx] += from_kur
        s.debt_bank[idx] += rest - from_kur
        s.technique[idx] = 1
        return idx

    def _group(self, idx, size):
        return size[idx].astype(np.int32) * (self.n_div * self.n_prov) + self.s.divprov[idx]

    def _record_exits(self, exit_idx: np.ndarray, t: int) -> None:
        s = self.s
        first = exit_idx[exit_idx < s.n0]
        first = first[_np(s.born[first]) == 0]
        self.exit_period[first] = t

    def _schedule_restarts(self, failed_big, u, t: int) -> None:
        """Failed medium and large plants: a share is sold and restarted by new owners.

        In 1998-2002 the bank restructuring agency (BPPN/IBRA) took over the assets of failed
        debtors and sold them; plants reopened under new owners without the old debt. The share
        is drawn from the exit draw (u / hazard-free part), so it is common across scenarios.
        """
        s, f, xp = self.s, self.f, self.xp
        chosen = failed_big & (u > np.float32(1.0) - f["restart_share"])
        s.restart_at = xp.where(chosen, np.int16(t + int(self.p["restart_delay"])), s.restart_at)

    def _restart(self, t: int):
        s, f, xp = self.s, self.f, self.xp
        idx = xp.flatnonzero(s.restart_at == t)
        if idx.size == 0:
            return idx
        s.restart_at[idx] = -1
        s.capital[idx] *= f["restart_capital"]
        s.workers[idx] = xp.maximum(s.workers[idx] * f["restart_capital"], np.float32(1.0))
        for name in ("debt_bank", "debt_kur", "debt_ml", "shock", "loss_quarters", "age", "fx_share"):
            getattr(s, name)[idx] = 0
        s.cash[idx] = np.float32(0.1) * s.capital[idx]
        s.born[idx] = t + 1
        s.alive[idx] = True
        return idx

    def _enter(self, t: int, layoffs: float):
        s, f, p, xp = self.s, self.f, self.p, self.xp
        # Baseline entry plus the safety valve: workers laid off beyond normal turnover start
        # micro firms (Berry, Rodriguez & Sandee 2001; Tambunan).
        excess = max(layoffs - p["normal_layoff_rate"] * self.workers_total, 0.0)
        wanted = int(round(p["entry_rate"] * s.n0 + p["entry_per_layoff"] * excess))
        free = xp.flatnonzero(~s.alive & (s.restart_at < 0))
        k = min(wanted, int(free.size))
        self.entries_dropped += wanted - k
        idx = free[:k]
        if k == 0:
            return idx

        def draw(sub):
            return _stream(self.seed, t, _ENTRY, sub)

        # Sector and province follow those of existing firm slots (new firms copy local trades).
        src = xp.asarray(draw(1).integers(0, s.n0, k))
        s.division[idx] = s.division[src]
        s.province[idx] = s.province[src]
        s.capital[idx] = xp.asarray((p["entrant_capital"] * draw(2).lognormal(0.0, 0.7, k)).astype(np.float32))
        s.owner_skill[idx] = xp.asarray(draw(3).beta(2.0, 4.0, k).astype(np.float32))
        s.worker_skill[idx] = xp.asarray(draw(4).beta(2.0, 5.0, k).astype(np.float32))
        s.input_quality[idx] = xp.asarray(draw(5).beta(3.0, 4.0, k).astype(np.float32))
        s.workers[idx] = xp.asarray(1.0 + (draw(6).random(k) < 0.4).astype(np.float32))
        s.log_z[idx] = xp.asarray(draw(7).normal(0.0, 0.4, k).astype(np.float32))
        s.kur_access[idx] = xp.asarray(draw(8).random(k) < p["kur_access"])
        for name in ("technique", "debt_bank", "debt_kur", "debt_ml", "age", "partner", "formality",
                     "import_share", "export_share", "fx_share", "shock", "loss_quarters"):
            getattr(s, name)[idx] = 0
        s.cash[idx] = f["subsistence"] * np.float32(0.5)
        s.kur_limit[idx] = f["kur_limit"]
        s.kur_rate[idx] = f["kur_rate"]
        s.upgrade_factor[idx] = 1
        s.labour_wedge[idx] = 1
        s.capital_wedge[idx] = 1
        s.bank_ltv[idx] = f["bank_ltv_informal"]
        s.born[idx] = t + 1
        s.alive[idx] = True
        s.divprov[idx] = s.division[idx].astype(np.int32) * self.n_prov + s.province[idx].astype(np.int32)
        return idx

    # -- interventions ----------------------------------------------------------------------
    def _programs(self, t: int) -> None:
        for k, iv in enumerate(self.interventions):
            if t == iv.start:
                self._enroll(k, iv, t)
            elif t == iv.end and iv.name in self.enrolled:
                self._withdraw(iv)

    def _target_fields(self):
        from lumbung.lab.scenarios import TargetFields

        s = self.s
        n = s.capacity
        numeric = {
            "capital": s.capital, "workers": s.workers, "owner_skill": s.owner_skill, "worker_skill": s.worker_skill,
            "input_quality": s.input_quality, "import_share": s.import_share, "export_share": s.export_share,
            "age": s.age, "cash": s.cash, "debt": s.debt_bank + s.debt_kur + s.debt_ml, "debt_bank": s.debt_bank,
            "debt_kur": s.debt_kur, "debt_moneylender": s.debt_ml, "fx_debt_share": s.fx_share,
            "productivity": self.xp.exp(s.log_z),
        }
        from lumbung.lab.population import FORMALITY, TECHNIQUES

        categorical = {
            "size_class": (s.size, SIZE_CLASSES), "technique": (s.technique, TECHNIQUES),
            "kbli_division": (s.division, DIVISIONS), "province": (s.province, PROVINCES),
            "formality": (s.formality, FORMALITY), "partner": (s.partner, (False, True)),
        }
        return TargetFields(n, {k: _np(v) for k, v in numeric.items()},
                            {k: (_np(v[0]), v[1]) for k, v in categorical.items()})

    def _enroll(self, k: int, iv, t: int) -> None:
        from lumbung.lab.scenarios import evaluate_target

        s, xp = self.s, self.xp
        eligible = evaluate_target(iv.target, self._target_fields()) & _np(s.alive)
        # One take-up draw per firm and start quarter, shared by all programs: programs with the
        # same target and take-up reach the same firms (a bundle), and a program reaches the same
        # firms in every scenario that runs it with this seed (common random numbers).
        u = _stream(self.seed, iv.start, _PROGRAM).random(s.capacity)
        takers = np.flatnonzero(eligible & (u < iv.take_up))
        if iv.budget is not None and iv.cost_per_firm > 0:
            most = int(iv.budget // iv.cost_per_firm)
            if takers.size > most:
                takers = np.sort(takers[np.argsort(u[takers], kind="stable")[:most]])
        self.enrolled[iv.name] = takers
        self.program_stats[iv.name] = {"eligible": float(eligible.sum()), "enrolled": float(takers.size),
                                       "cost": float(takers.size * iv.cost_per_firm), "start": iv.start, "end": iv.end}
        idx = xp.asarray(takers)
        dose = np.float32(iv.dose)
        if iv.kind == "grant":
            s.cash[idx] += dose
        elif iv.kind == "equipment":
            s.capital[idx] += dose
        elif iv.kind == "training":
            s.owner_skill[idx] = xp.minimum(s.owner_skill[idx] + dose, np.float32(1.0))
            s.worker_skill[idx] = xp.minimum(s.worker_skill[idx] + dose / 2, np.float32(1.0))
        elif iv.kind == "credit":
            s.kur_access[idx] = True
            s.kur_limit[idx] = xp.maximum(s.kur_limit[idx], dose)
            if iv.rate is not None:
                s.kur_rate[idx] = np.float32(iv.rate / PERIODS_PER_YEAR)
        elif iv.kind == "partnership":
            # Nucleus firms buy the partner's output, supply better inputs and give guidance.
            s.partner[idx] = True
            s.input_quality[idx] = xp.minimum(s.input_quality[idx] + np.float32(0.1), np.float32(1.0))
            s.owner_skill[idx] = xp.minimum(s.owner_skill[idx] + np.float32(0.05), np.float32(1.0))
        elif iv.kind == "sentra":
            # Industrial centre: shared UPT equipment lowers the capital a firm needs to upgrade;
            # joint purchasing (KUB, KOPINKRA) improves inputs; extension officers (TPI) train.
            s.upgrade_factor[idx] = np.float32(self.p["sentra_upgrade_factor"])
            s.input_quality[idx] = xp.minimum(s.input_quality[idx] + np.float32(0.1), np.float32(1.0))
            s.owner_skill[idx] = xp.minimum(s.owner_skill[idx] + dose, np.float32(1.0))

    def _withdraw(self, iv) -> None:
        """Programs with lasting flags end: KUR terms, partnership and centre services stop."""
        s, xp = self.s, self.xp
        idx = xp.asarray(self.enrolled[iv.name])
        if iv.kind == "credit":
            s.kur_limit[idx] = np.float32(self.p["kur_limit"])
            s.kur_rate[idx] = np.float32(self.p["kur_rate"])
        elif iv.kind == "partnership":
            s.partner[idx] = False
        elif iv.kind == "sentra":
            s.upgrade_factor[idx] = 1

    # -- bookkeeping ------------------------------------------------------------------------
    def _record(self, t, revenue, va, g_exit, new_idx, upgraded, graduated, profit, log_tfp) -> None:
        s, xp = self.s, self.xp
        G = self.groups
        g = s.size.astype(np.int32) * (self.n_div * self.n_prov) + s.divprov
        g = xp.where(s.alive, g, G)
        n = G + 1

        def count(idx_groups):
            return _np(xp.bincount(idx_groups, minlength=n))[:G].astype(np.float64)

        def total(w):
            return _np(xp.bincount(g, weights=w, minlength=n))[:G]

        firms = count(g)
        workers = total(s.workers)
        self.workers_total = float(workers.sum())
        row = {
            "firms": firms, "workers": workers, "output": total(revenue), "value_added": total(va),
            "entries": count(g[new_idx]), "exits": count(g_exit), "upgrades": count(g[upgraded]),
            "graduations": count(g[graduated]),
        }
        modern = count(g[xp.flatnonzero(s.technique)])
        with np.errstate(invalid="ignore", divide="ignore"):
            row["share_traditional"] = np.where(firms > 0, 1.0 - modern / np.maximum(firms, 1), np.nan)
        keep = np.flatnonzero((firms > 0) | (row["exits"] > 0))
        out = {k: v[keep] for k, v in row.items()}
        out["group"] = keep.astype(np.int32)
        out["period"] = np.full(keep.size, t, dtype=np.int16)
        self.rows.append(out)
        # Starting firms: upgrades, profits and productivity for the stylised facts.
        n0 = s.n0
        first = _np(s.born[:n0] == 0)
        up = _np(upgraded)
        up = up[up < n0]
        self.upgraded[up[first[up]]] = True
        periods = self.paths.bank_supply.shape[0]
        if self.profit_first is None:
            self.profit_first = _np(profit[:n0]).astype(np.float64)
            self.va_start = _np(va[:n0]).astype(np.float64)
            self.log_tfp_start = _np(log_tfp[:n0]).astype(np.float64)
        if t >= periods - PERIODS_PER_YEAR:
            self.profit_recent += _np(profit[:n0])
        if t == periods - 1:
            self.last = {"va": _np(va[:n0]).astype(np.float64), "log_tfp": _np(log_tfp[:n0]).astype(np.float64),
                         "revenue": _np(revenue[:n0]).astype(np.float64)}

    def summary(self) -> dict[str, np.ndarray]:
        cols = {k: np.concatenate([r[k] for r in self.rows]) for k in self.rows[0]}
        group = cols.pop("group")
        per_size = self.n_div * self.n_prov
        size = group // per_size
        div = (group % per_size) // self.n_prov
        prov = group % self.n_prov
        out = {"period": cols.pop("period").astype(np.int32),
               "size_class": np.asarray(SIZE_CLASSES, dtype=object)[size],
               "kbli_division": np.asarray(DIVISIONS, dtype=object)[div],
               "province": np.asarray(PROVINCES, dtype=object)[prov]}
        for k in ("firms", "workers", "output", "value_added", "entries", "exits", "upgrades", "graduations"):
            out[k] = cols[k].astype(np.int64) if k in ("firms", "entries", "exits", "upgrades", "graduations") else cols[k]
        out["share_traditional"] = cols["share_traditional"]
        return out

    def firm_table(self) -> dict[str, np.ndarray]:
        s = self.s
        n0 = s.n0
        survived = _np(s.alive[:n0] & (s.born[:n0] == 0))

        def end(a):
            return np.where(survived, _np(a[:n0]).astype(np.float64), np.nan)

        out = dict(self.start)
        out.update({
            "alive_end": survived, "exit_period": self.exit_period, "upgraded": self.upgraded,
            "capital_end": end(s.capital), "workers_end": end(s.workers),
            "technique_end": np.where(survived, _np(s.technique[:n0]), -1).astype(np.int8),
            "size_end": np.where(survived, _np(s.size[:n0]), -1).astype(np.int8),
            "owner_skill_end": end(s.owner_skill), "cash_end": end(s.cash),
            "debt_end": end(s.debt_bank + s.debt_kur + s.debt_ml),
            "profit_first": self.profit_first, "profit_last_year": np.where(survived, self.profit_recent / PERIODS_PER_YEAR, np.nan),
            "value_added_start": self.va_start, "value_added_end": np.where(survived, self.last["va"], np.nan),
            "output_end": np.where(survived, self.last["revenue"], np.nan),
            "log_tfp_start": self.log_tfp_start, "log_tfp_end": np.where(survived, self.last["log_tfp"], np.nan),
        })
        for name, idx in self.enrolled.items():
            mask = np.zeros(n0, dtype=bool)
            mask[idx[idx < n0]] = True
            out[f"enrolled:{name}"] = mask
        return out


def _np(a) -> np.ndarray:
    """To NumPy (a no-op on the NumPy backend)."""
    return a.get() if hasattr(a, "get") else np.asarray(a)
