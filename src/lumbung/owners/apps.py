from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OwnersConfig(AppConfig):
    name = "lumbung.owners"
    label = "owners"
    verbose_name = _("Business owners")
