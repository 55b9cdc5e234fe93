"""Run the web app with waitress (a production WSGI server) and whitenoise for static files.

No CDN: every asset is served from the package or from ``LUMBUNG_HOME/static``. Waitress speaks
plain HTTP; HTTPS is a reverse proxy's job. Waitress believes the proxy's ``X-Forwarded-Proto``
only from ``LUMBUNG_TRUSTED_PROXY`` and then marks the request as HTTPS, so Django's redirect to
HTTPS and its HSTS header work behind it (docs/web.md).

``processes``: waitress serves one process with threads, and Python runs one thread at a time,
so a warm cache is answered at the speed of one core. With ``--processes N`` the address is
bound once and N forked workers share it (the kernel hands each connection to one of them);
each has its own page cache (LocMemCache) and API throttle counts. Before forking, the cache is
warmed (lumbung.portal.warm), so every worker starts with the latest pages; each worker warms
again after a new build. BENCHMARKS.md (issue 10.12) has the figures."""

from __future__ import annotations

import os
import signal
import socket

from lumbung import conf
from lumbung.errors import UserError


class ServeError(UserError):
    """The app cannot start (configuration errors or an unmigrated database)."""


def waitress_options() -> dict[str, object]:
    """Waitress's proxy settings from ``LUMBUNG_TRUSTED_PROXY`` and ``LUMBUNG_TRUSTED_PROXY_HEADERS``."""
    proxy = conf.get("LUMBUNG_TRUSTED_PROXY")
    if not proxy:
        return {}
    return {"trusted_proxy": proxy, "trusted_proxy_count": 1,
            "trusted_proxy_headers": {header.lower() for header in conf.listing("LUMBUNG_TRUSTED_PROXY_HEADERS")},
            "clear_untrusted_proxy_headers": True}


def pending_migrations(alias: str = "default") -> list[str]:
    from django.db import connections  # noqa: PLC0415 - Django is set up by prepare() first
    from django.db.migrations.executor import MigrationExecutor  # noqa: PLC0415 - likewise

    executor = MigrationExecutor(connections[alias])
    return [f"{m.app_label}.{m.name}" for m, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())]


def prepare() -> list[str]:
    """Check the configuration, the shipped data files and the database, collect static files when
    not in DEBUG. Returns warning messages; raises :class:`ServeError` on errors."""
    import lumbung  # noqa: PLC0415 - the package's own setup helper

    lumbung.setup_django()
    from django.conf import settings  # noqa: PLC0415 - only after setup_django()
    from django.core import checks  # noqa: PLC0415 - likewise
    from django.core.management import call_command  # noqa: PLC0415 - likewise

    messages = checks.run_checks(include_deployment_checks=not settings.DEBUG, databases=["default"])
    errors = [m for m in messages if m.level >= checks.ERROR]
    if errors:
        raise ServeError("; ".join(f"{m.id}: {m.msg}" for m in errors))
    if pending_migrations("default"):
        raise ServeError("the database is not initialised or not up to date: run `lumbung init` first")
    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)
    return [f"{m.id}: {m.msg}" for m in messages if m.level >= checks.WARNING]


def serve(host: str = "127.0.0.1", port: int = 8000, threads: int = 4, echo=print, processes: int = 1,
          warm: bool = True) -> None:
    """Check, collect static files, warm the page cache, then serve until interrupted. ``echo``
    receives warnings and the address. A busy port raises OSError (EADDRINUSE), which the CLI
    reports in one sentence."""
    for warning in prepare():
        echo(f"Warning: {warning}")
    from django.db import connections  # noqa: PLC0415 - Django is set up by prepare()

    from lumbung.wsgi import application  # noqa: PLC0415 - builds the Django app (after prepare)

    listener = bind(host, port)  # first: a busy port fails before the warming; clients queue meanwhile
    if warm:
        from lumbung.portal import warm as warming  # noqa: PLC0415 - needs Django set up

        warming.warm(application, echo)
    connections.close_all()  # no worker may share the parent's database connection
    echo(f"Lumbung at http://{host}:{port}/ ({processes} process(es) x {threads} threads; Ctrl+C stops)")
    if processes == 1:
        _serve_socket(application, listener, threads, warm)
    else:
        _fork_workers(application, listener, threads, processes, warm)


def bind(host: str, port: int) -> socket.socket:
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    listener = socket.create_server((host, port), family=family, backlog=1024)
    listener.setblocking(False)
    return listener


def _serve_socket(application, listener: socket.socket, threads: int, warm: bool) -> None:
    from waitress.server import create_server  # noqa: PLC0415 - only the serving path needs waitress

    if warm:
        from lumbung.portal.warm import Watcher  # noqa: PLC0415 - needs Django set up

        Watcher(application).start()
    server = create_server(application, sockets=[listener], threads=threads, ident="lumbung", **waitress_options())
    try:
        server.run()
    finally:
        server.close()


def _fork_workers(application, listener: socket.socket, threads: int, processes: int, warm: bool) -> None:
    """Fork ``processes`` workers serving ``listener``; a SIGTERM or Ctrl+C ends them all."""
    children = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:  # the worker: serves until terminated, never returns into the CLI
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            code = 0
            try:
                _serve_socket(application, listener, threads, warm)
            except KeyboardInterrupt:
                pass
            except BaseException:
                code = 1
            os._exit(code)
        children.append(pid)

    def stop(*_args) -> None:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, lambda *_args: (stop(), os._exit(0)))
    try:
        for pid in children:
            os.waitpid(pid, 0)
    except KeyboardInterrupt:
        stop()
        for pid in children:
            os.waitpid(pid, 0)
    finally:
        stop()
