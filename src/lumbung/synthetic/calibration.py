"""The calibration facts of the synthetic population, read from ``calibration.toml``.

The TOML file holds the published figures (BPS IMK 2025 by province, the informality shares of
Kuncoro 2007, ...) and the modelling assumptions, each with its source. This module turns them
into the arrays the generator draws from; derived parameters (the truncated-geometric
parameter that reproduces BPS workers per firm, the productivity of medium and large firms that
reproduces their share of value added) are solved here, so the chain from fact to draw is
visible in one place.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

MICRO, SMALL, MEDIUM, LARGE = 0, 1, 2, 3
CLASS_NAMES = ("micro", "small", "medium", "large")
MILLION = 1_000_000


@lru_cache(maxsize=1)
def raw() -> dict:
    """The TOML file as a dict (facts with their sources)."""
    text = resources.files("lumbung.synthetic").joinpath("calibration.toml").read_bytes()
    return tomllib.loads(text.decode("utf-8"))


@dataclass(frozen=True)
class Provinces:
    """BPS IMK 2025 province table as arrays, one entry per province (same order as ``codes``)."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    firms: np.ndarray  # shape (38, 2): micro, small
    workers: np.ndarray
    input: np.ndarray  # million rupiah
    output: np.ndarray
    value_added: np.ndarray
    labour_cost: np.ndarray
    internet_share: np.ndarray  # (38,)
    loan_share: np.ndarray  # (38,)


@lru_cache(maxsize=1)
def provinces() -> Provinces:
    table = raw()["bps_imk_2025"]
    columns = table["columns"]
    rows = table["rows"]

    def column(name: str) -> np.ndarray:
        i = columns.index(name)
        return np.array([row[i] for row in rows], dtype=np.float64)

    def pair(name: str) -> np.ndarray:
        return np.column_stack([column(f"{name}_micro"), column(f"{name}_small")])

    firms = pair("firms")
    internet_yes, internet_no = column("internet_yes"), column("internet_no")
    return Provinces(
        codes=tuple(row[0] for row in rows),
        names=tuple(row[1] for row in rows),
        firms=firms,
        workers=pair("workers"),
        input=pair("input"),
        output=pair("output"),
        value_added=pair("value_added"),
        labour_cost=pair("labour_cost"),
        internet_share=internet_yes / (internet_yes + internet_no),
        loan_share=column("firms_with_loans") / firms.sum(axis=1),
    )


def class_shares() -> np.ndarray:
    """Shares of micro, small, medium, large among all manufacturing firms (BPS IMK + IBS)."""
    ml = raw()["medium_large"]
    imk = provinces().firms.sum(axis=0)
    large = ml["ibs_firms"] * ml["large_share_of_ibs"]
    counts = np.array([imk[0], imk[1], ml["ibs_firms"] - large, large])
    return counts / counts.sum()


def division_shares() -> tuple[tuple[str, ...], np.ndarray]:
    divisions = raw()["kbli"]["divisions"]
    codes = tuple(divisions)
    shares = np.array([divisions[c] for c in codes], dtype=np.float64)
    return codes, shares / shares.sum()


# --- workers inside a class -------------------------------------------------------------------


def truncated_geometric_ratio(mean: float, low: int, high: int) -> float:
    """The ratio r of P(k) ~ r**(k - low), k = low..high, whose mean is ``mean`` (bisection).

    Used to give micro (1-4) and small (5-19) firms BPS's workers per firm in each province.
    """
    k = np.arange(low, high + 1, dtype=np.float64)
    target = min(max(mean, low + 1e-6), high - 1e-6)
    lo, hi = 1e-9, 1e3
    for _ in range(200):
        r = np.sqrt(lo * hi)
        weights = r ** (k - low)
        if (weights * k).sum() / weights.sum() < target:
            lo = r
        else:
            hi = r
    return float(np.sqrt(lo * hi))


def truncated_geometric_cdf(ratio: float, low: int, high: int) -> np.ndarray:
    k = np.arange(low, high + 1, dtype=np.float64)
    weights = ratio ** (k - low)
    return np.cumsum(weights) / weights.sum()


def pareto_mean(alpha: float, low: float, high: float) -> float:
    """Mean of a Pareto(alpha) truncated to [low, high] (continuous)."""
    ratio = low / high
    if abs(alpha - 1.0) < 1e-9:
        return low * np.log(high / low) / (1 - ratio)
    return alpha * low / (alpha - 1) * (1 - ratio ** (alpha - 1)) / (1 - ratio**alpha)


@lru_cache(maxsize=1)
def worker_cdfs() -> tuple[np.ndarray, np.ndarray]:
    """Per province, the CDF of workers for micro (1..4) and small (5..19) firms, matching BPS means."""
    p = provinces()
    mean = p.workers / p.firms
    micro = np.array([truncated_geometric_cdf(truncated_geometric_ratio(m, 1, 4), 1, 4) for m in mean[:, 0]])
    small = np.array([truncated_geometric_cdf(truncated_geometric_ratio(m, 5, 19), 5, 19) for m in mean[:, 1]])
    return micro, small


def pareto_alphas() -> tuple[float, float]:
    ml = raw()["medium_large"]
    return ml["pareto_alpha_medium"], ml["pareto_alpha_large"]


def class_bounds() -> tuple[np.ndarray, np.ndarray]:
    sc = raw()["size_classes"]
    return np.array(sc["min_workers"], dtype=np.int64), np.array(sc["max_workers"], dtype=np.int64)


def expected_workers_medium_large() -> tuple[float, float]:
    """Mean workers of medium and large firms under the truncated Pareto draws.

    The draw is floor(x) of a continuous Pareto; the floor lowers the mean by about 0.5.
    """
    low, high = class_bounds()
    a_medium, a_large = pareto_alphas()
    medium = pareto_mean(a_medium, low[MEDIUM], high[MEDIUM] + 1) - 0.5
    large = pareto_mean(a_large, low[LARGE], high[LARGE] + 1) - 0.5
    return medium, large


# --- productivity -------------------------------------------------------------------------------


def output_per_worker_micro_small() -> np.ndarray:
    """Output per worker (rupiah a year), provinces x (micro, small), from BPS IMK 2025."""
    p = provinces()
    return p.output * MILLION / p.workers


def input_share_micro_small() -> np.ndarray:
    p = provinces()
    return p.input / p.output


@lru_cache(maxsize=1)
def output_per_worker_medium_large() -> tuple[float, float]:
    """Output per worker of medium and large firms such that, in expectation, medium and large
    firms hold ``value_added_share`` (BPS IBS: > 85%) of all manufacturing value added."""
    ml = raw()["medium_large"]
    p = provinces()
    shares = class_shares()
    imk_value_added_per_firm = p.value_added.sum() * MILLION / p.firms.sum()
    imk_share = shares[MICRO] + shares[SMALL]
    target_share = ml["value_added_share"]
    # value added of medium+large per firm of the population, relative to micro+small
    needed = target_share / (1 - target_share) * imk_value_added_per_firm * imk_share
    w_medium, w_large = expected_workers_medium_large()
    factor = ml["large_to_medium_productivity"]
    va_medium = needed / (shares[MEDIUM] * w_medium + shares[LARGE] * w_large * factor)
    out_medium = va_medium / (1 - ml["input_share"])
    return out_medium, out_medium * factor


def wage_per_paid_worker_micro_small() -> np.ndarray:
    """Yearly wage per paid worker, provinces x (micro, small): BPS labour cost spread over the
    expected paid workers (the owner is unpaid; others paid with ``paid_probability``)."""
    p = provinces()
    mean = p.workers / p.firms
    paid = np.array(raw()["workforce"]["paid_probability"][:2])
    paid_per_firm = (mean - 1) * paid
    return p.labour_cost * MILLION / (p.firms * paid_per_firm)
