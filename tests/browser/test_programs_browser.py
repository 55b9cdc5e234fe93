"""The programs pages in a real browser: catalogue, a program, an enterprise's programs (its
owner's view), who is not yet reached (an officer's view) and the bank credit monitor with its
Vega-Lite chart, at 390 and 1280 px, under the strict Content-Security-Policy, no sideways scroll,
nothing fetched from another host."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (390, 1280)


def _login(page, site: str, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "domain": urlparse(site).hostname, "path": "/"}])


def _data():
    from lumbung.programs.models import BankCreditReport
    from lumbung.programs.services import seed
    from lumbung.registry.accounts import create_user
    from lumbung.registry.models import AnnualReport, Enterprise

    seed()
    firms = []
    for i, (sales, credit) in enumerate([(20_000_000_000, 0), (900_000_000, 0), (1_500_000_000, 0),
                                         (800_000_000, 2_000_000), (None, 0)]):
        firm = Enterprise.objects.create(name=f"Usaha Tenun Songket Nusantara {i}", region_code="32.04.01", kbli="13111",
                                         founded_year=2012, indonesian_owned=True, independent=True)
        AnnualReport.objects.create(enterprise=firm, year=2023, workers=3 + 10 * i, sales=sales, credit_bank=credit,
                                    net_assets=150_000_000)
        firms.append(firm)
    for bank, year, total, small in [("Bank Rakyat Contoh", 2019, 900, 190), ("Bank Rakyat Contoh", 2020, 1000, 230),
                                     ("Bank Rakyat Contoh", 2021, 1100, 260), ("Bank Niaga Contoh", 2019, 2000, 240),
                                     ("Bank Niaga Contoh", 2020, 2100, 300), ("Bank Niaga Contoh", 2021, 2300, 390)]:
        BankCreditReport.objects.create(bank=bank, year=year, outstanding_credit=total * 10**9,
                                        small_business_credit=small * 10**9)
    owner = create_user("pemilik", "owner", enterprises=[firms[0].pk], password="pw-test-123")
    officer = create_user("petugas", "officer", regions=["32.04"], password="pw-test-123")
    return firms, owner, officer


def _check(page, site, path, shots, name, width):
    page.goto(site + path)
    charts = page.locator(".chart[data-spec]")
    for i in range(charts.count()):
        charts.nth(i).locator("svg").first.wait_for(state="attached", timeout=10_000)
        assert charts.nth(i).get_attribute("data-error") is None
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px"
    page.screenshot(path=str(shots / f"programs-{name}-{width}.png"), full_page=True)


def test_programs_pages_fit_390_and_1280(site, page, shots, strict_csp, requests_seen, console_errors):
    firms, owner, officer = _data()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.context.clear_cookies()
        _check(page, site, "/programs/", shots, "catalogue", width)
        _check(page, site, "/en/programs/kur/", shots, "kur-en", width)
        _login(page, site, owner)
        _check(page, site, f"/programs/enterprises/{firms[0].pk}/", shots, "owner", width)
        assert "Tidak layak, dan sebabnya" in page.content()
        _login(page, site, officer)
        _check(page, site, "/programs/kur/reach/", shots, "reach", width)
        _check(page, site, "/programs/banks/", shots, "banks", width)
        _check(page, site, "/en/programs/banks/Bank%20Niaga%20Contoh/", shots, "bank-en", width)
    assert len(list(shots.glob("programs-*.png"))) == 12
    host = urlparse(site).hostname
    assert all(urlparse(u).hostname in (host, "localhost", "127.0.0.1") for u in requests_seen
               if not u.startswith(("data:", "blob:", "about:")))
    assert not console_errors, console_errors
