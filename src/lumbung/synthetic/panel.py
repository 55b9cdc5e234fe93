"""Who exists in which year, and how many workers: the firm panel behind the population.

Year 0 draws ``firms`` enterprises: size class from BPS shares (IMK micro and small by province,
IBS medium and large), province inside the class, workers inside the class (truncated geometric
for micro and small, reproducing BPS workers per firm by province; truncated Pareto for medium
and large). Each later year: exits (by class), a few class moves up and down, workers change
inside the class, and entrants (mostly micro) arrive. All draws are vectorised over firms; only
the years are looped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lumbung.synthetic import calibration as cal
from lumbung.synthetic.calibration import LARGE, MEDIUM, MICRO, SMALL


@dataclass
class Firms:
    """Static attributes of every firm that ever lives (initial firms, then entrants)."""

    province: np.ndarray  # index into calibration.provinces().codes
    birth_class: np.ndarray
    birth_workers: np.ndarray
    entry_year: np.ndarray  # 0-based year index; 0 for the initial population

    def __len__(self) -> int:
        return len(self.province)


@dataclass
class YearState:
    firm: np.ndarray  # ids of firms alive this year (ascending)
    workers: np.ndarray
    size_class: np.ndarray


@dataclass
class Panel:
    firms: Firms
    years: list[YearState] = field(default_factory=list)


def draw_classes(rng: np.random.Generator, n: int, shares: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.cumsum(shares), rng.random(n), side="right").clip(0, len(shares) - 1).astype(np.int8)


def draw_provinces(rng: np.random.Generator, size_class: np.ndarray) -> np.ndarray:
    """Province by class: BPS IMK 2025 firm counts for micro and small; the small-firm
    distribution stands in for medium and large (no province table for IBS in the sources)."""
    firms = cal.provinces().firms
    cdf_micro = np.cumsum(firms[:, 0]) / firms[:, 0].sum()
    cdf_small = np.cumsum(firms[:, 1]) / firms[:, 1].sum()
    u = rng.random(len(size_class))
    province = np.where(
        size_class == MICRO,
        np.searchsorted(cdf_micro, u, side="right"),
        np.searchsorted(cdf_small, u, side="right"),
    )
    return province.clip(0, len(cdf_micro) - 1).astype(np.int16)


def draw_workers(rng: np.random.Generator, size_class: np.ndarray, province: np.ndarray) -> np.ndarray:
    """Workers inside each firm's class (see module docstring)."""
    n = len(size_class)
    u = rng.random(n)
    workers = np.zeros(n, dtype=np.int64)
    cdf_micro, cdf_small = cal.worker_cdfs()
    for klass, cdfs, low in ((MICRO, cdf_micro, 1), (SMALL, cdf_small, 5)):
        sel = size_class == klass
        # inverse CDF per row: count how many CDF steps u exceeds in the firm's province
        workers[sel] = low + (u[sel, None] > cdfs[province[sel]]).sum(axis=1)
    low, high = cal.class_bounds()
    for klass, alpha in zip((MEDIUM, LARGE), cal.pareto_alphas(), strict=True):
        sel = size_class == klass
        workers[sel] = truncated_pareto(u[sel], alpha, low[klass], high[klass] + 1)
    return workers


def truncated_pareto(u: np.ndarray, alpha: float, low: float, high: float) -> np.ndarray:
    """Inverse CDF of a Pareto(alpha) truncated to [low, high), floored to whole workers."""
    tail = 1 - (low / high) ** alpha
    x = low * (1 - u * tail) ** (-1 / alpha)
    return np.floor(x).astype(np.int64).clip(int(low), int(high) - 1)


def initial(rng: np.random.Generator, n: int) -> Panel:
    size_class = draw_classes(rng, n, cal.class_shares())
    province = draw_provinces(rng, size_class)
    workers = draw_workers(rng, size_class, province)
    firms = Firms(province, size_class.copy(), workers.copy(), np.zeros(n, dtype=np.int16))
    return Panel(firms, [YearState(np.arange(n, dtype=np.int64), workers, size_class)])


def step(rng: np.random.Generator, panel: Panel, year_index: int) -> None:
    """Advance the panel by one year: exits, class moves, workers, entrants."""
    dyn = cal.raw()["dynamics"]
    prev = panel.years[-1]
    exit_rate = np.array(dyn["exit_rate"])[prev.size_class]
    survive = rng.random(len(prev.firm)) >= exit_rate
    firm, workers, size_class = prev.firm[survive], prev.workers[survive], prev.size_class[survive]
    province = panel.firms.province[firm]

    size_class, moved = move_classes(rng, size_class, dyn)
    workers = evolve_workers(rng, workers, size_class, province, moved, dyn)

    n_entry = int(round(dyn["entry_rate"] * len(prev.firm)))
    new_class = draw_classes(rng, n_entry, np.array(dyn["entrant_class"], dtype=np.float64))
    new_province = draw_provinces(rng, new_class)
    new_workers = draw_workers(rng, new_class, new_province)
    start = len(panel.firms)
    new_ids = np.arange(start, start + n_entry, dtype=np.int64)
    f = panel.firms
    panel.firms = Firms(
        np.concatenate([f.province, new_province]),
        np.concatenate([f.birth_class, new_class]),
        np.concatenate([f.birth_workers, new_workers]),
        np.concatenate([f.entry_year, np.full(n_entry, year_index, dtype=np.int16)]),
    )
    panel.years.append(
        YearState(
            np.concatenate([firm, new_ids]),
            np.concatenate([workers, new_workers]),
            np.concatenate([size_class, new_class]),
        )
    )


def move_classes(rng: np.random.Generator, size_class: np.ndarray, dyn: dict) -> tuple[np.ndarray, np.ndarray]:
    """A few firms move up a class, fewer down (rates by class in calibration.toml [dynamics])."""
    u = rng.random(len(size_class))
    up = u < np.array(dyn["up_rate"])[size_class]
    down = ~up & (u > 1 - np.array(dyn["down_rate"])[size_class])
    new = size_class + up.astype(np.int8) - down.astype(np.int8)
    return new.clip(MICRO, LARGE).astype(np.int8), up | down


def evolve_workers(
    rng: np.random.Generator,
    workers: np.ndarray,
    size_class: np.ndarray,
    province: np.ndarray,
    moved: np.ndarray,
    dyn: dict,
) -> np.ndarray:
    """Firms that changed class draw a size in their new class. Micro and small firms otherwise
    redraw from their class distribution now and then (keeping the BPS workers-per-firm mean
    stationary); medium and large firms follow a random walk in logs inside their class."""
    fresh = draw_workers(rng, size_class, province)
    redraw = moved | ((size_class <= SMALL) & (rng.random(len(workers)) < 0.3))
    low, high = cal.class_bounds()
    walk = np.rint(workers * np.exp(dyn["workers_sigma"] * rng.standard_normal(len(workers))))
    walk = walk.clip(low[size_class], high[size_class]).astype(np.int64)
    walk = np.where(size_class <= SMALL, workers, walk)
    return np.where(redraw, fresh, walk)


def simulate(rng: np.random.Generator, firms: int, years: int) -> Panel:
    panel = initial(rng, firms)
    for year_index in range(1, years):
        step(rng, panel, year_index)
    return panel
