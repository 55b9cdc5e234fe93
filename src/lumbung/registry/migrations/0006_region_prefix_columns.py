"""The province and regency of every enterprise as columns the database derives from region_code
(generated columns), each indexed with the name: an officer's province or regency list is one
equality on its index, read in name order a page at a time (docs/workspace.md, "Lists at a
million enterprises").

Django's AddField of a stored generated column rebuilds the whole table on SQLite (a copy of the
registry, once per column); SQLite adds a VIRTUAL generated column in place, and its index keeps
the derived values, so on SQLite the columns are virtual (computed when read, one substr) and on
PostgreSQL stored (PostgreSQL 15 has no virtual ones), both added by one ALTER TABLE. The state is
Django's (a stored GeneratedField); only the DDL is written here. Existing rows need no data
migration: the database computes the columns for them as it adds them.

The name search (registry.search): on SQLite an FTS5 table with the trigram tokenizer over the
names (external content: it stores the trigrams, not the names again), filled from the existing
rows and kept by three triggers, so that every write path (the ORM, the importer's multi-row
INSERT, raw SQL) keeps it; on PostgreSQL a pg_trgm GIN index on UPPER(name), the expression of
Django's ``icontains``, and the NIB's pattern index back (dropped by 0003 while no index served the
name half of a search by digits). Without FTS5 or pg_trgm, the search scans, as before.
"""

from django.db import migrations, models, transaction
from django.db.models.functions import Length, Substr
from django.db.models.lookups import GreaterThanOrEqual

#: column -> length of the code at that level ("33", "33.01"); NULL when the code is shorter.
LEVELS = (("province_code", 2), ("regency_code", 5))
INDEXES = (("enterprise_province_name_idx", "province_code"), ("enterprise_regency_name_idx", "regency_code"))


def _expression(length: int, vendor: str) -> str:
    substring = "substr" if vendor == "sqlite" else "substring"
    return f"CASE WHEN length(region_code) >= {length} THEN {substring}(region_code, 1, {length}) ELSE NULL END"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    kind = "VIRTUAL" if vendor == "sqlite" else "STORED"
    columns = [f"ADD COLUMN {name} varchar({length}) GENERATED ALWAYS AS ({_expression(length, vendor)}) {kind}"
               for name, length in LEVELS]
    if vendor == "sqlite":  # one column per ALTER TABLE in SQLite
        for column in columns:
            schema_editor.execute(f"ALTER TABLE registry_enterprise {column}")
    else:
        schema_editor.execute(f"ALTER TABLE registry_enterprise {', '.join(columns)}")
    for index, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX {index} ON registry_enterprise ({column}, name, kbli)")


FTS = "registry_enterprise_name_fts"
TRIGGERS = {
    "registry_enterprise_name_fts_insert": f"AFTER INSERT ON registry_enterprise BEGIN "
    f"INSERT INTO {FTS} (rowid, name) VALUES (new.id, new.name); END",
    "registry_enterprise_name_fts_delete": f"AFTER DELETE ON registry_enterprise BEGIN "
    f"INSERT INTO {FTS} ({FTS}, rowid, name) VALUES ('delete', old.id, old.name); END",
    "registry_enterprise_name_fts_update": f"AFTER UPDATE OF name ON registry_enterprise BEGIN "
    f"INSERT INTO {FTS} ({FTS}, rowid, name) VALUES ('delete', old.id, old.name); "
    f"INSERT INTO {FTS} (rowid, name) VALUES (new.id, new.name); END",
}
PG_INDEXES = {
    "enterprise_name_trgm_idx": "CREATE INDEX enterprise_name_trgm_idx ON registry_enterprise "
                                "USING gin ((UPPER(name::text)) gin_trgm_ops)",
    "enterprise_nib_prefix_idx": "CREATE INDEX enterprise_nib_prefix_idx ON registry_enterprise "
                                 "(nib varchar_pattern_ops)",
}


def _sqlite_fts(schema_editor) -> None:
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(name, content='registry_enterprise', "
                                  f"content_rowid='id', tokenize='trigram')")
    except Exception:  # noqa: BLE001 - SQLite without FTS5 or older than 3.34 (no trigram): the LIKE scans
        return
    schema_editor.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('rebuild')")
    for name, body in TRIGGERS.items():
        schema_editor.execute(f"CREATE TRIGGER {name} {body}")


def _pg_trigram(schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if not cursor.fetchone()[0]:
            return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - not allowed to create it: the LIKE scans (docs/workspace.md)
        return
    for sql in PG_INDEXES.values():
        schema_editor.execute(sql)


def search_forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _sqlite_fts(schema_editor)
        # Statistics for the new indexes (registry.store refreshes them after imports): without
        # them SQLite takes every equality for ten rows and may walk a province for a regency.
        schema_editor.execute("ANALYZE registry_enterprise")
    elif schema_editor.connection.vendor == "postgresql":
        _pg_trigram(schema_editor)


def search_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")
    elif schema_editor.connection.vendor == "postgresql":
        for name in PG_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backwards(apps, schema_editor):
    for index, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
    for name, _length in LEVELS:
        schema_editor.execute(f"ALTER TABLE registry_enterprise DROP COLUMN {name}")


def _field(length: int, verbose_name: str):
    reaches = GreaterThanOrEqual(Length("region_code"), length)
    expression = models.Case(models.When(reaches, then=Substr("region_code", 1, length)), default=None,
                             output_field=models.CharField(max_length=length))
    return models.GeneratedField(db_persist=True, expression=expression,
                                 output_field=models.CharField(max_length=length), verbose_name=verbose_name)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0005_sync_roles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards),
                                 migrations.RunPython(search_forwards, search_backwards)],
            state_operations=[
                migrations.AddField(model_name="enterprise", name="province_code",
                                    field=_field(2, "province code")),
                migrations.AddField(model_name="enterprise", name="regency_code",
                                    field=_field(5, "regency code")),
                migrations.AddIndex(model_name="enterprise", index=models.Index(
                    fields=["province_code", "name", "kbli"], name="enterprise_province_name_idx")),
                migrations.AddIndex(model_name="enterprise", index=models.Index(
                    fields=["regency_code", "name", "kbli"], name="enterprise_regency_name_idx")),
            ],
        ),
    ]
