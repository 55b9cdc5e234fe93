"""Stale indicators are announced on the public pages (issue 8 point 15): after a change to the
registry that no analytics build has taken in, every page says the figures are older."""

from __future__ import annotations

import pytest

from lumbung.indicators import analytics
from lumbung.portal import freshness
from lumbung.registry.rows import RegistryRows

pytestmark = pytest.mark.django_db


def _page(client) -> str:
    freshness.forget()
    return client.get("/en/reference/size-classes/").content.decode()


def test_current_figures_carry_no_notice(client, registry):
    analytics.build(RegistryRows(), full=True)
    assert 'class="notice"' not in _page(client)


def test_a_registry_change_after_the_build_is_announced(client, registry):
    from lumbung.registry.models import AnnualReport

    analytics.build(RegistryRows(), full=True)
    AnnualReport.objects.create(enterprise=registry["A"], year=2030, workers=4, sales=1_000_000)
    page = _page(client)
    assert 'class="notice"' in page and "older than the registry" in page and "2030" in page
    analytics.build(RegistryRows())  # the refresh takes the change in: the notice goes
    assert 'class="notice"' not in _page(client)
