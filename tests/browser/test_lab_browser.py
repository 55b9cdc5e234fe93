"""The policy lab in a real browser (issue 12 point 7): an analyst chooses a program of the
catalogue, submits a small run, watches the job (the page refreshes itself), sees the charts
drawn and the tables, downloads the ZIP of outputs; the pages at 390 and 1280 px without
horizontal page scroll, under the strict Content-Security-Policy (screenshots kept, conftest.py).

As in the officer's upload test, the task goes through the database queue and is run by the
worker function in the test's own thread while the job page's requests are held by a Playwright
route (the live server shares this thread's database connection)."""

from __future__ import annotations

import zipfile

import pytest

from lumbung.jobs.worker import run_pending

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (390, 1280)
PASSWORD = "pw-Test-4821!"


@pytest.fixture
def analyst(site):
    from lumbung.programs import services
    from lumbung.registry.accounts import create_user

    services.seed()
    create_user("analis", "analyst", regions=["32"], records=True, password=PASSWORD)
    return site


def _shoot(page, shots, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px at {width} px"
        page.screenshot(path=str(shots / f"lab-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_analyst_runs_a_program_in_the_lab(analyst, page, shots, strict_csp, console_errors):
    page.goto(analyst + "/accounts/login/?next=/analyst/lab/")
    page.fill("input[name=username]", "analis")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(analyst + "/analyst/lab/")
    assert "size_class in" in page.locator("#map-kupedes").inner_text()
    _shoot(page, shots, "form")

    page.check("input[name=source][value=program]")
    page.select_option("select[name=program]", "kupedes")
    page.fill("input[name=firms]", "400")
    page.fill("input[name=runs]", "2")
    page.fill("input[name=years]", "2")
    page.locator("#lab-form button[type=submit]").click()
    page.wait_for_url("**/analyst/lab/jobs/*/")
    assert page.locator("#job").get_attribute("data-status") == "queued"
    assert page.locator("meta[http-equiv=refresh]").count() == 1
    _shoot(page, shots, "queued")

    page.route("**/analyst/lab/jobs/**", lambda route: route.continue_())  # held while the worker runs
    assert run_pending() == 1
    page.wait_for_selector("#job[data-status=done]", timeout=30_000)
    page.unroute_all(behavior="ignoreErrors")
    for chart in ("comparison-chart", "chart-workers", "chart-value_added", "chart-firms"):
        page.wait_for_selector(f"#{chart}[data-rendered='1'] svg", timeout=15_000)
    assert page.locator("#comparison-table tbody tr").count() == 6
    _shoot(page, shots, "done")

    with page.expect_download() as caught:
        page.locator("a.download", has_text="outputs.zip").click()
    with zipfile.ZipFile(caught.value.path()) as archive:
        assert {"report.html", "comparison.csv", "bands.csv"} <= set(archive.namelist())

    page.goto(analyst + "/programs/kupedes/evaluation/")
    assert page.locator("#simulated-table tbody tr").count() >= 2
    _shoot(page, shots, "evaluation")
    assert not console_errors, console_errors
