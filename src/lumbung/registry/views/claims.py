"""Owners' claims in the officer's workspace: the claims of their regions, approved or rejected
through :mod:`lumbung.registry.claims` (which decides who may)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lumbung.registry import claims as claim_rules
from lumbung.registry.models import Claim
from lumbung.registry.views.common import workspace_view

STATUSES = {Claim.PENDING, Claim.APPROVED, Claim.REJECTED}


@workspace_view
def claim_list(request):
    status = request.GET.get("status", Claim.PENDING)
    status = status if status in STATUSES else Claim.PENDING
    found = (claim_rules.decidable_by(request.user).filter(status=status)
             .select_related("enterprise", "user", "decided_by")[:200])
    return render(request, "registry/workspace/claims.html", {
        "claims": found, "status": status, "statuses": Claim.STATUSES})


@require_POST
@workspace_view
def claim_decide(request, pk: int):
    claim = get_object_or_404(claim_rules.decidable_by(request.user), pk=pk)  # outside the regions: 404
    try:
        if request.POST.get("decision") == "approve":
            claim_rules.approve_claim(request.user, claim)
            messages.success(request, _("Claim {number} approved: the claimant now sees the enterprise.").format(
                number=claim.pk))
        else:
            claim_rules.reject_claim(request.user, claim, request.POST.get("reason", ""))
            messages.success(request, _("Claim {number} rejected; the claimant reads the reason.").format(
                number=claim.pk))
    except claim_rules.ClaimError as error:
        messages.error(request, str(error))
    return redirect("workspace:claims")
