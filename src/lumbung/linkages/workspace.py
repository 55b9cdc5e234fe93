"""The network in the officers' workspace (mounted at /workspace/network/, namespace
``network_workspace``; docs/network.md, "In the workspace").

An officer creates and edits the sentra and cooperatives of their regions (``RegionScope``, and
every region below them) and the memberships of the enterprises they may change: who joined,
from when, and when they left. Another region's group or membership is a 404, as another region's
enterprise is in the workspace (registry.views). What may be stored is the models' ``clean()``
(lumbung.rules, ``NETWORK_RULES``); every save is in the audit trail with the user and the
source ``web`` (lumbung.linkages.audit).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lumbung.linkages.forms import CooperativeForm, MemberForm, SentraForm
from lumbung.linkages.models import COOPERATIVE_LABELS, SENTRA_LABELS, Cooperative, Membership, Sentra
from lumbung.registry import audit
from lumbung.registry.access import SEE_ALL, region_codes_of, region_filter
from lumbung.registry.models import AuditEntry, Enterprise
from lumbung.registry.views.common import workspace_view

#: model, its form, its type labels, its URL word
GROUPS = {"sentra": (Sentra, SentraForm, SENTRA_LABELS), "cooperative": (Cooperative, CooperativeForm,
                                                                         COOPERATIVE_LABELS)}
#: Audit entries shown on a group's page (newest first).
AUDIT_SHOWN = 50


def scoped(model, user):
    """The groups of ``user``'s regions (every group for who sees every enterprise)."""
    if user.has_perm(SEE_ALL):
        return model.objects.all()
    return model.objects.filter(region_filter(region_codes_of(user), levels=False))  # its own region_code


def _needs(user, model, action: str) -> None:
    if not user.has_perm(f"linkages.{action}_{model._meta.model_name}"):
        raise PermissionDenied


def _save(request, form, message: str):
    if not form.is_valid():
        return None
    with audit.context(actor=request.user, source="web"):
        record = form.save()
    messages.success(request, message)
    return record


@workspace_view
def groups(request):
    """The sentra and cooperatives of the user's regions, with their member counts."""
    return render(request, "linkages/workspace/groups.html", {
        "sentra": [(s, SENTRA_LABELS.get(s.kind, s.kind)) for s in _counted(Sentra, request.user)],
        "cooperatives": [(c, COOPERATIVE_LABELS.get(c.kind, c.kind)) for c in _counted(Cooperative, request.user)]})


def _counted(model, user):
    """The groups with their number of memberships, in one query (not one per row)."""
    return scoped(model, user).annotate(members=Count("memberships"))


def _group_add(request, kind: str):
    model, form_class, _labels = GROUPS[kind]
    _needs(request.user, model, "add")
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST" and (group := _save(request, form, _("Saved."))):
        return redirect(f"network_workspace:{kind}_edit", pk=group.pk)
    title = _("New sentra") if kind == "sentra" else _("New cooperative")
    return render(request, "linkages/workspace/form.html", {"form": form, "title": title})


def _group_edit(request, kind: str, pk: int):
    model, form_class, labels = GROUPS[kind]
    group = get_object_or_404(scoped(model, request.user), pk=pk)
    _needs(request.user, model, "change")
    form = form_class(request.POST or None, instance=group, user=request.user)
    if request.method == "POST" and _save(request, form, _("Saved.")):
        return redirect(f"network_workspace:{kind}_edit", pk=group.pk)
    changeable = set(Enterprise.objects.restrict(request.user, "change").values_list("pk", flat=True)
                     .filter(memberships__in=group.memberships.all()))
    visible = Enterprise.objects.visible_to(request.user)
    members = [(m, m.enterprise_id in changeable) for m in
               group.memberships.filter(enterprise__in=visible).select_related("enterprise").order_by("enterprise__name")]
    shown = [m.pk for m, _can in members]
    trail = AuditEntry.objects.filter(Q(model=model._meta.model_name, object_id=group.pk)
                                      | Q(model="membership", object_id__in=shown))[:AUDIT_SHOWN]
    return render(request, "linkages/workspace/group.html", {
        "form": form, "group": group, "kind": kind, "kind_label": labels.get(group.kind, group.kind),
        "members": members, "trail": trail, "title": group.name})


def _member_add(request, kind: str, pk: int):
    model = GROUPS[kind][0]
    group = get_object_or_404(scoped(model, request.user), pk=pk)
    _needs(request.user, Membership, "add")
    form = MemberForm(request.POST or None, user=request.user, group=group)
    if request.method == "POST" and _save(request, form, _("The membership was saved.")):
        return redirect(f"network_workspace:{kind}_edit", pk=group.pk)
    return render(request, "linkages/workspace/form.html", {
        "form": form, "title": _("New member of {group}").format(group=group.name), "group": group, "kind": kind})


@workspace_view
def sentra_add(request):
    return _group_add(request, "sentra")


@workspace_view
def sentra_edit(request, pk: int):
    return _group_edit(request, "sentra", pk)


@workspace_view
def sentra_member_add(request, pk: int):
    return _member_add(request, "sentra", pk)


@workspace_view
def cooperative_add(request):
    return _group_add(request, "cooperative")


@workspace_view
def cooperative_edit(request, pk: int):
    return _group_edit(request, "cooperative", pk)


@workspace_view
def cooperative_member_add(request, pk: int):
    return _member_add(request, "cooperative", pk)


@workspace_view
def membership_edit(request, pk: int):
    """A membership's dates and source (an end date: the enterprise left), for a member the user may
    change; another region's is a 404."""
    member = get_object_or_404(Membership.objects.restrict(request.user, "change").select_related(
        "enterprise", "sentra", "cooperative"), pk=pk)
    _needs(request.user, Membership, "change")
    kind = "sentra" if member.sentra_id else "cooperative"
    form = MemberForm(request.POST or None, instance=member, user=request.user)
    if request.method == "POST" and _save(request, form, _("The membership was saved.")):
        return redirect(f"network_workspace:{kind}_edit", pk=member.group.pk)
    return render(request, "linkages/workspace/form.html", {
        "form": form, "title": _("{enterprise} in {group}").format(enterprise=member.enterprise.name,
                                                                     group=member.group.name),
        "group": member.group, "kind": kind})
