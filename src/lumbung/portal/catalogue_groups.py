"""The catalogue's indicators in groups by what they measure (the catalogue's kinds): the order
of the explorer's chooser, the map's chooser and the catalogue page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lumbung.indicators.catalogue import catalogue

GROUPS = (
    ("totals", _("Counts and totals"), ("count", "sum")),
    ("shares", _("Shares"), ("share",)),
    ("ratios", _("Ratios and productivity"), ("ratio",)),
    ("rates", _("Rates (percent of enterprises)"), ("rate",)),
    ("dynamics", _("Entry, exit, graduation and growth"), ("entry", "exit", "graduation", "growth")),
)


def groups() -> list[tuple[str, str, list]]:
    """(slug, title, indicators) in catalogue order within each group."""
    indicators = list(catalogue().values())
    return [(slug, str(title), [i for i in indicators if i.kind in kinds]) for slug, title, kinds in GROUPS]


def group_of(indicator) -> str:
    return next(str(title) for _slug, title, kinds in GROUPS if indicator.kind in kinds)
