"""``lumbung doctor``: what is misconfigured in this installation, one finding a line
(docs/deployment.md, "Checking a deployment").

Each finding is ``(level, topic, message)`` with level ``ok``, ``info``, ``warning`` or ``error``:

- Django's system checks, the project's own among them (:mod:`lumbung.registry.checks`: secret
  key, shipped data files, SQLite WAL, proxy and HTTPS), with the deployment checks when
  ``LUMBUNG_DEBUG`` is off;
- ``LUMBUNG_DEBUG`` on (development mode) while the hosts served are not only this machine;
- the data folder (``LUMBUNG_HOME``) exists and is writable (the analytics tables, lab runs and
  key files live there);
- the registry database is reachable and its schema is up to date (no migration left);
- the NIK key ring loads (stored NIKs cannot be read otherwise);
- the analytics tables are built and current with the registry;
- the optional engines: Spark (pyspark and a Java runtime) and Dask (distributed), reported as
  information when not installed, as a warning when installed but unusable (no Java).

Only :func:`diagnose` needs Django set up; it never raises for a configuration problem.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from lumbung import conf
from lumbung.i18n import _
from lumbung.indicators import analytics
from lumbung.registry import nik
from lumbung.registry.rows import RegistryRows

LEVELS = ("ok", "info", "warning", "error")


@dataclass(frozen=True)
class Finding:
    level: str  # one of LEVELS
    topic: str  # a check id (lumbung.E001, security.W004) or a word: database, analytics, spark, ...
    message: str

    def line(self) -> str:
        return f"{self.level.upper():7} {self.topic}: {self.message}"


def diagnose() -> list[Finding]:
    """Every finding, errors first."""
    findings = [*_system_checks(), *_debug(), *_data_folder()]
    reachable = _database(findings)
    if reachable:
        findings += _nik_keys()
        findings += _analytics()
    findings += _engines()
    return sorted(findings, key=lambda f: -LEVELS.index(f.level))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.level == "error" for f in findings)


def _system_checks() -> list[Finding]:
    """Django's checks (ours included) that need no database; the database is checked apart, so an
    unreachable one is reported once, in one sentence."""
    try:
        messages = checks.run_checks(include_deployment_checks=not settings.DEBUG, databases=[])
    except Exception as error:  # noqa: BLE001 - a check that crashes is itself a finding
        return [Finding("error", "checks", _("the system checks could not run: {error}").format(error=error))]
    out = []
    for message in messages:
        if message.is_silenced():
            continue
        level = "error" if message.level >= checks.ERROR else "warning" if message.level >= checks.WARNING else "info"
        text = str(message.msg) + (f" {message.hint}" if message.hint else "")
        out.append(Finding(level, message.id or "check", text))
    if not out:
        out.append(Finding("ok", "checks", _("Django's system checks and Lumbung's own pass")))
    return out


def _debug() -> list[Finding]:
    if not settings.DEBUG:
        return [Finding("ok", "debug", _("LUMBUNG_DEBUG is off (production settings)"))]
    return [Finding("warning", "debug", _("LUMBUNG_DEBUG is on: development mode (debug pages, insecure cookies); "
                                          "set LUMBUNG_DEBUG=0 for a deployment"))]


def _data_folder() -> list[Finding]:
    home = conf.home()
    if not home.is_dir():
        return [Finding("error", "data folder", _("LUMBUNG_HOME {path} does not exist: run `lumbung init`, or point "
                                                  "LUMBUNG_HOME at the shared data folder").format(path=home))]
    if not os.access(home, os.W_OK | os.X_OK):
        return [Finding("error", "data folder", _("LUMBUNG_HOME {path} is not writable by this user: the analytics "
                                                  "build, lab runs and key files write there").format(path=home))]
    return [Finding("ok", "data folder", _("LUMBUNG_HOME {path} is writable").format(path=home))]


def _where(connection) -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(params.get("NAME"))
    return f"{params.get('HOST') or 'localhost'}:{params.get('PORT') or 5432}/{params.get('NAME')}"


def _database(findings: list[Finding]) -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    where = _where(connection)
    if connection.vendor == "sqlite" and not connection.is_in_memory_db() and not Path(where).exists():
        findings.append(Finding("error", "database", _("the registry database {where} does not exist: run "
                                                       "`lumbung init`").format(where=where)))
        return False  # connecting would create an empty file
    try:
        connection.ensure_connection()
    except Exception as error:  # noqa: BLE001 - any failure to connect is the finding
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        findings.append(Finding("error", "database", _("the registry database {where} ({vendor}) cannot be reached: "
                                                       "{reason}; check LUMBUNG_DATABASE_URL").format(
                                                           where=where, vendor=connection.vendor, reason=reason)))
        return False
    try:
        pending = MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes())
    except Exception as error:  # noqa: BLE001 - an unreadable migration table is a finding too
        findings.append(Finding("error", "database", _("the registry's schema could not be read: {error}").format(
            error=error)))
        return False
    if pending:
        findings.append(Finding("error", "database", _("the registry database {where} lacks {n} migrations: run "
                                                       "`lumbung init`").format(where=where, n=len(pending))))
        return False
    findings.append(Finding("ok", "database", _("the registry database {where} ({vendor}) is reachable and up to "
                                                "date").format(where=where, vendor=connection.vendor)))
    if connection.vendor == "sqlite":
        findings.append(Finding("info", "database", _("SQLite serves a regency or a province; a national registry "
                                                      "belongs on PostgreSQL (docs/deployment.md)")))
    for message in checks.run_checks(databases=[DEFAULT_DB_ALIAS], tags=[checks.Tags.database]):
        if not message.is_silenced():
            level = "error" if message.level >= checks.ERROR else "warning"
            findings.append(Finding(level, message.id or "database", str(message.msg)))
    return True


def _nik_keys() -> list[Finding]:
    try:
        ring = nik.key_ring()
    except Exception as error:  # noqa: BLE001 - a missing or malformed key is the finding
        return [Finding("error", "nik key", _("the NIK key ring does not load ({error}): stored NIKs cannot be read; "
                                              "run `lumbung init` or set LUMBUNG_NIK_KEY").format(error=error))]
    return [Finding("ok", "nik key", _("the NIK key ring loads (keys in the ring: {n})").format(n=len(ring)))]


def _analytics() -> list[Finding]:
    try:
        state = analytics.status(RegistryRows())
    except Exception as error:  # noqa: BLE001 - unreadable analytics state is the finding
        return [Finding("error", "analytics", _("the analytics tables' state cannot be read: {error}").format(
            error=error))]
    if state.current:
        return [Finding("ok", "analytics", state.message())]
    return [Finding("warning", "analytics", state.message())]


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def _engines() -> list[Finding]:
    out = []
    if importlib.util.find_spec("pyspark") is None:
        out.append(Finding("info", "spark", _("the Spark engine is not installed (optional: pip install "
                                              "'lumbung[scale]' and a Java runtime)")))
    elif _java() is None:
        out.append(Finding("warning", "spark", _("pyspark is installed but no Java runtime was found (JAVA_HOME or "
                                                 "java on PATH): `--engine spark` cannot start; install "
                                                 "default-jre-headless")))
    else:
        out.append(Finding("ok", "spark", _("the Spark engine can start locally (Java at {java}); a cluster is "
                                            "named with --spark-master").format(java=_java())))
    if importlib.util.find_spec("distributed") is None:
        out.append(Finding("info", "dask", _("Dask is not installed (optional: pip install 'lumbung[scale]'); "
                                             "ensembles run on the process pool")))
    else:
        out.append(Finding("ok", "dask", _("Dask is installed; a cluster is named with --scheduler")))
    return out
