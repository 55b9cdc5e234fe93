from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalystsConfig(AppConfig):
    name = "lumbung.analysts"
    label = "analysts"
    verbose_name = _("Analysts")
