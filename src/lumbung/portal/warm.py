"""Filling the public pages' cache before visitors ask (issue 10.12): the overview and the map of
every year, and each province's page of the latest year, requested in this process through the
whole WSGI stack as an anonymous visitor would, so the page cache (lumbung.portal.pagecache, a
LocMemCache per process) and the engine answers (lumbung.portal.figures) hold them.

`lumbung serve` warms before it forks its worker processes, which inherit the filled cache; each
worker warms again when it sees a new build version (:class:`Watcher`). Why: a cold overview
over the 4.4-million-firm population takes seconds (BENCHMARKS.md), which the first visitors
after a start or a build would otherwise wait for.
"""

from __future__ import annotations

import io
import logging
import sys
import threading
import time
from collections.abc import Callable

from django.conf import settings

from lumbung import geography
from lumbung.indicators import analytics
from lumbung.portal import figures, freshness

log = logging.getLogger(__name__)


def paths() -> list[str]:
    """The addresses warmed: overview and map per year, then every province (latest year)."""
    years = figures.years()
    if not years:
        return []
    found = ["/", "/map/"]
    for year in reversed(years):
        found += [f"/?year={year}", f"/map/?indicator=firms&year={year}"]
    return found + [f"/provinces/{code}/" for code, _name in geography.provinces()]


def _host() -> str:
    """A host name this server accepts (the first of ALLOWED_HOSTS; a pattern's bare domain)."""
    for host in settings.ALLOWED_HOSTS:
        name = host.lstrip(".")
        if name and name != "*":
            return name
    return "localhost"


def request(application, path: str) -> int:
    """GET ``path`` through ``application`` (WSGI) as an anonymous visitor; returns the status."""
    target, _, query = path.partition("?")
    https = bool(settings.SECURE_SSL_REDIRECT)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": target, "QUERY_STRING": query, "SERVER_NAME": _host(),
               "SERVER_PORT": "443" if https else "80", "HTTP_HOST": _host(), "SERVER_PROTOCOL": "HTTP/1.1",
               "wsgi.url_scheme": "https" if https else "http", "wsgi.input": io.BytesIO(),
               "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": True,
               "wsgi.multiprocess": True, "wsgi.run_once": False, "REMOTE_ADDR": "127.0.0.1"}
    statuses = []
    body = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        for _chunk in body:
            pass
    finally:
        getattr(body, "close", lambda: None)()
    return int(statuses[0].split()[0])


def warm(application, echo: Callable[[str], None] = log.info) -> int:
    """Request every address of :func:`paths`; returns how many answered 200."""
    started, done = time.monotonic(), 0
    for path in paths():
        done += request(application, path) == 200
    echo(f"Cache warmed: {done} pages in {time.monotonic() - started:.1f} s")
    return done


class Watcher(threading.Thread):
    """Warms again, in the background, when the build version changes (a new `lumbung analytics
    build` or import), once no build is running. Checks every ``seconds``."""

    def __init__(self, application, seconds: float = 10.0):
        super().__init__(name="lumbung-warm", daemon=True)
        self.application, self.seconds = application, seconds
        self.version = analytics.build_version()

    def run(self) -> None:
        while True:
            time.sleep(self.seconds)
            try:
                self.check()
            except Exception:  # a failed warm leaves the pages to be computed on request
                log.exception("warming the page cache failed")

    def check(self) -> bool:
        version = analytics.build_version()
        if version == self.version or analytics.build_running():
            return False
        self.version = version
        freshness.forget()  # the notice the new pages are kept under is the one after the build
        warm(self.application)
        return True
