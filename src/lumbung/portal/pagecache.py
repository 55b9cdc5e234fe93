"""The public pages' response cache: a rendered page body, or a download, kept per page,
parameters, language and analytics build version in Django's cache alias ``portal``.

Backend: ``settings.CACHES["portal"]`` is a ``LocMemCache``, so each server process (one, with
threads, or ``lumbung serve --processes N``) holds its own entries and computes each page once per
build (or warms it: lumbung.portal.warm); a deployment may point that alias at a shared backend
(Redis, memcached) without code changes.

Invalidation is by key: every key holds the build version
(:func:`lumbung.indicators.analytics.build_version`, the digest behind the API's ETags: the build
state file and each year partition's and published table's size and modification time), so the
request after a `lumbung analytics build` or `lumbung import-table` misses and recomputes; the
old entries are never read again and age out of the cache (least recently used first,
``MAX_ENTRIES``). Entries need no time limit.

Two levels: :func:`cached` keeps a page's body (its figures, charts and tables: the same for every
visitor of that address and language), and :func:`page` keeps an anonymous visitor's whole page,
rendered once with a placeholder where the language switch's CSRF token goes; each response gets
the visitor's own token in its place. A signed-in visitor's layout (navigation with the login
state) is rendered per request around the cached body. What is computed per request on a hit:
the version (a few ``stat`` calls), the freshness notice (from the default cache, refreshed every
minute; part of the key), the CSRF token, and Django's middleware.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils.translation import get_language, get_language_from_request

from lumbung.indicators.analytics import build_version
from lumbung.portal import freshness

ALIAS = "portal"
#: Where a cached whole page holds the CSRF token (replaced by the visitor's own token).
CSRF_PLACEHOLDER = "lumbung-csrf-token-placeholder"


def _cache():
    return caches[ALIAS if ALIAS in settings.CACHES else "default"]


def params_of(query) -> tuple:
    """A QueryDict (or a mapping of lists) as a hashable value: names sorted, each name's values
    kept in their order (the explorer shows indicators in the order they were given)."""
    return tuple((name, tuple(query.getlist(name))) for name in sorted(query.keys()))


def key(page: str, params: tuple = (), language: str | None = None, version: str | None = None) -> str:
    """The cache key of ``page`` with ``params`` in ``language`` (default: the active one) under
    ``version`` (default: the current build)."""
    version = version or build_version()
    language = language or get_language() or settings.LANGUAGE_CODE
    digest = hashlib.sha256(repr((page, params, language)).encode()).hexdigest()[:32]
    return f"portal:{version}:{digest}"


def cached(page: str, params: tuple, make: Callable[[], object]):
    """``make()`` (a rendered body, download bytes, ...) once per page, params, language and build
    version; later calls with the same four get the stored value."""
    cache = _cache()
    name = key(page, params)
    value = cache.get(name)
    if value is None:
        value = make()
        cache.set(name, value, None)
    return value


def page(request, name: str, template: str, context: Callable[[], dict], extra: tuple = ()) -> HttpResponse:
    """The response of a public page: for an anonymous visitor the whole page from the cache (key:
    the address as requested, language, build version, freshness notice and ``extra``: whatever
    else the page depends on, which AnonymousPageMiddleware's key must hold too: the map's shapes file), computed with ``context()`` on a miss; for a signed-in visitor
    ``template`` rendered around ``context()``."""
    if request.user.is_authenticated or _has_messages(request):
        return HttpResponse(render_to_string(template, context(), request))
    notice = freshness.notice(freshness.current_status()) or ""
    html = cached("page:" + name, (request.get_full_path(), notice, extra),
                  lambda: render_to_string(template, {**context(), "csrf_token": CSRF_PLACEHOLDER}, request))
    response = HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
    response.anonymous_page = html  # kept by AnonymousPageMiddleware
    return response


def _has_messages(request) -> bool:
    """Whether messages wait for this visitor (a cookie; a session means a signed-in visitor or
    one the middleware leaves alone): a page showing them is the visitor's own, never cached."""
    return CookieStorage.cookie_name in request.COOKIES


class AnonymousPageMiddleware:
    """Answers an anonymous GET of a public page that :func:`page` served before, from the cache
    alias ``portal``, before the rest of the middleware and the view run.

    Only a visitor without a session cookie, a messages cookie and an ``Authorization`` header is
    answered here (a signed-in visitor always has a session, so never gets an anonymous page);
    every other request, and a miss, goes down the stack unchanged. The key holds what the
    anonymous page depends on: the address with its query, the language the visitor is served
    (LocaleMiddleware's choice) and the one they prefer (the portal sends them there from an
    unprefixed address), the scheme, the build version, the freshness notice and the map's
    shapes file. Kept are only responses that :func:`page` made (status 200, no cookie but
    the CSRF one): the body with the CSRF placeholder and the headers; each answer gets the
    visitor's own token and cookie (Django's CSRF middleware, as the full stack does).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.locale = LocaleMiddleware(get_response)
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        name = self.key(request)
        if name is None:
            return self.get_response(request)
        store = _cache()
        found = store.get(name)
        if found is not None:
            return self.answer(request, *found)
        response = self.get_response(request)
        kept = self.keepable(response)
        if kept is not None:
            store.set(name, kept, None)
        return response

    def key(self, request) -> str | None:
        """The cache key of this request's anonymous page, or None when it may not be answered here."""
        if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES or _has_messages(request):
            return None
        request.get_host()  # an address not in ALLOWED_HOSTS fails here, as it would below
        self.locale.process_request(request)
        from lumbung.portal import maps  # noqa: PLC0415 - maps -> charts -> tables -> figures imports this module

        notice = freshness.notice(freshness.current_status()) or ""
        parts = (request.get_full_path(), request.LANGUAGE_CODE, get_language_from_request(request),
                 request.scheme, notice, maps.shapes_version())
        return f"portal:{build_version()}:response:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]

    @staticmethod
    def keepable(response) -> tuple | None:
        kept = getattr(response, "anonymous_page", None)
        if kept is None or response.status_code != 200 or set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
            return None
        headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
        return kept, headers

    def answer(self, request, html: str, headers: list) -> HttpResponse:
        self.csrf.process_request(request)
        response = HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
        for header, value in headers:
            response[header] = value
        response["Content-Length"] = str(len(response.content))
        return self.csrf.process_response(request, response)


def clear() -> None:
    """Forget every entry (tests; a new build needs no clearing)."""
    _cache().clear()
