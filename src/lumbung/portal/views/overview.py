"""The overview (national) and a province's page: the same sections, and a province's regencies."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from lumbung import geography
from lumbung.portal import figures
from lumbung.portal import overview as O
from lumbung.portal.views.common import chosen_year, no_data, public


@public
def home(request):
    years = figures.years()
    year = chosen_year(request, years)
    if year is None:
        return no_data(request, _("Overview"))
    context = {"year": year, "years": years, "sections": O.sections(year, years),
               "coverage": O.coverage(year), "scope": _("Indonesia")}
    return render(request, "portal/overview.html", context)


@public
def province(request, code: str):
    if len(code) != 2 or not geography.exists(code):
        raise Http404(_("No such province."))
    years = figures.years()
    year = chosen_year(request, years)
    if year is None:
        return no_data(request, geography.name(code))
    where = {"province": [code]}
    sections = O.sections(year, years, where)
    sections.insert(0, O.regencies(year, code))
    context = {"year": year, "years": years, "sections": sections, "coverage": None,
               "scope": geography.name(code), "province": code}
    return render(request, "portal/overview.html", context)
