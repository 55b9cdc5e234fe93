"""The response cache of the public pages (lumbung.portal.pagecache): bodies are computed once per
page, parameters, language and analytics build version, and a new build is seen on the next request
without clearing anything."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from lumbung.indicators.schema import partition_path
from lumbung.portal import figures, pagecache

pytestmark = pytest.mark.django_db

PAGES = ("/en/?year=2023", "/en/map/?indicator=firms&year=2023", "/en/provinces/32/?year=2023",
         "/en/explorer/?indicator=firms&by=province&year=2023",
         "/en/explorer/download.csv?indicator=firms&by=province&year=2023")


@pytest.fixture
def engine_calls(monkeypatch):
    """Counts the engine's queries behind the portal's figures."""
    calls = []
    real = figures.compute

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(figures, "compute", counted)
    return calls


def _main(response) -> bytes:
    """The part of a page that the cache keeps (the whole file of a download)."""
    content = response.content
    return content.split(b'<main id="content">')[1].split(b"</main>")[0] if b"<main" in content else content


def _forget_engine_answers():
    """Empties the engine-answer cache only, so a page served again can only come from the page cache."""
    with figures._lock:
        figures._cache.clear()


def test_a_second_request_is_served_from_the_cache(client, public_site, engine_calls):
    first = {url: client.get(url) for url in PAGES}
    assert all(r.status_code == 200 for r in first.values())
    assert engine_calls, "the first requests computed their figures"
    engine_calls.clear()
    _forget_engine_answers()
    for url in PAGES:
        again = client.get(url)
        assert again.status_code == 200
        assert _main(again) == _main(first[url]), url
    assert engine_calls == [], "no page was computed again"


def test_the_layout_around_a_cached_body_is_the_visitors_own(client, public_site, make_user):
    url = "/en/map/?indicator=firms&year=2023"
    anonymous = client.get(url).content.decode()
    user = make_user("owner-cache", "owner")
    client.force_login(user)
    logged_in = client.get(url).content.decode()
    assert "Log in" in anonymous and "Log out" not in anonymous
    assert "Log out" in logged_in
    body = anonymous.split('<main id="content">')[1].split("</main>")[0]
    assert body == logged_in.split('<main id="content">')[1].split("</main>")[0]


def test_each_language_and_parameter_set_has_its_own_entry(client, public_site, engine_calls):
    english = client.get("/en/map/?indicator=firms&year=2023").content.decode()
    indonesian = client.get("/map/?indicator=firms&year=2023").content.decode()
    assert "Provinces" in english and "Provinsi" in indonesian
    other_year = client.get("/en/map/?indicator=firms&year=2022").content.decode()
    assert "firms, 2022" in other_year.lower() or ", 2022</h1>" in other_year
    keys = {pagecache.key("map", (("indicator", "firms"), ("year", 2023)), language=lang) for lang in ("id", "en")}
    assert len(keys) == 2


def test_explorer_keeps_the_order_of_the_indicators_in_its_key():
    class Query(dict):
        def getlist(self, name):
            return self[name]

    one = pagecache.params_of(Query(indicator=["firms", "output"], by=["province"]))
    two = pagecache.params_of(Query(by=["province"], indicator=["output", "firms"]))
    assert one != two and one[0][0] == "by"


def test_a_new_build_is_seen_on_the_next_request(client, public_site, engine_calls):
    before = client.get("/en/?year=2023").content.decode()
    assert '<option value="2021"' in before
    version = figures.version()
    # A build that removes a year (what `lumbung analytics build` does when its reports are gone):
    # the partition goes and the state file is rewritten; nothing tells the cache.
    shutil.rmtree(partition_path(2021, public_site).parent)
    state = public_site / "analytics" / "state.json"
    state.write_text(json.dumps({"schema": 2, "sample": True, "rebuilt": 1}), encoding="utf-8")
    assert figures.version() != version
    engine_calls.clear()
    after = client.get("/en/?year=2023").content.decode()
    assert '<option value="2021"' not in after and '<option value="2023" selected>' in after
    assert engine_calls, "the page was computed again under the new build"
    api = client.get("/api/indicators/?indicator=firms&by=year&format=json").json()
    assert {row["year"] for row in api["results"]} == {2022, 2023}


def test_a_cached_page_carries_each_visitors_own_csrf_token(public_site):
    from django.test import Client

    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get("/en/map/?indicator=firms&year=2023").content.decode()
        assert pagecache.CSRF_PLACEHOLDER not in page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        tokens.append(token)
        switched = visitor.post("/i18n/setlang/", {"language": "id", "next": "/map/", "csrfmiddlewaretoken": token})
        assert switched.status_code == 302, "the token of the cached page is the visitor's own"
    assert tokens[0] != tokens[1]
