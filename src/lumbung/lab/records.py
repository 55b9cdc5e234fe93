"""Bookkeeping of a run: the per-quarter summary by group, and the starting firms' records.

Mixed into the quarterly run (lumbung.lab.quarter). Groups are size class (BPS, persons engaged)
x KBLI division x province, summed with ``bincount`` over one combined group index; dead slots go
to an extra group that is dropped.
"""

from __future__ import annotations

import numpy as np

from lumbung.lab.model import PERIODS_PER_YEAR, _np
from lumbung.lab.population import DIVISIONS, PROVINCES, SIZE_CLASSES


class Records:
    """Per-quarter summary rows and end states of the starting firms."""

    def _start_records(self) -> None:
        s = self.s
        n0 = s.n0
        self.rows: list[dict[str, np.ndarray]] = []
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

        made, added = revenue, va
        if new_idx.size:
            # Entrants and reopened plants join at the end of the quarter, after production: they
            # produced nothing in it (their slots hold figures computed from a dead slot's state).
            made, added = revenue.copy(), va.copy()
            made[new_idx] = 0
            added[new_idx] = 0
        firms = count(g)
        workers = total(s.workers)
        self.workers_total = float(workers.sum())
        row = {
            "firms": firms, "workers": workers, "output": total(made), "value_added": total(added),
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
            "nucleus_end": np.where(survived, _np(s.nucleus[:n0]), -1).astype(np.int32),
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



    def _record_exits(self, exit_idx: np.ndarray, t: int) -> None:
        s = self.s
        first = exit_idx[exit_idx < s.n0]
        first = first[_np(s.born[first]) == 0]
        self.exit_period[first] = t

    def _group(self, idx, size):
        return size[idx].astype(np.int32) * (self.n_div * self.n_prov) + self.s.divprov[idx]
