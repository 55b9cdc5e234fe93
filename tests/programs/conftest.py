"""Fixtures for the programs tests: the seeded catalogue, enterprises with reports, users in roles."""

from __future__ import annotations

import pytest


@pytest.fixture
def catalogue(db):
    from lumbung.programs.services import seed

    seed()
    from lumbung.programs.models import Program

    return {p.slug: p for p in Program.objects.all()}


@pytest.fixture
def firm(db):
    """An enterprise with one yearly report: ``firm(region, year=2023, **report)``."""
    from lumbung.registry.models import AnnualReport, Enterprise

    counter = iter(range(1, 10_000))

    def make(region_code="32.04.01", kbli="10792", founded_year=2010, report=True, year=2023, nib=None, **values):
        n = next(counter)
        enterprise = Enterprise.objects.create(name=f"Usaha {n}", region_code=region_code, kbli=kbli,
                                               founded_year=founded_year, nib=nib, indonesian_owned=True,
                                               independent=True)
        if report:
            AnnualReport.objects.create(enterprise=enterprise, year=year, **values)
        return enterprise

    return make


@pytest.fixture
def user(db):
    from lumbung.registry.accounts import create_user

    def make(username, role, regions=(), enterprises=(), records=False):
        return create_user(username, role, regions=regions, enterprises=enterprises, password="pw-test-123",
                           records=records)

    return make


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request to /en/... leaves English active in the
    thread, and reverse() would then build English paths."""
    from django.utils import translation

    translation.activate("id")
    yield
    translation.deactivate()
