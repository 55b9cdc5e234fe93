"""The analysts' pages: the explorer without suppression inside the grants, saved views, records."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.django_db

QUERY = {"indicator": "firms", "by": "regency", "year": "2023"}


def cells(html: str) -> dict[str, str]:
    """{regency code: shown text} of the explorer table's cells."""
    out = {}
    for key, text in re.findall(r'data-cell="([^"]+)"[^>]*>([^<]*)<', html):
        out[json.loads(key.replace("&quot;", '"'))["regency"]] = text
    return out


def test_analyst_sees_unsuppressed_figures_of_the_grant_only(client, sample_site, make_user):
    client.force_login(make_user("analis", "analyst", regions=["32"]))
    html = client.get("/analyst/", QUERY).content.decode()
    shown = cells(html)
    assert shown and all(code.startswith("32.") for code in shown)
    assert shown["32.01"] == "1"  # the lone enterprise the public explorer hides
    assert "Narrowed to your grants" in html or "Dipersempit" in html
    public = client.get("/explorer/", {**QUERY, "where": "regency=32.01"}).content.decode()
    assert "◆" in public


def test_a_filter_outside_the_grant_is_refused(client, sample_site, make_user):
    client.force_login(make_user("analis", "analyst", regions=["32"]))
    html = client.get("/analyst/", {**QUERY, "where": "province=33"}).content.decode()
    assert all(code.startswith("32.") for code in cells(html))
    assert 'id="scope-notes"' in html and "33" in html.split('id="scope-notes"')[1].split("</ul>")[0]
    inside = client.get("/analyst/", {**QUERY, "where": "regency=32.04"}).content.decode()
    assert list(cells(inside)) == ["32.04"] and 'id="scope-notes"' not in inside


def test_csv_is_narrowed_too(client, sample_site, make_user):
    client.force_login(make_user("analis", "analyst", regions=["33"]))
    response = client.get("/analyst/download.csv", {**QUERY, "where": "province=32"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    regencies = {line.split(",")[0] for line in response.content.decode().splitlines()[1:] if line}
    assert regencies and all(code.startswith("33.") for code in regencies)


def test_admin_is_not_narrowed(client, sample_site, make_user):
    client.force_login(make_user("pengelola", "admin"))
    shown = cells(client.get("/analyst/", QUERY).content.decode())
    assert {code.split(".")[0] for code in shown} >= {"32", "33", "35"}


@pytest.mark.parametrize("role, regions, status", [("owner", (), 403), ("officer", ("32",), 403),
                                                    ("analyst", (), 403)])
def test_who_has_no_grant_is_refused(client, sample_site, make_user, role, regions, status):
    client.force_login(make_user("orang", role, regions=regions))
    response = client.get("/analyst/", QUERY)
    assert response.status_code == status and 'id="refused"' in response.content.decode()


def test_anonymous_goes_to_login(client, db):
    response = client.get("/analyst/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_saved_views_list_open_rename_delete(client, sample_site, make_user):
    from lumbung.analysts.models import SavedView

    analyst = make_user("analis", "analyst", regions=["32"])
    client.force_login(analyst)
    query = "indicator=firms&by=regency&year=2023&regime=bps-workers&where=regency%3D32.04"
    created = client.post("/analyst/views/", {"name": "  Bandung  mikro ", "query": query + "&indicator=nope"})
    assert created.status_code == 302
    view = SavedView.objects.get(user=analyst)
    assert view.name == "Bandung mikro" and view.query == query  # unknown names dropped, as the explorer does
    assert "Bandung mikro" in client.get("/analyst/views/").content.decode()
    opened = client.get(f"/analyst/views/{view.pk}/")
    assert opened.status_code == 302 and opened["Location"] == "/analyst/?" + query
    assert client.post("/analyst/views/", {"name": "Bandung mikro", "query": ""}).status_code == 400
    assert client.post("/analyst/views/", {"name": "   ", "query": ""}).status_code == 400
    assert client.post(f"/analyst/views/{view.pk}/rename/", {"name": "Kota"}).status_code == 302
    assert SavedView.objects.get(pk=view.pk).name == "Kota"
    assert client.get(f"/analyst/views/{view.pk}/rename/").status_code == 405
    other = make_user("analis2", "analyst", regions=["33"])
    client.force_login(other)
    assert client.get(f"/analyst/views/{view.pk}/").status_code == 404
    assert client.post(f"/analyst/views/{view.pk}/delete/").status_code == 404
    client.force_login(analyst)
    assert client.post(f"/analyst/views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()


def test_record_list_only_where_granted(client, db, make_user):
    from lumbung.registry.models import AnnualReport, Enterprise

    inside = Enterprise.objects.create(name="Usaha Bandung", region_code="32.04.01", kbli="10792")
    AnnualReport.objects.create(enterprise=inside, year=2023, workers=3)
    Enterprise.objects.create(name="Usaha Semarang", region_code="33.74.01", kbli="10792")
    client.force_login(make_user("angka", "analyst", regions=["32", "33"]))
    assert client.get("/analyst/records/").status_code == 403  # figures only
    client.force_login(make_user("rekaman", "analyst", regions=["32"], records=True))
    html = client.get("/analyst/records/").content.decode()
    assert "Usaha Bandung" in html and "Usaha Semarang" not in html
    refused = client.get("/analyst/records/", {"region": "33"}).content.decode()
    assert 'id="scope-notes"' in refused and "Usaha Semarang" not in refused
    assert "Usaha Bandung" not in client.get("/analyst/records/", {"kbli": "13"}).content.decode()
    assert "Usaha Bandung" in client.get("/analyst/records/", {"q": "bandung", "region": "32.04"}).content.decode()
    assert client.get(f"/enterprises/{inside.pk}/").status_code == 200
