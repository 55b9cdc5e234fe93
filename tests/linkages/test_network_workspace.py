"""The network in the officers' workspace (/workspace/network/): sentra, cooperatives and their
members are entered by officers of their regions only, checked by lumbung.rules (the same rule
ids as the import and the API) and audited with the user and the source ``web``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from network_samples import enterprise

from lumbung.linkages.models import Cooperative, Membership, Sentra
from lumbung.registry.accounts import create_user
from lumbung.registry.models import AuditEntry

pytestmark = pytest.mark.django_db
BASE = "/en/workspace/network/"
SENTRA = {"code": "S-9", "name": "Sentra Batik", "kind": "SUIK", "region_code": "3204", "upt": "UPT Batik",
          "tpi_officers": "Ibu Sari\nPak Budi", "source": "Dinas 2024"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people():
    officer = create_user("ws-officer", "officer", regions=["32.04"])
    other = create_user("ws-other", "officer", regions=["35"])
    owner = create_user("ws-owner", "owner")
    return officer, other, owner


def test_an_officer_creates_a_sentra_of_their_region_audited(people):
    officer, _other, _owner = people
    response = _client(officer).post(BASE + "sentra/add/", SENTRA)
    sentra = Sentra.objects.get(code="S-9")
    assert response.status_code == 302 and response["Location"].endswith(f"/sentra/{sentra.pk}/")
    assert sentra.region_code == "32.04" and sentra.officers == ["Ibu Sari", "Pak Budi"]
    entry = AuditEntry.objects.get(model="sentra", object_id=sentra.pk)
    assert (entry.action, entry.actor_id, entry.source) == ("create", officer.pk, "web")
    page = _client(officer).get(BASE + f"sentra/{sentra.pk}/")
    assert page.status_code == 200 and b"UPT Batik" in page.content


@pytest.mark.parametrize("field,value,code", [
    ("region_code", "35.29", "outside_scope"),
    ("kind", "KIK", "invalid_choice"),
    ("region_code", "32.04.99", "region.exists"),
    ("tpi_officers", "Ibu Sari 0812-3456-7890", "sentra.names_only"),
    ("code", "", "required"),
])
def test_the_sentra_form_refuses_by_rule_and_scope(people, field, value, code):
    officer, _other, _owner = people
    response = _client(officer).post(BASE + "sentra/add/", {**SENTRA, field: value})
    assert response.status_code == 200
    assert code in [e.code for e in response.context["form"].errors.as_data()[field]]
    assert not Sentra.objects.exists()


def test_a_cooperative_is_created_and_edited_and_its_region_stays_in_scope(people):
    officer, _other, _owner = people
    client = _client(officer)
    client.post(BASE + "cooperatives/add/", {"code": "K-9", "name": "KOPINKRA Rotan", "kind": "KOPINKRA",
                                             "region_code": "32.04.05", "source": "Dinas"})
    coop = Cooperative.objects.get(code="K-9")
    moved = client.post(BASE + f"cooperatives/{coop.pk}/", {"code": "K-9", "name": "KOPINKRA Rotan", "kind": "KUB",
                                                           "region_code": "35.29", "source": "Dinas"})
    assert moved.status_code == 200
    coop.refresh_from_db()
    assert (coop.kind, coop.region_code) == ("KOPINKRA", "32.04.05")
    client.post(BASE + f"cooperatives/{coop.pk}/", {"code": "K-9", "name": "KOPINKRA Rotan", "kind": "KUB",
                                                   "region_code": "32.04.05", "source": "Dinas"})
    coop.refresh_from_db()
    assert coop.kind == "KUB"
    update = AuditEntry.objects.get(model="cooperative", object_id=coop.pk, action="update")
    assert update.changes == {"kind": ["KOPINKRA", "KUB"]} and update.source == "web"


def test_another_regions_officer_gets_404_and_changes_nothing(people):
    _officer, other, owner = people
    sentra = Sentra.objects.create(**{**SENTRA, "region_code": "32.04"})
    firm = enterprise("A", nib="1000000000001")
    member = Membership.objects.create(enterprise=firm, sentra=sentra, start_date=dt.date(2020, 1, 1), source="x")
    client = _client(other)
    for path in (f"sentra/{sentra.pk}/", f"sentra/{sentra.pk}/members/add/", f"memberships/{member.pk}/"):
        assert client.get(BASE + path).status_code == 404
    assert client.post(BASE + f"sentra/{sentra.pk}/", {**SENTRA, "name": "Taken"}).status_code == 404
    assert client.post(BASE + f"memberships/{member.pk}/", {"start_date": "2020-01-01", "end_date": "2021-01-01",
                                                           "source": "x"}).status_code == 404
    sentra.refresh_from_db()
    member.refresh_from_db()
    assert sentra.name == "Sentra Batik" and member.end_date is None
    assert b"Sentra Batik" not in client.get(BASE).content  # not in the other officer's list
    assert _client(owner).get(BASE).status_code == 403  # the workspace is for officers


def test_an_enterprise_joins_and_leaves_a_sentra(people):
    officer, _other, _owner = people
    sentra = Sentra.objects.create(**{**SENTRA, "region_code": "32.04"})
    firm = enterprise("A", nib="1000000000001")
    far = enterprise("F", region="35.29", nib="1000000000002")
    client = _client(officer)
    add = BASE + f"sentra/{sentra.pk}/members/add/"
    refused = client.post(add, {"reference": "1000000000002", "start_date": "2020-01-01", "source": "Dinas"})
    assert "reference" in refused.context["form"].errors  # another region's enterprise: not one they may change
    assert client.post(add, {"reference": "1000000000001", "start_date": "2020-01-01",
                             "source": "Dinas"}).status_code == 302
    member = Membership.objects.get(enterprise=firm, sentra=sentra)
    again = client.post(add, {"reference": "template:A", "start_date": "2020-01-01", "source": "Dinas"})
    assert [e.code for e in again.context["form"].errors.as_data()["start_date"]] == ["duplicate"]
    edit = BASE + f"memberships/{member.pk}/"
    early = client.post(edit, {"start_date": "2020-01-01", "end_date": "2019-01-01", "source": "Dinas"})
    assert "date.end_after_start" in [e.code for e in early.context["form"].errors.as_data()["end_date"]]
    assert client.post(edit, {"start_date": "2020-01-01", "end_date": "2023-06-30", "source": "Dinas"}).status_code == 302
    member.refresh_from_db()
    assert member.end_date == dt.date(2023, 6, 30)
    actions = list(AuditEntry.objects.filter(model="membership", object_id=member.pk).order_by("id")
                   .values_list("action", "source"))
    assert actions == [("create", "web"), ("update", "web")]
    assert Membership.objects.filter(enterprise=far).count() == 0
