"""Backup and restore of the whole registry database (``lumbung backup`` / ``lumbung restore``,
docs/registry.md): every table, the audit trail, accounts and migrations included.

- SQLite: SQLite's online backup API (``sqlite3.Connection.backup``), a consistent copy taken
  page by page while the registry stays in use; the backup is itself a SQLite database file.
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists --single-transaction``,
  the server's own tools (schema, data, sequences and indexes, restored in one transaction). They
  must be installed where Lumbung runs (Debian: ``postgresql-client``); without them the backup
  stops with a sentence saying so, rather than writing a dump of our own that PostgreSQL's tools
  could not read.

A backup is written under a temporary name and renamed when complete. The owner's NIK stays
encrypted in the copy: keep ``LUMBUNG_NIK_KEY`` (or the secret key) with it, or the restored NIKs
cannot be read.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.registry.export import check_folder, written_atomically

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


@dataclass
class BackupInfo:
    path: Path
    vendor: str  # "sqlite" | "postgresql"
    size: int  # bytes


def _connection():
    from lumbung import setup_django  # noqa: PLC0415 - Django is set up only by commands that need it

    setup_django()
    from django.db import connection  # noqa: PLC0415 - after setup_django()

    return connection


def backup(out) -> BackupInfo:
    """Write a backup of the registry database to ``out``."""
    out = Path(out)
    check_folder(out)
    connection = _connection()
    with written_atomically(out) as temporary:
        if connection.vendor == "sqlite":
            _sqlite_backup(connection, temporary)
        elif connection.vendor == "postgresql":
            _pg_run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={temporary}"],
                    connection)
        else:
            raise UserError(_("backup supports SQLite and PostgreSQL, not {vendor}").format(vendor=connection.vendor))
    return BackupInfo(out, connection.vendor, out.stat().st_size)


def restore(path, replace: bool = False) -> BackupInfo:
    """Replace the registry database's content with the backup at ``path``. Refused when the
    registry holds data, unless ``replace``."""
    path = Path(path)
    if not path.is_file():
        raise UserError(_("the backup file {path} does not exist").format(path=path))
    connection = _connection()
    kind = _kind(path)
    if kind != connection.vendor:
        raise UserError(_("{path} is not a backup of a {vendor} registry (the database configured)").format(
            path=path, vendor=connection.vendor))
    if not replace and _holds_data(connection):
        raise UserError(_("the registry already holds data: restore with --replace to overwrite it"))
    if kind == "sqlite":
        _sqlite_restore(connection, path)
    else:
        _pg_run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                               "--exit-on-error", str(path)], connection, database_option=True)
    return BackupInfo(path, kind, path.stat().st_size)


def _kind(path: Path) -> str | None:
    with open(path, "rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise UserError(_("{path} is not a Lumbung backup (neither a SQLite database nor a pg_dump archive)").format(
        path=path))


def _holds_data(connection) -> bool:
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in ("registry_enterprise", "registry_auditentry", "auth_user"):
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    return True
    return False


# -- SQLite ----------------------------------------------------------------------------------------

def _sqlite_backup(connection, target: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    with sqlite3.connect(target) as copy:  # one file, as the live database is (no -wal beside it)
        copy.execute("PRAGMA journal_mode = DELETE").fetchall()


def _sqlite_restore(connection, path: Path) -> None:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as source:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise UserError(_("{path} is a damaged SQLite database").format(path=path))
        connection.close()
        connection.ensure_connection()
        source.backup(connection.connection)
    connection.close()
    with connection.cursor() as cursor:  # the copy says DELETE; the registry runs in WAL mode
        cursor.execute("PRAGMA journal_mode = WAL")


# -- PostgreSQL -------------------------------------------------------------------------------------

def _pg_run(tool: str, args: list[str], connection, database_option: bool = False) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise UserError(_("{tool} is not installed (Debian: apt install postgresql-client); it is needed to back up "
                          "and restore a PostgreSQL registry").format(tool=tool))
    settings = connection.settings_dict
    env = {**os.environ, "PGHOST": str(settings.get("HOST") or ""), "PGPORT": str(settings.get("PORT") or ""),
           "PGUSER": str(settings.get("USER") or ""), "PGPASSWORD": str(settings.get("PASSWORD") or ""),
           "PGDATABASE": str(settings["NAME"])}
    env = {k: v for k, v in env.items() if v != ""}
    command = [executable, *args, *([f"--dbname={settings['NAME']}"] if database_option else [settings["NAME"]])]
    connection.close()  # pg_restore --clean drops tables: no open transaction of ours may hold them
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [str(done.returncode)])[-1]
        raise UserError(_("{tool} failed: {reason}").format(tool=tool, reason=reason))
