"""The workspace's forms are one more write path of the one rule set (tests/test_rules_every_path.py):
the same bad cells are refused with the same rule ids (the NIK is not a workspace field)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.urls import reverse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from lumbung.registry.models import AnnualReport, Enterprise  # noqa: E402
from test_rules_every_path import ENTERPRISE_CASES, GOOD_ENTERPRISE, GOOD_REPORT, REPORT_CASES  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("admin-ws-rules", "admin"))
    return client


def _codes(response) -> dict[str, list[str]]:
    assert response.status_code == 200, "the form was accepted"
    return {field: [e.code for e in errors] for field, errors in response.context["form"].errors.as_data().items()}


@pytest.mark.parametrize("field,value,rule", [c for c in ENTERPRISE_CASES if c[0] != "owner_nik"])
def test_workspace_refuses_the_enterprise_cell(admin_client, field, value, rule):
    data = {k: v for k, v in GOOD_ENTERPRISE.items() if k not in ("owner_nik", "source_id")}
    data[field] = value
    response = admin_client.post(reverse("workspace:enterprise_add"), data)
    assert _codes(response) == {field: [rule]}
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("cells,founded,field,rule", REPORT_CASES)
def test_workspace_refuses_the_report(admin_client, cells, founded, field, rule):
    enterprise = Enterprise.objects.create(name="X", region_code="32.04", kbli="10792", founded_year=int(founded))
    response = admin_client.post(reverse("workspace:report_add", args=[enterprise.pk]), {**GOOD_REPORT, **cells})
    shown = "year" if field == "founded_year" else field
    assert _codes(response) == {shown: [rule]}
    assert not AnnualReport.objects.exists()


def test_workspace_saves_a_good_report(admin_client):
    enterprise = Enterprise.objects.create(name="X", region_code="32.04", kbli="10792", founded_year=2010)
    response = admin_client.post(reverse("workspace:report_add", args=[enterprise.pk]), GOOD_REPORT)
    assert response.status_code == 302 and AnnualReport.objects.get().workers == 3
