"""Interventions inside a run: enrolment by targeting rule, take-up and budget; program effects.

The run calls :meth:`Programs.start_quarter` before each quarter's rules; programs act on the
firm state only. Kinds and their effects are documented in docs/lab.md (Interventions).
"""

from __future__ import annotations

import numpy as np

from lumbung.lab.backend import to_numpy
from lumbung.lab.codes import DIVISIONS, FORMALITY, PERIODS_PER_YEAR, PROVINCES, SIZE_CLASSES, TECHNIQUES
from lumbung.lab.scenarios import TargetFields, evaluate_target
from lumbung.lab.state import State
from lumbung.lab.streams import PROGRAM, stream


class Programs:
    """Enrolment and effects of a scenario's interventions over a run's firm state ``s``.

    ``enrolled``: intervention name -> slots enrolled; ``stats``: name -> eligible, enrolled,
    cost (Rp), start and end quarter.
    """

    def __init__(self, s: State, p: dict[str, float], interventions, seed: int, xp):
        self.s, self.p, self.interventions, self.seed, self.xp = s, p, interventions, seed, xp
        self.enrolled: dict[str, np.ndarray] = {}
        self.stats: dict[str, dict[str, float]] = {}

    def _pick_nuclei(self, takers: np.ndarray, start: int) -> np.ndarray:
        """A live medium or large firm of the partner's own division as its nucleus (random, drawn
        from its own stream); -1 where the division has none (the firm is not enrolled then)."""
        s = self.s
        division = to_numpy(s.division)
        big = np.flatnonzero(to_numpy(s.alive) & (to_numpy(s.size) >= 2))
        big = big[np.argsort(division[big], kind="stable")]
        counts = np.bincount(division[big], minlength=len(DIVISIONS))
        first = np.concatenate([[0], np.cumsum(counts)[:-1]])
        wanted = division[takers]
        u = stream(self.seed, start, PROGRAM, 1).random(s.capacity)[takers]
        pick = first[wanted] + np.floor(u * counts[wanted]).astype(np.int64)
        nuclei = np.where(counts[wanted] > 0, big[np.minimum(pick, max(big.size - 1, 0))] if big.size else -1, -1)
        return self.xp.asarray(nuclei.astype(np.int32))

    def _end_orphaned_partnerships(self) -> None:
        """A partnership ends when its nucleus firm has exited (its demand goes with it)."""
        s = self.s
        idx = self.xp.flatnonzero(s.partner)
        if idx.size:
            gone = ~s.alive[s.nucleus[idx]] | (s.born[s.nucleus[idx]] > s.born[idx])
            s.partner[idx[gone]] = False
            s.nucleus[idx[gone]] = -1

    def start_quarter(self, t: int) -> None:
        """Quarter ``t`` begins: partnerships whose nucleus left end; programs start and end."""
        self._end_orphaned_partnerships()
        for iv in self.interventions:
            if t == iv.start:
                self._enroll(iv, t)
            elif t == iv.end and iv.name in self.enrolled:
                self._withdraw(iv)

    def _target_fields(self) -> TargetFields:
        s = self.s
        n = s.capacity
        numeric = {
            "capital": s.capital, "workers": s.workers, "owner_skill": s.owner_skill, "worker_skill": s.worker_skill,
            "input_quality": s.input_quality, "import_share": s.import_share, "export_share": s.export_share,
            "age": s.age, "cash": s.cash, "debt": s.debt_bank + s.debt_kur + s.debt_ml, "debt_bank": s.debt_bank,
            "debt_kur": s.debt_kur, "debt_moneylender": s.debt_ml, "fx_debt_share": s.fx_share,
            "productivity": self.xp.exp(s.log_z),
        }
        categorical = {
            "size_class": (s.size, SIZE_CLASSES), "technique": (s.technique, TECHNIQUES),
            "kbli_division": (s.division, DIVISIONS), "province": (s.province, PROVINCES),
            "formality": (s.formality, FORMALITY), "partner": (s.partner, (False, True)),
        }
        return TargetFields(n, {k: to_numpy(v) for k, v in numeric.items()},
                            {k: (to_numpy(v[0]), v[1]) for k, v in categorical.items()})

    def _enroll(self, iv, t: int) -> None:
        s, xp = self.s, self.xp
        eligible = evaluate_target(iv.target, self._target_fields()) & to_numpy(s.alive)
        # One take-up draw per firm and start quarter, shared by all programs: programs with the
        # same target and take-up reach the same firms (a bundle), and a program reaches the same
        # firms in every scenario that runs it with this seed (common random numbers).
        u = stream(self.seed, iv.start, PROGRAM).random(s.capacity)
        takers = np.flatnonzero(eligible & (u < iv.take_up))
        if iv.budget is not None and iv.cost_per_firm > 0:
            most = int(iv.budget // iv.cost_per_firm)
            if takers.size > most:
                takers = np.sort(takers[np.argsort(u[takers], kind="stable")[:most]])
        if iv.kind == "partnership":
            nuclei = to_numpy(self._pick_nuclei(takers, iv.start))
            takers, nuclei = takers[nuclei >= 0], nuclei[nuclei >= 0]
        self.enrolled[iv.name] = takers
        self.stats[iv.name] = {"eligible": float(eligible.sum()), "enrolled": float(takers.size),
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
            s.nucleus[idx] = xp.asarray(nuclei)
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
            s.nucleus[idx] = -1
        elif iv.kind == "sentra":
            s.upgrade_factor[idx] = 1
