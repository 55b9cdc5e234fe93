"""Empowerment programs (credit, training, equipment, partnership, ...) and the enterprises
enrolled in them: the catalogue, eligibility written as data, and enrolment records that
:mod:`lumbung.evaluation` compares against matched non-participants."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "lumbung.programs"
    label = "programs"
    verbose_name = _("Empowerment programs")

    def ready(self):
        from lumbung.programs import audit  # noqa: PLC0415 - models are loaded only once the app registry is ready

        audit.connect()
