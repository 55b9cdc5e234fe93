"""Linkages between enterprises, sentra, cooperatives, memberships and contact requests.

What may be stored is :mod:`lumbung.rules` (``check_network``): ``clean()`` applies it, so the
admin, the forms and the API refuse what the importer refuses, with the same rule id. Every record
names its source. Who may see a linkage or a membership follows the enterprises
(``Enterprise.objects.visible_to``): a linkage is visible when either side is, a membership when its
enterprise is. Sentra and cooperatives themselves (name, type, region, UPT, extension officers'
names) are public facts; their members are not.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lumbung import rules
from lumbung.registry.models import Enterprise
from lumbung.registry.validators import raise_violations, validate_region_code

LINKAGE_LABELS = {
    "foster_parent": _("foster parent (Bapak-Anak Angkat)"),
    "nucleus_plasma": _("nucleus-plasma (PIR)"),
    "subcontracting": _("subcontracting"),
    "supplier": _("supplier (backward linkage)"),
    "buyer": _("buyer (forward linkage)"),
    "venture_capital": _("venture capital"),
}
SENTRA_LABELS = {
    "PIK": _("PIK (small industry settlement)"),
    "LIK": _("LIK (small industry environment)"),
    "SUIK": _("SUIK (small industry business facility)"),
}
COOPERATIVE_LABELS = {
    "KUB": _("KUB (joint business group)"),
    "KOPINKRA": _("KOPINKRA (small industry and craft cooperative)"),
    "other": _("other cooperative"),
}


class NetworkQuerySet(models.QuerySet):
    """Rows narrowed to what a user may see or change, through their enterprises (registry.access)."""

    sides: tuple[str, ...] = ("enterprise",)

    def restrict(self, user, action: str = "view"):
        if action == "view":
            seen = Enterprise.objects.visible_to(user).values("pk")
        else:  # adding or changing a linkage is changing its IKM's record
            seen = Enterprise.objects.restrict(user, "change").values("pk")
            return self.filter(**{f"{self.sides[0]}__in": seen})
        q = Q(pk__in=[])
        for side in self.sides:
            q |= Q(**{f"{side}__in": seen})
        return self.filter(q)

    def visible_to(self, user):
        return self.restrict(user, "view")


class LinkageQuerySet(NetworkQuerySet):
    sides = ("ikm", "partner")

    def active_in(self, year: int):
        """Linkages running at some time in ``year``."""
        return self.filter(start_date__year__lte=year).filter(Q(end_date=None) | Q(end_date__year__gte=year))


class Checked(models.Model):
    """``clean()`` applies :func:`lumbung.rules.check_network` to the record."""

    record = ""  # "linkage", "membership", "sentra", "cooperative"

    class Meta:
        abstract = True

    def rule_values(self) -> dict:
        raise NotImplementedError

    def violations(self) -> list[rules.Violation]:
        return rules.check_network(self.record, self.rule_values())

    def clean(self):
        super().clean()
        fields = {f.name for f in self._meta.concrete_fields}
        raise_violations(self.violations(), fields=fields, rename=self.rule_fields)

    rule_fields: dict[str, str] = {}


class Sentra(Checked):
    """An industrial centre (Kuncoro 2000, lever 4): PIK, LIK or SUIK, with its technical service
    unit (UPT) and its industry extension officers (TPI), by name only: no personal data."""

    record = "sentra"
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("type"), max_length=8, choices=list(SENTRA_LABELS.items()))
    region_code = models.CharField(_("region code"), max_length=13, db_index=True, validators=[validate_region_code])
    upt = models.CharField(_("technical service unit (UPT)"), max_length=255, blank=True, default="")
    tpi_officers = models.TextField(_("industry extension officers (TPI)"), blank=True, default="",
                                    help_text=_("Names only, one per line: no phone numbers or addresses"))
    source = models.CharField(_("source"), max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    rule_fields = {"sentra_kind": "kind"}

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("sentra")
        verbose_name_plural = _("sentra")

    def __str__(self) -> str:
        return self.name

    def rule_values(self) -> dict:
        if self.region_code and rules.read_region(self.region_code):
            self.region_code = rules.read_region(self.region_code)
        return {"code": self.code, "name": self.name, "sentra_kind": self.kind, "region_code": self.region_code,
                "upt": self.upt, "tpi_officers": self.tpi_officers}

    @property
    def officers(self) -> list[str]:
        return [line.strip() for line in self.tpi_officers.splitlines() if line.strip()]


class Cooperative(Checked):
    """A joint business group or cooperative (Kuncoro 2000, lever 5): KUB, KOPINKRA or another."""

    record = "cooperative"
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("type"), max_length=8, choices=list(COOPERATIVE_LABELS.items()))
    region_code = models.CharField(_("region code"), max_length=13, db_index=True, validators=[validate_region_code])
    source = models.CharField(_("source"), max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    rule_fields = {"cooperative_kind": "kind"}

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")

    def __str__(self) -> str:
        return self.name

    def rule_values(self) -> dict:
        if self.region_code and rules.read_region(self.region_code):
            self.region_code = rules.read_region(self.region_code)
        return {"code": self.code, "name": self.name, "cooperative_kind": self.kind, "region_code": self.region_code}


class Linkage(Checked):
    """A typed, dated partnership between an IKM and a partner enterprise (Kuncoro 2000, lever 3).
    ``output_share``: the percentage of the IKM's output sold through this linkage, when known."""

    record = "linkage"
    ikm = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="linkages_as_ikm",
                            verbose_name=_("IKM"))
    partner = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="linkages_as_partner",
                                verbose_name=_("partner"))
    kind = models.CharField(_("type"), max_length=16, choices=list(LINKAGE_LABELS.items()))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    output_share = models.PositiveSmallIntegerField(_("share of output sold through it (%)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255)
    notes = models.TextField(_("notes"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LinkageQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name = _("linkage")
        verbose_name_plural = _("linkages")
        constraints = [
            models.UniqueConstraint(fields=["ikm", "partner", "kind", "start_date"], name="linkage_natural_key"),
            models.CheckConstraint(condition=~Q(ikm=models.F("partner")), name="linkage_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.ikm_id}-{self.kind}-{self.partner_id}"

    def rule_values(self) -> dict:
        return {"ikm": self.ikm_id, "partner": self.partner_id, "kind": self.kind, "start_date": self.start_date,
                "end_date": self.end_date, "output_share": self.output_share, "source": self.source,
                "notes": self.notes}


class Membership(Checked):
    """An enterprise's membership of a sentra or of a cooperative (exactly one of the two), dated."""

    record = "membership"
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships",
                                   verbose_name=_("enterprise"))
    sentra = models.ForeignKey(Sentra, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships",
                               verbose_name=_("sentra"))
    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="memberships", verbose_name=_("cooperative"))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(condition=Q(sentra__isnull=True, cooperative__isnull=False)
                                   | Q(sentra__isnull=False, cooperative__isnull=True),
                                   name="membership_one_group"),
            models.UniqueConstraint(fields=["enterprise", "sentra", "start_date"], name="membership_sentra_key",
                                    condition=Q(sentra__isnull=False)),
            models.UniqueConstraint(fields=["enterprise", "cooperative", "start_date"], name="membership_coop_key",
                                    condition=Q(cooperative__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}@{self.group}"

    @property
    def group(self):
        return self.sentra if self.sentra_id else self.cooperative

    def rule_values(self) -> dict:
        return {"enterprise": self.enterprise_id, "start_date": self.start_date, "end_date": self.end_date,
                "source": self.source}

    def clean(self):
        super().clean()
        if bool(self.sentra_id) == bool(self.cooperative_id):
            raise ValidationError(_("A membership is of one sentra or of one cooperative."), code="membership.group")


class ContactRequest(models.Model):
    """A message from one enterprise's account to another enterprise, through the platform: the
    other side sees the sender's business name, region and sector and the message, and accepts or
    declines; no phone number, NIK or address is ever shown to either side."""

    STATUSES = [("pending", _("pending")), ("accepted", _("accepted")), ("declined", _("declined"))]
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_requests")
    from_enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts_sent",
                                        verbose_name=_("from"))
    to_enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts_received",
                                      verbose_name=_("to"))
    message = models.TextField(_("message"), max_length=2000)
    reply = models.TextField(_("reply"), blank=True, default="", max_length=2000)
    status = models.CharField(_("status"), max_length=8, choices=STATUSES, default="pending")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        constraints = [models.CheckConstraint(condition=~Q(from_enterprise=models.F("to_enterprise")),
                                              name="contact_not_self")]

    def __str__(self) -> str:
        return f"{self.from_enterprise_id}->{self.to_enterprise_id}"

    @property
    def text(self) -> str:
        """The message with anything that looks like a NIK or a phone number masked."""
        return rules.mask_personal(self.message)

    @property
    def reply_text(self) -> str:
        return rules.mask_personal(self.reply)
