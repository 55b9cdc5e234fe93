"""The officers' workspace: a permission to use it (officer and admin roles), and officers no
longer staff (the Django admin is for administrators; issue 11 point 8)."""

from django.db import migrations

from lumbung.registry.roles import sync_groups, sync_staff


def forwards(apps, schema_editor):
    sync_groups(apps)
    sync_staff(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0002_roles"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="enterprise",
            options={"permissions": [("view_all_enterprises", "Can view every enterprise, in every region"),
                                     ("use_workspace", "Can use the officers' workspace (/workspace/)")],
                     "verbose_name": "enterprise", "verbose_name_plural": "enterprises"},
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
