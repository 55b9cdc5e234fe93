"""Stylised fact 5, tariff-cut: exits rise in import-competing sectors (the domestic market
flooded by imports, Setiawan 2003, DIMENSIA 2011); cutting input tariffs raises the
productivity of firms that import inputs more than that of others (Amiti & Konings 2007, AER:
a 10 percentage point fall in input tariffs raised importers' productivity by about 12%).

Both runs share every random draw (same seed), so differences are the tariff cut's.
Set-up: 20,000 synthetic firms x 10 years x 3 seeds (1, 2, 3), pooled."""

from __future__ import annotations

import numpy as np
from lab_pairs import paired_runs

from lumbung.lab import scenarios

FIRMS, YEARS, SEEDS = 20_000, 10, (1, 2, 3)
CUT = scenarios.load("tariff-cut")
COMPETING = next(s.divisions for s in CUT.shocks if s.kind == "output_tariff")


def _runs():
    return paired_runs("tariff-cut", FIRMS, YEARS, SEEDS)


def _exits(result, competing: bool) -> float:
    s = result.summary
    m = np.isin(s["kbli_division"], COMPETING) == competing
    return float(s["exits"][m].sum())


def test_exits_rise_in_import_competing_sectors():
    """Tolerance (pooled): exits in import-competing divisions at least 3% above the baseline's;
    elsewhere within 2% of it."""
    competing = sum(_exits(c, True) for _, c in _runs()) / sum(_exits(b, True) for b, _ in _runs())
    other = sum(_exits(c, False) for _, c in _runs()) / sum(_exits(b, False) for b, _ in _runs())
    assert competing >= 1.03, competing
    assert abs(other - 1) <= 0.02, other


def test_input_tariff_cut_raises_importers_productivity_more():
    """Tolerance (pooled, surviving firms, log TFP in the last quarter against the baseline):
    importers gain 3-10%; firms importing 30% or more of inputs gain 9.6% +- 1 point (1.2 log
    points per unit tariff x the 8-point cut, Amiti & Konings 2007); non-importers under 0.5%."""
    gain, share = [], []
    for b, c in _runs():
        both = b.firms["alive_end"] & c.firms["alive_end"]
        gain.append((c.firms["log_tfp_end"] - b.firms["log_tfp_end"])[both])
        share.append(c.firms["import_share"][both])
    gain, share = np.concatenate(gain), np.concatenate(share)
    importers = share > 0
    assert importers.sum() > 300
    assert 0.03 <= gain[importers].mean() <= 0.10, gain[importers].mean()
    assert abs(gain[share >= 0.3].mean() - 1.2 * 0.08) < 0.01
    assert abs(gain[~importers].mean()) < 0.005
