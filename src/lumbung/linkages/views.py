"""Pages of the network (mounted at /network/, namespace ``network``; docs/network.md).

- ``home``, ``sentra``, ``cooperative``: public. A sentra's or cooperative's facts (type, region,
  UPT, the extension officers' names) and its members' indicators, which pass disclosure control
  (lumbung.indicators.disclosure.protect) as every public figure does; the member list is shown
  only to a signed-in user, and only the members that user may see.
- ``region``: the network view of a region's linkages (lumbung.linkages.graph): summarised by
  KBLI division and size class for the public and for large regions, node by node for a
  signed-in user who may see every linked enterprise of a small region.
- ``partners``: the partner finder for an enterprise the user owns or manages
  (lumbung.linkages.finder), with the reasons of each candidate; ``contact`` sends a
  ContactRequest; ``contacts`` lists them and lets the other side accept or decline.
- ``link_add``, ``membership_add``: officers (and owners) enter a linkage or a membership for an
  enterprise they may change; the forms apply the rules through the models' ``clean()``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lumbung import geography
from lumbung.indicators.disclosure import protect
from lumbung.linkages import finder, graph
from lumbung.linkages.forms import ContactForm, LinkageForm, MembershipForm
from lumbung.linkages.models import (
    COOPERATIVE_LABELS,
    LINKAGE_LABELS,
    SENTRA_LABELS,
    ContactRequest,
    Cooperative,
    Linkage,
    Sentra,
)
from lumbung.portal.numbers import number, percent, rupiah
from lumbung.portal.views.common import preferred_language_redirect
from lumbung.registry import audit
from lumbung.registry.models import AnnualReport, Enterprise


def _public(view):
    def wrapped(request, *args, **kwargs):
        return preferred_language_redirect(request) or view(request, *args, **kwargs)

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


def _lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def _region(code: str) -> str:
    return geography.name(code) or code


@_public
def home(request):
    sentra = Sentra.objects.all()
    cooperatives = Cooperative.objects.all()
    provinces = sorted({geography.province_of(code) for code in
                        Linkage.objects.values_list("ikm__region_code", flat=True).distinct()})
    return render(request, "linkages/home.html", {
        "sentra": [(s, SENTRA_LABELS.get(s.kind, s.kind), _region(s.region_code)) for s in sentra],
        "cooperatives": [(c, COOPERATIVE_LABELS.get(c.kind, c.kind), _region(c.region_code)) for c in cooperatives],
        "regions": [(code, _region(code)) for code in provinces]})


# -- a group's members' indicators, through disclosure ----------------------------------------------

def members_figures(memberships, year: int | None = None) -> tuple[int | None, list[tuple[str, str, bool]]]:
    """(year, [(label, shown value, hidden)]) for the group's members in their latest common year:
    members, persons engaged, output and the share with a partnership; each passes
    :func:`lumbung.indicators.disclosure.protect` (fewer than 3 members, or one member dominating
    a money total, hides it)."""
    ids = list(memberships.values_list("enterprise_id", flat=True).distinct())
    reports = AnnualReport.objects.filter(enterprise_id__in=ids)
    if year is None:
        year = reports.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return None, []
    frame = pd.DataFrame(list(reports.filter(year=year).values("enterprise_id", "workers", "output")))
    pairs = Linkage.objects.active_in(year).filter(Q(ikm_id__in=ids) | Q(partner_id__in=ids))
    linked = {side for pair in pairs.values_list("ikm_id", "partner_id") for side in pair} & set(ids)
    n = len(frame)
    rows = []
    for ident, column in (("workers", "workers"), ("output", "output")):
        values = frame[column].dropna().astype(float) if n else pd.Series(dtype=float)
        rows.append({"indicator": ident, "value": values.sum(), "numerator": values.sum(), "denominator": float("nan"),
                     "n_firms": len(values), "max_contribution": values.max() if len(values) else 0.0})
    with_link = float(sum(1 for e in frame["enterprise_id"] if e in linked)) if n else 0.0
    rows.append({"indicator": "firms", "value": float(n), "numerator": float(n), "denominator": float("nan"),
                 "n_firms": n, "max_contribution": 1.0})
    rows.append({"indicator": "partnership_rate", "value": 100 * with_link / n if n else float("nan"),
                 "numerator": with_link, "denominator": float(n), "n_firms": n, "max_contribution": 1.0})
    protected = protect(pd.DataFrame(rows).assign(year=year), by=["year"])
    lang = _lang()
    shown = {}
    for row in protected.itertuples():
        hidden = bool(row.suppressed) or pd.isna(row.value)
        if hidden:
            shown[row.indicator] = ("◆", True)
        elif row.indicator == "output":
            shown[row.indicator] = (rupiah(row.value, lang), False)
        elif row.indicator == "partnership_rate":
            shown[row.indicator] = (percent(row.value, 1, lang), False)
        else:
            shown[row.indicator] = (number(row.value, 0, lang), False)
    labels = {"firms": _("Members with a report"), "workers": _("Persons engaged"), "output": _("Output"),
              "partnership_rate": _("Members with a partnership")}
    return year, [(labels[k], *shown[k]) for k in ("firms", "workers", "output", "partnership_rate")]


def _group_page(request, group, kind_label: str, template_kind: str):
    year, figures = members_figures(group.memberships.all())
    members = []
    if request.user.is_authenticated:
        visible = Enterprise.objects.visible_to(request.user)
        members = (group.memberships.filter(enterprise__in=visible).select_related("enterprise")
                   .order_by("enterprise__name"))
    return render(request, "linkages/group.html", {
        "group": group, "kind_label": kind_label, "region": _region(group.region_code), "year": year,
        "figures": figures, "members": members, "template_kind": template_kind,
        "officers": group.officers if template_kind == "sentra" else []})


@_public
def sentra(request, code: str):
    group = get_object_or_404(Sentra, code=code)
    return _group_page(request, group, SENTRA_LABELS.get(group.kind, group.kind), "sentra")


@_public
def cooperative(request, code: str):
    group = get_object_or_404(Cooperative, code=code)
    return _group_page(request, group, COOPERATIVE_LABELS.get(group.kind, group.kind), "cooperative")


# -- the network view of a region ---------------------------------------------------------------------

def _group_label(kbli: str, workers: int | None) -> str:
    """A group of the summary: KBLI division and BPS size class ("10 · kecil")."""
    return f"{kbli[:2]} · {_(finder.size_class(workers))}"


@_public
def region(request, code: str):
    try:
        code = geography.normalize_code(code)
    except ValueError:
        raise Http404 from None
    if not geography.exists(code):
        raise Http404
    year = dt.date.today().year
    inside = Q(ikm__region_code=code) | Q(ikm__region_code__startswith=code + ".")
    links = Linkage.objects.filter(inside).filter(Q(end_date=None) | Q(end_date__year__gte=year - 1))
    rows = list(links.values_list("ikm_id", "ikm__kbli", "partner_id", "partner__kbli"))
    ids = {r[0] for r in rows} | {r[2] for r in rows}
    workers = {}
    for eid, count in (AnnualReport.objects.filter(enterprise_id__in=ids).order_by("enterprise_id", "year")
                       .values_list("enterprise_id", "workers")):
        workers[eid] = count
    visible = set()
    if request.user.is_authenticated:
        visible = set(Enterprise.objects.visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    detailed = bool(ids) and visible == ids and len(ids) <= graph.NODE_LIMIT
    title = _("Linkages in {region}").format(region=_region(code))
    if detailed:
        names = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "name"))
        nodes = {str(i): 1 for i in ids}
        counts: dict[tuple[str, str], int] = {}
        for a, _k1, b, _k2 in rows:
            counts[(str(a), str(b))] = counts.get((str(a), str(b)), 0) + 1
        edges = [graph.Edge(a, b, n) for (a, b), n in counts.items()]
        picture = graph.svg(nodes, edges, title, public=False, labels={str(i): names[i] for i in ids})
        table = []
    else:
        grouped = [(a, _group_label(k1, workers.get(a)), b, _group_label(k2, workers.get(b))) for a, k1, b, k2 in rows]
        nodes, edges = graph.summarise(grouped, public=not request.user.is_authenticated or not visible >= ids)
        least = graph.min_firms()
        labels = {g: (_("other groups") if g == "other" else g) for g in nodes}
        picture = graph.svg(nodes, edges, title, public=True, labels=labels)
        table = [(labels.get(e.a, e.a), labels.get(e.b, e.b), e.count if e.count >= least else None) for e in edges]
    return render(request, "linkages/region.html", {
        "code": code, "region": _region(code), "title": title, "svg": picture, "detailed": detailed,
        "table": table, "links": len(rows), "kinds": LINKAGE_LABELS})


# -- entering linkages and memberships ---------------------------------------------------------------

def _changeable(request, pk: int) -> Enterprise:
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    if not Enterprise.objects.restrict(request.user, "change").filter(pk=pk).exists():
        raise Http404
    return enterprise


@login_required
def link_add(request, pk: int):
    enterprise = _changeable(request, pk)
    form = LinkageForm(request.POST or None, user=request.user, ikm=enterprise)
    if request.method == "POST" and form.is_valid():
        with audit.context(actor=request.user, source="web"):
            form.save()
        messages.success(request, _("The linkage was saved."))
        return redirect("network:enterprise", pk=enterprise.pk)
    return render(request, "linkages/form.html", {"form": form, "enterprise": enterprise,
                                                  "title": _("New linkage")})


@login_required
def membership_add(request, pk: int):
    enterprise = _changeable(request, pk)
    form = MembershipForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        with audit.context(actor=request.user, source="web"):
            form.save()
        messages.success(request, _("The membership was saved."))
        return redirect("network:enterprise", pk=enterprise.pk)
    return render(request, "linkages/form.html", {"form": form, "enterprise": enterprise,
                                                  "title": _("New membership")})


@login_required
def enterprise(request, pk: int):
    """An enterprise's linkages and memberships (for whoever may see the enterprise)."""
    firm = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    visible = Enterprise.objects.visible_to(request.user).values("pk")
    links = (Linkage.objects.filter(Q(ikm=firm) | Q(partner=firm)).select_related("ikm", "partner")
             .order_by("-start_date"))
    rows = []
    for link in links:
        other = link.partner if link.ikm_id == firm.pk else link.ikm
        rows.append({"link": link, "kind": LINKAGE_LABELS.get(link.kind, link.kind), "other": other,
                     "other_visible": Enterprise.objects.filter(pk=other.pk, pk__in=visible).exists(),
                     "role": _("IKM") if link.ikm_id == firm.pk else _("partner")})
    can_change = Enterprise.objects.restrict(request.user, "change").filter(pk=pk).exists()
    return render(request, "linkages/enterprise.html", {
        "firm": firm, "links": rows, "memberships": firm.memberships.select_related("sentra", "cooperative"),
        "can_change": can_change})


# -- partner finder and contact requests ------------------------------------------------------------

@login_required
def partners(request, pk: int):
    firm = _changeable(request, pk)
    lang = _lang()
    mode, found = finder.find(firm, lang=lang)
    for candidate in found:
        candidate.sector = finder.division_title(candidate.enterprise.kbli[:2], lang)
    return render(request, "linkages/partners.html", {"firm": firm, "mode": mode, "candidates": found,
                                                      "form": ContactForm()})


@login_required
@require_POST
def contact(request, pk: int, to: int):
    firm = _changeable(request, pk)
    # Only a candidate of the finder (or an enterprise the user may see): an id typed into the URL
    # must not reveal another enterprise's name.
    _mode, found = finder.find(firm, limit=finder.CONTACT_LIMIT)
    allowed = {c.enterprise.pk for c in found} | set(
        Enterprise.objects.visible_to(request.user).filter(pk=to).values_list("pk", flat=True))
    if to not in allowed:
        raise Http404
    target = get_object_or_404(Enterprise, pk=to)
    form = ContactForm(request.POST)
    if target.pk == firm.pk or not form.is_valid():
        messages.error(request, _("The message was not sent: write a message of at most 2000 characters."))
        return redirect("network:partners", pk=firm.pk)
    ContactRequest.objects.create(sender=request.user, from_enterprise=firm, to_enterprise=target,
                                  message=form.cleaned_data["message"])
    messages.success(request, _("Your message was sent through Lumbung; the other side sees your business name, "
                                "sector and region, never your personal data."))
    return redirect("network:contacts")


def _own_ids(user):
    return list(user.owner_links.values_list("enterprise_id", flat=True))


@login_required
def contacts(request):
    own = _own_ids(request.user)
    received = ContactRequest.objects.filter(to_enterprise_id__in=own).select_related("from_enterprise", "to_enterprise")
    sent = ContactRequest.objects.filter(sender=request.user).select_related("from_enterprise", "to_enterprise")
    return render(request, "linkages/contacts.html", {"received": received, "sent": sent})


@login_required
@require_POST
def answer(request, pk: int):
    """The receiving enterprise's owner accepts or declines, with an optional reply."""
    item = get_object_or_404(ContactRequest, pk=pk, to_enterprise_id__in=_own_ids(request.user), status="pending")
    decision = request.POST.get("decision")
    if decision not in ("accepted", "declined"):
        messages.error(request, _("Choose accept or decline."))
        return redirect("network:contacts")
    item.status, item.reply, item.answered_at = decision, request.POST.get("reply", "")[:2000], timezone.now()
    item.save()
    return redirect("network:contacts")
