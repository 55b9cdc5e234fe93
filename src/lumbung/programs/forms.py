"""Forms for an enrolment and a bank's credit report. Their models' ``clean()`` applies
:mod:`lumbung.rules` (the importer applies the same rules, vectorised); an enrolment's enterprise
must be one the user may change (``Enterprise.objects.restrict(user, "change")``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lumbung.programs.models import BankCreditReport, Enrolment, Program
from lumbung.registry.models import Enterprise


class EnrolmentForm(forms.ModelForm):
    enterprise = forms.IntegerField(label=_("Enterprise id"), min_value=1)

    class Meta:
        model = Enrolment
        fields = ["program", "year", "date", "amount", "status"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["program"].queryset = Program.objects.order_by("historical", "slug")
        self.order_fields(["enterprise", "program", "year", "date", "amount", "status"])

    def clean_enterprise(self):
        pk = self.cleaned_data["enterprise"]
        enterprise = Enterprise.objects.restrict(self.user, "change").filter(pk=pk).first()
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise with this id is in your regions."), code="scope")
        self.instance.enterprise = enterprise
        return pk


class BankCreditReportForm(forms.ModelForm):
    class Meta:
        model = BankCreditReport
        fields = ["bank", "year", "period", "outstanding_credit", "small_business_credit", "source"]
