"""The portal's number formats: those of :mod:`lumbung.numbers` (Django-free, shared with the
policy lab's report), under the names the portal's modules and templates use."""

from __future__ import annotations

from lumbung.numbers import D3_LOCALES, SCALES, by_unit, missing, number, percent, rupiah, significant

__all__ = ["D3_LOCALES", "SCALES", "by_unit", "missing", "number", "percent", "rupiah", "significant"]
