"""The four roles (owner, officer, analyst, admin) as groups with their permissions, as data.

The permission lists live in lumbung.registry.roles; re-running the sync is idempotent."""

from django.db import migrations

from lumbung.registry.roles import ROLE_NAMES, sync_groups


def create_roles(apps, schema_editor):
    sync_groups(apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_NAMES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
