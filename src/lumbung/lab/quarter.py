"""One quarter of the model, rule by rule, for all firms at once (docs/lab.md, "One quarter,
rule by rule"; rule numbers below follow the docs).

Every rule is a short method over whole arrays; the quarter's intermediate arrays travel in a
:class:`Quarter` so that each rule names what it reads and writes, and the run's bookkeeping
(lumbung.lab.records) reads the finished quarter. No Python loop over firms.
"""

from __future__ import annotations

import numpy as np

from lumbung.lab.backend import to_numpy
from lumbung.lab.codes import CELLS, DIVISIONS, size_class_of
from lumbung.lab.production import K_REF, log_productivity
from lumbung.lab.shocks import Paths
from lumbung.lab.state import State
from lumbung.lab.streams import ENTRY, EXIT, PRODUCTIVITY, stream

ZERO, ONE = np.float32(0.0), np.float32(1.0)


class Quarter:
    """The arrays one quarter computes: later rules read them, then the run's records."""

    def __init__(self, t: int, alive, size_before):
        self.t, self.alive, self.size_before = t, alive, size_before


class Rules:
    """The model's rules over a run's firm state, with the scenario's parameters and paths."""

    def __init__(self, s: State, p: dict, paths: Paths, exposure: np.ndarray, seed: int, xp):
        self.s, self.p, self.paths, self.seed, self.xp = s, p, paths, seed, xp
        self.exposure = xp.asarray(exposure)
        self.f = {k: np.float32(v) for k, v in p.items()}  # float32 scalars keep arrays float32
        self.n_div = len(DIVISIONS)
        self.entries_dropped = 0
        self.workers_total = float(xp.sum(s.workers[: s.n0], dtype=np.float64))  # last quarter's

    def step(self, t: int) -> Quarter:
        """Quarter ``t``: rules 1-11 in order; returns the quarter's arrays."""
        s = self.s
        q = Quarter(t, s.alive, s.size.copy())
        self._productivity(q)       # 1
        self._produce(q)            # 2
        self._sell(q)               # 3
        self._price(q)              # 4
        if t == 0:
            self._set_wedges(q)
        self._earn(q)               # 5
        self._household(q)          # 6
        self._invest(q)             # 7
        self._adopt(q)              # 8
        self._hire(q)               # 9
        self._exit(q)               # 10
        self._entry(q)              # 11
        self._tally(q)
        return q

    # -- the rules ---------------------------------------------------------------------------
    def _productivity(self, q: Quarter) -> None:
        """1. AR(1) transitory shock. The innovation is uniform with mean 0 and the stated sd
        (bounded at +-1.73 sd): five times cheaper to draw than a normal at 4.4 million firms."""
        s, f, xp = self.s, self.f, self.xp
        eps = xp.asarray(stream(self.seed, q.t, PRODUCTIVITY).random(s.capacity, dtype=np.float32))
        eps -= np.float32(0.5)
        s.shock *= f["productivity_persistence"]
        s.shock += (f["productivity_shock_sd"] * np.float32(np.sqrt(12.0))) * eps

    def _produce(self, q: Quarter) -> None:
        """2. Real value added: Cobb-Douglas with technique, skill, input quality and the
        input-tariff productivity gain of importers (Amiti & Konings 2007)."""
        s, f, xp, t = self.s, self.f, self.xp, q.t
        log_tfp = log_productivity(self.p, s.technique, s.owner_skill, s.worker_skill, s.input_quality, xp)
        d_in = self.paths.input_tariff[0] - self.paths.input_tariff[t + 1]  # fall in input tariff by division
        if np.any(d_in != 0):
            gain = xp.asarray(d_in.astype(np.float32))[s.division]
            gain *= xp.minimum(s.import_share / f["import_reference_share"], ONE)
            log_tfp += f["input_tariff_productivity"] * gain
        log_tfp += s.log_z
        q.alpha = xp.where(s.technique == 1, f["alpha_modern"], f["alpha_traditional"])
        log_va = xp.log(s.capital / np.float32(K_REF))
        log_va *= q.alpha
        log_va += f["beta_labour"] * xp.log(s.workers)
        log_va += log_tfp
        log_va += s.shock
        log_va += np.float32(np.log(self.p["va_reference"]))
        q.log_tfp = log_tfp
        q.va_real = xp.exp(log_va)

    def _sell(self, q: Quarter) -> None:
        """3. Demand. Modern firms sell differentiated products on a CES demand curve (elasticity
        sigma; Hsieh & Klenow 2009) around their own market, set at the start or at upgrade;
        narrow local markets cap traditional sales; demand shocks cut quantities sold."""
        s, f, xp, t = self.s, self.f, self.xp, q.t
        va_real = q.va_real
        modern_idx = xp.flatnonzero(s.technique == 1)
        if t == 0:
            s.market[modern_idx] = va_real[modern_idx]
        if modern_idx.size:
            inv_sigma = np.float32(1.0 / self.p["demand_sigma"])
            log_sold = (ONE - inv_sigma) * xp.log(va_real[modern_idx])
            log_sold += inv_sigma * xp.log(s.market[modern_idx])
            va_real[modern_idx] = xp.exp(log_sold)
        # Share of value added that a marginal unit of input adds to revenue: 1 - 1/sigma for
        # modern firms on their demand curve, 1 for traditional ones (price takers below the cap).
        q.mrp = xp.where(s.technique == 1, np.float32(1.0 - 1.0 / self.p["demand_sigma"]), ONE)
        market = f["traditional_market"] * (ONE + f["partnership_market"] * s.partner)
        q.constrained = (s.technique == 0) & (va_real > market)
        va_real = xp.where(q.constrained, market, va_real)
        if np.any(self.paths.demand[t] != 1):
            # demand index ** elasticity, per (technique, division), then gathered per firm
            elasticity = np.array([self.p["demand_elasticity_traditional"], self.p["demand_elasticity_modern"]])
            table = (self.paths.demand[t][None, :] ** elasticity[:, None]).astype(np.float32).ravel()
            va_real *= xp.asarray(table)[s.technique.astype(np.int32) * self.n_div + s.division]
        q.va_real = va_real

    def _price(self, q: Quarter) -> None:
        """4. Prices and costs: domestic prices follow output tariffs (fully) and the exchange rate
        (partly) by the sector's import exposure; exporters earn in foreign currency; domestic
        inputs cost the sector's domestic price, imported ones the exchange rate times the input
        tariff (Amiti & Konings 2007)."""
        s, f, xp, t = self.s, self.f, self.xp, q.t
        e = np.float32(self.paths.exchange[t + 1])
        tariff_ratio = ((1 + self.paths.output_tariff[t + 1]) / (1 + self.paths.output_tariff[0])).astype(np.float32)
        log_price_div = xp.log(xp.asarray(tariff_ratio)) * self.exposure
        log_price_div += self.exposure * f["import_passthrough"] * np.float32(np.log(e))
        domestic = xp.exp(log_price_div)[s.division]
        export_price = np.float32(self.paths.export_demand[t] * e ** self.p["export_passthrough"])
        price = domestic + s.export_share * (export_price - domestic)
        gross = q.va_real / (ONE - f["input_share"])
        q.revenue = gross * price
        in_ratio = ((1 + self.paths.input_tariff[t + 1]) / (1 + self.paths.input_tariff[0])).astype(np.float32)
        imported_price = e * xp.asarray(in_ratio)[s.division]
        input_price = domestic + s.import_share * (imported_price - domestic)
        q.inputs = gross * f["input_share"] * input_price
        q.va = q.revenue - q.inputs
        q.va_real = None

    def _earn(self, q: Quarter) -> None:
        """5. Profit after wages of paid workers (family work unpaid) and interest by source;
        foreign-currency bank debt revalued with the exchange rate."""
        s, f, xp, t = self.s, self.f, self.xp, q.t
        e_ratio = np.float32(self.paths.exchange[t + 1] / self.paths.exchange[t])
        if e_ratio != 1:
            s.debt_bank *= ONE + s.fx_share * (e_ratio - ONE)
        q.wage = xp.where(s.size >= 2, f["wage_large"], f["wage_small"]) * s.labour_wedge
        paid = xp.maximum(s.workers - f["family_workers"], ZERO)
        q.bank_rate = np.float32(self.p["bank_rate"] + self.paths.rate_add[t])
        interest = q.bank_rate * s.debt_bank + s.kur_rate * s.debt_kur + f["moneylender_rate"] * s.debt_ml
        q.profit = q.va - q.wage * paid - interest

    def _household(self, q: Quarter) -> None:
        """6. The household withdraws (subsistence first: business and household money are mixed,
        Kuncoro 2007); bank interest cash cannot cover goes into arrears; principal is paid out of
        cash on hand; a shortfall is financed by bank, then KUR, then the moneylender."""
        s, f, xp = self.s, self.f, self.xp
        economic = q.profit - f["depreciation"] * s.capital
        positive = xp.maximum(economic, ZERO)
        withdraw = xp.minimum(positive, f["subsistence"])
        withdraw += f["consumption_share"] * xp.maximum(economic - f["subsistence"], ZERO)
        withdraw = xp.where(s.formality == 2, f["payout_legal_entity"] * positive, withdraw)
        s.cash += q.profit
        s.cash -= withdraw
        # Arrears rather than closure (1998: restructuring, Jakarta Initiative); they raise the
        # debt and the next quarter's interest.
        arrears = xp.minimum(q.bank_rate * s.debt_bank, xp.maximum(-s.cash, ZERO))
        s.debt_bank += arrears
        s.cash += arrears
        # Principal falls due by schedule but is paid only out of cash on hand: what cannot be
        # paid is rolled over (in 1998 large debtors kept operating under standstills).
        for debt, share in ((s.debt_bank, f["repay_bank"]), (s.debt_kur, f["repay_kur"]),
                            (s.debt_ml, f["repay_moneylender"])):
            pay = xp.minimum(debt * share, xp.maximum(s.cash, ZERO))
            debt -= pay
            s.cash -= pay
        q.bank_room = self._bank_room(q.t)
        q.kur_room = xp.where(s.kur_access, xp.maximum(s.kur_limit - s.debt_kur, ZERO), ZERO)
        ml_room = xp.maximum(xp.minimum(f["moneylender_limit"] * q.revenue, f["moneylender_cap"]) - s.debt_ml, ZERO)
        short = xp.maximum(-s.cash, ZERO)
        for debt, room in ((s.debt_bank, q.bank_room), (s.debt_kur, q.kur_room), (s.debt_ml, ml_room)):
            take = xp.minimum(short, room)
            debt += take
            room -= take
            s.cash += take
            short -= take

    def _invest(self, q: Quarter) -> None:
        """7. Investment toward the capital where the expected marginal revenue product equals each
        source's user cost: own cash, then KUR, then bank credit (moneylenders finance working
        capital, not equipment). The transitory shock is netted out so that irreversible investment
        does not ratchet up with good quarters. Household firms divert part of what they borrow
        (money is fungible: Banerjee, Karlan & Zinman 2015; Kuncoro 2007)."""
        s, f, xp = self.s, self.f, self.xp
        mpk = q.alpha * q.mrp * xp.maximum(q.va, ZERO) / s.capital * xp.exp(-s.shock)
        mpk = xp.where(q.constrained, ZERO, mpk)
        s.capital *= ONE - f["depreciation"]
        one_minus_alpha = ONE - q.alpha
        invested = xp.zeros_like(s.capital)
        added = xp.zeros_like(s.capital)
        # Own funds: cash above a working-capital buffer of a month of inputs (a quarter's / 4;
        # assumption).
        own = xp.maximum(s.cash - np.float32(0.25) * q.inputs, ZERO)
        kept = xp.where(s.formality == 2, ONE, ONE - f["credit_leakage"])
        sources = ((None, f["deposit_rate"], own), (s.debt_kur, s.kur_rate, q.kur_room),
                   (s.debt_bank, q.bank_rate, q.bank_room))
        for debt, rate, room in sources:
            # desired: replace wear (where capital still pays its user cost) plus part of the gap
            cost = (rate + f["depreciation"]) * s.capital_wedge
            gap = xp.clip((mpk - cost) / (one_minus_alpha * cost), ZERO, ONE)
            desired = (f["investment_speed"] * gap + xp.where(mpk >= cost, f["depreciation"], ZERO)) * s.capital
            take = xp.minimum(xp.maximum(desired - invested, ZERO), room)
            invested += take
            if debt is None:
                s.cash -= take
                added += take
            else:
                debt += take
                room -= take
                added += take * kept
        s.capital += added
        q.inputs = None

    def _adopt(self, q: Quarter) -> None:
        """8. Technique upgrade past capital and skill thresholds, set-up cost funded; workers in
        modern firms learn by doing."""
        s, f, xp = self.s, self.f, self.xp
        q.upgraded = self._upgrade(q.kur_room, q.bank_room, q.alive)
        q.kur_room = q.bank_room = None
        s.worker_skill += xp.where(s.technique == 1, f["learning_by_doing"], ZERO)
        xp.minimum(s.worker_skill, ONE, out=s.worker_skill)

    def _hire(self, q: Quarter) -> None:
        """9. Labour moves part of the way to the desired workforce; family workers stay."""
        s, f, xp = self.s, self.f, self.xp
        target = f["beta_labour"] * q.mrp * xp.maximum(q.va, ZERO) / q.wage
        target = xp.maximum(target, xp.minimum(s.workers, f["family_workers"]))
        target = xp.maximum(target, ONE)
        before = s.workers.copy()
        s.workers += f["labour_adjustment"] * (target - s.workers)
        cut = xp.where(q.alive, xp.maximum(before - s.workers, ZERO), ZERO)
        q.layoffs = float(xp.sum(cut, dtype=np.float64))
        s.age += np.float32(0.25)

    def _exit(self, q: Quarter) -> None:
        """10. A firm fails in a quarter with negative cash after all credit, bank debt above
        `insolvency_ratio` x capital (foreclosure; KUR needs no collateral) or, without legal-entity
        status, profit below the owner's outside option (Lucas 1978); `exit_after` failing quarters
        in a row end it; an exogenous hazard ends others. Failed medium and large plants may be
        sold and reopened."""
        s, f, xp, t = self.s, self.f, self.xp, q.t
        failing = (s.cash < 0) | (s.debt_bank > f["insolvency_ratio"] * s.capital)
        failing |= (q.profit < f["reservation_income"]) & (s.formality < 2)
        s.loss_quarters = xp.where(failing, xp.minimum(s.loss_quarters, 100) + 1, 0).astype(np.int8)
        hazard = xp.where(s.size == 0, f["exit_hazard_micro"], f["exit_hazard_other"])
        u = xp.asarray(stream(self.seed, t, EXIT).random(s.capacity, dtype=np.float32))
        failed = q.alive & (s.loss_quarters >= f["exit_after"])
        exit_idx = xp.flatnonzero(failed | (q.alive & (u < hazard)))
        q.layoffs += float(xp.sum(s.workers[exit_idx], dtype=np.float64))
        q.exit_cells = s.cells_of(exit_idx, q.size_before)
        exited = to_numpy(exit_idx)
        first = exited[exited < s.n0]
        q.starting_exits = first[to_numpy(s.born[first]) == 0]  # before entrants take the slots
        s.alive[exit_idx] = False
        self._schedule_restarts(failed & (q.size_before >= 2), u, t)

    def _entry(self, q: Quarter) -> None:
        """11. Reopened plants and new micro firms; size classes and graduations updated."""
        s, xp, t = self.s, self.xp, q.t
        restarted = self._restart(t)
        q.new_idx = self._enter(t, q.layoffs)
        if restarted.size:
            q.new_idx = xp.concatenate([restarted, q.new_idx])
        s.size = size_class_of(s.workers, xp)
        graduated = xp.flatnonzero(s.alive & (s.size > q.size_before))
        q.graduated = graduated[s.born[graduated] <= t]  # entrants do not graduate in their first quarter

    def _tally(self, q: Quarter) -> None:
        """The quarter's end: every slot's summary cell and the live workforce per cell and in
        total (rule 11 of the next quarter reads the total; summed per cell first, the order in
        which the summary sums it, so both agree to the last bit)."""
        s, xp = self.s, self.xp
        q.cells = s.cells()
        q.workers_by_cell = to_numpy(xp.bincount(q.cells, weights=s.workers, minlength=CELLS + 1))[:CELLS]
        self.workers_total = float(q.workers_by_cell.sum())

    # -- parts of the rules -----------------------------------------------------------------
    def _set_wedges(self, q: Quarter) -> None:
        """Start firms where their reported states put them.

        Labour: a firm-specific wage (the reference wage times a wedge, clipped to 0.2-8 times it:
        regional minimum wages differ by a factor of about 2.5, skills and rents by more) makes the
        starting workforce the desired one, so that the data's wage bill and value added need not
        match the model's. Capital: firms with paid workers start at their desired capital:
        registry net assets exclude land and buildings (UU 20/2008), so the measured marginal
        product overstates the return on all capital in use; the wedge (a capital distortion as in
        Hsieh & Klenow 2009) absorbs that. Household firms (no paid workers) keep wedge 1: their
        high returns and lack of funds are the trap (de Mel, McKenzie & Woodruff 2008).
        """
        s, f, xp = self.s, self.f, self.xp
        wage = xp.where(s.size >= 2, f["wage_large"], f["wage_small"])
        mpk = xp.where(q.constrained, ZERO, q.alpha * q.mrp * xp.maximum(q.va, ZERO) / s.capital)
        lw = f["beta_labour"] * q.mrp * xp.maximum(q.va, ONE) / (wage * s.workers)
        s.labour_wedge = xp.clip(lw, np.float32(0.2), np.float32(8.0)).astype(np.float32)
        employer = s.workers > f["family_workers"] + np.float32(0.5)
        kw = mpk / (f["deposit_rate"] + f["depreciation"])
        s.capital_wedge = xp.where(employer, xp.clip(kw, ONE, np.float32(500.0)), ONE).astype(np.float32)

    def _bank_room(self, t: int):
        s, xp = self.s, self.xp
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
        s.market[idx] = f["traditional_market"] * f["modern_market"]
        return idx

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
        s.cash[idx] = np.float32(0.1) * s.capital[idx]  # new owners' working capital (assumption)
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
            return stream(self.seed, t, ENTRY, sub)

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
        s.nucleus[idx] = -1
        s.cash[idx] = f["subsistence"] * np.float32(0.5)
        s.kur_limit[idx] = f["kur_limit"]
        s.kur_rate[idx] = f["kur_rate"]
        s.upgrade_factor[idx] = 1
        s.labour_wedge[idx] = 1
        s.capital_wedge[idx] = 1
        s.bank_ltv[idx] = f["bank_ltv_informal"]
        s.born[idx] = t + 1
        s.alive[idx] = True
        s.refresh_cells(idx)
        return idx
