"""Reference pages: regions (province -> village), KBLI 2020 (section -> subclass), the size-class
regimes with their legal sources and thresholds, and the "classify a business" form."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from lumbung import geography, sectors
from lumbung.portal import classify as K
from lumbung.portal import labels
from lumbung.portal.views.common import public


@public
def regions(request, code: str | None = None):
    try:
        known = code is None or geography.exists(code)
    except ValueError:
        known = False
    if not known:
        raise Http404(_("No such region."))
    trail = [(c, geography.name(c)) for c in geography.parent_codes(code)] if code else []
    context = {"code": code, "name": geography.name(code) if code else _("Indonesia"), "trail": trail,
               "children": geography.children(code), "level": geography.level(code) if code else 0}
    return render(request, "portal/regions.html", context)


@public
def kbli(request, code: str | None = None):
    lang = labels.lang()
    try:
        entry = sectors.get(code) if code else None
    except ValueError:
        entry = None
    if code is not None and entry is None:
        raise Http404(_("No such KBLI code."))
    children = sectors.children(code) if code else sectors.sections()
    trail = []
    parent = entry
    while parent is not None:
        trail.insert(0, (parent.code, parent.title(lang)))
        parent = sectors.get(parent.parent) if parent.parent else None
    context = {"entry": entry, "title": entry.title(lang) if entry else _("KBLI 2020"), "trail": trail,
               "children": [(c.code, c.title(lang), c.level) for c in children]}
    return render(request, "portal/kbli.html", context)


@public
def size_classes(request):
    return render(request, "portal/size_classes.html", {"regimes": K.regime_pages(labels.lang())})


@public
def classify(request):
    form = K.ClassifyForm(request.GET or None)
    results = K.explain_all(form.report(), labels.lang()) if request.GET and form.is_valid() else []
    return render(request, "portal/classify.html", {"form": form, "results": results})
