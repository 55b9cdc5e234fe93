"""Size classes of businesses under each legal regime (pure Python, no Django).

Each regime is a data file in ``regimes/`` (see docs/sizeclass.md): its legal source, the dates
it is in force, its rules and how its criteria combine. One generic engine interprets them::

    >>> from lumbung.sizeclass import classify, label
    >>> result = classify({"net_assets": 40_000_000, "sales": 1_000_000_000}, "uu-20-2008")
    >>> result.size_class, result.decided_by.criterion, label(result.size_class)
    ('small', 'sales', 'kecil')
"""

from __future__ import annotations

from lumbung.sizeclass.engine import UNKNOWN, Classification, Decision, Disagreement, classify
from lumbung.sizeclass.inputs import FIELDS, parse_rupiah
from lumbung.sizeclass.labels import label
from lumbung.sizeclass.regime import REGIME_IDS, SIZE_CLASSES, Regime, get_regime, regimes
from lumbung.sizeclass.vector import classify_many

CLASSES = (*SIZE_CLASSES, UNKNOWN)

__all__ = [
    "CLASSES", "Classification", "Decision", "Disagreement", "FIELDS", "REGIME_IDS",
    "SIZE_CLASSES", "UNKNOWN", "Regime", "classify", "classify_many", "get_regime", "label",
    "parse_rupiah", "regimes",
]
