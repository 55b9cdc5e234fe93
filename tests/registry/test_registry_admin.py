"""The admin shows the NIK masked, filters by region scope, and keeps the audit trail read-only."""

from __future__ import annotations

import pytest
from registry_samples import NIK, NIK_MASKED, NIK_MIDDLE

from lumbung.registry.models import AuditEntry, Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for(client, make_user):
    def login(username, role, regions=()):
        user = make_user(username, role, regions=regions)
        if role == "officer":
            # Officers work in /workspace/ and are not staff (roles.py); an administrator may still
            # let one into the admin, which then filters by the same rules as the workspace.
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        client.force_login(user)
        return client

    return login


def test_changelist_and_change_page_show_masked_nik_only(admin_client_for, make_enterprise):
    enterprise = make_enterprise(name="Batik Lestari", nik=NIK)
    client = admin_client_for("admin1", "admin")
    for url in ["/admin/registry/enterprise/", f"/admin/registry/enterprise/{enterprise.pk}/change/"]:
        page = client.get(url).content.decode()
        assert "Batik Lestari" in page
        assert NIK_MASKED in page
        assert NIK not in page and NIK_MIDDLE not in page
        assert enterprise.owner_nik_token not in page  # not even the ciphertext is sent


def test_audit_admin_shows_no_plain_nik(admin_client_for, make_enterprise):
    enterprise = make_enterprise(nik=NIK)
    entry = AuditEntry.objects.get(model="enterprise", object_id=enterprise.pk)
    client = admin_client_for("admin2", "admin")
    for url in ["/admin/registry/auditentry/", f"/admin/registry/auditentry/{entry.pk}/change/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert NIK not in response.content.decode() and NIK_MIDDLE not in response.content.decode()


def test_admin_form_sets_nik_encrypted_and_audits_with_actor(admin_client_for, make_enterprise):
    enterprise = make_enterprise(name="Kerupuk", region_code="32.04.05")
    client = admin_client_for("petugas", "officer", regions=["32.04"])
    data = {"source": "manual", "name": "Kerupuk Jaya", "region_code": "32.04.05", "kbli": "10792",
            "kbli_version": "2020", "new_owner_nik": NIK, "owner_name": "", "address": "", "main_products": "",
            "reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0",
            "owner_links-TOTAL_FORMS": "0", "owner_links-INITIAL_FORMS": "0"}
    response = client.post(f"/admin/registry/enterprise/{enterprise.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    enterprise.refresh_from_db()
    assert enterprise.name == "Kerupuk Jaya" and enterprise.owner_nik_masked == NIK_MASKED
    update = AuditEntry.objects.filter(model="enterprise", object_id=enterprise.pk, action="update").get()
    assert update.actor_name == "petugas" and update.source == "admin"
    assert update.changes["owner_nik"] == [None, NIK_MASKED]
    assert update.changes["name"] == ["Kerupuk", "Kerupuk Jaya"]


def test_officer_admin_lists_only_their_region(admin_client_for, make_enterprise):
    inside = make_enterprise(name="Dalam Wilayah", region_code="32.04.05")
    outside = make_enterprise(name="Luar Wilayah", region_code="35.78")
    client = admin_client_for("petugas2", "officer", regions=["32.04"])
    page = client.get("/admin/registry/enterprise/").content.decode()
    assert "Dalam Wilayah" in page and "Luar Wilayah" not in page
    assert client.get(f"/admin/registry/enterprise/{outside.pk}/change/").status_code in (302, 404)
    assert client.get(f"/admin/registry/enterprise/{inside.pk}/change/").status_code == 200


def test_audit_trail_cannot_be_edited_in_admin(admin_client_for, make_enterprise):
    enterprise = make_enterprise()
    entry = AuditEntry.objects.get(model="enterprise", object_id=enterprise.pk)
    client = admin_client_for("admin3", "admin")
    assert client.get("/admin/registry/auditentry/add/").status_code == 403
    assert client.post(f"/admin/registry/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_officer_cannot_move_an_enterprise_out_of_their_regions(admin_client_for, make_enterprise):
    enterprise = make_enterprise(name="Gerabah", region_code="32.04.05")
    client = admin_client_for("petugas3", "officer", regions=["32.04"])
    data = {"source": "manual", "name": "Gerabah", "region_code": "35.78", "kbli": "23931",
            "kbli_version": "2020", "owner_name": "", "address": "", "main_products": "",
            "reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0",
            "owner_links-TOTAL_FORMS": "0", "owner_links-INITIAL_FORMS": "0"}
    response = client.post(f"/en/admin/registry/enterprise/{enterprise.pk}/change/", data)
    assert response.status_code == 200  # the form is shown again with the error
    assert "outside the regions" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.region_code == "32.04.05"


def test_officer_cannot_file_a_report_outside_their_regions(admin_client_for, make_enterprise):
    from lumbung.registry.models import AnnualReport

    outside = make_enterprise(name="Luar", region_code="35.78")
    inside = make_enterprise(name="Dalam", region_code="32.04.05")
    client = admin_client_for("petugas4", "officer", regions=["32.04"])
    for enterprise, expected in ((outside, 200), (inside, 302)):
        response = client.post("/en/admin/registry/annualreport/add/",
                               {"enterprise": str(enterprise.pk), "year": "2024", "workers": "3"})
        assert response.status_code == expected
    assert list(AnnualReport.objects.values_list("enterprise__name", flat=True)) == ["Dalam"]


def test_officer_cannot_link_owner_accounts(admin_client_for, make_enterprise):
    enterprise = make_enterprise(region_code="32.04.05")
    client = admin_client_for("petugas5", "officer", regions=["32.04"])
    page = client.get(f"/en/admin/registry/enterprise/{enterprise.pk}/change/").content.decode()
    assert "owner_links-TOTAL_FORMS" not in page  # linking an owner (who then sees the NIK) is for admins
    assert "reports-TOTAL_FORMS" in page


@pytest.fixture
def outside_and_officer(admin_client_for, make_enterprise):
    """20 enterprises in 35.29 (Kabupaten Sumenep) and an officer of 32.04 with one of their own."""
    from lumbung.registry.models import AnnualReport

    outside = [make_enterprise(name=f"Rahasia Sumenep {i:02d}", region_code="35.29.01") for i in range(20)]
    for enterprise in outside:
        AnnualReport.objects.create(enterprise=enterprise, year=2023, workers=2)
    inside = make_enterprise(name="Milik Bandung", region_code="32.04.05")
    AnnualReport.objects.create(enterprise=inside, year=2023, workers=2)
    return outside, inside, admin_client_for("petugas_bdg", "officer", regions=["32.04"])


def _no_outside_name(page: str) -> bool:
    return "Rahasia Sumenep" not in page


def test_officer_sees_no_outside_enterprise_through_the_prefilled_report_form(outside_and_officer):
    outside, _inside, client = outside_and_officer
    shown = 0
    for enterprise in outside:
        response = client.get(f"/admin/registry/annualreport/add/?enterprise={enterprise.pk}")
        assert response.status_code == 200
        shown += not _no_outside_name(response.content.decode())
    assert shown == 0  # of 20 out-of-region ids


def test_officer_sees_no_outside_enterprise_in_lists_filters_and_lookups(outside_and_officer):
    outside, inside, client = outside_and_officer
    first = outside[0]
    report = first.reports.get()
    urls = ["/admin/registry/annualreport/", "/admin/registry/enterprise/", "/admin/registry/auditentry/",
            f"/admin/registry/annualreport/?enterprise__id__exact={first.pk}",
            f"/admin/registry/annualreport/?enterprise={first.pk}",
            f"/admin/registry/enterprise/?id={first.pk}", "/admin/registry/enterprise/?q=Rahasia",
            f"/admin/registry/auditentry/?object_id={first.pk}",
            "/admin/registry/enterprise/?_to_field=id&_popup=1",  # the lookup popup of a related field
            "/admin/autocomplete/?app_label=registry&model_name=annualreport&field_name=enterprise&term=Rahasia",
            "/admin/autocomplete/?app_label=registry&model_name=annualreport&field_name=enterprise",
            f"/admin/registry/enterprise/{first.pk}/change/", f"/admin/registry/enterprise/{first.pk}/history/",
            f"/admin/registry/annualreport/{report.pk}/change/", f"/admin/registry/annualreport/{report.pk}/delete/"]
    for url in urls:
        response = client.get(url, follow=True)
        assert _no_outside_name(response.content.decode()), url
    assert "Milik Bandung" in client.get("/admin/registry/annualreport/").content.decode()
    found = client.get("/admin/autocomplete/?app_label=registry&model_name=annualreport&field_name=enterprise"
                       "&term=Milik").json()["results"]
    assert [r["text"] for r in found] == ["Milik Bandung"]


def test_querysets_follow_the_same_rule(outside_and_officer, make_user):
    from lumbung.registry.models import AnnualReport, Enterprise

    outside, inside, _client = outside_and_officer
    officer = make_user("petugas_lain", "officer", regions=["32.04"])
    assert list(Enterprise.objects.visible_to(officer)) == [inside]
    assert list(AnnualReport.objects.visible_to(officer).values_list("enterprise", flat=True)) == [inside.pk]
    analyst = make_user("analis_bdg", "analyst", regions=["35.29"], records=True)
    assert AnnualReport.objects.visible_to(analyst).count() == 20  # the granted regency's, record by record
    assert AnnualReport.objects.restrict(analyst, "change").count() == 0  # sees them, changes nothing
    assert AnnualReport.objects.visible_to(make_user("analis_angka", "analyst", regions=["35.29"])).count() == 0
    assert Enterprise.objects.restrict(officer, "change").get() == inside
