"""KBLI 2020 (Klasifikasi Baku Lapangan Usaha Indonesia, Peraturan BPS No. 2 Tahun 2020) as
Lumbung's own table: sections A-U, divisions, groups, classes and subclasses.

The table ``kbli2020.tsv`` is built by ``scripts/build_kbli_table.py`` (see docs/reference-data.md).
It is loaded once, on first use, into dictionaries; every lookup is a dict access.

Codes are strings: ``"C"`` (section), ``"10"`` (division), ``"107"`` (group), ``"1079"``
(class), ``"10792"`` (subclass). Leading zeros matter (``"01111"``), so integers are refused.
A malformed code raises ``ValueError``; a well-formed code that is not in the table gives
``None`` (or ``False`` from the predicates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

KBLI_VERSION = 2020
LEVELS = ("section", "division", "group", "class", "subclass")
_CODE = re.compile(r"[A-U]|[0-9]{2,5}")


@dataclass(frozen=True, slots=True)
class Sector:
    """One row of the KBLI table."""

    code: str
    level: str
    section: str
    parent: str | None
    title_id: str
    title_en: str | None

    def title(self, lang: str = "id") -> str:
        """Title in ``lang``; below divisions KBLI has Indonesian titles only, which are returned."""
        if lang == "en" and self.title_en:
            return self.title_en
        return self.title_id


@lru_cache(maxsize=1)
def _table() -> dict[str, Sector]:
    text = resources.files("lumbung.sectors").joinpath("kbli2020.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    header = lines[0].split("\t")
    table: dict[str, Sector] = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t"), strict=False))
        table[row["code"]] = Sector(
            code=row["code"],
            level=row["level"],
            section=row["section"],
            parent=row["parent"] or None,
            title_id=row["title_id"],
            title_en=row.get("title_en") or None,
        )
    return table


def normalize_code(code: object) -> str:
    """``" 10792 "`` -> ``"10792"``; ``"c"`` -> ``"C"``. Raises ValueError when malformed."""
    if not isinstance(code, str):
        raise ValueError(f"KBLI code must be a string (leading zeros matter), got {code!r}")
    cleaned = code.strip().upper()
    if not _CODE.fullmatch(cleaned):
        raise ValueError(
            f"malformed KBLI code {code!r}: expected a section letter A-U or 2 to 5 digits"
        )
    return cleaned


def get(code: object) -> Sector | None:
    """The table row of ``code``, or None when the code is well formed but not in KBLI 2020."""
    return _table().get(normalize_code(code))


def exists(code: object) -> bool:
    """Whether ``code`` is in the table; False for malformed codes too (a predicate)."""
    try:
        return get(code) is not None
    except ValueError:
        return False


def is_subclass(code: object) -> bool:
    """Whether ``code`` is an existing 5-digit KBLI 2020 subclass (what an enterprise records)."""
    try:
        row = get(code)
    except ValueError:
        return False
    return row is not None and row.level == "subclass"


def level(code: object) -> str | None:
    row = get(code)
    return row.level if row else None


def section_of(code: object) -> str | None:
    """Section letter of an existing code: ``"10792"`` -> ``"C"``."""
    row = get(code)
    return row.section if row else None


def division_of(code: object) -> str | None:
    """Division (2 digits) of an existing code below section level: ``"10792"`` -> ``"10"``."""
    row = get(code)
    if row is None or row.level == "section":
        return None
    return row.code[:2]


def parent_of(code: object) -> str | None:
    row = get(code)
    return row.parent if row else None


def title(code: object, lang: str = "id") -> str | None:
    """Title of ``code`` in ``lang`` ("id" or "en"; English exists for sections and divisions,
    the Indonesian title is returned below them). None when the code is not in the table."""
    row = get(code)
    return row.title(lang) if row else None


def entries(level: str | None = None) -> list[Sector]:
    """All rows in code order (sections first), optionally of one level."""
    if level is not None and level not in LEVELS:
        raise ValueError(f"unknown KBLI level {level!r}; expected one of {', '.join(LEVELS)}")
    return [row for row in _table().values() if level is None or row.level == level]


def sections() -> list[Sector]:
    """The 21 sections A-U."""
    return entries("section")


def divisions(section: str | None = None) -> list[Sector]:
    """The divisions, optionally of one section (``divisions("C")`` = 10-33)."""
    rows = entries("division")
    if section is None:
        return rows
    letter = normalize_code(section)
    return [row for row in rows if row.section == letter]


def subclasses(prefix: str = "") -> list[Sector]:
    """The 5-digit subclasses whose code starts with ``prefix`` (a division, group or class
    code, e.g. ``subclasses("10")``); all 1,790 without a prefix."""
    start = normalize_code(prefix) if prefix else ""
    if start and not start.isdigit():
        raise ValueError(f"subclasses() takes a numeric prefix (division, group or class), got {prefix!r}")
    return [row for row in entries("subclass") if row.code.startswith(start)]


def children(code: object) -> list[Sector]:
    """Rows directly below ``code`` in the hierarchy."""
    parent = normalize_code(code)
    return [row for row in _table().values() if row.parent == parent]


__all__ = [
    "KBLI_VERSION", "LEVELS", "Sector", "children", "division_of", "divisions", "entries",
    "exists", "get", "is_subclass", "level", "normalize_code", "parent_of", "section_of",
    "sections", "subclasses", "title",
]
