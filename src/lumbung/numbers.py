"""Numbers as a reader of each language writes them: the one formatting module of Lumbung (the
portal's pages, charts and downloads through :mod:`lumbung.portal.numbers`, the policy lab's report).
Pure Python: no Django, so the domain packages use it too.

Bahasa Indonesia (PUEBI; BPS publications): ``.`` groups thousands and ``,`` marks decimals
(1.234.567,8), money in short scale words (Rp1,2 miliar = 1.2 billion rupiah: ribu, juta,
miliar, triliun). English: 1,234,567.8 and Rp1.2 billion. Charts get the same conventions through
:data:`D3_LOCALES` (d3-format locale objects handed to vega-embed).
"""

from __future__ import annotations

import math

#: (factor, Indonesian word, English word) for short money amounts.
SCALES = ((1e12, "triliun", "trillion"), (1e9, "miliar", "billion"), (1e6, "juta", "million"))
#: d3-format locales for vega-embed's ``formatLocale`` (Vega-Lite charts).
D3_LOCALES = {
    "id": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["Rp", ""]},
}


def _lang(lang: str | None) -> str:
    return "en" if (lang or "id").startswith("en") else "id"


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value, decimals: int = 0, lang: str | None = "id") -> str:
    """``1234567.8`` -> ``1.234.567,8`` (id) or ``1,234,567.8`` (en); missing -> ``""``."""
    if missing(value):
        return ""
    text = f"{float(value):,.{max(decimals, 0)}f}"
    if _lang(lang) == "id":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def rupiah(value, lang: str | None = "id") -> str:
    """Short money: ``Rp1,2 miliar`` / ``Rp1.2 billion``; below a million in full (``Rp950.000``)."""
    if missing(value):
        return ""
    sign = "-" if value < 0 else ""
    amount = abs(float(value))
    for factor, word_id, word_en in SCALES:
        if amount >= factor:
            word = word_id if _lang(lang) == "id" else word_en
            return f"{sign}Rp{number(amount / factor, 1, lang)} {word}"
    return f"{sign}Rp{number(amount, 0, lang)}"


def percent(value, decimals: int = 1, lang: str | None = "id") -> str:
    if missing(value):
        return ""
    return f"{number(value, decimals, lang)}%"


def significant(value, digits: int = 3, lang: str | None = "id") -> str:
    """A number with ``digits`` significant digits, for small model quantities (shares, ratios):
    ``0.1234`` -> ``0,123`` (id) or ``0.123`` (en), trailing zeros dropped; a whole number or one
    of 10 or more is shown without decimals (``12.345,6`` -> ``12.346``)."""
    if missing(value):
        return ""
    amount = float(value)
    if amount == 0 or amount.is_integer() or abs(amount) >= 10:
        return number(amount, 0, lang)
    decimals = max(digits - 1 - math.floor(math.log10(abs(amount))), 0)
    return number(amount, decimals, lang).rstrip("0").rstrip(",.") if decimals else number(amount, 0, lang)


def by_unit(value, unit: str, decimals: int = 0, lang: str | None = "id") -> str:
    """A catalogue value as its unit reads: percent, rupiah, or a plain number."""
    if unit == "percent":
        return percent(value, decimals, lang)
    if unit in ("rupiah", "rupiah per worker"):
        return rupiah(value, lang)
    return number(value, decimals, lang)
