"""tests/roles/rows_network.py checked here with a small stand-in of the role matrix (the
analysts' harness runs the same rows at merge)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from network_samples import enterprise
from rest_framework.test import APIClient

from lumbung.linkages.models import ContactRequest, Cooperative, Linkage, Sentra
from lumbung.registry.accounts import create_user

pytestmark = pytest.mark.django_db
ROWS_FILE = Path(__file__).resolve().parents[1] / "roles" / "rows_network.py"
ROLES = ("anonymous", "owner", "other_owner", "officer", "other_officer", "analyst", "admin")


def _rows():
    spec = importlib.util.spec_from_file_location("rows_network", ROWS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ROWS


@pytest.fixture
def matrix():
    e1 = enterprise("E1", region="32.04.01")
    e2 = enterprise("E2", region="35.29.01")
    partner = enterprise("P1", region="32.73", workers=200)
    sentra = Sentra.objects.create(code="S1", name="Sentra", kind="LIK", region_code="32.04")
    sentra.memberships.create(enterprise=e1, start_date=dt.date(2020, 1, 1), source="Dinas")
    coop = Cooperative.objects.create(code="K1", name="KUB", kind="KUB", region_code="32")
    link = Linkage.objects.create(ikm=e1, partner=partner, kind="buyer", start_date=dt.date(2021, 1, 1), source="s")
    users = {"owner": create_user("o1", "owner", enterprises=[e1.pk], password="pw-123456789"),
             "other_owner": create_user("o2", "owner", enterprises=[e2.pk], password="pw-123456789"),
             "officer": create_user("f1", "officer", regions=["32"], password="pw-123456789"),
             "other_officer": create_user("f2", "officer", regions=["35"], password="pw-123456789"),
             "analyst": create_user("a1", "analyst", password="pw-123456789"),
             "admin": create_user("ad", "admin", password="pw-123456789")}
    users["other_owner_sender"] = users["other_owner"]
    request = ContactRequest.objects.create(sender=users["other_owner"], from_enterprise=e2, to_enterprise=e1,
                                            message="hello")
    kwargs = {"e1": {"pk": e1.pk}, "sentra1": {"code": "S1"}, "coop1": {"code": coop.code},
              "region_e1": {"code": "32"}, "e1_to_e2": {"pk": e1.pk, "to": e2.pk},
              "contact_to_e1": {"pk": request.pk}, "link_e1": {"pk": link.pk}}
    return users, kwargs


def _outcome(response, expected, api: bool):
    if expected == "login":
        return response.status_code in (401, 403) if api else (
            response.status_code == 302 and "/accounts/login/" in response["Location"])
    if expected == "scoped":
        return response.status_code == 200
    return response.status_code == expected


def test_every_row_holds(matrix):
    users, kwargs = matrix
    failures = []
    for method, name, factory, outcomes in _rows():
        url = reverse(name, kwargs=kwargs[factory] if factory else None)
        api = url.startswith("/api/")
        for role in ROLES:
            expected = outcomes.get(role, outcomes.get("*"))
            client = APIClient() if api else Client(HTTP_ACCEPT_LANGUAGE="id")
            if role != "anonymous":
                client.force_login(users[role])
            response = getattr(client, method.lower())(url)
            if not _outcome(response, expected, api):
                failures.append(f"{method} {name} as {role}: {response.status_code}, expected {expected}")
    assert not failures, "\n".join(failures)
