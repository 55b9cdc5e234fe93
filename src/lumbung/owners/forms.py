"""The owners' forms. The enterprise and report forms are ModelForms, so ``Model.clean()`` applies
lumbung.rules (the same rule table as the importer): each error carries its rule id as its code,
which the templates show next to the message (rule and field named)."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung import vocabulary as F
from lumbung.owners.accounts import contact_taken, read_contact
from lumbung.portal.classify import RupiahField
from lumbung.registry.models import AnnualReport, Enterprise


class RegisterForm(forms.Form):
    contact = forms.CharField(label=gettext_lazy("E-mail address or phone number"), max_length=150,
                              help_text=gettext_lazy("You log in with it. A phone number is never shown to others."),
                              widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "email"}))
    password1 = forms.CharField(label=gettext_lazy("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=gettext_lazy("At least 8 characters, not a common password, not only digits."))
    password2 = forms.CharField(label=gettext_lazy("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_contact(self):
        kind, value = read_contact(self.cleaned_data["contact"])
        if contact_taken(kind, value):
            raise forms.ValidationError(_("An account with this e-mail address or phone number exists; log in."),
                                        code="taken")
        self.kind, self.value = kind, value
        return value

    def clean(self):
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", forms.ValidationError(_("The two passwords differ."), code="mismatch"))
        elif one and "contact" in data:
            User = get_user_model()
            probe = User(username=data["contact"], email=data["contact"] if self.kind == "email" else "")
            try:
                validate_password(one, probe)  # settings.AUTH_PASSWORD_VALIDATORS
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ClaimForm(forms.Form):
    """Find the enterprise to claim: by NIB, or by its exact name and region."""

    nib = forms.CharField(label=gettext_lazy("NIB"), required=False, max_length=20,
                          help_text=gettext_lazy("Business ID number, 13 digits"))
    name = forms.CharField(label=gettext_lazy("Business name, exactly as registered"), required=False, max_length=255)
    region_code = forms.CharField(label=gettext_lazy("Region code (regency, district or village)"), required=False,
                                  max_length=16, help_text=gettext_lazy("Kemendagri code such as 32.04 or 32.04.01"))

    def clean(self):
        data = super().clean()
        nib = "".join(ch for ch in data.get("nib", "") if ch.isdigit())
        name, region = " ".join(data.get("name", "").split()), data.get("region_code", "").strip()
        if nib:
            if len(nib) != 13:
                self.add_error("nib", forms.ValidationError(_("A NIB has 13 digits."), code="nib"))
            data["nib"] = nib
        elif not (name and region):
            raise forms.ValidationError(_("Give the NIB, or the business name together with its region."),
                                        code="incomplete")
        data["name"], data["region_code"] = name, region
        return data


_SIGNED = re.compile(r"^-\s*(?:Rp\.?\s*)?[0-9][0-9.]*$")


class MoneyField(RupiahField):
    """Rupiah as people type them; a negative amount passes through to the rule
    ``money.not_negative`` (lumbung.rules), which names itself in the message."""

    def to_python(self, value):
        text = (value or "").strip() if isinstance(value, str) else value
        if isinstance(text, str) and _SIGNED.match(text):
            return -int(re.sub(r"[^0-9]", "", text))
        return super().to_python(value)


def _rupiah_fields(model) -> dict[str, RupiahField]:
    out = {}
    for name in F.MONEY_COLUMNS:
        field = model._meta.get_field(name)
        out[name] = MoneyField(label=field.verbose_name.capitalize(), required=False,
                                help_text=gettext_lazy("Whole rupiah, e.g. 15.000.000; empty when unknown"),
                                widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    return out


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ["name", "nib", "region_code", "kbli", "founded_year", "owner_name", "owner_gender", "legal_status",
                  "legal_form", "indonesian_owned", "independent", "address", "main_products"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2}), "main_products": forms.Textarea(attrs={"rows": 2})}


class ReportForm(forms.ModelForm):
    """A yearly report. Empty inputs stay empty (None), never 0."""

    class Meta:
        model = AnnualReport
        fields = ["year", "workers", "workers_paid", "workers_female", "sales", "output", "inputs", "net_assets",
                  "business_capital", "investment", "exports", "imported_inputs", "wages", "credit_bank",
                  "credit_kur", "credit_informal", "trained", "online_sales"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in _rupiah_fields(AnnualReport).items():
            self.fields[name] = field
            if self.instance.pk is not None:
                self.initial.setdefault(name, getattr(self.instance, name))
        for name in ("workers", "workers_paid", "workers_female"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        if self.instance.pk is not None:
            self.fields["year"].disabled = True  # a correction keeps its year

    def clean_year(self):
        year = self.cleaned_data.get("year")
        enterprise_id = self.instance.enterprise_id
        if (year is not None and self.instance.pk is None
                and AnnualReport.objects.filter(enterprise_id=enterprise_id, year=year).exists()):
            raise forms.ValidationError(_("There is already a report for %(year)s: correct that one.")
                                        % {"year": year}, code="duplicate")
        return year
