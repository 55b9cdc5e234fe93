"""Anonymous callers are throttled per address (``LUMBUNG_API_ANON_RATE``); token requests per
address too, so passwords cannot be tried in bulk. DRF answers 429 with ``Retry-After``.

The anonymous counts live in the cache alias ``throttle`` (settings.CACHES: a LocMemCache, one per
server process) rather than the default file cache: counting there cost a file write and rename
per request, most of a warm API answer's time (BENCHMARKS.md, issue 10.12). With
``lumbung serve --processes N`` each process counts on its own, so an address may make up to N
times the rate; point the alias at a shared backend (Redis, memcached) for one count. Token
requests stay in the default cache, shared by every process: that limit guards passwords."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

ALIAS = "throttle"


class AnonymousThrottle(AnonRateThrottle):
    scope = "anon"

    @property
    def cache(self):
        return caches[ALIAS if ALIAS in settings.CACHES else "default"]


class TokenRequestThrottle(SimpleRateThrottle):
    """``POST /api/token/``: 10 a minute per address, signed in or not."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
