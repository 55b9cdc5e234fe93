"""The owners' pages: registration, login by e-mail or phone (throttled), registering and claiming
an enterprise, the profile and yearly report forms with the rules' messages, the results page."""

from __future__ import annotations

import peers_sample
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from lumbung.owners.models import OwnerContact
from lumbung.registry.claims import approve_claim, reject_claim
from lumbung.registry.models import AnnualReport, AuditEntry, Claim, Enterprise

pytestmark = pytest.mark.django_db
PASSWORD = "kopi-susu-2024"  # as in conftest.py


def en(name: str, *args) -> str:
    """The English page (unprefixed URLs are Bahasa Indonesia)."""
    with translation.override("en"):
        return reverse(name, args=args)


def test_register_with_email_gives_the_owner_role_and_logs_in(client):
    response = client.post(reverse("owners:register"),
                           {"contact": "Budi@Example.id", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("owners:home")
    user = get_user_model().objects.get(email="budi@example.id")
    assert list(user.groups.values_list("name", flat=True)) == ["owner"]
    assert client.get(reverse("owners:home")).status_code == 200


def test_the_password_validators_apply(client):
    for weak in ("password", "12345678901", "budi@example.id"):
        response = client.post(reverse("owners:register"),
                               {"contact": "budi@example.id", "password1": weak, "password2": weak})
        assert response.status_code == 200
        assert b"id_password1-errors" in response.content
    assert not get_user_model().objects.filter(email="budi@example.id").exists()
    response = client.post(en("owners:register"), {"contact": "0812 abc", "password1": PASSWORD,
                                                               "password2": PASSWORD})
    assert "phone number" in response.content.decode()


def test_a_phone_account_keeps_the_number_out_of_the_user_name(client):
    client.post(reverse("owners:register"), {"contact": "0812-3456-7890", "password1": PASSWORD, "password2": PASSWORD})
    contact = OwnerContact.objects.get()
    assert contact.phone == "+6281234567890"
    assert "812" not in contact.user.username and contact.user.email == ""
    assert "+6281234567890" in client.get(reverse("owners:home")).content.decode(), "shown to its owner"
    client.logout()
    response = client.post(reverse("login"), {"username": "+62 812 3456 7890", "password": PASSWORD})
    assert response.status_code == 302, "logs in with the phone number"


def test_logins_by_phone_are_throttled(client, settings):
    client.post(reverse("owners:register"), {"contact": "081234567890", "password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    # one number written five ways is one user name for the count
    for typed in ("081234567890", "0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 3456.7890"):
        assert client.post(reverse("login"), {"username": typed, "password": "wrong"}).status_code == 200
    response = client.post(reverse("login"), {"username": "081234567890", "password": PASSWORD})
    assert response.status_code == 429


def test_other_roles_and_anonymous_stay_out(client, make_user, firm):
    response = client.get(reverse("owners:home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(make_user("officer32", "officer", regions=["32"]))
    assert client.get(reverse("owners:home")).status_code == 403
    assert client.get(reverse("owners:enterprise", args=[firm.pk])).status_code == 403


def test_register_a_new_enterprise_is_audited_and_applies_the_rules(owner_client, owner):
    url = en("owners:enterprise_new")
    bad = {"name": "Tenun Ikat", "region_code": "32.04", "kbli": "99999", "nib": "123"}
    page = owner_client.post(url, bad).content.decode()
    assert "[kbli.subclass]" in page and "kbli 99999 is not a KBLI 2020 subclass" in page
    assert "[nib.format]" in page
    response = owner_client.post(url, {"name": "Tenun Ikat", "region_code": "3204", "kbli": "13111"})
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(name="Tenun Ikat")
    assert enterprise.region_code == "32.04" and enterprise.is_owned_by(owner)
    entry = AuditEntry.objects.get(model="enterprise", object_id=enterprise.pk)
    assert (entry.action, entry.actor, entry.source) == ("create", owner, "web")


def test_a_claim_shows_nothing_until_an_officer_approves(owner_client, owner, officer, firm):
    response = owner_client.post(reverse("owners:claim"), {"nib": "1234-5678-9012-3"})
    assert response.status_code == 302
    claim = Claim.objects.get()
    page = owner_client.get(reverse("owners:home")).content.decode()
    assert "Keripik" not in page and "32.04.05" not in page and "claim-%d" % claim.pk in page
    assert owner_client.get(reverse("owners:enterprise", args=[firm.pk])).status_code == 404
    approve_claim(officer, claim)
    page = owner_client.get(reverse("owners:enterprise", args=[firm.pk])).content.decode()
    assert "Keripik Bu Sari" in page and "Jl. Melati 3" in page


def test_a_claim_by_name_and_region_and_its_rejection_reason(owner_client, officer, firm):
    page = owner_client.post(reverse("owners:claim"), {"name": "Keripik", "region_code": "32.04"}).content.decode()
    assert "Keripik Bu Sari" not in page and Claim.objects.count() == 0, "a partial name matches nothing"
    owner_client.post(reverse("owners:claim"), {"name": "keripik  bu sari", "region_code": "3204"})
    claim = Claim.objects.get()
    reject_claim(officer, claim, "Pemilik terdaftar berbeda")
    page = owner_client.get(reverse("owners:home")).content.decode()
    assert "Pemilik terdaftar berbeda" in page


@pytest.fixture
def owned(firm, owner):
    firm.owner_links.create(user=owner)
    return firm


REPORT = {"year": "2023", "workers": "5", "workers_paid": "8", "sales": "450.000.000", "output": "300.000.000",
          "inputs": "180000000", "wages": "", "net_assets": "Rp120.000.000"}


def test_report_errors_name_the_rule_and_field_then_the_correction_saves(owner_client, owned):
    url = en("owners:report_new", owned.pk)
    page = owner_client.post(url, REPORT).content.decode()
    assert "[count.paid_within_workers]" in page and "workers_paid 8 is more than workers 5" in page
    assert not AnnualReport.objects.exists()
    page = owner_client.post(url, REPORT | {"sales": "-5"}).content.decode()
    assert "[money.not_negative]" in page
    response = owner_client.post(url, REPORT | {"workers_paid": "4"})
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert (report.sales, report.net_assets, report.workers_paid) == (450_000_000, 120_000_000, 4)
    assert report.wages is None and report.exports is None, "empty stays missing, never 0"
    page = owner_client.get(response["Location"]).content.decode()
    assert "UU 20/2008" in page and "PP 7/2021" in page  # every regime
    assert page.count('class="regime"') >= 5


def test_correcting_a_past_report_keeps_its_history(owner_client, owned, owner):
    AnnualReport.objects.create(enterprise=owned, year=2022, workers=4, sales=300_000_000)
    this = AnnualReport.objects.create(enterprise=owned, year=2023, workers=6, sales=400_000_000)
    url = reverse("owners:report_edit", args=[owned.pk, 2022])
    response = owner_client.post(url, {"year": "2022", "workers": "3", "sales": "320.000.000"})
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(model="annualreport", action="update").get()
    assert entry.changes["workers"] == [4, 3] and entry.changes["sales"] == [300_000_000, 320_000_000]
    assert entry.actor == owner
    page = owner_client.get(en("owners:report", owned.pk, 2022)).content.decode()

    assert "History of this report" in page and "Rp300,000,000 → Rp320,000,000" in page
    page = owner_client.get(en("owners:report", owned.pk, this.year)).content.decode()
    assert "+25.0%" in page, "sales 320 -> 400 million: +25% since the year before"
    assert "+100.0%" in page, "workers 3 -> 6"


def test_another_owners_enterprise_is_a_404(client, make_user, owned):
    client.force_login(make_user("other", "owner"))
    for name, args in (("enterprise", [owned.pk]), ("profile", [owned.pk]), ("report_new", [owned.pk]),
                       ("benchmark", [owned.pk])):
        assert client.get(reverse(name and f"owners:{name}", args=args)).status_code == 404


def test_profile_form_applies_the_rules(owner_client, owned):
    url = en("owners:profile", owned.pk)
    page = owner_client.post(url, {"name": "Keripik Bu Sari", "region_code": "32.99", "kbli": "10792"}).content.decode()
    assert "[region.exists]" in page
    assert owner_client.post(url, {"name": "Keripik Bu Sari", "region_code": "32.04.05", "kbli": "10792",
                                   "founded_year": "2012"}).status_code == 302
    owned.refresh_from_db()
    assert owned.founded_year == 2012 and owned.nib is None


def test_benchmark_page_names_the_peer_group_and_shows_percentiles(owner_client, owned, lumbung_home):
    peers_sample.write(lumbung_home, 2023, [peers_sample.peer(100 + i, i * 2_000_000) for i in range(1, 16)])
    AnnualReport.objects.create(enterprise=owned, year=2023, workers=3, workers_paid=2, output=70_000_000,
                                inputs=10_000_000, sales=90_000_000)
    page = owner_client.get(en("owners:benchmark", owned.pk)).content.decode()

    assert "15 enterprises: KBLI division 10, regency 32.04, size class micro" in page
    assert 'id="benchmark-spec"' in page
    assert "Value added per worker" in page

