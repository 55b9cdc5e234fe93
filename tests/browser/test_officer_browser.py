"""The officer in a real browser (issue 11 point 12, the officer's half): logs in, lists their
region, uploads a file with bad rows, watches the job finish (the page refreshes itself) and
downloads the errors file; every workspace page at 390 and 1280 px without horizontal page scroll.

The task goes through the database queue (lumbung.jobs.backend.DatabaseBackend, as in
production) and is run by the worker function in the test's own thread: the live server shares
the test's in-memory SQLite connection, so a second worker thread would need its own connection
to a database only this thread may write. While the worker runs, the job page's requests are
held by a Playwright route (its handler runs in this same thread), so nothing reads the database
in the middle of a write."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from lumbung.jobs.worker import run_pending
from lumbung.registry.accounts import create_user
from lumbung.registry.models import AnnualReport, Claim, Enterprise, EnterpriseOwner
from lumbung.registry.roles import sync_groups

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "registry"))
from workspace_samples import upload_rows, write_csv  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (390, 1280)
PASSWORD = "kata-sandi-dinas-9"


def _no_page_scroll(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"horizontal page scroll at {page.url}: {width}"


def _shoot(page, shots: Path, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        _no_page_scroll(page)
        page.screenshot(path=str(shots / f"officer-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def officer(site):
    sync_groups()  # the roles' groups: a transactional test flushed the ones the migration made
    for n, region in enumerate(["32.04.05", "32.04.06", "35.29"], start=1):
        enterprise = Enterprise.objects.create(name=f"Usaha Contoh {n} dengan nama yang cukup panjang",
                                               region_code=region, kbli="10792", nib=f"99999999990{n:02d}")
        AnnualReport.objects.create(enterprise=enterprise, year=2023, workers=3 * n, sales=150_000_000 * n)
    return create_user("petugas_bandung", "officer", regions=["32.04"], password=PASSWORD)


def test_officer_uploads_watches_the_job_and_downloads_errors(site, officer, page, shots, tmp_path, console_errors):
    page.goto(site + "/accounts/login/?next=/workspace/")
    page.fill("input[name=username]", "petugas_bandung")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_url(site + "/workspace/")
    _shoot(page, shots, "home")

    page.goto(site + "/workspace/enterprises/?columns=nib&columns=region_code&columns=kbli&columns=legal_status"
                     "&columns=owner_name&columns=source&columns=updated_at")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 2, "only the officer's region"
    assert "35.29" not in page.locator("table.data").inner_text()
    _shoot(page, shots, "enterprises")
    page.locator("table.data tbody a").first.click()
    page.wait_for_selector("h1")
    assert "PP 7/2021" in page.content()
    _shoot(page, shots, "detail")

    page.goto(site + "/workspace/upload/")
    upload = write_csv(tmp_path / "kiriman-dinas.csv", upload_rows())
    page.set_input_files("input[type=file]", str(upload))
    page.locator("form.classify button[type=submit]").click()
    page.wait_for_url("**/workspace/jobs/*/")
    assert page.locator("#job").get_attribute("data-status") == "queued"
    assert page.locator("meta[http-equiv=refresh]").count() == 1, "the page refreshes itself while it waits"
    _shoot(page, shots, "job-queued")

    page.route("**/workspace/jobs/**", lambda route: route.continue_())  # held while the worker runs
    assert run_pending() == 1
    page.wait_for_selector("#job[data-status=done]", timeout=15_000)  # the next refresh shows the end
    page.unroute_all(behavior="ignoreErrors")
    summary = page.locator("p.summary").inner_text()
    assert summary.startswith("3 "), summary
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    _shoot(page, shots, "job-done")

    with page.expect_download() as caught:
        page.locator("a.download").click()
    path = caught.value.path()
    with open(path, encoding="utf-8") as handle:
        errors = list(csv.DictReader(handle))
    assert [e["line"] for e in errors] == ["5", "6", "6", "7"] or [e["line"] for e in errors] == ["5", "6", "7"]
    assert errors[0]["column"] == "region_code" and "35.29" in errors[0]["value"]
    assert Enterprise.objects.filter(source="template").count() == 3
    assert not console_errors, console_errors


def test_officer_rejects_then_approves_claims(site, officer, page, shots):
    first, second = Enterprise.objects.filter(region_code__startswith="32.04")[:2]
    claims = [Claim.objects.create(user=create_user(f"pemilik{n}", "owner"), enterprise=e, claimed_as=f"NIB {e.nib}")
              for n, e in enumerate((first, second), start=1)]
    page.goto(site + "/accounts/login/?next=/workspace/claims/")
    page.fill("input[name=username]", "petugas_bandung")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_url("**/workspace/claims/")
    _shoot(page, shots, "claims")
    row = page.locator(f"#claim-{claims[0].pk}")
    row.locator("input[name=reason]").fill("Nama pemilik tidak cocok dengan NIB")
    row.locator("button[value=reject]").click()
    page.wait_for_url("**/workspace/claims/")
    assert "ditolak" in page.locator(".messages").inner_text()
    page.locator(f"#claim-{claims[1].pk} button[value=approve]").click()
    page.wait_for_url("**/workspace/claims/")
    assert "disetujui" in page.locator(".messages").inner_text()
    assert EnterpriseOwner.objects.filter(user=claims[1].user, enterprise=second).exists()
    assert Claim.objects.get(pk=claims[0].pk).reason == "Nama pemilik tidak cocok dengan NIB"
