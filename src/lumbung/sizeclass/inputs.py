"""The inputs a size-class regime may read, and how their values are checked.

Money is whole rupiah; net assets, business capital and investment exclude land and buildings
of the premises, as every regulation here words them. A missing value (None or NaN) stays
missing: it is never read as zero.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from decimal import Decimal

import numpy as np


@dataclass(frozen=True)
class InputField:
    name: str
    kind: str  # "count" | "money" | "flag"
    label_id: str
    label_en: str

    def label(self, lang: str = "en") -> str:
        return self.label_id if lang == "id" else self.label_en


FIELDS: dict[str, InputField] = {
    field.name: field
    for field in (
        InputField("workers", "count", "tenaga kerja", "workers (persons engaged)"),
        InputField("sales", "money", "hasil penjualan tahunan", "annual sales"),
        InputField("net_assets", "money", "kekayaan bersih", "net assets"),
        InputField("business_capital", "money", "modal usaha", "business capital"),
        InputField("investment", "money", "nilai investasi", "investment"),
        InputField("indonesian_owned", "flag", "milik WNI", "Indonesian-owned"),
        InputField("independent", "flag", "berdiri sendiri", "independent"),
    )
}


def is_missing(value: object) -> bool:
    """None, NaN (float, numpy, Decimal) and pandas' NA are missing."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, numbers.Integral):
        return math.isnan(float(value))
    return False


def check_value(field: str, value: object) -> float | bool | None:
    """The value as a number (or bool for flags), None when missing; ValueError when invalid."""
    kind = FIELDS[field].kind
    if is_missing(value):
        return None
    if kind == "flag":
        return _check_flag(field, value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, Decimal)):
        raise ValueError(f"{field} must be a number, got {value!r}")
    number = float(value)
    if math.isinf(number):
        raise ValueError(f"{field} must be finite, got {value!r}")
    if kind == "count":
        # Persons engaged include the owner, so a working business has at least one.
        if number < 1 or number != int(number):
            raise ValueError(f"{field} must be a whole number of at least 1, got {value!r}")
    elif number < 0:
        raise ValueError(f"{field} must not be negative, got {value!r}")
    return number


def _check_flag(field: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Real) and float(value) in (0.0, 1.0):
        return bool(value)
    if isinstance(value, np.bool_):
        return bool(value)
    raise ValueError(f"{field} must be true or false (1.0/0.0), got {value!r}")


_RP_PREFIX = re.compile(r"^rp\.?\s*", re.IGNORECASE)
_DOTTED_THOUSANDS = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")
_SCIENTIFIC = re.compile(r"[0-9]+(\.[0-9]+)?[eE]\+?[0-9]+")


def parse_rupiah(text: str) -> int:
    """Whole rupiah from text: ``"1000000"``, ``"1.000.000"`` (Indonesian thousands dots),
    ``"Rp1.000.000"``, ``"Rp 1.000.000"`` or ``"1e9"`` / ``"2.5e9"``. Commas and decimals are
    refused: ``"1,5"`` and ``"1.5"`` are ambiguous between languages and not whole rupiah.
    Raises ValueError with the accepted forms."""
    cleaned = _RP_PREFIX.sub("", text.strip()).replace(" ", "")
    if cleaned.startswith("-"):
        raise ValueError(f"{text!r} is negative; rupiah values must be 0 or more")
    if cleaned.isdigit():
        return int(cleaned)
    if _DOTTED_THOUSANDS.fullmatch(cleaned):
        return int(cleaned.replace(".", ""))
    if _SCIENTIFIC.fullmatch(cleaned):
        number = Decimal(cleaned)
        if number != number.to_integral_value():
            raise ValueError(f"{text!r} is not a whole number of rupiah")
        return int(number)
    raise ValueError(
        f"{text!r} is not a rupiah amount; write it as 1500000, 1.500.000, Rp1.500.000 or 1.5e6"
    )
