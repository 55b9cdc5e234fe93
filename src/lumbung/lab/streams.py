"""Random streams: one per purpose, quarter and firm slot, so that runs share their draws.

Each purpose (productivity shocks, exit, entry, program take-up) has its own stream, derived from
(seed, quarter, purpose, sub) by NumPy's SeedSequence and drawn for every firm slot. Two
scenarios run with the same seed therefore share their draws (common random numbers), and a run
is a pure function of scenario, population and seed (docs/lab.md, "Randomness").
"""

from __future__ import annotations

import numpy as np

#: Stream purposes (SeedSequence spawn keys).
PRODUCTIVITY, EXIT, ENTRY, PROGRAM = 1, 2, 3, 100
#: ``sub`` of the entry stream of quarter 0 that draws the starting firms' KUR access.
KUR_ACCESS = 99


def stream(seed: int, period: int, purpose: int, sub: int = 0) -> np.random.Generator:
    """The PCG64 generator of (seed, quarter ``period``, ``purpose``, ``sub``)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(period, purpose, sub))))
