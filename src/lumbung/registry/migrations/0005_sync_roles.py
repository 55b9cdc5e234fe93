"""The roles' permissions once every app's models exist: registry.roles.ROLES lists them all
(the registry's, the programs' and the network's), and the earlier syncs ran before some of
those models (and so their permissions) existed."""

from django.db import migrations

from lumbung.registry.roles import sync_groups


def sync(apps, schema_editor):
    sync_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_merge"),
        ("programs", "0003_role_permissions"),
        ("linkages", "0002_roles"),
    ]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
