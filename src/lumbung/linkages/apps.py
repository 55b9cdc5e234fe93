from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkagesConfig(AppConfig):
    name = "lumbung.linkages"
    label = "linkages"
    verbose_name = _("Linkages and memberships")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lumbung.linkages import audit  # noqa: F401, PLC0415 - connects the audit signal handlers
