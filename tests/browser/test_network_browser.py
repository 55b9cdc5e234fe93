"""The network pages in a real browser at 390 and 1280 px (issue 12): no sideways page scroll,
the strict CSP holds (the graph is inline SVG, no script or style), both languages; screenshots."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.test import Client

from lumbung.linkages.models import Cooperative, Linkage, Sentra
from lumbung.registry.accounts import create_user
from lumbung.registry.models import AnnualReport, Enterprise

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (390, 1280)


def _firm(name, kbli="10792", region="32.04", workers=5, output=100_000_000):
    firm = Enterprise.objects.create(name=name, kbli=kbli, region_code=region, source="template", source_id=name)
    AnnualReport.objects.create(enterprise=firm, year=2023, workers=workers, output=output)
    return firm


@pytest.fixture
def network_site(site):
    small = [_firm(f"Tahu Sumedang {i}") for i in range(6)]
    big = _firm("Pabrik Makanan Nusantara Sejahtera Abadi", workers=300, output=9_000_000_000)
    drinks = _firm("Minuman Segar", kbli="11040", workers=80)
    sentra = Sentra.objects.create(code="S1", name="Sentra Tahu Cibuntu", kind="PIK", region_code="32.04",
                                   upt="UPT Industri Pangan", tpi_officers="Ibu Sari\nPak Budi", source="Dinas 2023")
    Cooperative.objects.create(code="K1", name="KOPINKRA Anyaman Rotan", kind="KOPINKRA", region_code="32.04")
    for firm in small[:4]:
        sentra.memberships.create(enterprise=firm, start_date=dt.date(2019, 1, 1), source="Dinas 2023")
        Linkage.objects.create(ikm=firm, partner=big, kind="buyer", start_date=dt.date(2022, 1, 1), output_share=30,
                               source="survey")
    Linkage.objects.create(ikm=small[4], partner=drinks, kind="supplier", start_date=dt.date(2023, 1, 1), source="s")
    owner = create_user("owner-net", "owner", enterprises=[small[5].pk], password="pw-123456789")
    client = Client()
    client.force_login(owner)
    return site, small[5], client.cookies[django_settings.SESSION_COOKIE_NAME].value


def test_network_pages_fit_390_and_1280(network_site, page, shots, strict_csp, console_errors):
    base, firm, session = network_site
    public = ["/network/", "/network/sentra/S1/", "/network/cooperatives/K1/", "/network/regions/32.04/",
              "/en/network/regions/32.04/"]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in public:
            page.goto(base + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px"
            name = path.strip("/").replace("/", "_").replace(".", "")
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    assert page.locator("svg.network-graph").count() == 1
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": base}])
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in (f"/network/enterprises/{firm.pk}/partners/", f"/network/enterprises/{firm.pk}/",
                     "/network/contacts/"):
            page.goto(base + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px"
            page.screenshot(path=str(shots / f"{path.strip('/').replace('/', '_')}-{width}.png"), full_page=True)
    page.goto(base + f"/network/enterprises/{firm.pk}/partners/")
    assert "Pabrik Makanan" in page.content() and "Skor" in page.content()
    assert not console_errors, console_errors


def test_an_officer_enters_a_sentra_and_a_member_in_the_workspace(network_site, page, shots, strict_csp,
                                                                   console_errors):
    """The workspace's network pages at 390 and 1280 px: an officer of 32.04 creates a sentra
    through the form, an enterprise joins it, and the pages fit without sideways scroll."""
    base, firm, _session = network_site
    officer = create_user("officer-net", "officer", regions=["32.04"], password="pw-123456789")
    client = Client()
    client.force_login(officer)
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value, "url": base}])
    page.goto(base + "/workspace/network/sentra/add/")
    page.fill("#id_code", "S-WS")
    page.fill("#id_name", "Sentra Anyaman Bambu Rajapolah")
    page.select_option("#id_kind", "SUIK")
    page.fill("#id_region_code", "32.04")
    page.fill("#id_upt", "UPT Kerajinan")
    page.fill("#id_tpi_officers", "Ibu Sari\nPak Budi")
    page.fill("#id_source", "Dinas 2024")
    page.click("form.record-form button[type=submit]")
    sentra = Sentra.objects.get(code="S-WS")
    page.goto(base + f"/workspace/network/sentra/{sentra.pk}/members/add/")
    page.fill("#id_reference", f"lumbung:{firm.pk}")
    page.fill("#id_start_date", "2024-01-15")
    page.fill("#id_source", "Dinas 2024")
    page.click("form.record-form button[type=submit]")
    assert sentra.memberships.filter(enterprise=firm).exists()
    paths = ["/workspace/network/", f"/workspace/network/sentra/{sentra.pk}/",
             f"/workspace/network/sentra/{sentra.pk}/members/add/", "/en/workspace/network/"]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            page.goto(base + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px"
            name = path.strip("/").replace("/", "_")
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    assert "Tahu Sumedang 5" in page.content() or "Sentra Anyaman" in page.content()
    assert not console_errors, console_errors
