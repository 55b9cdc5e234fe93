"""Owners' claims to existing enterprises: submit, approve, reject.

A claim is decided by an officer whose RegionScope covers the enterprise's region, or by an
administrator (the ``registry.view_all_enterprises`` grant together with
``registry.add_enterpriseowner``); anyone else gets a :class:`ClaimError`. Approval creates the
EnterpriseOwner link, so the enterprise becomes visible to the claimant through
``Enterprise.objects.visible_to``; until then nothing of the enterprise is shown to the claimant
(the owners' pages show a claim by its number and status only). A rejection stores its reason,
which the claimant reads.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lumbung.errors import UserError
from lumbung.registry import access
from lumbung.registry.models import Claim, Enterprise, EnterpriseOwner
from lumbung.registry.validators import region_prefixes

#: Admin permissions that, with seeing every enterprise, let a user decide any claim.
DECIDE_ALL = ("registry.view_all_enterprises", "registry.add_enterpriseowner")
#: What an officer needs besides a RegionScope covering the enterprise.
DECIDE_IN_REGION = "registry.change_enterprise"


class ClaimError(UserError):
    """A claim that may not be made or decided (one sentence, shown to the user)."""


def can_decide(user, claim_or_enterprise) -> bool:
    """Whether ``user`` may approve or reject a claim on this enterprise."""
    enterprise = getattr(claim_or_enterprise, "enterprise", claim_or_enterprise)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if all(user.has_perm(p) for p in DECIDE_ALL):
        return True
    if not user.has_perm(DECIDE_IN_REGION):
        return False
    scopes = set(access.region_codes_of(user))
    return any(prefix in scopes for prefix in region_prefixes(enterprise.region_code))


def decidable_by(user):
    """The claims ``user`` may decide (pending and decided), newest first: for the officers' list."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Claim.objects.none()
    if all(user.has_perm(p) for p in DECIDE_ALL):
        return Claim.objects.all()
    if not user.has_perm(DECIDE_IN_REGION):
        return Claim.objects.none()
    return Claim.objects.filter(access.region_filter(access.region_codes_of(user), "enterprise__"))


def submit_claim(user, enterprise: Enterprise) -> Claim:
    """A pending claim of ``user`` on ``enterprise``; ClaimError when the user already owns it or
    already has a pending claim on it."""
    if not getattr(user, "is_authenticated", False):
        raise ClaimError(_("Log in to claim an enterprise."))
    if EnterpriseOwner.objects.filter(user=user, enterprise=enterprise).exists():
        raise ClaimError(_("This enterprise is already linked to your account."))
    try:
        with transaction.atomic():
            return Claim.objects.create(user=user, enterprise=enterprise)
    except IntegrityError:
        raise ClaimError(_("You already have a pending claim on this enterprise.")) from None


def _decide(officer, claim: Claim, status: str, reason: str = "") -> Claim:
    if not can_decide(officer, claim):
        raise ClaimError(_("Only an officer of the enterprise's region or an administrator may decide this claim."))
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status != Claim.PENDING:
            raise ClaimError(_("This claim was already decided ({status}).").format(status=locked.get_status_display()))
        locked.status, locked.reason = status, reason
        locked.decided_by, locked.decided_at = officer, timezone.now()
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        if status == Claim.APPROVED:
            EnterpriseOwner.objects.get_or_create(user_id=locked.user_id, enterprise_id=locked.enterprise_id)
    claim.refresh_from_db()
    return claim


def approve_claim(officer, claim: Claim) -> Claim:
    """Approve a pending claim: the claimant becomes an owner of the enterprise (EnterpriseOwner)."""
    return _decide(officer, claim, Claim.APPROVED)


def reject_claim(officer, claim: Claim, reason: str) -> Claim:
    """Reject a pending claim with a reason that the claimant reads (required)."""
    reason = (reason or "").strip()
    if not reason:
        raise ClaimError(_("Give the reason for the rejection: the claimant reads it."))
    return _decide(officer, claim, Claim.REJECTED, reason)
