"""The analysts' pages in a real browser: log in, explore the grant without suppression, save the
view under a name, open it from the list, the record list; every page at 390 and 1280 px without
horizontal page scroll (screenshots kept, see conftest.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (390, 1280)
QUERY = "indicator=firms&indicator=output&by=regency&year=2023"


@pytest.fixture
def analyst(site):
    from lumbung.registry.accounts import create_user
    from lumbung.registry.models import AnnualReport, Enterprise

    for i, region in enumerate(("32.04.01", "32.73.02", "33.74.01")):
        firm = Enterprise.objects.create(name=f"Usaha Contoh {i} dengan nama yang cukup panjang", region_code=region,
                                         kbli="10792")
        AnnualReport.objects.create(enterprise=firm, year=2023, workers=3 + i)
    create_user("analis", "analyst", regions=["32"], records=True, password="pw-Test-4821!")
    return site


def _login(page, base):
    page.goto(base + "/accounts/login/?next=/analyst/")
    page.fill("input[name=username]", "analis")
    page.fill("input[name=password]", "pw-Test-4821!")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(base + "/analyst/")


def _fits(page, path, width):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px"


def test_analyst_explores_saves_and_lists(analyst, page, shots, console_errors):
    _login(page, analyst)
    page.goto(analyst + "/analyst/?" + QUERY)
    page.locator("#explorer-chart svg").first.wait_for(state="attached", timeout=10_000)
    cells = page.locator("#explorer-table td[data-cell]").all_inner_texts()
    assert cells and "◆" not in cells  # not suppressed
    assert "32" in page.locator("#scope-notes").inner_text()  # narrowed to the grant, and said
    page.fill("form.save-view input[name=name]", "Jawa Barat per kabupaten")
    page.locator("form.save-view button").click()
    page.wait_for_url("**/analyst/views/**")
    page.get_by_role("link", name="Jawa Barat per kabupaten").click()
    page.wait_for_url("**/analyst/?*")
    assert page.locator("#explorer-table td[data-cell]").all_inner_texts() == cells
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path, name in (("/analyst/?" + QUERY, "analyst-explorer"), ("/analyst/views/", "analyst-views"),
                           ("/analyst/records/", "analyst-records")):
            page.goto(analyst + path)
            _fits(page, path, width)
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    rows = page.locator("#records tbody tr").all_inner_texts()
    assert len(rows) == 2 and not any("33.74" in r for r in rows)
    assert not console_errors, console_errors
