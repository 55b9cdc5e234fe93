"""Admin pages of the network: permissions granted to the roles as data (migration 0002_roles),
officers narrowed to their regions, enterprise choices to what they may see."""

from __future__ import annotations

import pytest
from django.test import Client
from network_samples import network

from lumbung.linkages.models import Sentra
from lumbung.registry.accounts import create_user

pytestmark = pytest.mark.django_db


def test_roles_and_region_scope():
    firms = network()
    Sentra.objects.create(code="S2", name="Sentra Surabaya", kind="LIK", region_code="35.78")
    officer = create_user("off", "officer", regions=["32.04"], password="pw-123456789")
    # Officers work in /workspace/, not the admin; one an administrator lets in (staff) still sees
    # only their regions there.
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    analyst = create_user("ana", "analyst", password="pw-123456789")
    admin = create_user("adm", "admin", password="pw-123456789")
    assert officer.has_perm("linkages.add_sentra") and officer.has_perm("linkages.change_linkage")
    assert not officer.has_perm("linkages.delete_sentra") and not analyst.has_perm("linkages.add_linkage")
    assert admin.has_perm("linkages.delete_membership")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    page = client.get("/en/admin/linkages/sentra/").content.decode()
    assert "Sentra Tahu Cibuntu" in page and "Sentra Surabaya" not in page
    linkages = client.get("/en/admin/linkages/linkage/").content.decode()
    assert "buyer (forward linkage)" in linkages
    add = client.post("/en/admin/linkages/sentra/add/", {"code": "S3", "name": "X", "kind": "PIK",
                                                         "region_code": "35.78"})
    assert add.status_code == 403 and not Sentra.objects.filter(code="S3").exists()
    client.force_login(admin)
    assert "Sentra Surabaya" in client.get("/en/admin/linkages/sentra/").content.decode()
    assert firms["A"].pk
