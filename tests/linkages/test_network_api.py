"""The network API: scoped by enterprise visibility, writes through the rules, in the OpenAPI schema."""

from __future__ import annotations

import pytest
from network_samples import network
from rest_framework.test import APIClient

from lumbung.linkages.models import Linkage
from lumbung.registry.accounts import create_user
from lumbung.registry.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    firms = network()
    users = {"officer": create_user("off", "officer", regions=["32.04"], password="pw-123456789"),
             "other": create_user("off2", "officer", regions=["33.74"], password="pw-123456789"),
             "owner_f": create_user("own", "owner", enterprises=[firms["F"].pk], password="pw-123456789")}
    return firms, users


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_reads_are_scoped(world):
    firms, users = world
    assert _client().get("/api/linkages/").status_code in (401, 403)
    assert len(_client(users["officer"]).get("/api/linkages/").json()["results"]) == 2
    assert _client(users["other"]).get("/api/linkages/").json()["results"] == []
    link = Linkage.objects.first()
    assert _client(users["other"]).get(f"/api/linkages/{link.pk}/").status_code == 404
    sentra = _client().get("/api/sentra/").json()["results"][0]  # public facts
    assert sentra["tpi_officers"] == ["Ibu Sari", "Pak Budi"]


def test_writes_follow_the_rules_and_the_scope(world):
    firms, users = world
    officer = _client(users["officer"])
    body = {"ikm": firms["B"].pk, "partner": firms["L"].pk, "kind": "buyer", "start_date": "2022-01-01",
            "source": "Dinas visit"}
    made = officer.post("/api/linkages/", body, format="json")
    assert made.status_code == 201
    assert AuditEntry.objects.filter(model="linkage", source="api", object_id=made.json()["id"]).exists()
    bad = officer.post("/api/linkages/", {**body, "partner": firms["B"].pk}, format="json")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["ikm"]
    late = officer.post("/api/linkages/", {**body, "start_date": "1950-01-01"}, format="json")
    assert late.status_code == 400 and "start_date" in late.json()["errors"]
    # the other officer cannot see B: it "does not exist" for them
    hidden = _client(users["other"]).post("/api/linkages/", body, format="json")
    assert hidden.status_code == 400
    # an owner may not write a linkage for a firm that is not theirs
    owner = _client(users["owner_f"]).post("/api/linkages/", {**body, "ikm": firms["F"].pk,
                                                                 "partner": firms["F"].pk}, format="json")
    assert owner.status_code == 400


def test_in_the_openapi_schema():
    schema = _client().get("/api/openapi.json").json()
    assert {"/api/linkages/", "/api/memberships/", "/api/sentra/", "/api/cooperatives/"} <= set(schema["paths"])


def test_officers_write_sentra_and_cooperatives_of_their_regions(world):
    firms, users = world
    officer, other = _client(users["officer"]), _client(users["other"])
    body = {"code": "S-API", "name": "Sentra API", "kind": "LIK", "region_code": "3204", "upt": "UPT",
            "tpi_officers": ["Ibu Sari", "Pak Budi"], "source": "Dinas"}
    assert _client().post("/api/sentra/", body, format="json").status_code in (401, 403)
    assert _client(users["owner_f"]).post("/api/sentra/", body, format="json").status_code == 403
    assert other.post("/api/sentra/", body, format="json").status_code == 403  # 32.04 is not theirs
    created = officer.post("/api/sentra/", body, format="json")
    assert created.status_code == 201, created.json()
    sentra = created.json()
    assert sentra["region_code"] == "32.04" and sentra["tpi_officers"] == ["Ibu Sari", "Pak Budi"]
    bad = officer.post("/api/sentra/", {**body, "code": "S-API2", "tpi_officers": ["Budi 081234567890"]},
                       format="json")
    assert bad.status_code == 400 and "tpi_officers" in bad.json()["errors"]
    assert other.patch(f"/api/sentra/{sentra['id']}/", {"name": "x"}, format="json").status_code == 404
    moved = officer.patch(f"/api/sentra/{sentra['id']}/", {"region_code": "33.74"}, format="json")
    assert moved.status_code == 403, moved.json()
    assert officer.patch(f"/api/sentra/{sentra['id']}/", {"kind": "PIK"}, format="json").status_code == 200
    entries = AuditEntry.objects.filter(model="sentra", object_id=sentra["id"]).order_by("id")
    assert [(e.action, e.source) for e in entries] == [("create", "api"), ("update", "api")]
    coop = officer.post("/api/cooperatives/", {"code": "K-API", "name": "KUB API", "kind": "KOPINKRA",
                                               "region_code": "32.04", "source": "Dinas"}, format="json")
    assert coop.status_code == 201


def test_a_membership_ends_through_the_api(world):
    firms, users = world
    from lumbung.linkages.models import Membership

    member = Membership.objects.filter(enterprise__region_code__startswith="32.04").first()
    officer = _client(users["officer"])
    assert _client(users["other"]).patch(f"/api/memberships/{member.pk}/", {"end_date": "2024-01-31"},
                                         format="json").status_code == 404
    early = officer.patch(f"/api/memberships/{member.pk}/", {"end_date": "1999-01-01"}, format="json")
    assert early.status_code == 400 and "end_date" in early.json()["errors"]
    assert officer.patch(f"/api/memberships/{member.pk}/", {"end_date": "2024-01-31"},
                         format="json").status_code == 200
    member.refresh_from_db()
    assert member.end_date.isoformat() == "2024-01-31"
    assert AuditEntry.objects.filter(model="membership", object_id=member.pk, action="update", source="api").exists()
