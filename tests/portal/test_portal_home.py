"""The first page: counts by province and BPS size class, in Bahasa Indonesia and English."""

from __future__ import annotations

import re

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from portal_samples import EXPECTED, EXPECTED_TOTALS, NIK, NIK_MASKED, NIK_MIDDLE

from lumbung.portal import stats

pytestmark = pytest.mark.django_db


def _cells(html: str, first_cell: str) -> list[str]:
    row = re.search(rf"<tr><t[dh][^>]*>{re.escape(first_cell)}</t[dh]>(.*?)</tr>", html, re.S)
    assert row, f"no table row starting with {first_cell}"
    return re.findall(r'<td class="num[^"]*">([^<]*)</td>', row.group(1))


def test_counts_by_province_and_class(registry):
    table = stats.counts_by_province_and_class()
    assert {row.code: tuple(row.cells) for row in table.rows} == EXPECTED
    assert tuple(table.totals.cells) == EXPECTED_TOTALS
    assert table.totals.total == len(registry)
    assert table.without_report == 1
    assert [row.name for row in table.rows] == ["Daerah Khusus Ibukota Jakarta", "Jawa Barat"]


def test_page_in_indonesian(client, registry):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="id">' in html
    assert "Jumlah usaha menurut provinsi" in html
    assert all(word in html for word in ("mikro", "kecil", "menengah", "besar"))
    assert _cells(html, "32") == [*map(str, EXPECTED["32"]), "4"]
    assert _cells(html, "31") == [*map(str, EXPECTED["31"]), "3"]
    assert "1 usaha belum memiliki laporan tahunan" in html


def test_page_in_english(client, registry):
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html and "Enterprises by province and size class" in html
    assert re.search(r">micro<.*>small<.*>medium<.*>large<", html, re.S)
    assert _cells(html, "Indonesia") == [*map(str, EXPECTED_TOTALS), "7"]
    assert "1 enterprise has no annual report yet" in html


def test_language_switch_goes_to_the_english_page(client, registry):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/en/"


def test_page_never_shows_the_nik(client, registry):
    for url in ("/", "/en/"):
        html = client.get(url).content.decode()
        assert NIK not in html and NIK_MIDDLE not in html and NIK_MASKED not in html


def test_empty_registry_page(client, db):
    html = client.get("/en/").content.decode()
    assert "The registry is empty" in html


def test_static_css_is_local(client, registry):
    html = client.get("/").content.decode()
    links = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert links and not [link for link in links if link.startswith(("http:", "https:", "//"))]
    assert "/static/portal/lumbung.css" in links


def test_query_count_does_not_grow_with_firms(client, registry):
    from lumbung.registry.models import AnnualReport, Enterprise

    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for i in range(40):
        firm = Enterprise.objects.create(name=f"extra {i}", region_code=f"{11 + i % 20}", kbli="10792")
        AnnualReport.objects.create(enterprise=firm, year=2023, workers=i + 1)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/").content.decode()
    assert len(many) == len(few)
    assert _cells(html, "Indonesia")[-1] == "47"


@pytest.mark.parametrize("workers,expected", [
    (1, "micro"), (4, "micro"), (5, "small"), (19, "small"), (20, "medium"), (99, "medium"),
    (100, "large"), (5000, "large"), (0, "unknown"), (np.nan, "unknown"),
])
def test_bps_worker_classes_at_every_threshold(workers, expected):
    assert stats.classify_workers(np.array([workers], dtype=float))[0] == expected
