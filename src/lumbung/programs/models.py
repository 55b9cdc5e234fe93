"""The program catalogue and enrolments. The fields named here are a contract shared with
:mod:`lumbung.evaluation` and the lab: add fields, do not rename these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lumbung import rules
from lumbung.eligibility import RuleError, parse
from lumbung.eligibility.catalogue import ASPECTS, OHNO_STEPS, TYPES
from lumbung.registry.validators import raise_violations


class Program(models.Model):
    """One empowerment program. ``slug`` is the short id used by the CLI (``kur``)."""

    slug = models.SlugField(_("program id"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True, default="")
    eligibility = models.TextField(_("eligibility rule"), blank=True, default="",
                                   help_text=_("A rule over classification and registry fields"))
    historical = models.BooleanField(_("historical"), default=False)
    source = models.TextField(_("source"), blank=True, default="")
    # Added by programs/0002 (issue 12 point 4).
    type = models.CharField(_("type"), max_length=24, choices=[(t[0], t[2]) for t in TYPES], default="credit")
    aspect = models.CharField(_("Kuncoro aspect"), max_length=16, choices=[(a[0], a[2]) for a in ASPECTS],
                              default="capital")
    ohno_step = models.SmallIntegerField(_("Ohno step"), null=True, blank=True,
                                         choices=[(s[0], f"{s[0]}. {s[2]}") for s in OHNO_STEPS])
    agency = models.CharField(_("agency"), max_length=255, blank=True, default="")
    start_year = models.SmallIntegerField(_("first year"), null=True, blank=True)
    end_year = models.SmallIntegerField(_("last year"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = models.BigIntegerField(_("budget"), null=True, blank=True, help_text=_("Rupiah"))
    max_amount = models.BigIntegerField(_("largest amount per enterprise"), null=True, blank=True,
                                        help_text=_("Rupiah"))
    note = models.TextField(_("note"), blank=True, default="")

    class Meta:
        ordering = ["historical", "slug"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.slug

    def clean(self):
        super().clean()
        try:
            parse(self.eligibility)
        except RuleError as error:
            raise ValidationError({"eligibility": str(error)}) from error
        found = rules.check_program({"program_budget": self.budget, "program_max_amount": self.max_amount,
                                     "program_start_year": self.start_year, "program_end_year": self.end_year})
        raise_violations(found, fields={"budget", "max_amount", "start_year", "end_year"}, rename=rules.PROGRAM_FIELDS)

    def display_name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


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

    def rule_values(self) -> dict:
        values = {"enrolment_year": self.year, "enrolment_date": self.date, "enrolment_amount": self.amount,
                  "enrolment_status": self.status}
        if self.program_id is not None:
            values.update(program_start_year=self.program.start_year, program_end_year=self.program.end_year,
                          program_max_amount=self.program.max_amount)
        return values

    def clean(self):
        super().clean()
        raise_violations(rules.check_enrolment(self.rule_values()), fields={"year", "date", "amount", "status"},
                         rename=rules.ENROLMENT_FIELDS)


class BankCreditReport(models.Model):
    """A bank's outstanding credit and the part lent to small business, for one period (issue 12
    point 5: the paper's 20% portfolio target, p. 10)."""

    bank = models.CharField(_("bank"), max_length=128)
    year = models.SmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=8, default="Y", help_text=_("Y (year), Q1-Q4 or M01-M12"))
    outstanding_credit = models.BigIntegerField(_("outstanding credit"), help_text=_("Rupiah"))
    small_business_credit = models.BigIntegerField(_("credit to small business"), help_text=_("Rupiah"))
    source = models.CharField(_("source"), max_length=255, blank=True, default="")

    class Meta:
        ordering = ["bank", "year", "period"]
        verbose_name = _("bank credit report")
        verbose_name_plural = _("bank credit reports")
        constraints = [models.UniqueConstraint(fields=["bank", "year", "period"], name="one_bank_report_per_period")]

    def __str__(self) -> str:
        return f"{self.bank} {self.year} {self.period}"

    @property
    def share(self) -> float | None:
        if not self.outstanding_credit:
            return None
        return self.small_business_credit / self.outstanding_credit

    def rule_values(self) -> dict:
        return {"bank_year": self.year, "bank_period": self.period, "bank_outstanding": self.outstanding_credit,
                "bank_small_business": self.small_business_credit}

    def clean(self):
        super().clean()
        raise_violations(rules.check_bank_report(self.rule_values()),
                         fields={"year", "period", "outstanding_credit", "small_business_credit"},
                         rename=rules.BANK_FIELDS)
