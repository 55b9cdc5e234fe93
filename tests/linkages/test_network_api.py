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
