"""Permissions of the network's models for the roles (as data, like registry 0002_roles): the
admin group manages everything; officers add and change sentra, cooperatives, linkages and
memberships (the admin pages narrow them to their regions, lumbung.linkages.admin)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ("linkage", "membership", "sentra", "cooperative", "contactrequest")
OFFICER = [f"{action}_{model}" for model in ("linkage", "membership", "sentra", "cooperative")
           for action in ("view", "add", "change")]
ADMIN = [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change", "delete")]


def grant(apps, schema_editor):
    config = apps.get_app_config("linkages")
    had_module = getattr(config, "models_module", None)
    config.models_module = had_module or True  # permissions are created after migrations otherwise
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = had_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("officer", OFFICER), ("admin", ADMIN)):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*Permission.objects.filter(content_type__app_label="linkages",
                                                             codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=("officer", "admin")):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="linkages"))


class Migration(migrations.Migration):
    dependencies = [("linkages", "0001_initial"), ("registry", "0002_roles")]
    operations = [migrations.RunPython(grant, revoke)]
