"""Create or migrate the registry database, and say where it is (``lumbung init``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core import checks
from django.core.management import call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

import lumbung


@dataclass
class DatabaseInfo:
    vendor: str  # "sqlite" | "postgresql"
    location: str  # file path, or URL without password
    journal_mode: str | None = None  # SQLite only
    applied: list[str] = field(default_factory=list)  # migrations applied by this call
    warnings: list[str] = field(default_factory=list)  # system check messages


def describe(alias: str = "default") -> DatabaseInfo:
    connection = connections[alias]
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
        return DatabaseInfo("sqlite", str(settings["NAME"]), journal_mode=str(mode).lower())
    user = f"{settings.get('USER')}@" if settings.get("USER") else ""
    port = f":{settings.get('PORT')}" if settings.get("PORT") else ""
    return DatabaseInfo(connection.vendor, f"{connection.vendor}://{user}{settings.get('HOST') or ''}{port}/"
                                           f"{settings['NAME']}")


def _pending(alias: str) -> list[str]:
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def init_database(alias: str = "default") -> DatabaseInfo:
    """Create the database or bring it to the latest schema; safe to run again (idempotent)."""
    lumbung.setup_django()
    pending = _pending(alias)
    call_command("migrate", database=alias, interactive=False, verbosity=0)
    info = describe(alias)
    info.applied = pending
    messages = checks.run_checks(databases=[alias])
    info.warnings = [f"{m.id}: {m.msg}" for m in messages if m.level >= checks.WARNING]
    return info
