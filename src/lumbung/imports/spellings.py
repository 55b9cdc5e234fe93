"""What the importer accepts: column names (with their Indonesian aliases) and cell values.

The column list itself is :mod:`lumbung.vocabulary`; this module adds the spellings that
officers' spreadsheets use for yes/no, gender, legal status and scale, so that one table decides
what is accepted (the validator, the template's documentation sheet and docs/import.md use it).
"""

from __future__ import annotations

import re

from lumbung import rules
from lumbung import vocabulary as F

#: Yes/no words, lower case. "ya/tidak" is Indonesian; "y/n" and "t/f" are common short forms.
TRUE_WORDS = ("1", "true", "ya", "y", "yes", "t", "benar")
FALSE_WORDS = ("0", "false", "tidak", "n", "no", "f", "tdk", "salah")

#: Accepted spellings (lower case, spaces and dashes as underscores) -> stored code.
CHOICE_WORDS: dict[str, dict[str, str]] = {
    # P/L are the Indonesian initials: perempuan (female) / laki-laki (male).
    "owner_gender": {
        "f": "F", "female": "F", "p": "F", "perempuan": "F", "wanita": "F",
        "m": "M", "male": "M", "l": "M", "laki_laki": "M", "laki": "M", "pria": "M", "lk": "M", "pr": "F",
    },
    "legal_status": {
        "none": "none", "tidak_ada": "none", "tidak_berbadan_hukum": "none", "belum_ada": "none",
        "notary_deed": "notary_deed", "akta_notaris": "notary_deed", "akta": "notary_deed",
        "legal_entity": "legal_entity", "badan_hukum": "legal_entity", "berbadan_hukum": "legal_entity",
    },
    "legal_form": {**{form: form for form in F.LEGAL_FORMS},
                   "pt_perseorangan": "pt_perorangan", "perseorangan": "perorangan", "ud": "perorangan",
                   "usaha_dagang": "perorangan", "fa": "firma", "other": "lainnya"},
    "reported_scale": {
        "micro": "micro", "mikro": "micro", "small": "small", "kecil": "small",
        "medium": "medium", "menengah": "medium", "large": "large", "besar": "large",
    },
}

#: The bounds are the rules' (lumbung.rules), named here for the template sheet and the docs.
TEXT_LIMITS = rules.TEXT_LIMITS
MAX_WORKERS = rules.MAX_WORKERS
MAX_MONEY_DIGITS = rules.MAX_MONEY_DIGITS
FIRST_REPORT_YEAR = rules.FIRST_REPORT_YEAR
FIRST_FOUNDED_YEAR = rules.FIRST_FOUNDED_YEAR

_HEADER_NOISE = re.compile(r"[^a-z0-9]+")


def header_key(text: str) -> str:
    """"Nama Usaha" -> "nama_usaha": case, spaces and punctuation do not matter in headers."""
    return _HEADER_NOISE.sub("_", str(text).strip().lower().lstrip("\ufeff")).strip("_")


def header_index(fields: tuple[F.Field, ...] = F.TEMPLATE_FIELDS) -> dict[str, str]:
    """Every accepted header (name or alias, normalised) -> the template column name."""
    index: dict[str, str] = {}
    for field in fields:
        for spelling in (field.name, *field.aliases):
            index.setdefault(header_key(spelling), field.name)
    return index


def choice_key(value: str) -> str:
    return _HEADER_NOISE.sub("_", value.strip().lower()).strip("_")


def accepted_values(field: F.Field) -> str:
    """Plain words for the template sheet and the docs: what a cell of ``field`` may hold."""
    if field.kind == "bool":
        return "1/0, true/false, ya/tidak, y/n (also yes/no, t/f, benar/salah)"
    if field.kind == "choice":
        words = sorted(set(CHOICE_WORDS[field.name]) - set(field.choices), key=str)
        return ", ".join(field.choices) + " (also: " + ", ".join(w.replace("_", "-") for w in words) + ")"
    if field.kind == "money":
        return "whole rupiah, digits only, 0 or more"
    if field.kind == "year":
        first = FIRST_REPORT_YEAR if field.name == "year" else FIRST_FOUNDED_YEAR
        return f"4-digit year, {first} to this year"
    if field.name == "workers":
        return f"whole number, 1 to {MAX_WORKERS:,}"
    if field.kind == "int":
        return f"whole number, 0 to {MAX_WORKERS:,}, not more than workers"
    if field.name == "nib":
        return "13 digits (spaces, dots, dashes ignored)"
    if field.name == "owner_nik":
        return ("16 digits: a province code, a date of birth (day + 40 for women), a serial; "
                "a masked NIK (3204********0001) keeps the stored one")
    if field.name == "region_code":
        return "Kemendagri code, dotted or not: 32, 32.04 / 3204, 32.04.01, 32.04.01.2001"
    if field.name == "kbli":
        return "KBLI 2020 subclass, 5 digits"
    return "text"
