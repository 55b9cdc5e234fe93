"""Fixtures for the registry tests: enterprises, reports and users in the four roles."""

from __future__ import annotations

import pytest


@pytest.fixture
def make_enterprise(db):
    from lumbung.registry.models import Enterprise

    counter = iter(range(1, 10_000))

    def make(**values):
        n = next(counter)
        nik = values.pop("nik", None)
        values.setdefault("name", f"Usaha {n}")
        values.setdefault("region_code", "32.04.01")
        values.setdefault("kbli", "10792")
        enterprise = Enterprise(**values)
        if nik:
            enterprise.set_owner_nik(nik)
        enterprise.save()
        return enterprise

    return make


@pytest.fixture
def make_user(db):
    from lumbung.registry.accounts import create_user

    def make(username, role, regions=(), enterprises=(), password="pw-test-123", records=False):
        return create_user(username, role, regions=regions, enterprises=enterprises, password=password,
                           records=records)

    return make
