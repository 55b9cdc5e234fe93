"""The evaluation page /programs/<slug>/evaluation/: who may see it, what it shows, bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lumbung.geography.source import provinces
from lumbung.programs.evaluate_source import store_enrolments
from lumbung.programs.models import Program
from lumbung.registry.accounts import create_user
from lumbung.registry.importer import import_table
from lumbung.synthetic.demo import load_demo
from lumbung.synthetic.effects import parse_effect

URL = reverse("evaluation:program_evaluation", kwargs={"slug": "kur"})


@pytest.fixture
def registry(db):
    load_demo(import_table, firms=6_000, years=5, seed=11, effect=parse_effect("kur:va_per_worker:0.2"),
              enrol=store_enrolments)


#: An analyst's evaluation covers the regions granted (with records): here every province.
EVERY_PROVINCE = [code for code, _name in provinces()]


def _client(client, role, regions=()):
    if role == "analyst" and not regions:
        regions = EVERY_PROVINCE
    user = create_user(role, role, regions=regions, password="a-long-test-password-1", records=role == "analyst")
    client.force_login(user)
    return client


def test_anonymous_goes_to_login_and_an_owner_is_refused(db, client):
    Program.objects.create(slug="kur", name="KUR")
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _client(client, "owner").get(URL).status_code == 403


def test_an_analyst_sees_the_estimate_the_balance_and_the_event_study(registry, client):
    response = _client(client, "analyst").get(URL + "?outcome=va_per_worker", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200
    page = response.content.decode()
    result = response.context["result"]
    assert result["relative_ci_low"] <= 0.2 <= result["relative_ci_high"]
    assert 'id="balance"' in page and 'id="event-spec"' in page and 'id="pretrend"' in page
    assert "Rp" in page and "Uji tren" in page  # Indonesian by default
    english = client.get("/en" + URL + "?outcome=workers")
    assert english.status_code == 200 and "Pre-trend test" in english.content.decode()


def test_an_officer_evaluates_over_their_region_only(registry, client):
    everyone = _client(client, "analyst").get(URL).context["result"]["participants"]
    client.logout()
    mine = _client(client, "officer", regions=["32"]).get(URL).context["result"]
    assert 0 < mine["participants"] < everyone


def test_bad_input_is_a_sentence_on_the_page(registry, client):
    analyst = _client(client, "analyst")
    assert analyst.get(reverse("evaluation:program_evaluation", kwargs={"slug": "nope"})).status_code == 404
    response = analyst.get(URL + "?outcome=kur_rate")
    assert response.status_code == 200 and response.context["problem"]
    response = analyst.get(URL + "?years=abc")
    assert response.status_code == 200 and "abc" in response.context["problem"]
    Program.objects.create(slug="empty", name="Empty")
    response = analyst.get(reverse("evaluation:program_evaluation", kwargs={"slug": "empty"}))
    assert response.status_code == 200 and response.context["result"] is None and response.context["problem"]
