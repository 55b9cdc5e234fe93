"""The catalogue explained: every indicator's definition, parts and source, and its national values."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.indicators.catalogue import catalogue
from lumbung.indicators.dimensions import DIMENSIONS
from lumbung.indicators.engine import AnalyticsMissing
from lumbung.indicators.published import PUBLISHED_DIMENSIONS, PUBLISHED_KINDS
from lumbung.portal import catalogue_groups, charts, figures, labels, tables
from lumbung.portal.views.common import public

KIND_NAMES = {
    "count": gettext_lazy("count of enterprises"), "sum": gettext_lazy("sum over enterprises"), "ratio": gettext_lazy("ratio of two sums"),
    "rate": gettext_lazy("percent of enterprises where a condition holds"), "share": gettext_lazy("share of the query's total"),
    "entry": gettext_lazy("entry rate (panel)"), "exit": gettext_lazy("exit rate (panel)"), "graduation": gettext_lazy("graduation rate (panel)"),
    "growth": gettext_lazy("growth of continuing enterprises (panel)"),
}


@public
def catalogue_list(request):
    return render(request, "portal/catalogue_list.html", {"groups": catalogue_groups.groups()})


@public
def indicator_detail(request, ident: str):
    indicator = catalogue().get(ident)
    if indicator is None:
        raise Http404(_("No such indicator."))
    rows, chart = [], None
    try:
        years = figures.years()
        if years:
            fig = figures.figure("national", [indicator.id], ["year"], years=years)
            rows = tables.rows(fig)
            text = _("{name}, Indonesia, by year.").format(name=labels.indicator_name(indicator))
            chart = charts.lines(text, rows, fig.indicators) if len(rows) > 1 else None
    except AnalyticsMissing:
        rows = []
    published = indicator.kind in PUBLISHED_KINDS
    context = {"indicator": indicator, "rows": rows, "chart": chart, "fig_indicators": [indicator], "unit": labels.unit(indicator.unit), "kind_name": str(KIND_NAMES[indicator.kind]),
               "group": catalogue_groups.group_of(indicator), "suppressed": tables.any_suppressed(rows),
               "dimensions": [labels.dimension(d) for d in DIMENSIONS],
               "published_dimensions": [labels.dimension(d) for d in PUBLISHED_DIMENSIONS] if published else []}
    return render(request, "portal/indicator_detail.html", context)
