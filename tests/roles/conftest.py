"""Fixtures of the role matrix: the ``world`` (see role_world.py for what it holds)."""

from __future__ import annotations

import pytest
from role_world import World


@pytest.fixture
def world(db):
    from lumbung.analysts.models import SavedView
    from lumbung.api import tokens
    from lumbung.registry.accounts import create_user
    from lumbung.registry.models import AnnualReport, Enterprise

    e1 = Enterprise.objects.create(name="Matrix Satu", region_code="32.04.01", kbli="10792")
    e2 = Enterprise.objects.create(name="Matrix Dua", region_code="35.29.01", kbli="13111")
    r1 = AnnualReport.objects.create(enterprise=e1, year=2023, workers=4, sales=50_000_000)
    r2 = AnnualReport.objects.create(enterprise=e2, year=2023, workers=6, sales=70_000_000)
    w = World(e1, e2, r1, r2)
    w.users = {
        "owner": create_user("m-owner", "owner", enterprises=[e1.pk]),
        "other_owner": create_user("m-other-owner", "owner", enterprises=[e2.pk]),
        "officer": create_user("m-officer", "officer", regions=["32"]),
        "other_officer": create_user("m-other-officer", "officer", regions=["35"]),
        "analyst": create_user("m-analyst", "analyst", regions=["32"], records=True),
        "admin": create_user("m-admin", "admin"),
    }
    for role, user in w.users.items():
        w.tokens[role], w.keys[role] = tokens.issue(user, "matrix")
        w.views[role] = SavedView.objects.create(user=user, name=f"view of {role}", query="indicator=firms")
    return w
