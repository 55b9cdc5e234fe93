"""Dimensions an indicator can be broken down by, each with an explicit unknown bucket.

A missing region, KBLI code, size class, scale, legal status or gender falls into the bucket
``unknown``, so the buckets of a count always add up to the total.
"""

from __future__ import annotations

from lumbung.i18n import _
from lumbung.indicators.schema import REGIME_IDS, size_column

UNKNOWN = "unknown"

#: dimension -> analytics column (``size_class`` is resolved under the chosen regime).
DIMENSIONS: dict[str, str] = {
    "year": "year",
    "province": "province",
    "regency": "regency",
    "district": "district",
    "kbli_section": "kbli_section",
    "kbli_division": "kbli_division",
    "size_class": "size_class",
    "reported_scale": "reported_scale",
    "legal_status": "legal_status",
    "owner_gender": "owner_gender",
}


class DimensionError(ValueError):
    pass


def check_regime(regime: str) -> str:
    if regime not in REGIME_IDS:
        raise DimensionError(_("unknown size-class regime {regime!r} (one of {ids})").format(
            regime=regime, ids=", ".join(REGIME_IDS)))
    return regime


def parse_by(by: str | list[str] | tuple[str, ...] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        by = [b.strip() for b in by.split(",") if b.strip()]
    unknown = [b for b in by if b not in DIMENSIONS]
    if unknown:
        raise DimensionError(_("unknown dimension {names} (one of {dims})").format(
            names=", ".join(unknown), dims=", ".join(DIMENSIONS)))
    return list(dict.fromkeys(by))


def column(dimension: str, regime: str) -> str:
    name = DIMENSIONS[dimension]
    return size_column(regime) if name == "size_class" else name


def sql(dimension: str, regime: str, alias: str = "") -> str:
    """The SQL expression of a dimension, with the unknown bucket (year is never missing)."""
    col = f"{alias}.{column(dimension, regime)}" if alias else column(dimension, regime)
    if dimension == "year":
        return col
    return f"COALESCE({col}, '{UNKNOWN}')"


def parse_where(items) -> dict[str, list[str]]:
    """``DIM=VALUE`` items (the CLI's ``--where``, the API's ``where``) as {dimension: [values]};
    an item without ``=`` is a :class:`DimensionError`."""
    where: dict[str, list[str]] = {}
    for item in items:
        if "=" not in item:
            raise DimensionError(_("where takes DIM=VALUE, got {item!r}").format(item=item))
        dim, value = (part.strip() for part in item.split("=", 1))
        where.setdefault(dim, []).append(value)
    return where
