"""The officers' "Indicators of my region" (/workspace/indicators/, issue 11 point 7): the analysts'
explorer inside the officer's RegionScope regions, without suppression there, and never outside
them, however the address is written."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest

pytestmark = pytest.mark.django_db

QUERY = {"indicator": "firms", "by": "regency", "year": "2023"}
PAGE, CSV, XLSX = "/workspace/indicators/", "/workspace/indicators/download.csv", "/workspace/indicators/download.xlsx"


def cells(html: str) -> dict[str, str]:
    """{regency code: shown text} of the explorer table's cells."""
    out = {}
    for key, text in re.findall(r'data-cell="([^"]+)"[^>]*>([^<]*)<', html):
        out[json.loads(key.replace("&quot;", '"'))["regency"]] = text
    return out


def notes(html: str) -> str:
    return html.split('id="scope-notes"')[1].split("</ul>")[0] if 'id="scope-notes"' in html else ""


def csv_regencies(response) -> set[str]:
    return {line.split(",")[0] for line in response.content.decode().splitlines()[1:] if line}


def test_officer_of_a_gets_a_unsuppressed(client, sample_site, make_user):
    client.force_login(make_user("petugas", "officer", regions=["32"]))
    html = client.get(PAGE, QUERY).content.decode()
    shown = cells(html)
    assert shown and all(code.startswith("32.") for code in shown)
    assert shown["32.01"] == "1"  # the lone enterprise the public explorer hides
    assert "◆" not in shown.values() and ("Narrowed to your regions" in html or "Dipersempit ke wilayah Anda" in html)
    assert 'id="explorer-chart"' in html
    public = client.get("/explorer/", {**QUERY, "where": "regency=32.01"}).content.decode()
    assert "◆" in public


@pytest.mark.parametrize("where", ["province=33", "regency=33.74", "regency=3374", "district=35.78.01",
                                   "province=3", "regency=32.04,33.74", "province=32.", "regency= 33.74"])
def test_officer_of_a_cannot_get_b_by_tampering_with_where(client, sample_site, make_user, where):
    client.force_login(make_user("petugas", "officer", regions=["32"]))
    html = client.get(PAGE, {**QUERY, "where": where}).content.decode()
    assert all(code.startswith("32.") for code in cells(html))
    assert "33.74" not in cells(html) and notes(html)  # the page says what it refused
    for url in (CSV, XLSX):
        response = client.get(url, {**QUERY, "where": where})
        assert response.status_code in (200, 400)
        if url == CSV and response.status_code == 200:
            assert csv_regencies(response) and all(c.startswith("32.") for c in csv_regencies(response))


def test_the_refusal_names_the_region(client, sample_site, make_user):
    client.force_login(make_user("petugas", "officer", regions=["32"]))
    html = client.get(PAGE, {**QUERY, "where": ["province=33", "regency=32.04"]}).content.decode()
    assert list(cells(html)) == ["32.04"]
    assert "33" in notes(html) and ("outside your regions" in notes(html) or "di luar wilayah Anda" in notes(html))
    inside = client.get(PAGE, {**QUERY, "where": "regency=32.04"}).content.decode()
    assert list(cells(inside)) == ["32.04"] and not notes(inside)


def test_officer_of_b_does_not_get_a(client, sample_site, make_user):
    client.force_login(make_user("petugas-b", "officer", regions=["33"]))
    response = client.get(CSV, {**QUERY, "where": "province=32"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert csv_regencies(response) and all(code.startswith("33.") for code in csv_regencies(response))


def test_xlsx_has_indonesian_headers_formats_and_no_suppression(client, sample_site, make_user):
    client.force_login(make_user("petugas", "officer", regions=["32"]))
    response = client.get(XLSX, {**QUERY, "where": "regency=32.01"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert 'filename="lumbung-wilayah-firms.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Indikator"]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["Kode kabupaten/kota", "Kabupaten/kota"] or header[0].startswith("Kode ")
    assert "Nilai" in header and "Satuan" in header
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["32.01"] and rows[0][header.index("Nilai")] == 1
    values = [row[header.index("Nilai")] for row in sheet.iter_rows(min_row=2)]
    assert values and all(c.number_format.startswith("#,##0") for c in values)
    assert "jangan diterbitkan" in book["Keterangan"]["A1"].value


def test_who_may_enter(client, sample_site, make_user):
    client.force_login(make_user("analis", "analyst", regions=["32"]))
    assert client.get(PAGE, QUERY).status_code == 403  # an analyst grant is not a workspace
    client.force_login(make_user("pemilik", "owner"))
    assert client.get(PAGE, QUERY).status_code == 403
    lost = make_user("tanpa-wilayah", "officer", regions=["35"])
    lost.region_scopes.all().delete()
    client.force_login(lost)
    refused = client.get(PAGE, QUERY)
    assert refused.status_code == 403 and 'id="refused"' in refused.content.decode()
    client.force_login(make_user("pengelola", "admin"))
    shown = cells(client.get(PAGE, QUERY).content.decode())
    assert {code.split(".")[0] for code in shown} >= {"32", "33", "35"}
    client.logout()
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_one_scope_function_for_analysts_and_officers(make_user):
    from lumbung.registry import grants

    officer = make_user("petugas", "officer", regions=["32.04", "33"])
    analyst = make_user("analis", "analyst", regions=["35"], records=True)
    assert grants.scope_of(officer, "officer").codes == ["32.04", "33"]
    assert grants.scope_of(officer, "analyst").codes == []  # a region scope is no analyst grant
    assert grants.scope_of(analyst, "analyst").record_codes == ["35"]
    assert grants.scope_of(analyst, "officer").codes == []
    assert grants.scope_of(make_user("pengelola", "admin"), "officer").everything
    with pytest.raises(ValueError):
        grants.regions(officer, "owner")


def test_analysts_get_xlsx_too(client, sample_site, make_user):
    client.force_login(make_user("analis", "analyst", regions=["33"]))
    response = client.get("/analyst/download.xlsx", {**QUERY, "where": "province=32"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Indikator"]
    assert {r[0] for r in sheet.iter_rows(min_row=2, values_only=True)} <= {c for c in _regencies("33")}


def _regencies(province: str) -> set[str]:
    from lumbung import geography

    return {code for code, _name in geography.children(province)}
