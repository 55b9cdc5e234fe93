"""The public portal in a real browser (issue 10.10): overview, language switch, map and a
province, an explorer view with filters picked from the lists and its CSV download checked against
the page and the API's answer to the same query, no request to another host, and every page at
390 and 1280 px without horizontal page scroll (screenshots kept under LUMBUNG_SCREENSHOTS)."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlparse

import pytest

from lumbung.indicators.catalogue import catalogue

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (390, 1280)
PAGES = ("/", "/map/", "/provinces/32/", "/explorer/?indicator=firms&indicator=output&by=province&year=2023",
         "/indicators/", "/indicators/va_per_worker/", "/reference/regions/32/", "/reference/kbli/C/",
         "/reference/size-classes/", "/reference/classify/?workers=12&sales=1.500.000.000")


def _charts_rendered(page) -> None:
    charts = page.locator(".chart[data-spec]")
    count = charts.count()
    for i in range(count):
        chart = charts.nth(i)
        chart.locator("svg").first.wait_for(state="attached", timeout=10_000)
        assert chart.get_attribute("data-error") is None, chart.get_attribute("data-error")


def _only_local(seen: list[str], base: str) -> None:
    host = urlparse(base).hostname
    foreign = [url for url in seen if urlparse(url).hostname not in (host, "localhost", "127.0.0.1")
               and not url.startswith(("data:", "blob:", "about:"))]
    assert not foreign, foreign[:5]


def test_overview_then_language_switch(site, page, strict_csp, requests_seen, console_errors):
    page.goto(site + "/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Sekilas industri kecil dan menengah"
    _charts_rendered(page)
    assert page.locator(".chart svg").count() >= 6
    assert page.locator("#shares table td.num").first.inner_text().endswith("%")
    assert "," in page.locator("#shares table td.num").first.inner_text(), "Indonesian decimal comma"
    page.get_by_role("button", name="English").click()
    page.wait_for_url(site + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Map", exact=True).click()
    page.wait_for_url(site + "/en/map/")
    assert page.locator("html").get_attribute("lang") == "en", "the choice persists across pages"
    _only_local(requests_seen, site)
    assert not console_errors, console_errors
    # The policy is in force: an injected inline script is refused (and reported).
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
                  " document.body.appendChild(s); }")
    assert page.evaluate("window.injected") is None
    assert any("Content Security Policy" in e for e in console_errors)


def test_map_and_a_province(site, page, strict_csp, requests_seen, console_errors):
    page.goto(site + "/map/?indicator=firms&year=2023")
    tiles = page.locator("svg.tiles a")
    assert tiles.count() == 38
    west_java = page.locator('svg.tiles a[href^="/provinces/32/"]')
    west_java.focus()
    assert "Jawa Barat" in west_java.locator("title").text_content()
    value = page.locator('td[data-cell*="\\"province\\": \\"32\\""]').first.inner_text()
    assert value in west_java.locator("title").text_content(), "the tile says what the table says"
    west_java.press("Enter")
    page.wait_for_url("**/provinces/32/?year=2023")
    assert page.locator("h1").inner_text() == "Jawa Barat"
    _charts_rendered(page)
    assert page.locator("#regencies table tbody tr").count() >= 3
    _only_local(requests_seen, site)
    assert not console_errors, console_errors


def test_explorer_view_and_its_csv(site, page, shots, strict_csp, requests_seen, console_errors):
    page.goto(site + "/en/explorer/")
    page.get_by_label("Search indicators").fill("value added per")
    page.locator('input[name="indicator"][value="va_per_worker"]').check()
    page.locator('input[name="indicator"][value="firms"]').check()
    page.locator('input[name="by"][value="size_class"]').check()
    page.locator('input[name="year"][value="2023"]').check()
    # Filters are picked from the reference lists, not typed.
    page.locator("#filter-province").select_option(["province=32", "province=33"])
    page.locator("#filter-kbli_section").select_option("kbli_section=C")
    page.get_by_role("button", name="Show").last.click()
    page.wait_for_selector("#explorer-table")
    assert "indicator=va_per_worker" in page.url and "by=size_class" in page.url and "year=2023" in page.url
    assert "where=province%3D32" in page.url and "where=province%3D33" in page.url and "where=kbli_section%3DC" in page.url
    assert page.locator("#filter-province").evaluate("s => [...s.selectedOptions].map(o => o.value)") == [
        "province=32", "province=33"], "the page shows the filters of its address"
    _charts_rendered(page)
    page.screenshot(path=str(shots / "explorer-filtered-1280.png"), full_page=True)
    shown = {}
    for cell in page.locator("#explorer-table td[data-cell]").all():
        key = json.loads(cell.get_attribute("data-cell"))
        assert key["where"] == "kbli_section=C;province=32,33"
        shown[(key["indicator"], key["size_class"])] = (cell.get_attribute("data-value"), cell.inner_text())
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = download.value.path().read_text(encoding="utf-8")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r.get("indicator")]
    assert len(rows) == len(shown) >= 4
    # The API's answer to the same query (as an anonymous caller: the same disclosure control).
    query = urlparse(page.url).query
    api = page.request.get(f"{site}/api/indicators/?{query}&page_size=1000&format=json")
    assert api.ok, api.text()
    truth = {(r["indicator"], r["size_class"]): r for r in api.json()["results"]}
    assert set(truth) == {(r["indicator"], r["size_class"]) for r in rows}
    decimals = {i: catalogue()[i].decimals for i in ("va_per_worker", "firms")}
    for row in rows:
        key = (row["indicator"], row["size_class"])
        value, text_shown = shown[key]
        assert (row["Suppressed"] == "yes") == truth[key]["suppressed"], key
        if row["Suppressed"] == "yes":
            assert value is None and text_shown == "◆" and truth[key]["value"] is None
            continue
        assert float(row["value"]) == pytest.approx(float(value))
        assert float(row["value"]) == pytest.approx(float(truth[key]["value"]), abs=10 ** -decimals[row["indicator"]])
    assert any(r["Suppressed"] != "yes" for r in rows), "some figures are compared"
    _only_local(requests_seen, site)
    assert not console_errors, console_errors


def test_every_page_fits_390_and_1280(site, page, shots, requests_seen, console_errors):
    taken = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in PAGES:
            page.goto(site + path)
            _charts_rendered(page)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px"
            name = path.strip("/").split("?")[0].replace("/", "_") or "overview"
            taken.append(shots / f"{name}-{width}.png")
            page.screenshot(path=str(taken[-1]), full_page=True)
    assert len(set(taken)) == len(PAGES) * len(WIDTHS) and all(p.stat().st_size > 0 for p in taken)
    _only_local(requests_seen, site)
    assert not console_errors, console_errors
