"""Record pages and JSON: the full NIK for the owner's own view only, masked for everyone else."""

from __future__ import annotations

import json

import pytest
from portal_samples import NIK, NIK_MASKED, NIK_MIDDLE

pytestmark = pytest.mark.django_db


def test_owner_sees_full_nik_in_own_view(client, registry, make_user):
    owner = make_user("pemilik_b", "owner", enterprises=[registry["B"].pk])
    client.force_login(owner)
    for url in ("/my/", f"/enterprises/{registry['B'].pk}/"):
        html = client.get(url).content.decode()
        assert NIK in html, url
    data = client.get(f"/enterprises/{registry['B'].pk}.json").json()
    assert data["owner_nik"] == NIK and data["name"] == "Usaha B"


def test_officer_and_analyst_see_it_masked(client, registry, make_user):
    url = f"/enterprises/{registry['B'].pk}"
    for user in (make_user("dinas_kota", "officer", regions=["32.73"]), make_user("analis", "analyst", regions=["32"], records=True)):
        client.force_login(user)
        html = client.get(url + "/").content.decode()
        body = client.get(url + ".json").content.decode()
        assert NIK_MASKED in html and json.loads(body)["owner_nik"] == NIK_MASKED
        for text in (html, body):
            assert NIK not in text and NIK_MIDDLE not in text


def test_other_owner_cannot_open_the_record(client, registry, make_user):
    client.force_login(make_user("pemilik_a", "owner", enterprises=[registry["A"].pk]))
    assert client.get(f"/enterprises/{registry['B'].pk}.json").status_code == 404
    html = client.get("/my/").content.decode()
    assert "Usaha A" in html and "Usaha B" not in html and NIK not in html


def test_officer_outside_region_gets_404(client, registry, make_user):
    client.force_login(make_user("dinas_jakarta", "officer", regions=["31"]))
    assert client.get(f"/enterprises/{registry['B'].pk}/").status_code == 404
    assert client.get(f"/enterprises/{registry['E'].pk}/").status_code == 200


def test_analyst_opens_records_only_of_grants_with_records(client, registry, make_user):
    client.force_login(make_user("analis_angka", "analyst", regions=["32"]))  # figures only
    assert client.get(f"/enterprises/{registry['B'].pk}/").status_code == 404
    client.force_login(make_user("analis_bdg", "analyst", regions=["32.73"], records=True))
    assert client.get(f"/enterprises/{registry['B'].pk}/").status_code == 200
    assert client.get(f"/enterprises/{registry['A'].pk}/").status_code == 404


def test_anonymous_is_sent_to_login(client, registry):
    response = client.get(f"/enterprises/{registry['B'].pk}.json")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_json_keeps_missing_values_null(client, registry, make_user):
    client.force_login(make_user("analis2", "analyst", regions=["32.05"], records=True))
    data = client.get(f"/enterprises/{registry['C'].pk}.json").json()
    [report] = data["reports"]
    assert report["workers"] is None and report["net_assets"] is None and report["sales"] == 10_000_000
    assert report["value_added"] is None  # output and inputs missing: not 0
    assert data["nib"] is None and data["owner_nik"] is None


def test_login_page_renders(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200 and 'name="username"' in response.content.decode()
