"""Fixtures of the analysts' pages: the portal's analytics sample and users with grants."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "portal"))  # analytics_sample (no __init__ there)


@pytest.fixture
def sample_site(lumbung_home):
    """The portal's analytics sample: provinces 32 (regencies 32.04, 32.73, 32.05 and 32.01 with
    a single enterprise), 33, 35, 12 and 14 (one enterprise), three years."""
    import analytics_sample

    from lumbung.portal import figures

    analytics_sample.write(lumbung_home)
    figures.clear()
    yield lumbung_home
    figures.clear()


@pytest.fixture
def make_user(db):
    from lumbung.registry.accounts import create_user

    def make(username, role, regions=(), enterprises=(), records=False):
        return create_user(username, role, regions=regions, enterprises=enterprises, password="pw-test-123",
                           records=records)

    return make
