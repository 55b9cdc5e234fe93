"""Whether the public figures are older than the registry (issue 8 point 15): a killed build or a
post-import refresh that did not finish leaves the indicators stale, and every page says so.

The comparison reads the registry's high-water mark and yearly counts, so it is cached for a
minute rather than done on every request; each server process also keeps the answer for
:data:`LOCAL_SECONDS`, so a request does not read the shared (file) cache either."""

from __future__ import annotations

import threading
import time

from django.core.cache import cache
from django.db import DatabaseError
from django.utils.translation import gettext as _

from lumbung import conf
from lumbung.indicators import analytics
from lumbung.registry.rows import RegistryRows

CACHE_KEY = "lumbung:portal:analytics-status"
CACHE_SECONDS = 60
#: Seconds one process reuses the status it read (the notice may lag by this plus CACHE_SECONDS).
LOCAL_SECONDS = 2.0
_local: dict[str, tuple[float, analytics.AnalyticsStatus]] = {}
_lock = threading.Lock()


def current_status() -> analytics.AnalyticsStatus:
    home = str(conf.home())
    with _lock:
        known = _local.get(home)
    if known is not None and time.monotonic() - known[0] < LOCAL_SECONDS:
        return known[1]
    found = cache.get(CACHE_KEY)
    if found is None:
        found = _status()
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    with _lock:
        _local[home] = (time.monotonic(), found)
    return found


def forget() -> None:
    """Read the status afresh on the next request (tests; a build is seen within a minute anyway)."""
    with _lock:
        _local.clear()
    cache.delete(CACHE_KEY)


def _status() -> analytics.AnalyticsStatus:
    """What the analytics folder knows first (no database read when nothing was built), then the
    comparison with the registry; a registry without tables yet leaves the folder's answer."""
    quick = analytics.status()
    if not quick.built:
        return quick
    try:
        return analytics.status(RegistryRows())
    except DatabaseError:  # `lumbung init` has not run: nothing to compare with
        return quick


def notice(state: analytics.AnalyticsStatus) -> str | None:
    """One sentence for the page, or None when the figures match the registry (or none are built)."""
    if not state.built or state.current:
        return None
    if state.running:
        return _("An analytics build is running: the figures may still show the previous data.")
    years = ", ".join(map(str, state.changed_years))
    if years:
        return _("The figures are older than the registry: it changed after the last analytics build "
                 "(years {years}).").format(years=years)
    return _("The last analytics build did not finish: the figures may be out of date.")


def analytics_notice(request) -> dict:
    """Template context processor: ``analytics_notice`` for the shared layout."""
    return {"analytics_notice": notice(current_status())}
