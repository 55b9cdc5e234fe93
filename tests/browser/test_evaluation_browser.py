"""The evaluation page in a real browser: an analyst logs in, evaluates KUR on a demo registry
with an injected effect, sees the chart drawn, the tables in their own scroll boxes, and the page
fits 390 and 1280 px without horizontal page scroll, in Indonesian and English."""

from __future__ import annotations

import pytest

from lumbung.geography.source import provinces
from lumbung.programs.evaluate_source import store_enrolments
from lumbung.registry.accounts import create_user
from lumbung.registry.importer import import_table
from lumbung.synthetic.demo import load_demo
from lumbung.synthetic.effects import parse_effect

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-test-password-1"


def test_the_evaluation_page_at_390_and_1280(site, page, shots, requests_seen, console_errors, strict_csp):
    load_demo(import_table, firms=3_000, years=5, seed=11, effect=parse_effect("kur:va_per_worker:0.3"),
              enrol=store_enrolments)
    create_user("analis", "analyst", password=PASSWORD, regions=[code for code, _name in provinces()], records=True)
    page.goto(site + "/accounts/login/?next=/programs/kur/evaluation/")
    page.fill("input[name=username]", "analis")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.login [type=submit]").click()
    page.wait_for_url("**/programs/kur/evaluation/")
    for lang, prefix in (("id", ""), ("en", "/en")):
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(site + prefix + "/programs/kur/evaluation/?outcome=va_per_worker")
            chart = page.locator("#event-chart")
            chart.locator("svg").first.wait_for(state="attached", timeout=15_000)
            assert chart.get_attribute("data-error") is None, chart.get_attribute("data-error")
            assert page.locator("#balance tbody tr").count() == 8
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{lang} scrolls sideways by {overflow} px at {width} px"
            page.screenshot(path=str(shots / f"evaluation-{lang}-{width}.png"), full_page=True)
    assert "Pre-trend test" in page.content()
    assert all(url.startswith(site) for url in requests_seen), requests_seen
    assert not console_errors, console_errors
