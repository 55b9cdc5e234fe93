"""The four roles. Each is a Django group whose permissions are rows in the database (created by
migration 0002_roles, updated by 0003); what a role may see is decided by those rows and by
RegionScope / AnalystGrant / EnterpriseOwner rows (see :mod:`lumbung.registry.access`), never by testing role names.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    name: str
    description: str
    staff: bool  # may log into the admin site (administrators only; it filters records by the same rules)
    permissions: tuple[str, ...]  # "app_label.codename"
    needs_region: bool = False  # sees records only through RegionScope rows, so needs one
    grants: bool = False  # its regions are AnalystGrant rows (read-only statistics), not RegionScope rows


_RECORDS = ("registry.view_enterprise", "registry.view_annualreport")
_EDIT = ("registry.add_enterprise", "registry.change_enterprise",
         "registry.add_annualreport", "registry.change_annualreport")

#: The programs app (lumbung.programs): officers record enrolments of their regions' enterprises;
#: administrators also keep the catalogue and the banks' credit reports.
_PROGRAMS_OFFICER = ("programs.add_enrolment", "programs.change_enrolment", "programs.view_enrolment")
_PROGRAMS_ADMIN = (*_PROGRAMS_OFFICER, "programs.delete_enrolment", "programs.add_program",
                   "programs.change_program", "programs.view_program", "programs.add_bankcreditreport",
                   "programs.change_bankcreditreport", "programs.delete_bankcreditreport",
                   "programs.view_bankcreditreport")
#: The network (lumbung.linkages): officers add and change sentra, cooperatives, linkages and
#: memberships (narrowed to their regions by the app); administrators everything, contacts included.
_NETWORK_OFFICER = tuple(f"linkages.{action}_{model}" for model in ("linkage", "membership", "sentra", "cooperative")
                         for action in ("view", "add", "change"))
_NETWORK_ADMIN = tuple(f"linkages.{action}_{model}"
                       for model in ("linkage", "membership", "sentra", "cooperative", "contactrequest")
                       for action in ("view", "add", "change", "delete"))

ROLES: dict[str, Role] = {
    "owner": Role("owner", _("Business owner: sees and updates their own enterprises"), False,
                  _RECORDS + ("registry.change_enterprise", "registry.add_annualreport",
                              "registry.change_annualreport",
                              # self-service (lumbung.owners): register a new enterprise, claim one
                              "registry.add_enterprise", "registry.add_claim", "registry.view_claim")),
    # Officers work in /workspace/ (registry.views), not in the Django admin (issue 11 point 8).
    "officer": Role("officer", _("Dinas officer: manages enterprises in the assigned regions"), False,
                    _RECORDS + _EDIT + ("registry.view_auditentry", "registry.use_workspace") + _PROGRAMS_OFFICER
                    + _NETWORK_OFFICER, needs_region=True),
    "analyst": Role("analyst", _("Analyst: explores the granted regions' figures, changes nothing"), False,
                    _RECORDS, grants=True),
    "admin": Role("admin", _("Administrator: every record, users and roles"), True,
                  _RECORDS + _EDIT + ("registry.view_all_enterprises", "registry.use_workspace",
                                      "registry.delete_enterprise",
                                      "registry.delete_annualreport", "registry.view_auditentry",
                                      "registry.view_regionscope", "registry.add_regionscope",
                                      "registry.change_regionscope", "registry.delete_regionscope",
                                      "registry.view_analystgrant", "registry.add_analystgrant",
                                      "registry.change_analystgrant", "registry.delete_analystgrant",
                                      "registry.view_enterpriseowner", "registry.add_enterpriseowner",
                                      "registry.change_enterpriseowner", "registry.delete_enterpriseowner",
                                      "registry.view_claim", "registry.change_claim",
                                      "auth.view_user", "auth.add_user", "auth.change_user",
                                      "auth.view_group") + _PROGRAMS_ADMIN + _NETWORK_ADMIN),
}

ROLE_NAMES = tuple(ROLES)


def _model_exists(apps, app_label: str, codename: str) -> bool:
    model_name = codename.split("_", 1)[1]
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True


def sync_groups(apps=None) -> None:
    """Create or update the four groups and their permissions (idempotent).

    ``apps`` is the migration state registry when called from a migration.
    """
    apps = apps or global_apps
    # Permissions are normally created after all migrations (post_migrate); create them now.
    for app_config in apps.get_app_configs():
        had_module = getattr(app_config, "models_module", None)
        app_config.models_module = had_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = had_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES.values():
        group, _created = Group.objects.get_or_create(name=role.name)
        wanted = []
        for label in role.permissions:
            app_label, codename = label.split(".")
            found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if found is None and _model_exists(apps, app_label, codename):
                raise LookupError(f"permission {label} of role {role.name} does not exist")
            if found is not None:  # a model of a later migration: its own migration syncs again
                wanted.append(found)
        group.permissions.set(wanted)


def sync_staff(apps=None) -> None:
    """Members of a group whose role may not use the admin lose the staff flag (officers moved to
    /workspace/ in migration 0003); superusers keep theirs."""
    apps = apps or global_apps
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for role in ROLES.values():
        if not role.staff:
            User.objects.filter(groups__name=role.name, is_superuser=False, is_staff=True).update(is_staff=False)
