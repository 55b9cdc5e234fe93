"""The overview (national) and a province's page: the same sections, and a province's regencies."""

from __future__ import annotations

from django.http import Http404
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from lumbung import geography
from lumbung.portal import figures, pagecache
from lumbung.portal import overview as O
from lumbung.portal.views.common import chosen_year, no_data, public


@public
def home(request):
    years = figures.years()
    year = chosen_year(request, years)
    if year is None:
        return no_data(request, _("Overview"))
    def body():
        context = {"year": year, "years": years, "sections": O.sections(year, years),
                   "coverage": O.coverage(year), "scope": _("Indonesia")}
        return render_to_string("portal/_overview_body.html", context, request)

    return _page(request, "overview", body, _("Overview"), None)


def _page(request, page: str, body, title: str, province: str | None):
    """The page around its body, the body rendered once per build version, parameters and language
    (lumbung.portal.pagecache)."""
    def context() -> dict:
        html = pagecache.cached(page, pagecache.params_of(request.GET), body)
        return {"body": mark_safe(html), "title": title, "province": province}  # rendered by body()

    return pagecache.page(request, page, "portal/overview.html", context)


@public
def province(request, code: str):
    if len(code) != 2 or not geography.exists(code):
        raise Http404(_("No such province."))
    years = figures.years()
    year = chosen_year(request, years)
    if year is None:
        return no_data(request, geography.name(code))
    def body():
        sections = [O.regencies(year, code), *O.sections(year, years, {"province": [code]})]
        context = {"year": year, "years": years, "sections": sections, "coverage": None,
                   "scope": geography.name(code), "province": code}
        return render_to_string("portal/_overview_body.html", context, request)

    return _page(request, f"province:{code}", body, geography.name(code), code)
