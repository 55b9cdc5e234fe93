"""The program catalogue and enrolments. The fields named here are a contract shared with
:mod:`lumbung.evaluation` and the lab: add fields, do not rename these."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Program(models.Model):
    """One empowerment program. ``slug`` is the short id used by the CLI (``kur``)."""

    slug = models.SlugField(_("program id"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True, default="")
    eligibility = models.TextField(_("eligibility rule"), blank=True, default="",
                                   help_text=_("A rule over classification and registry fields"))
    historical = models.BooleanField(_("historical"), default=False)
    source = models.TextField(_("source"), blank=True, default="")

    class Meta:
        ordering = ["slug"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.slug


class Enrolment(models.Model):
    """An enterprise's participation in a program, starting in ``year``."""

    STATUSES = [("enrolled", _("enrolled")), ("completed", _("completed")), ("dropped", _("dropped"))]

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrolments")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="enrolments")
    year = models.SmallIntegerField(_("year enrolled"))
    date = models.DateField(_("date enrolled"), null=True, blank=True)
    amount = models.BigIntegerField(_("amount"), null=True, blank=True, help_text=_("Rupiah"))
    status = models.CharField(_("status"), max_length=16, choices=STATUSES, default="enrolled")

    class Meta:
        ordering = ["program", "year", "enterprise"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["program", "enterprise", "year"],
                                               name="one_enrolment_per_program_year")]

    def __str__(self) -> str:
        return f"{self.program_id}:{self.enterprise_id}:{self.year}"
