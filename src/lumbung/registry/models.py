"""Enterprises, their yearly reports and the audit trail.

Field meanings come from :mod:`lumbung.registry.fields`; money is whole rupiah and a missing value
is NULL, never zero.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lumbung.registry import fields as F


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class Enterprise(models.Model):
    source = models.CharField(_("sumber"), max_length=64, default="manual",
                              help_text=_("Sistem asal data, mis. template, sidt"))
    source_id = models.CharField(_("ID sumber"), max_length=128, null=True, blank=True)
    nib = models.CharField(_("NIB"), max_length=13, null=True, blank=True, unique=True)
    name = models.CharField(_("nama usaha"), max_length=255)
    owner_name = models.CharField(_("nama pemilik"), max_length=255, blank=True, default="")
    owner_gender = models.CharField(_("jenis kelamin pemilik"), max_length=1, null=True, blank=True,
                                    choices=[("F", _("Perempuan")), ("M", _("Laki-laki"))])
    # The NIK is personal data (UU 27/2022): stored encrypted, with a keyed digest for matching.
    owner_nik_token = models.TextField(null=True, blank=True, editable=False)
    owner_nik_digest = models.CharField(max_length=64, null=True, blank=True, db_index=True, editable=False)
    founded_year = models.SmallIntegerField(_("tahun berdiri"), null=True, blank=True)
    region_code = models.CharField(_("kode wilayah"), max_length=13, db_index=True)
    kbli = models.CharField(_("KBLI"), max_length=5, db_index=True)
    kbli_version = models.SmallIntegerField(_("versi KBLI"), default=2020)
    legal_status = models.CharField(_("status badan hukum"), max_length=16, null=True, blank=True,
                                    choices=[("none", _("Tidak berbadan hukum")), ("notary_deed", _("Akta notaris")),
                                             ("legal_entity", _("Badan hukum"))])
    legal_form = models.CharField(_("bentuk usaha"), max_length=16, null=True, blank=True,
                                  choices=_choices(F.LEGAL_FORMS))
    indonesian_owned = models.BooleanField(_("milik WNI"), null=True, blank=True)
    independent = models.BooleanField(_("berdiri sendiri"), null=True, blank=True)
    reported_scale = models.CharField(_("skala dilaporkan"), max_length=8, null=True, blank=True,
                                      choices=[("micro", _("mikro")), ("small", _("kecil")),
                                               ("medium", _("menengah")), ("large", _("besar"))])
    address = models.TextField(_("alamat"), blank=True, default="")
    main_products = models.TextField(_("produk utama"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("usaha")
        verbose_name_plural = _("usaha")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="enterprise_source_id_unique",
                                    condition=models.Q(source_id__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.name


class AnnualReport(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="reports")
    year = models.SmallIntegerField(_("tahun"))
    workers = models.PositiveIntegerField(_("tenaga kerja"), null=True, blank=True)
    workers_paid = models.PositiveIntegerField(_("pekerja dibayar"), null=True, blank=True)
    workers_female = models.PositiveIntegerField(_("pekerja perempuan"), null=True, blank=True)
    sales = models.BigIntegerField(_("omzet"), null=True, blank=True)
    output = models.BigIntegerField(_("nilai output"), null=True, blank=True)
    inputs = models.BigIntegerField(_("biaya antara"), null=True, blank=True)
    net_assets = models.BigIntegerField(_("aset bersih"), null=True, blank=True)
    business_capital = models.BigIntegerField(_("modal usaha"), null=True, blank=True)
    investment = models.BigIntegerField(_("investasi"), null=True, blank=True)
    exports = models.BigIntegerField(_("ekspor"), null=True, blank=True)
    imported_inputs = models.BigIntegerField(_("bahan baku impor"), null=True, blank=True)
    wages = models.BigIntegerField(_("upah"), null=True, blank=True)
    credit_bank = models.BigIntegerField(_("kredit bank"), null=True, blank=True)
    credit_kur = models.BigIntegerField(_("kredit KUR"), null=True, blank=True)
    credit_informal = models.BigIntegerField(_("pinjaman informal"), null=True, blank=True)
    trained = models.BooleanField(_("ikut pelatihan"), null=True, blank=True)
    online_sales = models.BooleanField(_("jualan daring"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("laporan tahunan")
        verbose_name_plural = _("laporan tahunan")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="report_enterprise_year_unique")]

    @property
    def value_added(self) -> int | None:
        return F.value_added(self.output, self.inputs)

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.year}"


class AuditEntry(models.Model):
    """One create, change or delete. Kept when the record itself is deleted (no foreign key to it)."""

    ACTIONS = [("create", _("dibuat")), ("update", _("diubah")), ("delete", _("dihapus"))]
    timestamp = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_name = models.CharField(max_length=150, blank=True, default="")
    source = models.CharField(max_length=255, blank=True, default="",
                              help_text=_("mis. import:berkas.csv, web, admin, cli"))
    action = models.CharField(max_length=8, choices=ACTIONS)
    model = models.CharField(max_length=64)
    object_id = models.BigIntegerField(db_index=True)
    object_repr = models.CharField(max_length=255, blank=True, default="")
    changes = models.JSONField(default=dict, help_text=_("{field: [lama, baru]}"))

    class Meta:
        verbose_name = _("jejak audit")
        verbose_name_plural = _("jejak audit")
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["model", "object_id"])]
