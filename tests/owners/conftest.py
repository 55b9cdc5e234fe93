"""Fixtures for the owners' pages: an enterprise in Kabupaten Bandung (32.04), users of each role."""

from __future__ import annotations

import pytest

PASSWORD = "kopi-susu-2024"


@pytest.fixture
def make_user(db):
    from lumbung.registry.accounts import create_user

    def make(username, role, regions=(), enterprises=()):
        return create_user(username, role, regions=regions, enterprises=enterprises, password=PASSWORD)

    return make


@pytest.fixture
def firm(db):
    from lumbung.registry.models import Enterprise

    return Enterprise.objects.create(name="Keripik Bu Sari", nib="1234567890123", region_code="32.04.05",
                                     kbli="10792", founded_year=2010, address="Jl. Melati 3")


@pytest.fixture
def owner(make_user):
    return make_user("sari@example.id", "owner")


@pytest.fixture
def officer(make_user):
    return make_user("officer32", "officer", regions=["32"])


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client
