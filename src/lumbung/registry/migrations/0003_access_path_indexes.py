"""One index per access path (docs/postgresql.md): the region and KBLI indexes use the pattern
operator class on PostgreSQL (= and LIKE 'prefix%' from one index, instead of Django's plain index
plus a second "_like" index per column); the NIK digest gets one plain index (equality only, no
"_like" twin); the reports' own index on enterprise_id goes (the unique (enterprise, year) index
starts with that column and serves every look-up by enterprise); on PostgreSQL the NIB's "_like"
twin goes too (see OLD).

Django's AlterField would rebuild both tables on SQLite (a full copy of a large registry, three
times); the state changes are Django's, the database changes are made here by dropping and
creating indexes only, on either database.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import lumbung.registry.validators

#: (table, column): the single-column, non-unique indexes Django made for db_index=True, and on
#: PostgreSQL the "_like" twin of the unique NIB (no access path searches a NIB by prefix without
#: also searching names by substring, which no index serves; equality uses the unique index).
OLD = (("registry_enterprise", "region_code"), ("registry_enterprise", "kbli"),
       ("registry_enterprise", "owner_nik_digest"), ("registry_annualreport", "enterprise_id"),
       ("registry_enterprise", "nib"))
NEW = ("enterprise_region_idx", "enterprise_kbli_idx", "enterprise_nik_digest_idx")


def _drop_old(schema_editor, keep=NEW):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table, column in OLD:
            for name, info in connection.introspection.get_constraints(cursor, table).items():
                if (info["index"] and not info["unique"] and not info["primary_key"]
                        and info["columns"] == [column] and name not in keep):
                    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def forwards(apps, schema_editor):
    _drop_old(schema_editor)
    pattern = " varchar_pattern_ops" if schema_editor.connection.vendor == "postgresql" else ""
    for name, table, column, opclass in (("enterprise_region_idx", "registry_enterprise", "region_code", pattern),
                                         ("enterprise_kbli_idx", "registry_enterprise", "kbli", pattern),
                                         ("enterprise_nik_digest_idx", "registry_enterprise", "owner_nik_digest", "")):
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}"{opclass})')


def backwards(apps, schema_editor):
    for name in NEW:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    like = schema_editor.connection.vendor == "postgresql"
    for table, column in OLD:
        if column != "nib":  # the unique index stays
            schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{table}_{column}_idx" ON "{table}" ("{column}")')
        if like and table == "registry_enterprise":
            schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{table}_{column}_like" ON "{table}" '
                                  f'("{column}" varchar_pattern_ops)')


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0002_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.AlterField(
                    model_name='annualreport',
                    name='enterprise',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='registry.enterprise'),
                ),
                migrations.AlterField(
                    model_name='enterprise',
                    name='kbli',
                    field=models.CharField(help_text='KBLI 2020 subclass, 5 digits', max_length=5, validators=[lumbung.registry.validators.validate_kbli], verbose_name='KBLI'),
                ),
                migrations.AlterField(
                    model_name='enterprise',
                    name='owner_nik_digest',
                    field=models.CharField(blank=True, editable=False, max_length=64, null=True),
                ),
                migrations.AlterField(
                    model_name='enterprise',
                    name='region_code',
                    field=models.CharField(help_text='Kemendagri code, dotted, any level down to village', max_length=13, validators=[lumbung.registry.validators.validate_region_code], verbose_name='region code'),
                ),
                migrations.AddIndex(
                    model_name='enterprise',
                    index=models.Index(fields=['region_code'], name='enterprise_region_idx', opclasses=['varchar_pattern_ops']),
                ),
                migrations.AddIndex(
                    model_name='enterprise',
                    index=models.Index(fields=['kbli'], name='enterprise_kbli_idx', opclasses=['varchar_pattern_ops']),
                ),
                migrations.AddIndex(
                    model_name='enterprise',
                    index=models.Index(fields=['owner_nik_digest'], name='enterprise_nik_digest_idx'),
                ),
            ],
        ),
    ]
