"""Names of dimensions and of their values in the visitor's language (labels that are data come
from their packages: regions from lumbung.geography, KBLI titles from lumbung.sectors, size
classes from lumbung.sizeclass)."""

from __future__ import annotations

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lumbung import geography, sectors, sizeclass

UNKNOWN = "unknown"

DIMENSION_NAMES = {
    "year": gettext_lazy("Year"),
    "province": gettext_lazy("Province"),
    "regency": gettext_lazy("Regency/city"),
    "district": gettext_lazy("District"),
    "kbli_section": gettext_lazy("KBLI section"),
    "kbli_division": gettext_lazy("KBLI division"),
    "size_class": gettext_lazy("Size class"),
    "reported_scale": gettext_lazy("Reported scale"),
    "legal_status": gettext_lazy("Legal status"),
    "owner_gender": gettext_lazy("Owner gender"),
}
CHOICE_NAMES = {
    "legal_status": {"none": gettext_lazy("no deed"), "notary_deed": gettext_lazy("notary deed"),
                     "legal_entity": gettext_lazy("legal entity")},
    "owner_gender": {"F": gettext_lazy("women"), "M": gettext_lazy("men")},
}
#: Size classes from the top of the pyramid down (charts list large first).
SIZE_ORDER = ("micro", "small", "medium", "large", UNKNOWN)


def lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def dimension(name: str) -> str:
    return str(DIMENSION_NAMES.get(name, name))


def value(dim: str, code) -> str:
    """The name of one value of a dimension: a province's name, a KBLI title, a class name."""
    code = str(code)
    if code == UNKNOWN:
        return _("unknown")
    if dim in ("province", "regency", "district"):
        try:
            return geography.name(code) or code
        except ValueError:
            return code
    if dim in ("kbli_section", "kbli_division"):
        try:
            title = sectors.title(code, lang=lang())
        except ValueError:
            title = None
        return f"{code} {title}" if title else code
    if dim in ("size_class", "reported_scale"):
        try:
            return sizeclass.label(code, lang=lang())
        except ValueError:
            return code
    if dim in CHOICE_NAMES:
        return str(CHOICE_NAMES[dim].get(code, code))
    return code


def indicator_name(indicator) -> str:
    return indicator.name(lang())


def indicator_definition(indicator) -> str:
    return indicator.definition_id if lang() == "id" else indicator.definition_en


#: Catalogue units in Bahasa Indonesia (the catalogue writes them in English).
UNITS_ID = {"count": "usaha", "persons": "orang", "rupiah": "rupiah", "rupiah per worker": "rupiah per tenaga kerja",
            "percent": "persen", "years": "tahun"}


def unit(name: str) -> str:
    return UNITS_ID.get(name, name) if lang() == "id" else name
