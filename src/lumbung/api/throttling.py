"""Anonymous callers are throttled per address (``LUMBUNG_API_ANON_RATE``); token requests per
address too, so passwords cannot be tried in bulk. DRF answers 429 with ``Retry-After``."""

from __future__ import annotations

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    scope = "anon"


class TokenRequestThrottle(SimpleRateThrottle):
    """``POST /api/token/``: 10 a minute per address, signed in or not."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
