"""Enterprises, their yearly reports, owners, officers' region scopes, analysts' grants and the audit trail.

Field meanings come from :mod:`lumbung.vocabulary`; money is whole rupiah and a missing value
is NULL, never zero.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length, Substr
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext_lazy as _

from lumbung import rules
from lumbung import vocabulary as F
from lumbung.registry import access
from lumbung.registry import nik as nik_protection
from lumbung.registry.validators import raise_violations, validate_kbli, validate_nib, validate_region_code


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


#: Length of a dotted Kemendagri code at each level stored in its own column (docs/workspace.md,
#: "Lists at a million enterprises"): province "33", regency "33.01".
LEVEL_LENGTHS = {"province_code": 2, "regency_code": 5}


def _level_code(length: int):
    """The code of the region ``length`` characters long above (or at) ``region_code``; NULL when
    the stored code does not reach that level (a province-only code has no regency)."""
    reaches = GreaterThanOrEqual(Length("region_code"), length)
    return models.Case(models.When(reaches, then=Substr("region_code", 1, length)), default=None,
                       output_field=models.CharField(max_length=length))


def _level_field(name: str, verbose_name):
    # Computed by the database on every write (save, bulk_create, update, the importer's COPY and
    # multi-row INSERT, raw SQL), so no write path can leave it stale.
    length = LEVEL_LENGTHS[name]
    return models.GeneratedField(expression=_level_code(length), output_field=models.CharField(max_length=length),
                                 db_persist=True, verbose_name=verbose_name)


class RestrictedQuerySet(models.QuerySet):
    """Rows narrowed to what a user may do, as NetBox's ``RestrictedQuerySet.restrict`` does; every
    view, the admin and the API start from ``visible_to(user)`` (rules in registry.access)."""

    via = ""  # path from this model to its enterprise

    def restrict(self, user, action: str = "view"):
        return access.restrict(self, user, action, self.via)

    def visible_to(self, user):
        return self.restrict(user, "view")


class EnterpriseQuerySet(RestrictedQuerySet):
    def with_nik(self, nik: str) -> "EnterpriseQuerySet":
        """Enterprises whose owner has this NIK (matched by keyed digest, never decrypted)."""
        return self.filter(owner_nik_digest=nik_protection.digest(nik))


class AnnualReportQuerySet(RestrictedQuerySet):
    via = "enterprise__"


class RuleChecked(models.Model):
    """``clean()`` applies :mod:`lumbung.rules` to the record (``full_clean``, the admin, every
    ModelForm): violations become a ValidationError keyed by field, coded with the rule id.
    A field that already failed its own field validation is not checked twice."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        self.rules_excluded, self.rules_failed = set(exclude or ()), set()
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            self.rules_failed = set(error.error_dict)
            raise

    def violations(self) -> list[rules.Violation]:
        raise NotImplementedError

    def rule_values(self, names) -> dict:
        skipped = getattr(self, "rules_failed", set())
        return {name: getattr(self, name) for name in names if name not in skipped}

    def clean(self):
        super().clean()
        found = [v for v in self.violations() if v.rule != rules.REQUIRED.id]  # Django says "required"
        excluded = getattr(self, "rules_excluded", set())
        fields = {f.name for f in self._meta.concrete_fields} - excluded
        raise_violations(found, fields=fields, rename=self.rule_fields)

    rule_fields: dict[str, str] = {}  # a rule's field -> the model field it is shown on


class Enterprise(RuleChecked):
    source = models.CharField(_("source"), max_length=64, default="manual",
                              help_text=_("System the record came from, e.g. template, sidt"))
    source_id = models.CharField(_("source ID"), max_length=128, null=True, blank=True,
                                 help_text=_("Key of the record in its source system; unique per source"))
    nib = models.CharField(_("NIB"), max_length=13, null=True, blank=True, unique=True,
                           validators=[validate_nib], help_text=_("Business ID number, 13 digits"))
    name = models.CharField(_("business name"), max_length=255)
    owner_name = models.CharField(_("owner name"), max_length=255, blank=True, default="")
    owner_gender = models.CharField(_("owner gender"), max_length=1, null=True, blank=True,
                                    choices=[("F", _("female")), ("M", _("male"))])
    # The NIK is personal data (UU 27/2022): stored encrypted, with a keyed digest for matching.
    owner_nik_token = models.TextField(null=True, blank=True, editable=False)
    owner_nik_digest = models.CharField(max_length=64, null=True, blank=True, editable=False)  # indexed in Meta
    founded_year = models.SmallIntegerField(_("year founded"), null=True, blank=True)
    region_code = models.CharField(_("region code"), max_length=13,  # indexed in Meta
                                   validators=[validate_region_code],
                                   help_text=_("Kemendagri code, dotted, any level down to village"))
    province_code = _level_field("province_code", _("province code"))  # derived from region_code; indexed with the name in Meta
    regency_code = _level_field("regency_code", _("regency code"))
    kbli = models.CharField(_("KBLI"), max_length=5, validators=[validate_kbli],  # indexed in Meta
                            help_text=_("KBLI 2020 subclass, 5 digits"))
    kbli_version = models.SmallIntegerField(_("KBLI version"), default=2020)
    legal_status = models.CharField(_("legal status"), max_length=16, null=True, blank=True,
                                    choices=[("none", _("no legal status")), ("notary_deed", _("notary deed")),
                                             ("legal_entity", _("legal entity"))])
    legal_form = models.CharField(_("legal form"), max_length=16, null=True, blank=True,
                                  choices=_choices(F.LEGAL_FORMS))
    indonesian_owned = models.BooleanField(_("Indonesian-owned"), null=True, blank=True)
    independent = models.BooleanField(_("independent"), null=True, blank=True,
                                      help_text=_("Not a branch or subsidiary of a medium or large firm"))
    reported_scale = models.CharField(_("reported scale"), max_length=8, null=True, blank=True,
                                      choices=[("micro", _("micro")), ("small", _("small")),
                                               ("medium", _("medium")), ("large", _("large"))],
                                      help_text=_("The scale the source states, kept apart from computed classes"))
    address = models.TextField(_("address"), blank=True, default="")
    main_products = models.TextField(_("main products"), blank=True, default="")
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, through="EnterpriseOwner", blank=True,
                                    related_name="owned_enterprises", verbose_name=_("owner accounts"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        permissions = [("view_all_enterprises", _("Can view every enterprise, in every region")),
                       ("use_workspace", _("Can use the officers' workspace (/workspace/)"))]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="enterprise_source_id_unique",
                                    condition=models.Q(source_id__isnull=False)),
        ]
        # The access paths (docs/postgresql.md shows the plans): a region and everything below it
        # (region_code = 'X' OR LIKE 'X.%'), a KBLI subclass or its prefix, a NIK digest (equality).
        # One index each: on PostgreSQL the pattern operator class serves both = and LIKE 'prefix%'
        # whatever the database's collation, so Django's second "_like" index per column is not
        # made (opclasses are ignored elsewhere: SQLite gets one plain index, as before).
        indexes = [
            models.Index(fields=["region_code"], name="enterprise_region_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kbli"], name="enterprise_kbli_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["owner_nik_digest"], name="enterprise_nik_digest_idx"),
            # A province's or a regency's list, in name order, read page by page from the index
            # (no sort of the region's rows); registry.access.region_filter uses the level columns.
            # The KBLI rides along: SQLite checks a KBLI filter (and a name search) on the index
            # entry and reads the table row only for the rows kept (its deferred seek).
            models.Index(fields=["province_code", "name", "kbli"], name="enterprise_province_name_idx"),
            models.Index(fields=["regency_code", "name", "kbli"], name="enterprise_regency_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def violations(self) -> list[rules.Violation]:
        self.normalise()
        names = [n for n in F.ENTERPRISE_COLUMNS if n != "owner_nik"]
        return rules.check_enterprise(self.rule_values(names))

    def normalise(self) -> None:
        """Codes as stored: region dotted ("3204" -> "32.04"), KBLI with its leading zero, NIB
        without separators (what the importer stores for the same input)."""
        if self.region_code and rules.read_region(self.region_code):
            self.region_code = rules.read_region(self.region_code)
        if self.kbli:
            self.kbli = rules.read_kbli(self.kbli)
        if self.nib:
            self.nib = rules.strip_separators(self.nib)

    # -- owner's NIK (personal data) ------------------------------------------------------------
    def set_owner_nik(self, nik: str | None) -> None:
        """Store the owner's NIK encrypted (``None`` or "" clears it). Call ``save()`` after."""
        if nik is None or str(nik).strip() == "":
            self.owner_nik_token = self.owner_nik_digest = None
        else:
            self.owner_nik_token, self.owner_nik_digest = nik_protection.protect(nik)

    @property
    def has_owner_nik(self) -> bool:
        return bool(self.owner_nik_token)

    @property
    def owner_nik_masked(self) -> str | None:
        return nik_protection.mask_token(self.owner_nik_token)

    def is_owned_by(self, user) -> bool:
        if user is None or not getattr(user, "is_authenticated", False) or self.pk is None:
            return False
        return EnterpriseOwner.objects.filter(enterprise_id=self.pk, user_id=user.pk).exists()

    def owner_nik_for(self, user) -> str | None:
        """The full NIK for the enterprise's own owner account; masked for everyone else."""
        if not self.owner_nik_token:
            return None
        if self.is_owned_by(user):
            return nik_protection.reveal(self.owner_nik_token)
        return self.owner_nik_masked

    def as_dict(self, user=None) -> dict:
        """The record as plain data for pages, JSON and exports, with the NIK as ``user`` may see it and
        the (home) address for its owner only."""
        data = {f.name: getattr(self, f.name) for f in F.ENTERPRISE_FIELDS if f.name != "owner_nik"}
        data.update(id=self.pk, source=self.source, kbli_version=self.kbli_version, address=self.address if self.is_owned_by(user) else None,
                    main_products=self.main_products, owner_nik=self.owner_nik_for(user))
        return data


for _name in ("region_code", "kbli", "nib"):  # prefixes read from their indexes (registry.access.Prefix)
    Enterprise._meta.get_field(_name).register_lookup(access.Prefix)


class EnterpriseOwner(models.Model):
    """Links a user account to an enterprise it owns: the owner's own view shows the full NIK."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="owner_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owner_links")

    class Meta:
        verbose_name = _("enterprise owner")
        verbose_name_plural = _("enterprise owners")
        constraints = [models.UniqueConstraint(fields=["enterprise", "user"], name="enterprise_owner_unique")]


class RegionScope(models.Model):
    """An officer may see enterprises in this region and every region below it (prefix match)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="region_scopes")
    region_code = models.CharField(_("region code"), max_length=13, validators=[validate_region_code])

    class Meta:
        verbose_name = _("region scope")
        verbose_name_plural = _("region scopes")
        constraints = [models.UniqueConstraint(fields=["user", "region_code"], name="region_scope_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.region_code}"


class AnalystGrant(models.Model):
    """An analyst may see this region (and every region below it) for statistics: its indicators
    without disclosure control and, where ``records`` is true, its enterprises record by record.
    Stored as data, like :class:`RegionScope`; read by :mod:`lumbung.registry.access`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="analyst_grants")
    region_code = models.CharField(_("region code"), max_length=13, validators=[validate_region_code])
    records = models.BooleanField(_("record-level lists"), default=False,
                                  help_text=_("Also the enterprises themselves, not only their indicators"))

    class Meta:
        verbose_name = _("analyst grant")
        verbose_name_plural = _("analyst grants")
        constraints = [models.UniqueConstraint(fields=["user", "region_code"], name="analyst_grant_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.region_code}" + (" +records" if self.records else "")


class AnnualReport(RuleChecked):
    # No index of its own: the unique (enterprise, year) index below starts with it and serves
    # every look-up by enterprise (one index fewer to maintain on each imported report).
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="reports", db_index=False)
    year = models.SmallIntegerField(_("year"))
    workers = models.PositiveIntegerField(_("persons engaged"), null=True, blank=True,
                                          help_text=_("Owner and unpaid family workers included"))
    workers_paid = models.PositiveIntegerField(_("paid workers"), null=True, blank=True)
    workers_female = models.PositiveIntegerField(_("female workers"), null=True, blank=True)
    sales = models.BigIntegerField(_("annual sales"), null=True, blank=True, help_text=_("Rupiah"))
    output = models.BigIntegerField(_("output"), null=True, blank=True, help_text=_("Rupiah"))
    inputs = models.BigIntegerField(_("intermediate inputs"), null=True, blank=True, help_text=_("Rupiah"))
    net_assets = models.BigIntegerField(_("net assets"), null=True, blank=True,
                                        help_text=_("Rupiah, land and buildings excluded"))
    business_capital = models.BigIntegerField(_("business capital"), null=True, blank=True, help_text=_("Rupiah"))
    investment = models.BigIntegerField(_("investment"), null=True, blank=True,
                                        help_text=_("Rupiah, land and buildings excluded"))
    exports = models.BigIntegerField(_("exports"), null=True, blank=True, help_text=_("Rupiah"))
    imported_inputs = models.BigIntegerField(_("imported inputs"), null=True, blank=True, help_text=_("Rupiah"))
    wages = models.BigIntegerField(_("wages"), null=True, blank=True, help_text=_("Rupiah"))
    credit_bank = models.BigIntegerField(_("bank credit"), null=True, blank=True, help_text=_("Rupiah"))
    credit_kur = models.BigIntegerField(_("KUR credit"), null=True, blank=True, help_text=_("Rupiah"))
    credit_informal = models.BigIntegerField(_("informal credit"), null=True, blank=True,
                                             help_text=_("Rupiah, from moneylenders and traders"))
    trained = models.BooleanField(_("received training"), null=True, blank=True)
    online_sales = models.BooleanField(_("sells online"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnualReportQuerySet.as_manager()
    rule_fields = {"founded_year": "year"}  # the founding year is the enterprise's; the report's year is here

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="report_enterprise_year_unique")]
        indexes = [models.Index(fields=["year"], name="report_year_idx")]

    @property
    def value_added(self) -> int | None:
        return F.value_added(self.output, self.inputs)

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.year}"

    def violations(self) -> list[rules.Violation]:
        enterprise = None
        if self.enterprise_id is not None and "enterprise" not in getattr(self, "rules_failed", ()):
            enterprise = {"founded_year": self.enterprise.founded_year}
        return rules.check_report(self.rule_values(F.REPORT_COLUMNS), enterprise)


class AuditEntry(models.Model):
    """One create, change or delete. Kept when the record itself is deleted (no foreign key to it)."""

    ACTIONS = [("create", _("created")), ("update", _("changed")), ("delete", _("deleted"))]
    timestamp = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              verbose_name=_("user"))
    actor_name = models.CharField(_("user name"), max_length=150, blank=True, default="")
    source = models.CharField(_("source"), max_length=255, blank=True, default="",
                              help_text=_("e.g. import:file.csv, web, admin, cli"))
    action = models.CharField(_("action"), max_length=8, choices=ACTIONS)
    model = models.CharField(_("record type"), max_length=64)
    object_id = models.BigIntegerField(_("record id"), db_index=True)
    object_repr = models.CharField(_("record"), max_length=255, blank=True, default="")
    changes = models.JSONField(_("changes"), default=dict, help_text=_("{field: [old, new]}"))

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-timestamp", "-id"]
        default_permissions = ("view",)  # the trail is written by the system only
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.model} {self.object_id}"


class Claim(models.Model):
    """An owner's claim to an existing enterprise, decided by an officer whose RegionScope covers
    the enterprise (or an administrator): approval creates the EnterpriseOwner link, a rejection
    keeps its reason for the owner to read (registry.claims holds the rules)."""

    PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
    STATUSES = [(PENDING, _("pending")), (APPROVED, _("approved")), (REJECTED, _("rejected"))]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims",
                             verbose_name=_("claimant"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="claims")
    status = models.CharField(_("status"), max_length=8, choices=STATUSES, default=PENDING, db_index=True)
    reason = models.TextField(_("reason"), blank=True, default="",
                              help_text=_("Why the claim was rejected, shown to the claimant"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="claims_decided", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    claimed_as = models.CharField(_("claimed as"), max_length=255, blank=True, default="",
                                  help_text=_("What the claimant searched with (NIB, or name and region), shown back to them"))
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ownership claim")
        verbose_name_plural = _("ownership claims")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open claim per user and enterprise; decided ones stay as history.
            models.UniqueConstraint(fields=["user", "enterprise"], condition=models.Q(status="pending"),
                                    name="claim_one_pending"),
        ]

    def __str__(self) -> str:
        return f"claim {self.pk}: user {self.user_id} -> enterprise {self.enterprise_id} ({self.status})"


class SetAsideIndex(models.Model):
    """An index (or SQLite trigger, PostgreSQL foreign key) of the registry's tables that a first
    load dropped, to build it after its rows (registry.first_load): its DDL as the database gave it,
    until it is built again."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    kind = models.CharField(_("kind"), max_length=8)  # index, trigger (SQLite) or fkey (PostgreSQL)
    table = models.CharField(_("table"), max_length=64)
    sql = models.TextField(_("definition"))
    created_at = models.DateTimeField(_("set aside at"), auto_now_add=True)

    class Meta:
        verbose_name = _("index set aside by a first load")
        verbose_name_plural = _("indexes set aside by a first load")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"
