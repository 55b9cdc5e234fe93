"""The public pages' response cache: a rendered page body, or a download, kept per page,
parameters, language and analytics build version in Django's cache alias ``portal``.

Backend: ``settings.CACHES["portal"]`` is a ``LocMemCache``, so each server process (waitress runs
one, with threads) holds its own entries and computes each page once per build; a deployment with
several processes may point that alias at a shared backend (Redis, memcached) without code changes.

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
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.translation import get_language

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
    else the page depends on), computed with ``context()`` on a miss; for a signed-in visitor
    ``template`` rendered around ``context()``."""
    if request.user.is_authenticated:
        return HttpResponse(render_to_string(template, context(), request))
    notice = freshness.notice(freshness.current_status()) or ""
    html = cached("page:" + name, (request.get_full_path(), notice, extra),
                  lambda: render_to_string(template, {**context(), "csrf_token": CSRF_PLACEHOLDER}, request))
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


def clear() -> None:
    """Forget every entry (tests; a new build needs no clearing)."""
    _cache().clear()
