"""A first load into an empty registry builds the secondary indexes after its rows.

Each row inserted into an indexed table is one more random insert per index: at 5.4 million rows
on PostgreSQL the enterprises' indexes outgrow the buffer cache and the server's CPU per row
triples, and on SQLite the name-search triggers (FTS5 trigram, registry 0006) cost more than the
rows themselves (BENCHMARKS.md, "Import into PostgreSQL" and "SQLite import against its floor").
An index built once over the stored rows is a sort instead. So when an import meets an empty
registry and brings at least ``FIRST_LOAD_ROWS`` rows, its first batch, in its own transaction,
sets aside:

- every index of the enterprises, their reports and the audit trail that is **not unique**. The
  unique ones (primary keys, source ID per source, NIB, one report per enterprise and year) stay:
  they catch a clash with a writer that does not take the import lock (the web app, the admin)
  and serve the import's own look-ups, so what may be stored does not change;
- on SQLite, the triggers that keep the name-search table; it is rebuilt from the names at the
  end (``'rebuild'``, FTS5's own command for an external-content table);
- on PostgreSQL, the foreign keys of those tables (a report's enterprise, an audit entry's user):
  each row would queue one check at commit; adding the constraint again checks every row with
  one join. (SQLite cannot drop a foreign key without rebuilding its table, so it keeps them.)

The DDL of each is read from the database itself (``sqlite_master``, ``pg_indexes``) and kept in
``registry_setasideindex`` by the same transaction that drops it, so whatever happens next, the
database says what is missing. After the last batch the import builds them again, in one
transaction (PostgreSQL: with ``maintenance_work_mem`` raised for the sort). An import that was
killed leaves them set aside: the next import, of any file, builds them before its first batch,
and the system check ``lumbung.W006`` (``lumbung doctor``) reports them meanwhile.

Trade-off, written down in docs/import.md ("A first load"): while a first load runs, lists,
region filters and name searches on the new rows scan instead of using their indexes, and the
indexes' build at the end takes a while of its own (measured with the import in BENCHMARKS.md).
"""

from __future__ import annotations

from django.db import transaction

from lumbung.registry.models import AnnualReport, AuditEntry, Enterprise, SetAsideIndex

#: Rows a file must bring into an empty registry for its indexes to be built after the load; below
#: this, building them whole costs more than it saves (a small file into a fresh installation).
FIRST_LOAD_ROWS = 100_000
#: PostgreSQL: memory for each index's sort while they are built again (per session, not shared).
BUILD_MEMORY = "512MB"
#: The SQLite name-search table that the set-aside triggers keep (registry/migrations/0006).
FTS_TABLE = "registry_enterprise_name_fts"


def _tables() -> tuple[str, ...]:
    return tuple(model._meta.db_table for model in (Enterprise, AnnualReport, AuditEntry))


def _secondary(cursor, vendor: str) -> list[tuple[str, str, str, str]]:
    """(kind, name, table, DDL) of every non-unique index of the tables, and their SQLite triggers
    or PostgreSQL foreign keys."""
    tables = _tables()
    marks = ", ".join(["%s"] * len(tables))
    if vendor == "postgresql":
        cursor.execute(f"SELECT 'index', indexname, tablename, indexdef FROM pg_indexes "
                       f"WHERE schemaname = current_schema() AND tablename IN ({marks}) "
                       f"UNION ALL SELECT 'fkey', c.conname, t.relname, 'ALTER TABLE ' || quote_ident(t.relname) || "
                       f"' ADD CONSTRAINT ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid) "
                       f"FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
                       f"JOIN pg_namespace n ON n.oid = t.relnamespace "
                       f"WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname IN ({marks}) "
                       f"ORDER BY 2", tables * 2)
    else:
        # Indexes SQLite makes for a UNIQUE or PRIMARY KEY constraint have no SQL of their own.
        cursor.execute(f"SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                       f"AND tbl_name IN ({marks}) AND sql IS NOT NULL ORDER BY type, name", tables)
    return [row for row in cursor.fetchall() if not row[3].upper().startswith("CREATE UNIQUE")]


def set_aside(connection) -> list[str]:
    """Drop the secondary indexes (and SQLite's name-search triggers), recording their DDL; call it
    inside the transaction of the load's first batch. Returns their names."""
    with connection.cursor() as cursor:
        found = _secondary(cursor, connection.vendor)
        for kind, name, table, sql in found:
            SetAsideIndex.objects.create(name=name, kind=kind, table=table, sql=sql)
            quoted = connection.ops.quote_name(name)
            if kind == "fkey":
                cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} DROP CONSTRAINT {quoted}")
            else:
                cursor.execute(f"DROP {'TRIGGER' if kind == 'trigger' else 'INDEX'} {quoted}")
    return [name for _kind, name, _table, _sql in found]


def pending() -> list[str]:
    """Names of what a first load has set aside and not yet built again."""
    return list(SetAsideIndex.objects.order_by("name").values_list("name", flat=True))


def restore(connection) -> list[str]:
    """Build again everything set aside, in one transaction; returns the names (none: nothing to do).
    Indexes first, then triggers, then (SQLite) the name-search table rebuilt from the names, so
    writes made meanwhile by any path are in it."""
    if not SetAsideIndex.objects.exists():
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
        order = {"index": 0, "fkey": 1, "trigger": 2}  # a foreign key is checked through the primary key's index
        entries = sorted(SetAsideIndex.objects.select_for_update(), key=lambda e: (order[e.kind], e.name))
        for entry in entries:
            cursor.execute(entry.sql)
        if any(entry.kind == "trigger" for entry in entries) and _has_fts(cursor):
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        SetAsideIndex.objects.filter(pk__in=[entry.pk for entry in entries]).delete()
    return [entry.name for entry in entries]


def _has_fts(cursor) -> bool:
    cursor.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = %s", [FTS_TABLE])
    return bool(cursor.fetchone()[0])
