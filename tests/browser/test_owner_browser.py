"""An owner in a real browser (issue 11.12, the owner's half): registers, claims an enterprise
(approved here through registry.claims, as the officers' page does), enters a yearly report with
a validation error, corrects it, sees the classes and the benchmark; every owner page fits 390
and 1280 px without sideways scrolling."""

from __future__ import annotations

import pytest

from lumbung.registry.accounts import create_user
from lumbung.registry.claims import approve_claim
from lumbung.registry.models import Claim, Enterprise

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "kopi-susu-2024"
WIDTHS = (390, 1280)


def _fits(page, shots, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at {width} px"
        page.screenshot(path=str(shots / f"owner-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 900})


def test_owner_registers_claims_reports_and_compares(site, page, shots, strict_csp, console_errors):
    firm = Enterprise.objects.create(name="Keripik Bu Sari", nib="1234567890123", region_code="32.04.05",
                                     kbli="10792", founded_year=2010)
    officer = create_user("officer32", "officer", regions=["32"], password=PASSWORD)
    page.set_viewport_size({"width": 390, "height": 900})

    page.goto(site + "/en/owner/register/")
    _fits(page, shots, "register")
    page.get_by_label("E-mail address or phone number").fill("0812-3456-7890")
    page.locator("#id_password1").fill("12345678")
    page.locator("#id_password2").fill("12345678")
    page.get_by_role("button", name="Create account").click()
    refused = page.locator("#id_password1-errors")
    refused.wait_for()  # Django's validators refuse a numeric password
    assert "numeric" in refused.inner_text()
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(site + "/en/owner/")

    page.get_by_role("link", name="Claim an existing enterprise").click()
    _fits(page, shots, "claim")
    page.get_by_label("NIB").fill("1234 5678 90123")
    page.get_by_role("button", name="Submit claim").click()
    page.wait_for_url(site + "/en/owner/")
    claim = Claim.objects.get()
    assert page.locator(f"#claim-{claim.pk}").inner_text().count("pending") == 1
    assert "Keripik" not in page.content(), "nothing of the record before approval"
    _fits(page, shots, "home-pending")

    approve_claim(officer, claim)
    page.reload()
    page.get_by_role("link", name="Keripik Bu Sari").click()
    page.wait_for_url(f"{site}/en/owner/enterprises/{firm.pk}/")
    _fits(page, shots, "enterprise")
    page.get_by_role("link", name="New yearly report").click()
    page.get_by_label("Year").fill("2023")
    page.get_by_label("Persons engaged").fill("3")
    page.get_by_label("Paid workers").fill("5")
    page.get_by_label("Annual sales").fill("250.000.000")
    page.get_by_label("Output", exact=True).fill("200.000.000")
    page.get_by_label("Intermediate inputs").fill("120.000.000")
    page.get_by_role("button", name="Save report").click()
    error = page.locator("#id_workers_paid-errors")
    assert "workers_paid 5 is more than workers 3" in error.inner_text()
    assert "[count.paid_within_workers]" in error.inner_text()
    assert page.get_by_label("Annual sales").input_value() == "250.000.000", "what was typed is kept"
    _fits(page, shots, "report-error")
    page.get_by_label("Paid workers").fill("2")
    page.get_by_role("button", name="Save report").click()
    page.wait_for_url(f"{site}/en/owner/enterprises/{firm.pk}/reports/2023/")
    assert page.locator("#classes article.regime").count() >= 5
    assert "micro" in page.locator("#classes").inner_text()
    assert "Decided by" in page.locator("#classes").inner_text()
    _fits(page, shots, "report")
    report = firm.reports.get()
    assert report.wages is None and report.exports is None, "fields left empty stay missing"

    page.get_by_role("link", name="Compare with peers").first.click()
    page.locator("#benchmark-chart svg").first.wait_for(state="attached", timeout=10_000)
    assert page.locator("#benchmark-chart").get_attribute("data-error") is None
    group = page.locator("#peer-group").inner_text()
    assert "enterprises: KBLI division 10" in group
    assert page.locator("#positions tbody tr").count() == 7
    _fits(page, shots, "benchmark")
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
