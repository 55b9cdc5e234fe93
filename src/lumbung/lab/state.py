"""The firm state of a run: one slot per firm, the starting population plus headroom for entrants."""

from __future__ import annotations

import numpy as np

from lumbung.lab.codes import CELLS, CELLS_PER_SIZE, PROVINCES, size_class_of
from lumbung.lab.population import Population
from lumbung.lab.streams import ENTRY, KUR_ACCESS, stream


class State:
    """Firm slots as arrays of the array module ``xp``; `alive` marks live slots.

    Built from a Population with the scenario's parameters ``p`` and the run's ``seed`` (which
    draws the starting firms' KUR access). A slot's summary cell is size class x KBLI division x
    province (``codes.CELLS`` of them); a dead slot's cell is ``CELLS``, dropped from the summary.
    """

    def __init__(self, pop: Population, p: dict[str, float], seed: int, xp):
        n = len(pop)
        cap = n + max(int(np.ceil(p["capacity_headroom"] * n)), 16)
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
        # Firm-specific wedges set in the first quarter (Rules.set_wedges): 1 for entrants.
        self.labour_wedge = xp.ones(cap, dtype=f32)
        self.market = xp.zeros(cap, dtype=f32)  # modern firms' demand level (real value added)
        self.capital_wedge = xp.ones(cap, dtype=f32)
        self.size = xp.asarray(np.zeros(cap, dtype=np.int8))
        self.divprov = xp.zeros(cap, dtype=np.int32)
        self.restart_at = xp.asarray(np.full(cap, -1, dtype=np.int16))  # quarter a failed plant reopens
        self._start_terms(pop, p, seed)

    def _start_terms(self, pop: Population, p: dict[str, float], seed: int) -> None:
        """Credit terms, size classes and cells of the starting firms."""
        xp = self.xp
        self.kur_limit[:] = np.float32(p["kur_limit"])
        self.kur_rate[:] = np.float32(p["kur_rate"])
        draw = stream(seed, 0, ENTRY, KUR_ACCESS)
        self.kur_access[: self.n0] = xp.asarray((draw.random(self.n0) < p["kur_access"]) | (pop.debt_kur > 0))
        self.size = size_class_of(self.workers, xp)
        self.divprov = self.division.astype(np.int32) * len(PROVINCES) + self.province.astype(np.int32)
        # Bank limits from collateral (James & Akrasane 1993); loans already outstanding are honoured.
        ltv = xp.where(self.formality > 0, np.float32(p["bank_ltv_formal"]), np.float32(p["bank_ltv_informal"]))
        self.bank_ltv = xp.minimum(xp.maximum(ltv, self.debt_bank / self.capital), np.float32(1.0)).astype(np.float32)

    def refresh_cells(self, idx) -> None:
        """Division x province of slots ``idx`` after they changed hands (entrants)."""
        self.divprov[idx] = self.division[idx].astype(np.int32) * len(PROVINCES) + self.province[idx].astype(np.int32)

    def cells(self):
        """Every slot's summary cell (dead slots: ``CELLS``)."""
        cell = self.size.astype(np.int32) * CELLS_PER_SIZE + self.divprov
        return self.xp.where(self.alive, cell, CELLS)

    def cells_of(self, idx, size):
        """The cells of slots ``idx`` with size classes ``size`` (e.g. those at the quarter's start)."""
        return size[idx].astype(np.int32) * CELLS_PER_SIZE + self.divprov[idx]
