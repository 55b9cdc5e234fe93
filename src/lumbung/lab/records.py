"""Bookkeeping of a run: the per-quarter summary by cell, and the starting firms' records.

A collaborator the run calls after every quarter, as Mesa's ``DataCollector.collect(model)``
is: :meth:`Records.collect` reads the finished :class:`~lumbung.lab.quarter.Quarter` and the
firm state and changes neither. Cells are size class (BPS, persons engaged) x KBLI division x
province, summed with ``bincount`` over one combined cell index; dead slots go to an extra cell
that is dropped.
"""

from __future__ import annotations

import numpy as np

from lumbung.lab.backend import to_numpy
from lumbung.lab.codes import CELLS, CELLS_PER_SIZE, DIVISIONS, PERIODS_PER_YEAR, PROVINCES, SIZE_CLASSES
from lumbung.lab.quarter import Quarter
from lumbung.lab.state import State

#: Columns of a run's summary table (docs/lab.md, "Results").
SUMMARY_COLUMNS = ("period", "size_class", "kbli_division", "province", "firms", "workers", "output",
                   "value_added", "entries", "exits", "upgrades", "graduations", "share_traditional")
COUNTS = ("firms", "entries", "exits", "upgrades", "graduations")


class Records:
    """Per-quarter summary rows and end states of the starting firms of a run of ``periods`` quarters."""

    def __init__(self, s: State, periods: int):
        self.s, self.xp, self.periods = s, s.xp, periods
        n0 = s.n0
        self.rows: list[dict[str, np.ndarray]] = []
        self.start = {
            "capital_start": to_numpy(s.capital[:n0]).copy(), "workers_start": to_numpy(s.workers[:n0]).copy(),
            "technique_start": to_numpy(s.technique[:n0]).copy(),
            "owner_skill_start": to_numpy(s.owner_skill[:n0]).copy(),
            "size_start": to_numpy(s.size[:n0]).copy(), "division": to_numpy(s.division[:n0]).copy(),
            "province": to_numpy(s.province[:n0]).copy(), "import_share": to_numpy(s.import_share[:n0]).copy(),
            "export_share": to_numpy(s.export_share[:n0]).copy(), "fx_debt_share": to_numpy(s.fx_share[:n0]).copy(),
            "debt_start": to_numpy(s.debt_bank[:n0] + s.debt_kur[:n0] + s.debt_ml[:n0]).copy(),
            "formality": to_numpy(s.formality[:n0]).copy(),
        }
        self.exit_period = np.full(n0, -1, dtype=np.int16)
        self.upgraded = np.zeros(n0, dtype=bool)
        self.profit_recent = np.zeros(n0, dtype=np.float64)  # sum of the last 4 quarters' profit
        self.profit_first = None
        self.va_start = None
        self.log_tfp_start = None
        self.last = {}

    def collect(self, q: Quarter) -> None:
        """Record quarter ``q`` (after its last rule)."""
        self._summarise(q)
        self._follow_starting_firms(q)

    def _summarise(self, q: Quarter) -> None:
        xp, g, n = self.xp, q.cells, CELLS + 1

        def count(cells):
            return to_numpy(xp.bincount(cells, minlength=n))[:CELLS].astype(np.float64)

        def total(w):
            return to_numpy(xp.bincount(g, weights=w, minlength=n))[:CELLS]

        made, added = q.revenue, q.va
        if q.new_idx.size:
            # Entrants and reopened plants join at the end of the quarter, after production: they
            # produced nothing in it (their slots hold figures computed from a dead slot's state).
            made, added = q.revenue.copy(), q.va.copy()
            made[q.new_idx] = 0
            added[q.new_idx] = 0
        firms = count(g)
        row = {
            "firms": firms, "workers": q.workers_by_cell, "output": total(made), "value_added": total(added),
            "entries": count(g[q.new_idx]), "exits": count(q.exit_cells), "upgrades": count(g[q.upgraded]),
            "graduations": count(g[q.graduated]),
        }
        modern = count(g[xp.flatnonzero(self.s.technique)])
        with np.errstate(invalid="ignore", divide="ignore"):
            row["share_traditional"] = np.where(firms > 0, 1.0 - modern / np.maximum(firms, 1), np.nan)
        keep = np.flatnonzero((firms > 0) | (row["exits"] > 0))
        out = {k: v[keep] for k, v in row.items()}
        out["group"] = keep.astype(np.int32)
        out["period"] = np.full(keep.size, q.t, dtype=np.int16)
        self.rows.append(out)

    def _follow_starting_firms(self, q: Quarter) -> None:
        """Exits, upgrades, profits and productivity of the starting firms (the stylised facts)."""
        s, t, n0 = self.s, q.t, self.s.n0
        self.exit_period[q.starting_exits] = t
        first = to_numpy(s.born[:n0] == 0)
        up = to_numpy(q.upgraded)
        up = up[up < n0]
        self.upgraded[up[first[up]]] = True
        if self.profit_first is None:
            self.profit_first = to_numpy(q.profit[:n0]).astype(np.float64)
            self.va_start = to_numpy(q.va[:n0]).astype(np.float64)
            self.log_tfp_start = to_numpy(q.log_tfp[:n0]).astype(np.float64)
        if t >= self.periods - PERIODS_PER_YEAR:
            self.profit_recent += to_numpy(q.profit[:n0])
        if t == self.periods - 1:
            self.last = {"va": to_numpy(q.va[:n0]).astype(np.float64),
                         "log_tfp": to_numpy(q.log_tfp[:n0]).astype(np.float64),
                         "revenue": to_numpy(q.revenue[:n0]).astype(np.float64)}

    def summary(self) -> dict[str, np.ndarray]:
        """One row per quarter x cell with any firm or exit (columns SUMMARY_COLUMNS)."""
        cols = {k: np.concatenate([r[k] for r in self.rows]) for k in self.rows[0]}
        group = cols.pop("group")
        size = group // CELLS_PER_SIZE
        div = (group % CELLS_PER_SIZE) // len(PROVINCES)
        prov = group % len(PROVINCES)
        out = {"period": cols.pop("period").astype(np.int32),
               "size_class": np.asarray(SIZE_CLASSES, dtype=object)[size],
               "kbli_division": np.asarray(DIVISIONS, dtype=object)[div],
               "province": np.asarray(PROVINCES, dtype=object)[prov]}
        for k in ("firms", "workers", "output", "value_added", "entries", "exits", "upgrades", "graduations"):
            out[k] = cols[k].astype(np.int64) if k in COUNTS else cols[k]
        out["share_traditional"] = cols["share_traditional"]
        return out

    def firm_table(self, enrolled: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """One row per starting firm: start and end states (docs/lab.md), and one
        ``enrolled:<program>`` column per intervention of ``enrolled`` (name -> slots)."""
        s = self.s
        n0 = s.n0
        survived = to_numpy(s.alive[:n0] & (s.born[:n0] == 0))

        def end(a):
            return np.where(survived, to_numpy(a[:n0]).astype(np.float64), np.nan)

        out = dict(self.start)
        out.update({
            "alive_end": survived, "exit_period": self.exit_period, "upgraded": self.upgraded,
            "capital_end": end(s.capital), "workers_end": end(s.workers),
            "technique_end": np.where(survived, to_numpy(s.technique[:n0]), -1).astype(np.int8),
            "size_end": np.where(survived, to_numpy(s.size[:n0]), -1).astype(np.int8),
            "nucleus_end": np.where(survived, to_numpy(s.nucleus[:n0]), -1).astype(np.int32),
            "owner_skill_end": end(s.owner_skill), "cash_end": end(s.cash),
            "debt_end": end(s.debt_bank + s.debt_kur + s.debt_ml),
            "profit_first": self.profit_first,
            "profit_last_year": np.where(survived, self.profit_recent / PERIODS_PER_YEAR, np.nan),
            "value_added_start": self.va_start, "value_added_end": np.where(survived, self.last["va"], np.nan),
            "output_end": np.where(survived, self.last["revenue"], np.nan),
            "log_tfp_start": self.log_tfp_start, "log_tfp_end": np.where(survived, self.last["log_tfp"], np.nan),
        })
        for name, idx in enrolled.items():
            mask = np.zeros(n0, dtype=bool)
            mask[idx[idx < n0]] = True
            out[f"enrolled:{name}"] = mask
        return out
