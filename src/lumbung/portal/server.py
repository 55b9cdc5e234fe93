"""Run the web app with waitress (a production WSGI server) and whitenoise for static files.

No CDN: every asset is served from the package or from ``LUMBUNG_HOME/static``."""

from __future__ import annotations


class ServeError(RuntimeError):
    """The app cannot start (configuration errors or an unmigrated database)."""


def prepare() -> list[str]:
    """Check the configuration and database, collect static files when not in DEBUG.

    Returns warning messages; raises :class:`ServeError` on errors."""
    import lumbung

    lumbung.setup_django()
    from django.conf import settings
    from django.core import checks
    from django.core.management import call_command

    from lumbung.registry.database import _pending

    messages = checks.run_checks(include_deployment_checks=not settings.DEBUG, databases=["default"])
    errors = [m for m in messages if m.level >= checks.ERROR]
    if errors:
        raise ServeError("; ".join(f"{m.id}: {m.msg}" for m in errors))
    if _pending("default"):
        raise ServeError("the database is not initialised or not up to date: run `lumbung init` first")
    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)
    return [f"{m.id}: {m.msg}" for m in messages if m.level >= checks.WARNING]


def serve(host: str = "127.0.0.1", port: int = 8000, threads: int = 4, echo=print) -> None:
    """Check, collect static files, then serve until interrupted. ``echo`` receives warnings and
    the address."""
    for warning in prepare():
        echo(f"Warning: {warning}")
    echo(f"Lumbung at http://{host}:{port}/ (Ctrl+C stops)")
    from waitress import serve as waitress_serve

    from lumbung.wsgi import application

    waitress_serve(application, host=host, port=port, threads=threads, ident="lumbung")
