"""Grant the programs app's permissions to the roles: officers record enrolments of the enterprises
in their regions; admins also keep the catalogue and the banks' credit reports. Added to the groups
(never replacing what they hold); registry.roles lists the registry's own."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "officer": ("add_enrolment", "change_enrolment", "view_enrolment"),
    "admin": ("add_enrolment", "change_enrolment", "delete_enrolment", "view_enrolment",
              "add_program", "change_program", "view_program",
              "add_bankcreditreport", "change_bankcreditreport", "delete_bankcreditreport",
              "view_bankcreditreport"),
}


def grant(apps, schema_editor):
    config = apps.get_app_config("programs")
    had = getattr(config, "models_module", None)
    config.models_module = had or True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = had
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(*Permission.objects.filter(content_type__app_label="programs", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("programs", "0002_catalogue_fields_bank_reports"), ("registry", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
