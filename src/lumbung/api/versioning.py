"""The analytics build's version, for ETags and the result cache of the read endpoints.

The version changes whenever ``lumbung analytics build`` or ``lumbung import-table`` writes: it
is a digest of the build state file and of the partitions' and published tables' names, sizes and
times (lumbung.indicators.analytics.build_version, shared with the portal's page cache). Every
answer derived from the analytics tables is keyed by it, so a new build invalidates them all.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.utils.cache import patch_cache_control
from django.utils.http import quote_etag

from lumbung.indicators.analytics import build_version

#: Seconds a client may reuse an answer unrevalidated (Cache-Control max-age).
MAX_AGE = 60


def analytics_version() -> str:
    """The analytics build version (lumbung.indicators.analytics.build_version)."""
    return build_version()


def etag_for(*parts) -> str:
    return quote_etag(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32])


def matches(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    return any(tag.strip() in (etag, "*", "W/" + etag) for tag in header.split(",")) if header else False


def cached(key: str, compute):
    """``compute()`` once per key (the key includes the analytics version, so a new build is a new
    key and entries need no time limit), in the cache alias ``portal`` (lumbung.portal.pagecache:
    one LocMemCache per server process)."""
    store = caches["portal" if "portal" in settings.CACHES else "default"]
    value = store.get(key)
    if value is None:
        value = compute()
        store.set(key, value, None)
    return value


def add_headers(response, etag: str, public: bool) -> None:
    response["ETag"] = etag
    response["Vary"] = "Accept, Authorization, Cookie"
    if public:
        patch_cache_control(response, public=True, max_age=MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_cache=True)
