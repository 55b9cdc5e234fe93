"""Filter sets of the officers' workspace (NetBox's shape: one FilterSet per list). Every filter
runs in the database: region by code prefix, KBLI by prefix, the size class under a chosen regime
by :mod:`lumbung.registry.sizeclass_sql`, and search by name or NIB. The querysets they narrow
always start from ``visible_to(user)`` (the views')."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from lumbung.registry import quality, search
from lumbung.registry.access import region_filter
from lumbung.registry.models import AnnualReport, Enterprise
from lumbung.registry.sizeclass_sql import class_q
from lumbung.sizeclass import CLASSES, REGIME_IDS, get_regime, label

DEFAULT_REGIME = "pp-7-2021"  # in force since 2 February 2021 (docs/sizeclass.md); listed first
REGIME_CHOICES = [(r, get_regime(r).short) for r in sorted(REGIME_IDS, key=lambda r: r != DEFAULT_REGIME)]
CLASS_CHOICES = [(c, c) for c in CLASSES]
YES_NO = [("yes", _("yes")), ("no", _("no"))]
LEGAL_STATUSES = Enterprise._meta.get_field("legal_status").choices


def class_choices():
    return [(c, label(c, "id") + " / " + c) for c in CLASSES]


def _region(queryset, _name, value):
    value = value.strip().strip(".")
    via = "enterprise__" if queryset.model is AnnualReport else ""
    return queryset.filter(region_filter([value], via)) if value else queryset


def _search(queryset, _name, value):
    value = value.strip()
    if not value:
        return queryset
    via = "enterprise__" if queryset.model is AnnualReport else ""
    digits = value.replace(".", "").replace(" ", "")
    if digits.isdigit():
        return queryset.filter(search.nib_or_name_q(value, digits, via))
    return queryset.filter(search.name_q(value, via))


class WorkspaceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method=_search, label=_("Name or NIB"))
    region = django_filters.CharFilter(method=_region, label=_("Region code (any level)"))
    kbli = django_filters.CharFilter(method="filter_kbli", label=_("KBLI (code or its start)"))
    regime = django_filters.ChoiceFilter(choices=REGIME_CHOICES, method="no_filter", label=_("Regime"),
                                         empty_label=None)
    size_class = django_filters.ChoiceFilter(method="filter_size_class", label=_("Size class"))
    year = django_filters.NumberFilter(method="filter_year", label=_("Year"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["size_class"].extra["choices"] = class_choices()

    def no_filter(self, queryset, _name, _value):
        return queryset  # read by filter_size_class

    def regime_id(self) -> str:
        return (self.form.cleaned_data.get("regime") if self.form.is_valid() else None) or DEFAULT_REGIME

    def filter_kbli(self, queryset, _name, value):
        value = value.strip()
        via = "enterprise__" if queryset.model is AnnualReport else ""
        return queryset.filter(**{via + "kbli__prefix": value}) if value else queryset


class EnterpriseFilterSet(WorkspaceFilterSet):
    legal_status = django_filters.ChoiceFilter(choices=LEGAL_STATUSES, label=_("Legal status"))
    has_report = django_filters.ChoiceFilter(choices=YES_NO, method="filter_has_report",
                                             label=_("Has a report (in the year, if chosen)"))
    quality = django_filters.ChoiceFilter(choices=YES_NO, method="filter_quality",
                                          label=_("Has a data-quality violation"))

    class Meta:
        model = Enterprise
        fields = ["q", "region", "kbli", "legal_status", "year", "has_report", "regime", "size_class", "quality"]

    def _year(self):
        return self.form.cleaned_data.get("year") if self.form.is_valid() else None

    def _reports(self):
        reports = AnnualReport.objects.filter(enterprise=OuterRef("pk"))
        year = self._year()
        return reports.filter(year=year) if year is not None else reports

    def filter_year(self, queryset, _name, value):
        # a year alone: enterprises with a report that year (the class and has_report filters read it too)
        if self.form.cleaned_data.get("has_report") or self.form.cleaned_data.get("size_class"):
            return queryset
        return queryset.filter(Exists(self._reports()))

    def filter_has_report(self, queryset, _name, value):
        exists = Exists(self._reports())
        return queryset.filter(exists if value == "yes" else ~exists)

    def filter_size_class(self, queryset, _name, value):
        return queryset.filter(Exists(self._reports().filter(class_q(self.regime_id(), value))))

    def filter_quality(self, queryset, _name, value):
        flagged = quality.flagged_ids()
        return queryset.filter(pk__in=flagged) if value == "yes" else queryset.exclude(pk__in=flagged)


class ReportFilterSet(WorkspaceFilterSet):
    class Meta:
        model = AnnualReport
        fields = ["q", "region", "kbli", "year", "regime", "size_class"]

    def filter_year(self, queryset, _name, value):
        return queryset.filter(year=value)

    def filter_size_class(self, queryset, _name, value):
        return queryset.filter(class_q(self.regime_id(), value))



