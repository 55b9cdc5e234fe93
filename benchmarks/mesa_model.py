"""The policy lab's model written with Mesa 3: one Agent per firm, the same rules, the same draws.

This is the benchmark's comparison point for lumbung.lab (issue 5): the rules of
lumbung.lab.quarter (and the interventions of lumbung.lab.programs), restated firm by firm as a
Mesa agent's step in plain Python floats, the way an agent-based model is usually written.

Same random draws: each quarter the model draws the random numbers in vectorised form from the
same streams as lumbung.lab (SeedSequence(seed, spawn_key=(quarter, purpose, sub))), one per
firm slot, and hands each agent the draw of its slot; entrants take the lowest free slots, as in
lumbung.lab. The results therefore agree with lumbung.lab's up to floating point: lumbung.lab
computes in float32 arrays, the agents in Python's float64, so sums agree to about 1e-6 and a
firm within that distance of a threshold (exit, upgrade, size class) may rarely decide the other
way (tests/lab/test_lab_mesa_equivalence.py states the tolerance).

Firms whose plant is to be reopened (rule 10) stay as dormant agents: lumbung.lab keeps
computing a dead slot's state, and the reopened plant starts from it.

Needs the bench extra (``pip install 'lumbung[bench]'``); never imported by lumbung itself.
"""

from __future__ import annotations

import heapq
import math

import mesa
import numpy as np

from lumbung.lab.codes import (
    DIVISIONS,
    FORMALITY,
    PERIODS_PER_YEAR,
    PROVINCES,
    SIZE_BOUNDS,
    SIZE_CLASSES,
    TECHNIQUES,
)
from lumbung.lab.production import K_REF, SKILL_MEAN_OWNER, SKILL_MEAN_WORKER
from lumbung.lab.scenarios import Scenario, TargetFields, evaluate_target, load
from lumbung.lab.shocks import shock_paths
from lumbung.lab.streams import ENTRY, EXIT, KUR_ACCESS, PRODUCTIVITY, PROGRAM, stream

N_DIV, N_PROV = len(DIVISIONS), len(PROVINCES)
PER_SIZE = N_DIV * N_PROV
BOUNDS = [float(b) - 0.5 for b in SIZE_BOUNDS]  # rounded persons engaged, as lumbung.lab


def size_class(workers: float) -> int:
    return (workers >= BOUNDS[0]) + (workers >= BOUNDS[1]) + (workers >= BOUNDS[2])


class Firm(mesa.Agent):
    """One firm. Attributes are the firm's state; ``step`` runs rules 1-9 for one quarter."""

    def __init__(self, model: "LabModel", slot: int, **state) -> None:
        super().__init__(model)
        self.slot = slot
        self.__dict__.update(state)

    # -- rules 1-9 ---------------------------------------------------------------------------
    def step(self) -> None:
        m, p, q = self.model, self.model.p, self.model.quarter
        t = q["t"]
        self.size_before = self.size
        # 1. productivity: AR(1) shock with a uniform innovation of the stated sd
        self.shock = self.shock * p["productivity_persistence"] + (
            p["productivity_shock_sd"] * math.sqrt(12.0)) * (q["eps"][self.slot] - 0.5)
        # 2. production
        log_tfp = (p["input_quality_effect"] * math.log(max(self.input_quality, 0.05) / 0.5)
                   + p["owner_skill_effect"] * (self.owner_skill - SKILL_MEAN_OWNER)
                   + p["worker_skill_effect"] * (self.worker_skill - SKILL_MEAN_WORKER)
                   + m.log_tfp_modern * self.technique)
        if q["input_tariff_fall"] is not None:
            log_tfp += p["input_tariff_productivity"] * q["input_tariff_fall"][self.division] * min(
                self.import_share / p["import_reference_share"], 1.0)
        log_tfp += self.log_z
        alpha = p["alpha_modern"] if self.technique == 1 else p["alpha_traditional"]
        va_real = math.exp(alpha * math.log(self.capital / K_REF) + p["beta_labour"] * math.log(self.workers)
                           + log_tfp + self.shock + m.log_va_reference)
        # 3. demand: CES around the modern firm's market; narrow markets cap traditional sales
        if self.technique == 1:
            if t == 0:
                self.market = va_real
            inv_sigma = 1.0 / p["demand_sigma"]
            va_real = math.exp((1.0 - inv_sigma) * math.log(va_real) + inv_sigma * math.log(self.market))
            mrp = 1.0 - inv_sigma
        else:
            mrp = 1.0
        market = p["traditional_market"] * (1.0 + p["partnership_market"] * self.partner)
        constrained = self.technique == 0 and va_real > market
        if constrained:
            va_real = market
        if q["demand"] is not None:
            va_real *= q["demand"][self.technique][self.division]
        # 4. prices and costs
        domestic = q["domestic"][self.division]
        price = domestic + self.export_share * (q["export_price"] - domestic)
        gross = va_real / (1.0 - p["input_share"])
        revenue = gross * price
        input_price = domestic + self.import_share * (q["imported_price"][self.division] - domestic)
        inputs = gross * p["input_share"] * input_price
        va = revenue - inputs
        if t == 0:
            self.set_wedges(va, alpha, mrp, constrained)
        # 5. profit
        if q["e_ratio"] != 1:
            self.debt_bank *= 1.0 + self.fx_share * (q["e_ratio"] - 1.0)
        wage = (p["wage_large"] if self.size >= 2 else p["wage_small"]) * self.labour_wedge
        paid = max(self.workers - p["family_workers"], 0.0)
        bank_rate = q["bank_rate"]
        profit = va - wage * paid - (bank_rate * self.debt_bank + self.kur_rate * self.debt_kur
                                     + p["moneylender_rate"] * self.debt_ml)
        # 6. the household withdraws; arrears; principal from cash; shortfalls financed
        kur_room, bank_room = self.household(profit, revenue, bank_rate, q)
        # 7. investment
        kur_room, bank_room = self.invest(alpha, mrp, va, inputs, constrained, bank_rate, kur_room, bank_room)
        # 8. technique upgrade, learning by doing
        self.upgraded = self.alive and self.adopt(kur_room, bank_room)
        if self.technique == 1:
            self.worker_skill = min(self.worker_skill + p["learning_by_doing"], 1.0)
        # 9. labour
        target = max(p["beta_labour"] * mrp * max(va, 0.0) / wage, min(self.workers, p["family_workers"]), 1.0)
        before = self.workers
        self.workers += p["labour_adjustment"] * (target - self.workers)
        if self.alive:
            m.layoffs += max(before - self.workers, 0.0)
        self.age += 0.25
        self.revenue, self.va, self.profit = revenue, va, profit

    def set_wedges(self, va: float, alpha: float, mrp: float, constrained: bool) -> None:
        p = self.model.p
        wage = p["wage_large"] if self.size >= 2 else p["wage_small"]
        mpk = 0.0 if constrained else alpha * mrp * max(va, 0.0) / self.capital
        self.labour_wedge = min(max(p["beta_labour"] * mrp * max(va, 1.0) / (wage * self.workers), 0.2), 8.0)
        employer = self.workers > p["family_workers"] + 0.5
        kw = mpk / (p["deposit_rate"] + p["depreciation"])
        self.capital_wedge = min(max(kw, 1.0), 500.0) if employer else 1.0

    def household(self, profit: float, revenue: float, bank_rate: float, q: dict) -> tuple[float, float]:
        p = self.model.p
        economic = profit - p["depreciation"] * self.capital
        positive = max(economic, 0.0)
        if self.formality == 2:
            withdraw = p["payout_legal_entity"] * positive
        else:
            withdraw = min(positive, p["subsistence"]) + p["consumption_share"] * max(economic - p["subsistence"], 0.0)
        self.cash += profit
        self.cash -= withdraw
        arrears = min(bank_rate * self.debt_bank, max(-self.cash, 0.0))
        self.debt_bank += arrears
        self.cash += arrears
        for name, share in (("debt_bank", p["repay_bank"]), ("debt_kur", p["repay_kur"]),
                            ("debt_ml", p["repay_moneylender"])):
            debt = getattr(self, name)
            pay = min(debt * share, max(self.cash, 0.0))
            setattr(self, name, debt - pay)
            self.cash -= pay
        bank_room = max(self.bank_ltv * self.capital * q["bank_supply"] - self.debt_bank, 0.0)
        kur_room = max(self.kur_limit - self.debt_kur, 0.0) if self.kur_access else 0.0
        ml_room = max(min(p["moneylender_limit"] * revenue, p["moneylender_cap"]) - self.debt_ml, 0.0)
        short = max(-self.cash, 0.0)
        take = min(short, bank_room)
        self.debt_bank += take
        bank_room -= take
        self.cash += take
        short -= take
        take = min(short, kur_room)
        self.debt_kur += take
        kur_room -= take
        self.cash += take
        short -= take
        take = min(short, ml_room)
        self.debt_ml += take
        self.cash += take
        return kur_room, bank_room

    def invest(self, alpha, mrp, va, inputs, constrained, bank_rate, kur_room, bank_room) -> tuple[float, float]:
        p = self.model.p
        mpk = 0.0 if constrained else alpha * mrp * max(va, 0.0) / self.capital * math.exp(-self.shock)
        self.capital *= 1.0 - p["depreciation"]
        invested = added = 0.0
        own = max(self.cash - 0.25 * inputs, 0.0)
        kept = 1.0 if self.formality == 2 else 1.0 - p["credit_leakage"]
        for source, rate, room in (("cash", p["deposit_rate"], own), ("debt_kur", self.kur_rate, kur_room),
                                   ("debt_bank", bank_rate, bank_room)):
            cost = (rate + p["depreciation"]) * self.capital_wedge
            gap = min(max((mpk - cost) / ((1.0 - alpha) * cost), 0.0), 1.0)
            desired = (p["investment_speed"] * gap + (p["depreciation"] if mpk >= cost else 0.0)) * self.capital
            take = min(max(desired - invested, 0.0), room)
            invested += take
            if source == "cash":
                self.cash -= take
                added += take
            else:
                setattr(self, source, getattr(self, source) + take)
                added += take * kept
                if source == "debt_kur":
                    kur_room -= take
                else:
                    bank_room -= take
        self.capital += added
        return kur_room, bank_room

    def adopt(self, kur_room, bank_room) -> bool:
        p = self.model.p
        if self.technique != 0 or self.owner_skill < p["upgrade_skill"]:
            return False
        if self.capital < p["upgrade_capital"] * self.upgrade_factor:
            return False
        cost = p["upgrade_cost"]
        cash = max(self.cash, 0.0)
        if cash + kur_room + bank_room < cost:
            return False
        from_cash = min(cash, cost)
        from_kur = min(cost - from_cash, kur_room)
        self.cash -= from_cash
        self.debt_kur += from_kur
        self.debt_bank += cost - from_cash - from_kur
        self.technique = 1
        self.market = p["traditional_market"] * p["modern_market"]
        return True

    # -- rule 10 -----------------------------------------------------------------------------
    def fail_or_exit(self, u: float) -> bool:
        """Update the failing-quarter count; True when the firm exits this quarter."""
        p, t = self.model.p, self.model.quarter["t"]
        failing = self.cash < 0 or self.debt_bank > p["insolvency_ratio"] * self.capital
        failing = failing or (self.profit < p["reservation_income"] and self.formality < 2)
        self.loss_quarters = min(self.loss_quarters, 100) + 1 if failing else 0
        if not self.alive:
            return False
        hazard = p["exit_hazard_micro"] if self.size == 0 else p["exit_hazard_other"]
        failed = self.loss_quarters >= p["exit_after"]
        if failed and self.size_before >= 2 and u > _float32(1.0 - p["restart_share"]):
            self.restart_at = t + int(p["restart_delay"])
        return failed or u < hazard


    # -- interventions (lumbung.lab.programs) ----------------------------------------------
    def enrol(self, iv, nucleus: int | None) -> None:
        """Apply an intervention's dose to this firm (lumbung.lab.programs)."""
        p, dose = self.model.p, _float32(iv.dose)
        if iv.kind == "grant":
            self.cash += dose
        elif iv.kind == "equipment":
            self.capital += dose
        elif iv.kind == "training":
            self.owner_skill = min(self.owner_skill + dose, 1.0)
            self.worker_skill = min(self.worker_skill + dose / 2, 1.0)
        elif iv.kind == "credit":
            self.kur_access = True
            self.kur_limit = max(self.kur_limit, dose)
            if iv.rate is not None:
                self.kur_rate = _float32(iv.rate / PERIODS_PER_YEAR)
        elif iv.kind == "partnership":
            self.nucleus, self.partner = nucleus, True
            self.input_quality = min(self.input_quality + 0.1, 1.0)
            self.owner_skill = min(self.owner_skill + 0.05, 1.0)
        elif iv.kind == "sentra":
            self.upgrade_factor = p["sentra_upgrade_factor"]
            self.input_quality = min(self.input_quality + 0.1, 1.0)
            self.owner_skill = min(self.owner_skill + dose, 1.0)

    def withdraw(self, iv) -> None:
        p = self.model.p
        if iv.kind == "credit":
            self.kur_limit, self.kur_rate = p["kur_limit"], p["kur_rate"]
        elif iv.kind == "partnership":
            self.partner, self.nucleus = False, -1
        elif iv.kind == "sentra":
            self.upgrade_factor = 1.0


def _float32(value: float) -> float:
    """A parameter as lumbung.lab holds it (float32), back in a Python float."""
    return float(np.float32(value))


class LabModel(mesa.Model):
    """The lab's quarterly model with one Mesa agent per firm."""

    def __init__(self, scenario: Scenario | str, population, seed: int, years: int) -> None:
        super().__init__(seed=seed % 2**32)
        scenario = load(scenario) if isinstance(scenario, str) else scenario
        self.run_seed, self.years = seed, years
        self.interventions = scenario.interventions
        self.p = {k: _float32(v) for k, v in scenario.params.items()}
        self.p64 = {k: float(v) for k, v in scenario.params.items()}
        self.paths = shock_paths(scenario, years * PERIODS_PER_YEAR)
        self.exposure = [float(scenario.sectors.get(d, 0.0)) for d in DIVISIONS]
        self.log_tfp_modern = math.log(self.p64["tfp_modern"])
        self.log_va_reference = math.log(self.p64["va_reference"])
        self.n0 = len(population)
        self.capacity = self.n0 + max(int(np.ceil(self.p64["capacity_headroom"] * self.n0)), 16)
        self.free = list(range(self.n0, self.capacity))  # a heap: entrants take the lowest slots
        self.slot_division = [0] * self.capacity
        self.slot_province = [0] * self.capacity
        self.by_slot: dict[int, Firm] = {}
        self.rows: list[tuple[int, int, list[float]]] = []  # (quarter, group, sums)
        self.period = 0
        self.program_stats: dict[str, dict[str, float]] = {}
        self.enrolled: dict[str, list[int]] = {}
        self.workers_total = float(np.sum(population.workers, dtype=np.float64))
        self._add_starting_firms(population)

    # -- set-up ------------------------------------------------------------------------------
    def _add_starting_firms(self, pop) -> None:
        p = self.p
        access = (stream(self.run_seed, 0, ENTRY, KUR_ACCESS).random(self.n0) < self.p64["kur_access"]) | (pop.debt_kur > 0)
        columns = {name: getattr(pop, name).tolist() for name in pop.ARRAYS}
        log_z = np.log(np.maximum(pop.productivity, 1e-6)).astype(np.float32).tolist()
        for i in range(self.n0):
            c = {name: values[i] for name, values in columns.items()}
            ltv = p["bank_ltv_formal"] if c["formality"] > 0 else p["bank_ltv_informal"]
            firm = Firm(self, i, capital=c["capital"], owner_skill=c["owner_skill"], worker_skill=c["worker_skill"],
                        input_quality=c["input_quality"], technique=int(c["technique"]), workers=c["workers"],
                        debt_bank=c["debt_bank"], debt_kur=c["debt_kur"], debt_ml=c["debt_moneylender"],
                        cash=c["cash"], division=int(c["division"]), province=int(c["province"]), age=c["age"],
                        partner=bool(c["partner"]), nucleus=int(c["nucleus"]), formality=int(c["formality"]),
                        import_share=c["import_share"], export_share=c["export_share"], fx_share=c["fx_debt_share"],
                        log_z=log_z[i], shock=0.0, alive=True, born=0, loss_quarters=0,
                        kur_access=bool(access[i]), kur_limit=p["kur_limit"], kur_rate=p["kur_rate"],
                        upgrade_factor=1.0, labour_wedge=1.0, capital_wedge=1.0, market=0.0,
                        size=size_class(c["workers"]), restart_at=-1,
                        bank_ltv=min(max(ltv, c["debt_bank"] / c["capital"]), 1.0))
            self._place(firm)

    def _place(self, firm: Firm) -> None:
        self.by_slot[firm.slot] = firm
        self.slot_division[firm.slot] = firm.division
        self.slot_province[firm.slot] = firm.province

    # -- one quarter -------------------------------------------------------------------------
    def run(self) -> None:
        for _ in range(self.years * PERIODS_PER_YEAR):
            self.step()

    def step(self) -> None:
        t = self.period
        self.period += 1
        self._programs(t)
        self.quarter = self._quarter_inputs(t)
        self.layoffs = 0.0
        firms = sorted(self.agents, key=lambda firm: firm.slot)
        for firm in firms:
            firm.step()
        upgraded = {firm.slot for firm in firms if firm.upgraded}
        exits = self._exits(firms, t)
        new = self._restarts(t) + self._entries(t)
        for firm in self.agents:
            firm.size = size_class(firm.workers)
        self._record(t, exits, new, upgraded)

    def _quarter_inputs(self, t: int) -> dict:
        """Everything a firm reads from its environment this quarter, and its slot's draws."""
        paths, p64 = self.paths, self.p64
        e = float(paths.exchange[t + 1])
        fall = paths.input_tariff[0] - paths.input_tariff[t + 1]
        demand = None
        if np.any(paths.demand[t] != 1):
            demand = [[float(d) ** p64["demand_elasticity_traditional"] for d in paths.demand[t]],
                      [float(d) ** p64["demand_elasticity_modern"] for d in paths.demand[t]]]
        out_ratio = (1 + paths.output_tariff[t + 1]) / (1 + paths.output_tariff[0])
        in_ratio = (1 + paths.input_tariff[t + 1]) / (1 + paths.input_tariff[0])
        domestic = [math.exp(math.log(r) * x + x * self.p["import_passthrough"] * math.log(e))
                    for r, x in zip(out_ratio.tolist(), self.exposure, strict=True)]
        return {
            "t": t,
            "eps": stream(self.run_seed, t, PRODUCTIVITY).random(self.capacity, dtype=np.float32).tolist(),
            "exit_u": stream(self.run_seed, t, EXIT).random(self.capacity, dtype=np.float32).tolist(),
            "input_tariff_fall": fall.tolist() if np.any(fall != 0) else None,
            "demand": demand, "domestic": domestic,
            "export_price": float(paths.export_demand[t]) * e ** p64["export_passthrough"],
            "imported_price": [e * r for r in in_ratio.tolist()],
            "e_ratio": float(paths.exchange[t + 1] / paths.exchange[t]),
            "bank_rate": _float32(p64["bank_rate"] + paths.rate_add[t]),
            "bank_supply": float(paths.bank_supply[t]),
        }

    def _exits(self, firms: list[Firm], t: int) -> list[tuple[int, int, int]]:
        """Rule 10: (size before, division, province) of every exiting firm."""
        exits = []
        u = self.quarter["exit_u"]
        for firm in firms:
            if firm.fail_or_exit(u[firm.slot]):
                exits.append((firm.size_before, firm.division, firm.province))
                self.layoffs += firm.workers
                firm.alive = False
                if firm.restart_at < 0:  # its slot is free; a plant to be reopened stays dormant
                    heapq.heappush(self.free, firm.slot)
                    del self.by_slot[firm.slot]
                    firm.remove()
        return exits

    def _restarts(self, t: int) -> list[Firm]:
        p = self.p
        reopened = [f for f in self.agents if f.restart_at == t]
        for firm in reopened:
            firm.restart_at = -1
            firm.capital *= p["restart_capital"]
            firm.workers = max(firm.workers * p["restart_capital"], 1.0)
            firm.debt_bank = firm.debt_kur = firm.debt_ml = firm.shock = firm.age = firm.fx_share = 0.0
            firm.loss_quarters = 0
            firm.cash = 0.1 * firm.capital
            firm.born, firm.alive = t + 1, True
        return reopened

    def _entries(self, t: int) -> list[Firm]:
        """Rule 11: new micro firms in the lowest free slots, with the draws of lumbung.lab."""
        p, p64 = self.p, self.p64
        excess = max(self.layoffs - p64["normal_layoff_rate"] * self.workers_total, 0.0)
        wanted = int(round(p64["entry_rate"] * self.n0 + p64["entry_per_layoff"] * excess))
        k = min(wanted, len(self.free))
        if k == 0:
            return []
        slots = [heapq.heappop(self.free) for _ in range(k)]

        def draw(sub):
            return stream(self.run_seed, t, ENTRY, sub)

        src = draw(1).integers(0, self.n0, k).tolist()
        divisions = [self.slot_division[s] for s in src]
        provinces = [self.slot_province[s] for s in src]
        capital = (p64["entrant_capital"] * draw(2).lognormal(0.0, 0.7, k)).astype(np.float32).tolist()
        owner = draw(3).beta(2.0, 4.0, k).astype(np.float32).tolist()
        worker = draw(4).beta(2.0, 5.0, k).astype(np.float32).tolist()
        quality = draw(5).beta(3.0, 4.0, k).astype(np.float32).tolist()
        workers = (1.0 + (draw(6).random(k) < 0.4)).tolist()
        log_z = draw(7).normal(0.0, 0.4, k).astype(np.float32).tolist()
        access = (draw(8).random(k) < p64["kur_access"]).tolist()
        entrants = []
        for j, slot in enumerate(slots):
            firm = Firm(self, slot, capital=capital[j], owner_skill=owner[j], worker_skill=worker[j],
                        input_quality=quality[j], technique=0, workers=workers[j], debt_bank=0.0, debt_kur=0.0,
                        debt_ml=0.0, cash=p["subsistence"] * 0.5, division=divisions[j], province=provinces[j],
                        age=0.0, partner=False, nucleus=-1, formality=0, import_share=0.0, export_share=0.0,
                        fx_share=0.0, log_z=log_z[j], shock=0.0, alive=True, born=t + 1, loss_quarters=0,
                        kur_access=access[j], kur_limit=p["kur_limit"], kur_rate=p["kur_rate"],
                        upgrade_factor=1.0, labour_wedge=1.0, capital_wedge=1.0, market=0.0, size=0,
                        restart_at=-1, bank_ltv=p["bank_ltv_informal"], size_before=0, upgraded=False)
            self._place(firm)
            entrants.append(firm)
        return entrants

    # -- bookkeeping -------------------------------------------------------------------------
    def _record(self, t: int, exits: list[tuple[int, int, int]], new: list[Firm], upgraded: set[int]) -> None:
        """Sum the quarter by size class x division x province, as lumbung.lab's summary (which
        counts an upgrade in the cell of whichever firm holds the slot at the end of the quarter)."""
        cells: dict[int, list[float]] = {}
        new_ids = {id(f) for f in new}
        workers_total = 0.0
        for firm in sorted(self.agents, key=lambda f: f.slot):
            if not firm.alive:
                continue
            cell = cells.setdefault(firm.size * PER_SIZE + firm.division * N_PROV + firm.province, [0.0] * 9)
            entering = id(firm) in new_ids
            cell[0] += 1
            cell[1] += firm.workers
            cell[2] += 0.0 if entering else firm.revenue
            cell[3] += 0.0 if entering else firm.va
            cell[4] += entering
            cell[6] += firm.slot in upgraded
            cell[7] += (not entering) and firm.size > firm.size_before and firm.born <= t
            cell[8] += firm.technique == 1
            workers_total += firm.workers
        for size, division, province in exits:
            cells.setdefault(size * PER_SIZE + division * N_PROV + province, [0.0] * 9)[5] += 1
        self.workers_total = workers_total
        for group in sorted(cells):
            self.rows.append((t, group, cells[group]))

    def summary(self) -> dict[str, np.ndarray]:
        """The run's summary table, columns as lumbung.lab's RunResult.summary."""
        periods = np.array([r[0] for r in self.rows], dtype=np.int32)
        groups = np.array([r[1] for r in self.rows], dtype=np.int64)
        values = np.array([r[2] for r in self.rows], dtype=np.float64).reshape(-1, 9)
        firms = values[:, 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(firms > 0, 1.0 - values[:, 8] / np.maximum(firms, 1), np.nan)
        out = {"period": periods,
               "size_class": np.asarray(SIZE_CLASSES, dtype=object)[groups // PER_SIZE],
               "kbli_division": np.asarray(DIVISIONS, dtype=object)[(groups % PER_SIZE) // N_PROV],
               "province": np.asarray(PROVINCES, dtype=object)[groups % N_PROV],
               "firms": firms.astype(np.int64), "workers": values[:, 1], "output": values[:, 2],
               "value_added": values[:, 3]}
        for i, name in ((4, "entries"), (5, "exits"), (6, "upgrades"), (7, "graduations")):
            out[name] = values[:, i].astype(np.int64)
        out["share_traditional"] = share
        return out

    # -- interventions (lumbung.lab.programs) ------------------------------------------------
    def _slot_arrays(self) -> dict[str, np.ndarray]:
        """The firms' fields over all slots (dead slots: not alive), for targeting rules."""
        names = ("capital", "workers", "owner_skill", "worker_skill", "input_quality", "import_share",
                 "export_share", "age", "cash", "debt_bank", "debt_kur", "debt_ml", "fx_share", "log_z",
                 "size", "technique", "division", "province", "formality", "partner", "alive", "born")
        arrays = {n: np.zeros(self.capacity) for n in names}
        for slot, firm in self.by_slot.items():
            for n in names:
                arrays[n][slot] = getattr(firm, n)
        return arrays

    def _programs(self, t: int) -> None:
        self._end_orphaned_partnerships()
        for iv in self.interventions:
            if t == iv.start:
                self._enroll(iv, t)
            elif t == iv.end and iv.name in self.enrolled:
                self._withdraw(iv)

    def _end_orphaned_partnerships(self) -> None:
        for firm in self.agents:
            if firm.partner:
                nucleus = self.by_slot.get(firm.nucleus)
                if nucleus is None or not nucleus.alive or nucleus.born > firm.born:
                    firm.partner, firm.nucleus = False, -1

    def _enroll(self, iv, t: int) -> None:
        a = self._slot_arrays()
        fields = TargetFields(self.capacity, {
            "capital": a["capital"], "workers": a["workers"], "owner_skill": a["owner_skill"],
            "worker_skill": a["worker_skill"], "input_quality": a["input_quality"], "import_share": a["import_share"],
            "export_share": a["export_share"], "age": a["age"], "cash": a["cash"],
            "debt": a["debt_bank"] + a["debt_kur"] + a["debt_ml"], "debt_bank": a["debt_bank"],
            "debt_kur": a["debt_kur"], "debt_moneylender": a["debt_ml"], "fx_debt_share": a["fx_share"],
            "productivity": np.exp(a["log_z"])}, {
            "size_class": (a["size"].astype(np.int8), SIZE_CLASSES), "technique": (a["technique"].astype(np.int8), TECHNIQUES),
            "kbli_division": (a["division"].astype(np.int16), DIVISIONS),
            "province": (a["province"].astype(np.int16), PROVINCES),
            "formality": (a["formality"].astype(np.int8), FORMALITY), "partner": (a["partner"].astype(bool), (False, True))})
        eligible = evaluate_target(iv.target, fields) & a["alive"].astype(bool)
        u = stream(self.run_seed, iv.start, PROGRAM).random(self.capacity)
        takers = np.flatnonzero(eligible & (u < iv.take_up))
        if iv.budget is not None and iv.cost_per_firm > 0:
            most = int(iv.budget // iv.cost_per_firm)
            if takers.size > most:
                takers = np.sort(takers[np.argsort(u[takers], kind="stable")[:most]])
        nuclei = None
        if iv.kind == "partnership":
            nuclei = self._pick_nuclei(takers, iv.start, a)
            takers, nuclei = takers[nuclei >= 0], nuclei[nuclei >= 0]
        self.enrolled[iv.name] = takers.tolist()
        self.program_stats[iv.name] = {"eligible": float(eligible.sum()), "enrolled": float(takers.size),
                                       "cost": float(takers.size * iv.cost_per_firm)}
        for j, slot in enumerate(takers.tolist()):
            self.by_slot[slot].enrol(iv, None if nuclei is None else int(nuclei[j]))

    def _pick_nuclei(self, takers: np.ndarray, start: int, a: dict) -> np.ndarray:
        division = a["division"].astype(np.int64)
        big = np.flatnonzero(a["alive"].astype(bool) & (a["size"] >= 2))
        big = big[np.argsort(division[big], kind="stable")]
        counts = np.bincount(division[big], minlength=N_DIV)
        first = np.concatenate([[0], np.cumsum(counts)[:-1]])
        wanted = division[takers]
        u = stream(self.run_seed, start, PROGRAM, 1).random(self.capacity)[takers]
        pick = first[wanted] + np.floor(u * counts[wanted]).astype(np.int64)
        if not big.size:
            return np.full(takers.size, -1)
        return np.where(counts[wanted] > 0, big[np.minimum(pick, big.size - 1)], -1)

    def _withdraw(self, iv) -> None:
        for slot in self.enrolled[iv.name]:
            firm = self.by_slot.get(slot)
            if firm is not None:
                firm.withdraw(iv)




def simulate(scenario, population, seed: int, years: int) -> dict[str, np.ndarray]:
    """Run the Mesa version; returns the summary table (lumbung.lab.run.simulate's columns)."""
    model = LabModel(scenario, population, seed, years)
    model.run()
    return model.summary()
