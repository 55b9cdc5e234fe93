"""Fixtures for the portal tests."""

from __future__ import annotations

import pytest
from portal_samples import FIRMS, NIK


@pytest.fixture
def registry(db):
    """The FIRMS of portal_samples; firm B's owner has a NIK. Returns {name: Enterprise}."""
    from lumbung.registry.models import AnnualReport, Enterprise

    firms = {}
    for name, region, reports in FIRMS:
        enterprise = Enterprise(name=f"Usaha {name}", region_code=region, kbli="10792")
        if name == "B":
            enterprise.set_owner_nik(NIK)
        enterprise.save()
        for year, workers in reports.items():
            AnnualReport.objects.create(enterprise=enterprise, year=year, workers=workers, sales=10_000_000)
        firms[name] = enterprise
    return firms


@pytest.fixture
def make_user(db):
    from lumbung.registry.accounts import create_user

    def make(username, role, regions=(), enterprises=(), records=False):
        return create_user(username, role, regions=regions, enterprises=enterprises, password="pw-test-123",
                           records=records)

    return make


@pytest.fixture
def public_site(lumbung_home):
    """The analytics sample of analytics_sample.py under this test's data folder."""
    import analytics_sample

    from lumbung.portal import figures

    analytics_sample.write(lumbung_home)
    figures.clear()
    yield lumbung_home
    figures.clear()
