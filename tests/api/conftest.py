"""Fixtures of the API tests: a small registry with users in every role, and analytics tables."""

from __future__ import annotations

import pytest
from api_samples import ADDRESS, NIK, PASSWORD, PHONE


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters and cached answers live in the caches (default and ``throttle``): each test
    starts without them."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["throttle"].clear()
    yield
    cache.clear()
    caches["throttle"].clear()


@pytest.fixture
def client_api():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def analytics(lumbung_home):
    from lumbung.indicators.testing import write_fixture

    write_fixture(lumbung_home)
    return lumbung_home


@pytest.fixture
def people(db):
    """Firm A (32.04, owner with NIK, phone and home address), firm B (35.29), and one user per role
    (the analyst is granted province 32 with record-level lists)."""
    from lumbung.registry.accounts import create_user
    from lumbung.registry.models import AnnualReport, Enterprise

    a = Enterprise(name="Usaha A", region_code="32.04.01", kbli="10792", owner_name="Siti Aminah",
                   address=f"{ADDRESS}, HP {PHONE}")
    a.set_owner_nik(NIK)
    a.save()
    b = Enterprise.objects.create(name="Usaha B", region_code="35.29.01", kbli="13111")
    reports = {e.name: AnnualReport.objects.create(enterprise=e, year=2023, workers=4, sales=50_000_000)
               for e in (a, b)}
    users = {
        "owner": create_user("owner-a", "owner", enterprises=[a.pk], password=PASSWORD),
        "other_owner": create_user("owner-b", "owner", enterprises=[b.pk], password=PASSWORD),
        "officer": create_user("officer-3204", "officer", regions=["32.04"], password=PASSWORD),
        "other_officer": create_user("officer-3529", "officer", regions=["35.29"], password=PASSWORD),
        "analyst": create_user("analyst", "analyst", regions=["32"], records=True, password=PASSWORD),
        "admin": create_user("admin", "admin", password=PASSWORD),
    }
    return {"a": a, "b": b, "reports": reports, "users": users}


@pytest.fixture
def as_user(client_api):
    """``as_user(user)``: the API client authenticated as ``user`` by a token."""
    from lumbung.api import tokens

    def login(user):
        _, key = tokens.issue(user, "tests")
        client_api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client_api

    return login
