"""Pages of the analysts (``/analyst/``): the explorer without suppression inside their grants,
their saved and named views, and the record-level list where a grant allows it.

Signed-out visitors go to the login page; a signed-in user without any grant (and not an
administrator) gets 403 with one sentence saying so. Saved views belong to their user: another
user's view is a 404.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lumbung import rules
from lumbung.analysts import explorer as A
from lumbung.analysts.models import SavedView
from lumbung.indicators.dimensions import DIMENSIONS
from lumbung.indicators.engine import AnalyticsMissing
from lumbung.indicators.schema import REGIME_IDS
from lumbung.portal import catalogue_groups, figures, labels
from lumbung.portal import explorer as X
from lumbung.registry.access import covers, region_filter
from lumbung.registry.models import Enterprise
from lumbung.sizeclass import get_regime

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAME_LENGTH = SavedView._meta.get_field("name").max_length


def analyst_page(view):
    """Signed in, and granted something (or an administrator); passes the user's scope."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        scope = A.scope_of(request.user)
        if not scope.any:
            return render(request, "analysts/refused.html", {"message": _(
                "You have no analyst grant. An administrator grants regions to analysts (Analyst grants in the "
                "administration).")}, status=403)
        return view(request, scope, *args, **kwargs)

    return wrapped


def _grants_text(scope: A.Scope) -> list[dict]:
    if scope.everything:
        return []
    return [{"code": c, "label": A.region_label(c), "records": c in scope.record_codes} for c in scope.codes]


def explorer_context(request, scope) -> dict:
    """The explorer's page inside ``scope``: the form, the notes of what was refused or narrowed,
    the unsuppressed answer (chart and table); shared by the analysts' and the officers' page."""
    years = figures.years()
    if not years:
        return {"no_data": True}
    asked = X.parse(request.GET)
    fitted = A.fit_state(asked, scope)
    state = fitted.state
    if not fitted.allowed:
        result = X.Answer(state, reason=fitted.notes[0])
    elif request.GET:
        try:
            result = A.answer(state, scope.source)
        except AnalyticsMissing:
            result = X.Answer(state, reason=_("The analytics tables have not been built yet."))
    else:
        result = X.Answer(state, reason=_("Choose indicators, then Show."))
    groups = catalogue_groups.groups()
    chosen = {slug for slug, _title, items in groups if any(i.id in state.indicators for i in items)}
    return {
        "open_groups": chosen or {groups[0][0]},
        "state": state, "asked": asked, "notes": fitted.notes if request.GET else [], "answer": result,
        "years": years, "groups": groups,
        "dimensions": [(d, labels.dimension(d)) for d in DIMENSIONS],
        "regimes": [(r, get_regime(r).name(labels.lang())) for r in REGIME_IDS],
        "query": state.query_string(), "dim_headers": [labels.dimension(d) for d in state.by],
    }


@analyst_page
def explorer(request, scope):
    context = {"scope": scope, "grants": _grants_text(scope), "saved": request.user.saved_views.all(),
               "name_length": NAME_LENGTH, "csv_url": reverse("analysts:explorer_csv"),
               "xlsx_url": reverse("analysts:explorer_xlsx"), "save_views": True}
    return render(request, "analysts/explorer.html", {**context, **explorer_context(request, scope)})


def download(request, scope, kind: str, prefix: str) -> HttpResponse:
    """The rows the explorer shows inside ``scope``, as CSV or XLSX (Indonesian headers and number
    formats, lumbung.portal.explorer.to_xlsx), not suppressed; 400 with the reason when none."""
    fitted = A.fit_state(X.parse(request.GET), scope)
    result = A.answer(fitted.state, scope.source) if fitted.allowed else X.Answer(fitted.state, reason=fitted.notes[0])
    if not result.rows:
        return HttpResponse(result.reason or _("Nothing to download."), status=400,
                            content_type="text/plain; charset=utf-8")
    if kind == "csv":
        response = HttpResponse(X.to_csv(result), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(X.to_xlsx(result, public=False), content_type=XLSX_TYPE)
    name = prefix + "-".join(fitted.state.indicators[:3])
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@analyst_page
def download_csv(request, scope):
    return download(request, scope, "csv", "lumbung-analyst-")


@analyst_page
def download_xlsx(request, scope):
    return download(request, scope, "xlsx", "lumbung-analyst-")


# ---------------------------------------------------------------- saved views

def _clean_name(text: str) -> str:
    return " ".join((text or "").split())[:NAME_LENGTH]


def _normalised_query(text: str) -> str:
    """The explorer state of a query string, written as the explorer writes it (unknown names dropped)."""
    return X.parse(QueryDict(text or "")).query_string()


@analyst_page
def views_list(request, scope):
    problem = ""
    if request.method == "POST":
        name = _clean_name(request.POST.get("name", ""))
        query = _normalised_query(request.POST.get("query", ""))
        if not name:
            problem = _("Give the view a name.")
        else:
            try:
                with transaction.atomic():
                    SavedView.objects.create(user=request.user, name=name, query=query)
            except IntegrityError:
                problem = _("You have a view named {name!r} already: choose another name.").format(name=name)
            else:
                return redirect(reverse("analysts:views") + "?" + urlencode({"saved": name}))
    status = 400 if problem else 200
    return render(request, "analysts/views.html", {
        "scope": scope, "views": request.user.saved_views.all(), "problem": problem,
        "saved": request.GET.get("saved", ""), "name_length": NAME_LENGTH}, status=status)


@analyst_page
def view_open(request, scope, pk: int):
    view = get_object_or_404(SavedView, pk=pk, user=request.user)
    return redirect(reverse("analysts:explorer") + ("?" + view.query if view.query else ""))


@require_POST
@analyst_page
def view_rename(request, scope, pk: int):
    view = get_object_or_404(SavedView, pk=pk, user=request.user)
    name = _clean_name(request.POST.get("name", ""))
    problem = ""
    if not name:
        problem = _("Give the view a name.")
    elif SavedView.objects.filter(user=request.user, name=name).exclude(pk=view.pk).exists():
        problem = _("You have a view named {name!r} already: choose another name.").format(name=name)
    if problem:
        return render(request, "analysts/views.html", {
            "scope": scope, "views": request.user.saved_views.all(), "problem": problem,
            "name_length": NAME_LENGTH}, status=400)
    view.name = name
    view.save(update_fields=["name", "updated_at"])
    return redirect("analysts:views")


@require_POST
@analyst_page
def view_delete(request, scope, pk: int):
    get_object_or_404(SavedView, pk=pk, user=request.user).delete()
    return redirect("analysts:views")


# ---------------------------------------------------------------- records

@analyst_page
def records(request, scope):
    """Enterprises of the grants with record-level lists (every enterprise for administrators),
    filtered by region (inside those grants), KBLI and name, paginated in the database."""
    if not scope.records:
        return render(request, "analysts/refused.html", {"message": _(
            "Your grants give figures only, no record-level list.")}, status=403)
    enterprises = Enterprise.objects.visible_to(request.user)
    if not scope.everything:
        enterprises = enterprises.filter(region_filter(scope.record_codes))
    notes = []
    region = rules.read_region(request.GET.get("region", "").strip()) or request.GET.get("region", "").strip()
    if region:
        if scope.everything or covers(scope.record_codes, region):
            enterprises = enterprises.filter(region_filter([region]))
        else:
            notes.append(_("Refused, outside your record-level grants: region {code}.").format(code=region))
            region = ""
    kbli = "".join(ch for ch in request.GET.get("kbli", "") if ch.isdigit())[:5]
    if kbli:
        enterprises = enterprises.filter(kbli__startswith=kbli)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        enterprises = enterprises.filter(name__icontains=q)
    enterprises = (enterprises.annotate(latest_year=Max("reports__year"), n_reports=Count("reports"))
                   .order_by("name", "pk").only("pk", "name", "region_code", "kbli", "reported_scale"))
    page = Paginator(enterprises, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = urlencode({k: v for k, v in (("region", region), ("kbli", kbli), ("q", q)) if v})
    return render(request, "analysts/records.html", {
        "scope": scope, "grants": _grants_text(scope), "page": page, "notes": notes,
        "region": region, "kbli": kbli, "q": q, "keep": keep})
