from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "lumbung.registry"
    label = "registry"
    verbose_name = _("Business registry")

    def ready(self) -> None:
        from lumbung.registry import audit, checks  # noqa: F401  (signal handlers, system checks)
