"""AnonymousPageMiddleware (lumbung.portal.pagecache, issue 10.12): an anonymous visitor's repeated
request for a public page is answered from the page cache before sessions, authentication and
the view; a signed-in visitor never gets that page; the language, each visitor's CSRF token and
the build version stay right. Also the warming of the cache (lumbung.portal.warm)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from lumbung.portal import pagecache, warm

pytestmark = pytest.mark.django_db

URL = "/en/map/?indicator=firms&year=2023"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def views_run(monkeypatch):
    """The addresses whose view reached pagecache.page (a request the middleware answered never does)."""
    calls = []
    real = pagecache.page

    def counted(request, *args, **kwargs):
        calls.append(request.get_full_path())
        return real(request, *args, **kwargs)

    monkeypatch.setattr(pagecache, "page", counted)
    return calls


def test_a_repeated_anonymous_request_is_answered_before_the_view(public_site, views_run):
    first = Client().get(URL)
    again = Client().get(URL)
    assert first.status_code == again.status_code == 200
    assert views_run == [URL], "the second visitor got the kept response"
    assert TOKEN.sub("", first.content.decode()) == TOKEN.sub("", again.content.decode())
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "ETag"):
        assert again[header] == first[header], header
    assert int(again["Content-Length"]) == len(again.content)


def test_a_signed_in_visitor_never_gets_the_anonymous_page(public_site, views_run, make_user):
    Client().get(URL)
    Client().get(URL)
    member = Client()
    member.force_login(make_user("owner-fast", "owner"))
    page = member.get(URL).content.decode()
    assert "Log out" in page and "Log in" not in page
    assert views_run == [URL, URL], "the signed-in visitor's page was made for them"
    # ... and what was made for them is never kept for the next anonymous visitor.
    anonymous = Client().get(URL).content.decode()
    assert "Log in" in anonymous and "Log out" not in anonymous


def test_each_language_is_its_own_entry_and_the_preferred_language_still_redirects(public_site, views_run):
    indonesian = Client().get("/map/?indicator=firms&year=2023")
    english = Client().get(URL)
    assert "Provinsi" in indonesian.content.decode() and "Provinces" in english.content.decode()
    assert indonesian["Content-Language"] == "id" and english["Content-Language"] == "en"
    # An unprefixed address already kept in Indonesian: a browser preferring English, or the
    # language switch's cookie, still goes to /en/.
    by_browser = Client(HTTP_ACCEPT_LANGUAGE="en").get("/map/?indicator=firms&year=2023")
    chooser = Client()
    chooser.cookies["django_language"] = "en"
    by_choice = chooser.get("/map/?indicator=firms&year=2023")
    assert by_browser.status_code == by_choice.status_code == 302
    assert by_browser["Location"].startswith("/en/map/") and by_choice["Location"].startswith("/en/map/")
    assert "Provinsi" in Client().get("/map/?indicator=firms&year=2023").content.decode()


def test_every_answer_carries_the_visitors_own_csrf_token(public_site, views_run):
    Client().get(URL)
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        response = visitor.get(URL)
        page = response.content.decode()
        assert pagecache.CSRF_PLACEHOLDER not in page
        assert "csrftoken" in response.cookies, "the kept answer sets the visitor's CSRF cookie"
        token = TOKEN.search(page).group(1)
        tokens.append(token)
        switched = visitor.post("/i18n/setlang/", {"language": "id", "next": "/map/", "csrfmiddlewaretoken": token})
        assert switched.status_code == 302, "the token in the kept page is the visitor's own"
    assert views_run == [URL], "both visitors were answered from the kept response"
    assert tokens[0] != tokens[1]
    # A visitor who has the cookie keeps their secret: a new mask of the same one, accepted.
    returning = Client(enforce_csrf_checks=True)
    returning.get(URL)
    secret = returning.cookies["csrftoken"].value
    token = TOKEN.search(returning.get(URL).content.decode()).group(1)
    assert returning.cookies["csrftoken"].value == secret
    assert returning.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}).status_code == 302


def test_a_new_build_version_is_a_miss(public_site, views_run):
    Client().get(URL)
    state = public_site / "analytics" / "state.json"
    state.write_text(json.dumps({"schema": 2, "sample": True, "rebuilt": 1}), encoding="utf-8")
    Client().get(URL)
    assert views_run == [URL, URL], "the page was made again under the new version"


def test_a_visitor_with_messages_waiting_is_not_answered_from_the_cache(public_site, views_run):
    Client().get(URL)
    with_messages = Client()
    with_messages.cookies["messages"] = "anything"
    with_messages.get(URL)
    assert views_run == [URL, URL]


def test_warming_fills_the_cache_before_any_visitor(public_site, views_run):
    from lumbung.wsgi import application

    assert warm.warm(application, echo=lambda line: None) == len(warm.paths())
    views_run.clear()
    assert Client().get("/provinces/32/").status_code == 200
    assert Client().get("/?year=2022").status_code == 200
    assert views_run == [], "the visitors got the warmed pages"
