"""The first page's figures: enterprises by province and size class, computed in the database.

Size class: BPS workers regime (BPS, cited by Kuncoro 2007: 1-4 persons engaged household/micro,
5-19 small, 20-99 medium, 100+ large) on each enterprise's latest annual report. The database
groups enterprises by (province, workers of the latest report) so only a few thousand distinct
pairs leave it, whatever the number of firms; those are then classified as arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lumbung import sizeclass

CLASSES = sizeclass.CLASSES  # micro, small, medium, large, unknown
REGIME = "bps-workers"


def label(size_class: str, lang: str) -> str:
    return sizeclass.label(size_class, lang=lang)


def classify_workers(workers: np.ndarray) -> np.ndarray:
    """BPS workers class of each value. Fewer than 1 person engaged is invalid data (the owner
    counts), shown as unknown rather than stopping the page."""
    workers = np.where(workers >= 1, workers, np.nan)
    return np.asarray(sizeclass.classify_many(REGIME, {"workers": workers}), dtype=object)


@dataclass
class Row:
    code: str
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASSES, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[int]:
        return [self.counts[c] for c in CLASSES]


@dataclass
class CountTable:
    rows: list[Row]
    totals: Row
    without_report: int


def _grouped(queryset):
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Substr

    from lumbung.registry.models import AnnualReport

    latest = AnnualReport.objects.filter(enterprise=OuterRef("pk")).order_by("-year")
    return (queryset.annotate(province=Substr("region_code", 1, 2),
                              latest_workers=Subquery(latest.values("workers")[:1]))
            .values("province", "latest_workers")
            .annotate(firms=Count("pk"))
            .order_by())


def _without_report(queryset) -> int:
    from lumbung.registry.models import AnnualReport

    return queryset.exclude(pk__in=AnnualReport.objects.values("enterprise_id")).count()


def _province_name(code: str) -> str:
    from lumbung import geography

    try:
        return geography.name(code) or code
    except ValueError:
        return code


def counts_by_province_and_class(queryset=None) -> CountTable:
    from lumbung.registry.models import Enterprise

    queryset = Enterprise.objects.all() if queryset is None else queryset
    groups = list(_grouped(queryset))
    workers = np.array([np.nan if g["latest_workers"] is None else g["latest_workers"] for g in groups], dtype=float)
    classes = classify_workers(workers)
    rows: dict[str, Row] = {}
    totals = Row("", "")
    for group, size_class in zip(groups, classes):
        code = group["province"]
        row = rows.setdefault(code, Row(code, _province_name(code)))
        row.counts[size_class] += group["firms"]
        totals.counts[size_class] += group["firms"]
    return CountTable(sorted(rows.values(), key=lambda r: r.code), totals, _without_report(queryset))
