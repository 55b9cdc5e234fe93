"""Owners' claims decided in the officer's workspace (/workspace/claims/)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lumbung.registry.accounts import create_user
from lumbung.registry.models import Claim, Enterprise, EnterpriseOwner

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    enterprise = Enterprise.objects.create(name="Tahu Klaim", region_code="32.04.01", kbli="10792")
    claimant = create_user("klaim-owner", "owner")
    return Claim.objects.create(user=claimant, enterprise=enterprise, claimed_as="NIB 1234567890123")


def _officer(client, region):
    client.force_login(create_user(f"officer-{region}", "officer", regions=[region]))
    return client


def test_an_officer_of_the_region_lists_and_approves(client, claim):
    officer = _officer(client, "32")
    page = officer.get(reverse("workspace:claims"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Tahu Klaim" in page and "NIB 1234567890123" in page and "Setujui" in page
    response = officer.post(reverse("workspace:claim_decide", args=[claim.pk]), {"decision": "approve"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.APPROVED
    assert EnterpriseOwner.objects.filter(user=claim.user, enterprise=claim.enterprise).exists()


def test_a_rejection_needs_a_reason_and_keeps_it(client, claim):
    officer = _officer(client, "32.04")
    officer.post(reverse("workspace:claim_decide", args=[claim.pk]), {"decision": "reject", "reason": " "})
    claim.refresh_from_db()
    assert claim.status == Claim.PENDING  # refused: no reason given
    officer.post(reverse("workspace:claim_decide", args=[claim.pk]), {"decision": "reject", "reason": "bukan pemilik"})
    claim.refresh_from_db()
    assert claim.status == Claim.REJECTED and claim.reason == "bukan pemilik"
    assert not EnterpriseOwner.objects.filter(user=claim.user).exists()


def test_an_officer_of_another_region_neither_sees_nor_decides(client, claim):
    officer = _officer(client, "35")
    assert "Tahu Klaim" not in officer.get(reverse("workspace:claims")).content.decode()
    response = officer.post(reverse("workspace:claim_decide", args=[claim.pk]), {"decision": "approve"})
    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.status == Claim.PENDING
