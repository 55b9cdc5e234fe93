"""Filter sets of the registry endpoints (query parameters of /api/enterprises/ and /api/reports/)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lumbung.registry.access import region_filter
from lumbung.registry.models import AnnualReport, Enterprise


def _region(queryset, name, value):
    prefix = "enterprise__" if queryset.model is AnnualReport else ""
    q = region_filter([value])
    if prefix:
        q = Q(**{f"{prefix}region_code": value}) | Q(**{f"{prefix}region_code__startswith": value + "."})
    return queryset.filter(q)


class EnterpriseFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(method=_region, label=_("Region code at any level (and below it)"))
    kbli = django_filters.CharFilter(field_name="kbli", lookup_expr="startswith", label=_("KBLI code or its prefix"))
    q = django_filters.CharFilter(method="search", label=_("Name or NIB contains"))

    class Meta:
        model = Enterprise
        fields = ["source", "source_id", "nib", "legal_status", "reported_scale"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(nib__startswith=value))


class ReportFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(method=_region, label=_("Region code of the enterprise (and below it)"))
    year_min = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_max = django_filters.NumberFilter(field_name="year", lookup_expr="lte")

    class Meta:
        model = AnnualReport
        fields = ["enterprise", "year"]
