"""Child process of the kill harness (test_analytics_kills.py): builds the analytics tables of a
deterministic in-memory registry at a given version, printing "ready" just before the build
starts, so that the harness's random kill times fall inside the build itself.

    python analytics_kill_child.py HOME SEED VERSION [full]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from lumbung.indicators import analytics, panel
from lumbung.indicators.source import MemorySource

YEARS = (2021, 2022, 2023, 2024)
REGIONS = ("32.04", "32.73", "33.01", "35.78", "11.01")
FIRMS = 3000


def registry(seed: int, version: int) -> MemorySource:
    """Version 0: FIRMS enterprises over four years. Each later version changes it the way
    imports do: new values (v1 and later), enterprises deleted and moved (v1), a year emptied (v2)."""
    rng = np.random.default_rng(seed)
    src = MemorySource()
    for eid in range(1, FIRMS + 1):
        region, workers = REGIONS[eid % len(REGIONS)], int(rng.integers(1, 150))
        for year in YEARS:
            if rng.random() < 0.85:
                src.put({"enterprise_id": eid, "year": year, "region_code": region, "kbli": "10110",
                         "workers": workers + year - 2021, "sales": workers * 10_000_000, "output": workers * 9_000_000,
                         "inputs": workers * 4_000_000})
    changes = np.random.default_rng(seed + 1)
    if version >= 1:
        for eid in changes.choice(np.arange(1, FIRMS + 1), 300, replace=False):
            if (int(eid), 2023) in src.rows:
                src.put({"enterprise_id": int(eid), "year": 2023, "workers": int(changes.integers(1, 500))})
        for eid in changes.choice(np.arange(1, FIRMS + 1), 60, replace=False):
            src.delete(int(eid))
        for eid in changes.choice(np.arange(1, FIRMS + 1), 60, replace=False):
            years = src.years_of.get(int(eid))
            if years:
                src.put({"enterprise_id": int(eid), "year": min(years), "region_code": "36.03"})
    if version >= 2:
        for eid in list(src.years_of):
            src.delete(eid, 2021)
    return src


def main() -> None:
    home, seed, version = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    full = len(sys.argv) > 4 and sys.argv[4] == "full"
    src = registry(seed, version)
    analytics.CHUNK_ROWS = 500     # many batches and files: many distinct points to be killed at
    panel.BATCH_ROWS = 500
    print("ready", flush=True)
    analytics.build(src, full=full, home=home)
    print("done", flush=True)


if __name__ == "__main__":
    main()
