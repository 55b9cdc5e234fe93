"""The officers' workspace (/workspace/): who may enter, lists through visible_to with a constant
number of queries, filters (region, KBLI, size class under a regime, year, has report, search),
detail with classes and audit trail, create and edit under the shared rules, upload, export."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from workspace_samples import upload_rows, write_csv

from lumbung.indicators import analytics
from lumbung.jobs.worker import run_pending
from lumbung.registry import quality
from lumbung.registry.models import AnnualReport, AuditEntry, Enterprise
from lumbung.registry.rows import RegistryRows
from lumbung.registry.sizeclass_sql import class_q
from lumbung.sizeclass import CLASSES, REGIME_IDS, classify_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, make_user):
    officer = make_user("petugas_ws", "officer", regions=["32.04"])
    client.force_login(officer)
    return client


@pytest.fixture
def two_regions(make_enterprise):
    """Two enterprises in 32.04 (one small under PP 7/2021 by its sales) and one in 35.29."""
    inside = make_enterprise(name="Tahu Bandung", region_code="32.04.05", nib="1111111111111", legal_status="none")
    AnnualReport.objects.create(enterprise=inside, year=2023, workers=3, sales=120_000_000, net_assets=20_000_000)
    small = make_enterprise(name="Keripik Soreang", region_code="32.04.06", kbli="10794")
    AnnualReport.objects.create(enterprise=small, year=2023, workers=12, sales=3_000_000_000, net_assets=600_000_000)
    outside = make_enterprise(name="Garam Sumenep", region_code="35.29")
    AnnualReport.objects.create(enterprise=outside, year=2023, workers=2, sales=50_000_000)
    return inside, small, outside


def names(response) -> list[str]:
    return [str(row.record) for row in response.context["table"].page.object_list]


def test_anonymous_goes_to_login_and_owner_is_refused(client, make_user, make_enterprise):
    response = client.get(reverse("workspace:enterprise_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    owner = make_user("pemilik_ws", "owner", enterprises=[make_enterprise().pk])
    client.force_login(owner)
    assert client.get(reverse("workspace:enterprise_list")).status_code == 403


def test_officer_lists_only_their_region(officer_client, two_regions):
    response = officer_client.get(reverse("workspace:enterprise_list"))
    assert response.status_code == 200
    assert sorted(names(response)) == ["Keripik Soreang", "Tahu Bandung"]
    assert "Garam Sumenep" not in response.content.decode()


@pytest.mark.parametrize("query, expected", [
    ({"region": "32.04.05"}, ["Tahu Bandung"]),
    ({"region": "35.29"}, []),
    ({"kbli": "10794"}, ["Keripik Soreang"]),
    ({"q": "keripik"}, ["Keripik Soreang"]),
    ({"q": "11111"}, ["Tahu Bandung"]),
    ({"legal_status": "none"}, ["Tahu Bandung"]),
    ({"regime": "pp-7-2021", "size_class": "small", "year": "2023"}, ["Keripik Soreang"]),
    ({"regime": "pp-7-2021", "size_class": "micro", "year": "2023"}, ["Tahu Bandung"]),
    ({"regime": "bps-workers", "size_class": "small", "year": "2023"}, ["Keripik Soreang"]),
    ({"regime": "bps-workers", "size_class": "micro", "year": "2023"}, ["Tahu Bandung"]),
    ({"has_report": "no", "year": "2022"}, ["Keripik Soreang", "Tahu Bandung"]),
    ({"has_report": "yes", "year": "2023"}, ["Keripik Soreang", "Tahu Bandung"]),
])
def test_enterprise_filters(officer_client, two_regions, query, expected):
    response = officer_client.get(reverse("workspace:enterprise_list"), query)
    assert response.status_code == 200
    assert sorted(names(response)) == expected


def test_report_list_filters_by_class_and_shows_it(officer_client, two_regions):
    response = officer_client.get(reverse("workspace:report_list"), {"regime": "uu-20-2008", "size_class": "medium"})
    assert [str(r.record.enterprise) for r in response.context["table"].page.object_list] == ["Keripik Soreang"]
    assert "menengah" in response.content.decode().lower()


def test_column_choice(officer_client, two_regions):
    response = officer_client.get(reverse("workspace:enterprise_list"), {"columns": ["owner_name", "source"]})
    shown = [c.name for c in response.context["table"].columns]
    assert shown == ["name", "owner_name", "source"]


def test_list_queries_do_not_grow_with_rows(officer_client, make_enterprise):
    def count():
        with CaptureQueriesContext(connection) as queries:
            response = officer_client.get(reverse("workspace:report_list"), {"q": "usaha"})
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries_e:
            assert officer_client.get(reverse("workspace:enterprise_list"), {"q": "usaha"}).status_code == 200
        return len(queries), len(queries_e)

    for _ in range(3):
        AnnualReport.objects.create(enterprise=make_enterprise(region_code="32.04.05"), year=2023, workers=2)
    few = count()
    for _ in range(60):
        AnnualReport.objects.create(enterprise=make_enterprise(region_code="32.04.05"), year=2023, workers=2)
    assert count() == few


def test_detail_shows_reports_classes_and_trail_and_hides_others(officer_client, two_regions):
    inside, _small, outside = two_regions
    page = officer_client.get(reverse("workspace:enterprise_detail", args=[inside.pk])).content.decode()
    assert "Tahu Bandung" in page and "PP 7/2021" in page and "UU 20/2008" in page and "mikro" in page.lower()
    assert "created" in page or "dibuat" in page
    assert officer_client.get(reverse("workspace:enterprise_detail", args=[outside.pk])).status_code == 404
    assert officer_client.get(reverse("workspace:enterprise_edit", args=[outside.pk])).status_code == 404


def test_create_applies_the_rules_and_the_scope(officer_client):
    url = reverse("workspace:enterprise_add")
    base = {"name": "Batik Baru", "region_code": "3204.05", "kbli": "13134", "founded_year": "2030"}
    response = officer_client.post(url, base)
    assert response.status_code == 200 and Enterprise.objects.count() == 0
    form = response.context["form"]
    assert "founded_year" in form.errors
    response = officer_client.post(url, {**base, "founded_year": "2015", "region_code": "35.29"})
    assert "region_code" in response.context["form"].errors and Enterprise.objects.count() == 0
    response = officer_client.post(url, {**base, "founded_year": "2015", "region_code": "32.04.05"})
    assert response.status_code == 302
    created = Enterprise.objects.get()
    assert created.region_code == "32.04.05"
    entry = AuditEntry.objects.get(model="enterprise", object_id=created.pk)
    assert entry.actor_name == "petugas_ws" and entry.source == "web" and entry.action == "create"


def test_edit_report_is_audited_and_a_missing_value_stays_missing(officer_client, two_regions):
    inside = two_regions[0]
    report = inside.reports.get()
    url = reverse("workspace:report_edit", args=[report.pk])
    response = officer_client.post(url, {"year": "2023", "workers": "4", "sales": "", "net_assets": "20000000"})
    assert response.status_code == 302, response.context["form"].errors
    report.refresh_from_db()
    assert report.workers == 4 and report.sales is None
    update = AuditEntry.objects.get(model="annualreport", object_id=report.pk, action="update")
    assert update.changes["workers"] == [3, 4] and update.changes["sales"] == [120_000_000, None]
    bad = officer_client.post(url, {"year": "2023", "workers": "0"})
    assert bad.status_code == 200 and "workers" in bad.context["form"].errors


def test_upload_page_runs_the_job_and_serves_the_errors_file(officer_client, tmp_path, make_user, client):
    path = write_csv(tmp_path / "bulan.csv", upload_rows())
    response = officer_client.post(reverse("workspace:upload"), {
        "file": SimpleUploadedFile("bulan.csv", path.read_bytes()), "format": "template", "blank": "keeps"})
    assert response.status_code == 302
    job_url = response["Location"]
    assert "refresh" in officer_client.get(job_url).content.decode()
    run_pending()
    page = officer_client.get(job_url).content.decode()
    assert "3 diimpor, 3 ditolak" in page and 'http-equiv="refresh"' not in page
    pk = int(job_url.rstrip("/").split("/")[-1])
    status = officer_client.get(reverse("workspace:job_status", args=[pk])).json()
    assert status["status"] == "done" and status["rejected"] == 3
    download = officer_client.get(reverse("workspace:job_errors", args=[pk]))
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert [r["line"] for r in rows] == ["5", "6", "7"]
    other = make_user("petugas_lain_ws", "officer", regions=["32.04"])
    client.force_login(other)
    assert client.get(job_url).status_code == 404
    assert client.get(reverse("workspace:job_errors", args=[pk])).status_code == 404


def test_export_of_the_region_only(officer_client, two_regions):
    response = officer_client.get(reverse("workspace:export"), {"region": "32.04", "format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert "Tahu Bandung" in text and "Garam Sumenep" not in text
    refused = officer_client.get(reverse("workspace:export"), {"region": "35.29", "format": "csv"})
    assert refused.status_code == 200 and "region" in refused.context["form"].errors
    xlsx = officer_client.get(reverse("workspace:export"), {"region": "32.04", "format": "xlsx"})
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"


def test_quality_page_without_analytics_says_so(officer_client):
    page = officer_client.get(reverse("workspace:quality")).content.decode()
    assert "analytics" in page


def test_officers_are_no_longer_staff_and_the_admin_refuses_them(officer_client):
    response = officer_client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_size_class_in_the_database_equals_classify_many(make_enterprise):
    """The SQL form of every regime gives the class classify_many gives, missing inputs included."""
    rng = np.random.default_rng(11)
    values = {"workers": [None, 1, 4, 5, 19, 20, 99, 100, 300], "sales": [None, 0, 300_000_000, 300_000_001,
              2_000_000_000, 2_500_000_001, 15_000_000_000, 50_000_000_001, 60_000_000_000],
              "net_assets": [None, 50_000_000, 50_000_001, 500_000_001, 5_000_000_000, 10_000_000_001],
              "investment": [None, 100_000_000, 1_000_000_000, 20_000_000_000],
              "business_capital": [None, 1_000_000_000, 5_000_000_001, 10_000_000_001]}
    flags = [None, True, False]
    rows = []
    for n in range(160):
        pick = {k: v[rng.integers(len(v))] for k, v in values.items()}
        enterprise = make_enterprise(indonesian_owned=flags[n % 3], independent=flags[(n // 3) % 3])
        rows.append(AnnualReport.objects.create(enterprise=enterprise, year=2023, **pick))
    columns = {k: np.array([np.nan if getattr(r, k) is None else float(getattr(r, k)) for r in rows])
               for k in values}
    for flag in ("indonesian_owned", "independent"):
        columns[flag] = np.array([np.nan if getattr(r.enterprise, flag) is None else float(getattr(r.enterprise, flag))
                                  for r in rows])
    for regime in REGIME_IDS:
        expected = dict(zip([r.pk for r in rows], classify_many(regime, columns), strict=True))
        for size_class in CLASSES:
            got = set(AnnualReport.objects.filter(class_q(regime, size_class)).values_list("pk", flat=True))
            assert got == {pk for pk, c in expected.items() if c == size_class}, (regime, size_class)


def test_quality_violations_of_the_region_linked_to_records(officer_client, make_enterprise):
    """wages_missing_with_paid_workers (rules/quality.toml): paid workers but no wages."""
    flagged = make_enterprise(name="Tanpa Upah Bandung", region_code="32.04.05")
    AnnualReport.objects.create(enterprise=flagged, year=2023, workers=4, workers_paid=2, sales=90_000_000)
    clean = make_enterprise(name="Rapi Bandung", region_code="32.04.06")
    AnnualReport.objects.create(enterprise=clean, year=2023, workers=4, workers_paid=2, wages=30_000_000,
                                sales=90_000_000)
    elsewhere = make_enterprise(name="Tanpa Upah Sumenep", region_code="35.29")
    AnnualReport.objects.create(enterprise=elsewhere, year=2023, workers=4, workers_paid=2, sales=90_000_000)
    analytics.build(RegistryRows())
    quality.clear()
    response = officer_client.get(reverse("workspace:quality"))
    ids = {row["enterprise_id"] for row in response.context["rows"]}
    assert flagged.pk in ids and elsewhere.pk not in ids and clean.pk not in ids
    assert reverse("workspace:enterprise_detail", args=[flagged.pk]) in response.content.decode()
    listed = officer_client.get(reverse("workspace:enterprise_list"), {"quality": "yes"})
    assert names(listed) == ["Tanpa Upah Bandung"]
    unflagged = officer_client.get(reverse("workspace:enterprise_list"), {"quality": "no"})
    assert names(unflagged) == ["Rapi Bandung"]
    page = officer_client.get(reverse("workspace:enterprise_detail", args=[flagged.pk])).content.decode()
    assert reverse("workspace:quality") in page
