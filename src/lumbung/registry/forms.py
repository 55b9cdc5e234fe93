"""Forms of the officers' workspace. They are ModelForms, so the model's ``clean()`` applies
:mod:`lumbung.rules` (the same rules as the import, the API and the admin); the region must be
one the user may see (their RegionScope rows)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lumbung.imports.pipeline import FORMATS
from lumbung.registry.access import can_see_region
from lumbung.registry.models import AnnualReport, Enterprise

ENTERPRISE_FIELDS = ["name", "nib", "owner_name", "owner_gender", "founded_year", "region_code", "kbli",
                     "legal_status", "legal_form", "indonesian_owned", "independent", "reported_scale", "main_products"]
REPORT_FIELDS = ["year", "workers", "workers_paid", "workers_female", "sales", "output", "inputs", "net_assets",
                 "business_capital", "investment", "exports", "imported_inputs", "wages", "credit_bank",
                 "credit_kur", "credit_informal", "trained", "online_sales"]


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ENTERPRISE_FIELDS
        widgets = {"main_products": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_region_code(self):
        code = self.cleaned_data.get("region_code")
        if code and self.user is not None:
            self.instance.region_code = code
            self.instance.normalise()
            if not can_see_region(self.user, self.instance.region_code):
                raise forms.ValidationError(_("This region is outside your regions."), code="outside_scope")
            return self.instance.region_code
        return code


class ReportForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = REPORT_FIELDS

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprise is not None:
            self.instance.enterprise = enterprise

    def validate_unique(self):
        # the (enterprise, year) constraint: enterprise is not a form field, so say it on the year
        super().validate_unique()
        year = self.cleaned_data.get("year")
        if year is None or self.instance.enterprise_id is None:
            return
        others = AnnualReport.objects.filter(enterprise_id=self.instance.enterprise_id, year=year)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            self.add_error("year", _("This enterprise already has a report for this year."))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (.csv, .xlsx or .parquet, in the import template's columns)"))
    format = forms.ChoiceField(label=_("Format"), choices=[(f, f) for f in FORMATS], initial="template")
    blank = forms.ChoiceField(label=_("An empty cell"), initial="keeps",
                              choices=[("keeps", _("keeps the stored value")), ("clears", _("clears it"))])


class ExportForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"))
    year = forms.IntegerField(label=_("Year (empty: every year)"), required=False, min_value=1975, max_value=2100)
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")], initial="csv")

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = list(regions)
