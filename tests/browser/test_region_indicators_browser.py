"""The officers' "Indicators of my region" in a real browser: an officer of province 32 logs in,
opens the page from the workspace's menu, sees the chart and the table of their regencies without
suppression, a tampered filter on province 33 refused and said; 390 and 1280 px without horizontal
page scroll (screenshots kept, see conftest.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (390, 1280)
QUERY = "indicator=firms&indicator=output&by=regency&year=2023"


@pytest.fixture
def officer(site):
    from lumbung.registry.accounts import create_user

    create_user("petugas", "officer", regions=["32"], password="pw-Test-4821!")
    return site


def _login(page, base):
    page.goto(base + "/accounts/login/?next=/workspace/")
    page.fill("input[name=username]", "petugas")
    page.fill("input[name=password]", "pw-Test-4821!")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(base + "/workspace/")


def _fits(page, path, width):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px"


def test_officer_explores_the_region_unsuppressed(officer, page, shots, console_errors):
    _login(page, officer)
    page.locator("nav.workspace").get_by_role("link", name="Indikator wilayah saya").click()
    page.wait_for_url("**/workspace/indicators/")
    page.goto(officer + "/workspace/indicators/?" + QUERY)
    page.locator("#explorer-chart svg").first.wait_for(state="attached", timeout=10_000)
    cells = page.locator("#explorer-table td[data-cell]").all_inner_texts()
    assert cells and "◆" not in cells  # not suppressed inside the region
    assert "32" in page.locator("#scope-notes").inner_text()  # narrowed to the officer's regions, and said
    tampered = "/workspace/indicators/?" + QUERY + "&where=province%3D33"
    page.goto(officer + tampered)
    assert "33" in page.locator("#scope-notes").inner_text()
    keys = page.locator("#explorer-table td[data-cell]").evaluate_all("cells => cells.map(c => c.dataset.cell)")
    assert keys and all('"regency": "32.' in k or '"regency":"32.' in k for k in keys)
    with page.expect_download() as download:
        page.locator("p.downloads a", has_text="XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path, name in (("/workspace/indicators/?" + QUERY, "region-indicators"),
                           (tampered, "region-indicators-refused")):
            page.goto(officer + path)
            page.locator("#explorer-chart svg").first.wait_for(state="attached", timeout=10_000)
            _fits(page, path, width)
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    assert not console_errors, console_errors
