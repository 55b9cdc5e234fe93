"""The analytics build's version, for ETags and the result cache of the read endpoints.

The version changes whenever ``lumbung analytics build`` or ``lumbung import-table`` writes: it
is a digest of the build state file and of the published tables' names, sizes and times. Every
answer derived from the analytics tables is keyed by it, so a new build invalidates them all.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils.cache import patch_cache_control
from django.utils.http import quote_etag

from lumbung.indicators.analytics import state_path
from lumbung.indicators.schema import available_years, partition_path, published_dir

#: Seconds an answer is cached in the process (and a client may reuse it unrevalidated).
MAX_AGE = 60


def _stamp(path) -> str:
    try:
        info = path.stat()
    except OSError:
        return f"{path.name}:-"
    return f"{path.name}:{info.st_size}:{info.st_mtime_ns}"


def analytics_version() -> str:
    # The folder is part of the version: two data folders never share cached answers.
    parts = [str(state_path()), _stamp(state_path())]
    parts += [_stamp(partition_path(year)) + str(year) for year in available_years()]
    folder = published_dir()
    if folder.is_dir():
        parts += sorted(_stamp(p) for p in folder.glob("*.parquet"))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def etag_for(*parts) -> str:
    return quote_etag(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32])


def matches(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    return any(tag.strip() in (etag, "*", "W/" + etag) for tag in header.split(",")) if header else False


def cached(key: str, compute):
    """``compute()`` once per key (the key includes the analytics version)."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, MAX_AGE)
    return value


def add_headers(response, etag: str, public: bool) -> None:
    response["ETag"] = etag
    response["Vary"] = "Accept, Authorization, Cookie"
    if public:
        patch_cache_control(response, public=True, max_age=MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_cache=True)
