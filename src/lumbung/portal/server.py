"""Run the web app with waitress (a production WSGI server) and whitenoise for static files.

No CDN: every asset is served from the package or from ``LUMBUNG_HOME/static``. Waitress speaks
plain HTTP; HTTPS is a reverse proxy's job. Waitress believes the proxy's ``X-Forwarded-Proto``
only from ``LUMBUNG_TRUSTED_PROXY`` and then marks the request as HTTPS, so Django's redirect to
HTTPS and its HSTS header work behind it (docs/web.md)."""

from __future__ import annotations

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


def serve(host: str = "127.0.0.1", port: int = 8000, threads: int = 4, echo=print) -> None:
    """Check, collect static files, then serve until interrupted. ``echo`` receives warnings and
    the address. A busy port raises OSError (EADDRINUSE), which the CLI reports in one sentence."""
    for warning in prepare():
        echo(f"Warning: {warning}")
    from waitress.server import create_server  # noqa: PLC0415 - only the serving path needs waitress

    from lumbung.wsgi import application  # noqa: PLC0415 - builds the Django app (after prepare)

    server = create_server(application, host=host, port=port, threads=threads, ident="lumbung",
                           **waitress_options())
    echo(f"Lumbung at http://{host}:{port}/ (Ctrl+C stops)")
    try:
        server.run()
    finally:
        server.close()
