"""Claims (lumbung.registry.claims): who may decide, what approval and rejection do."""

from __future__ import annotations

import pytest
from django.utils import translation

from lumbung.registry.claims import ClaimError, approve_claim, decidable_by, reject_claim, submit_claim
from lumbung.registry.models import Claim, Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def test_an_officer_of_the_region_approves_and_the_owner_link_is_made(firm, owner, officer):
    claim = submit_claim(owner, firm)
    assert claim.status == Claim.PENDING
    assert not Enterprise.objects.visible_to(owner).filter(pk=firm.pk).exists(), "nothing before approval"
    assert list(decidable_by(officer)) == [claim]
    approve_claim(officer, claim)
    assert (claim.status, claim.decided_by, claim.decided_at is not None) == (Claim.APPROVED, officer, True)
    assert Enterprise.objects.visible_to(owner).filter(pk=firm.pk).exists()
    with pytest.raises(ClaimError, match="already decided"):
        reject_claim(officer, claim, "late")
    with pytest.raises(ClaimError, match="already linked"):
        submit_claim(owner, firm)


def test_only_the_regions_officer_or_an_admin_decides(firm, owner, make_user):
    claim = submit_claim(owner, firm)
    for user in (make_user("officer31", "officer", regions=["31"]), make_user("ana", "analyst"),
                 make_user("other", "owner")):
        with pytest.raises(ClaimError, match="Only an officer of the enterprise's region"):
            approve_claim(user, claim)
        assert not decidable_by(user).exists()
    admin = make_user("root", "admin")
    reject_claim(admin, claim, "  The NIB belongs to another owner.  ")
    claim.refresh_from_db()
    assert (claim.status, claim.reason) == (Claim.REJECTED, "The NIB belongs to another owner.")
    assert not Enterprise.objects.visible_to(owner).filter(pk=firm.pk).exists()


def test_a_rejection_needs_its_reason_and_one_pending_claim_at_a_time(firm, owner, officer):
    claim = submit_claim(owner, firm)
    with pytest.raises(ClaimError, match="pending claim"):
        submit_claim(owner, firm)
    with pytest.raises(ClaimError, match="reason"):
        reject_claim(officer, claim, "   ")
    reject_claim(officer, claim, "Not the owner")
    again = submit_claim(owner, firm)  # after a rejection the owner may try again
    assert again.pk != claim.pk and again.status == Claim.PENDING
