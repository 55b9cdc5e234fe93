"""The seed catalogue of programs (``catalogue.toml``): today's KUR and the historical credit schemes
the paper names, each with its type, Kuncoro aspect, Ohno step, agency, dates, rule and source."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lumbung.eligibility.rules import parse
from lumbung.errors import UserError
from lumbung.i18n import _

CATALOGUE = Path(__file__).resolve().parent / "catalogue.toml"

#: Program types (issue 12 point 4): (id, Indonesian, English).
TYPES = (
    ("credit", "kredit", "credit"),
    ("training", "pelatihan", "training"),
    ("equipment", "peralatan", "equipment"),
    ("partnership", "kemitraan", "partnership"),
    ("sentra", "infrastruktur sentra", "sentra infrastructure"),
    ("marketing", "pemasaran", "marketing"),
    ("social_protection", "perlindungan sosial", "social protection"),
    ("tariff", "tarif", "tariff"),
)
#: Kuncoro's (2000) five empowerment aspects, as the paper lists them (p. 10; DOMAIN.md section 8).
ASPECTS = (
    ("managerial", "aspek manajerial", "managerial"),
    ("capital", "aspek permodalan", "capital"),
    ("partnership", "kemitraan dengan usaha besar", "partnership with large firms"),
    ("centres", "sentra industri kecil", "industrial centres"),
    ("guidance", "pembinaan lewat KUB dan KOPINKRA", "guidance through KUB and KOPINKRA"),
)
#: Ohno's (2004, p. 28) six steps, as the paper words them (p. 11; DOMAIN.md section 1).
OHNO_STEPS = (
    (1, "penajaman target dan visi IKM", "sharpen targets and vision"),
    (2, "perbaikan infrastruktur perangkat lunak dan keras", "soft and hard infrastructure"),
    (3, "pengaturan tarif yang menguntungkan IKM", "tariffs that favour IKM"),
    (4, "perlindungan sosial", "social protection"),
    (5, "langkah dukungan (support measures)", "support measures"),
    (6, "pendidikan dan pelatihan", "education and training"),
)
KEYS = {"slug", "name", "name_en", "type", "aspect", "ohno_step", "agency", "start_year", "end_year",
        "start_date", "end_date", "budget", "max_amount", "historical", "eligibility", "source", "note"}


def name_of(table, key, lang: str = "id") -> str:
    for row in table:
        if row[0] == key:
            return row[1] if lang == "id" else row[2]
    return str(key or "")


@dataclass(frozen=True)
class Entry:
    slug: str
    name: str
    name_en: str
    type: str
    aspect: str
    ohno_step: int | None
    agency: str
    start_year: int | None
    end_year: int | None
    start_date: dt.date | None
    end_date: dt.date | None
    budget: int | None
    max_amount: int | None
    historical: bool
    eligibility: str
    source: str
    note: str


def _entry(raw: dict, where: str) -> Entry:
    unknown = set(raw) - KEYS
    if unknown:
        raise UserError(_("{where}: unknown keys {keys}").format(where=where, keys=", ".join(sorted(unknown))))
    for key in ("slug", "name", "type", "aspect", "source"):
        if not raw.get(key):
            raise UserError(_("{where}: {key} is required").format(where=where, key=key))
    if raw["type"] not in {t[0] for t in TYPES}:
        raise UserError(_("{where}: unknown type {value!r}").format(where=where, value=raw["type"]))
    if raw["aspect"] not in {a[0] for a in ASPECTS}:
        raise UserError(_("{where}: unknown aspect {value!r}").format(where=where, value=raw["aspect"]))
    if raw.get("ohno_step") is not None and raw["ohno_step"] not in {s[0] for s in OHNO_STEPS}:
        raise UserError(_("{where}: unknown Ohno step {value!r}").format(where=where, value=raw["ohno_step"]))
    parse(raw.get("eligibility", ""))
    return Entry(raw["slug"], raw["name"], raw.get("name_en", ""), raw["type"], raw["aspect"], raw.get("ohno_step"),
                 raw.get("agency", ""), raw.get("start_year"), raw.get("end_year"), raw.get("start_date"),
                 raw.get("end_date"), raw.get("budget"), raw.get("max_amount"), bool(raw.get("historical", False)),
                 raw.get("eligibility", ""), " ".join(raw["source"].split()), " ".join(raw.get("note", "").split()))


@lru_cache(maxsize=4)
def load(path: Path | str = CATALOGUE) -> tuple[Entry, ...]:
    """The entries of a catalogue file, checked (rules parsed, types and aspects known)."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise UserError(_("{name}: cannot read the file ({error})").format(name=path.name, error=error.strerror)) from error
    except tomllib.TOMLDecodeError as error:
        raise UserError(_("{name}: not a TOML catalogue ({error})").format(name=path.name, error=error)) from error
    programs = data.get("program")
    if not isinstance(programs, list) or not programs or not all(isinstance(p, dict) for p in programs):
        raise UserError(_("{name}: the catalogue has no [[program]] entries").format(name=path.name))
    entries = tuple(_entry(raw, f"{path.name}: program {i + 1}") for i, raw in enumerate(programs))
    slugs = [e.slug for e in entries]
    if len(set(slugs)) != len(slugs):
        raise UserError(_("{name}: a program slug appears twice").format(name=path.name))
    return entries
