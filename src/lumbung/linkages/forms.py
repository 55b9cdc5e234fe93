"""Forms of the network pages. What may be saved is decided by the models' ``clean()``
(lumbung.rules); the enterprise choices start from ``Enterprise.objects.visible_to(user)``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lumbung.linkages.models import Linkage, Membership
from lumbung.registry.models import Enterprise


class DateInput(forms.DateInput):
    input_type = "date"


#: Dates as the import and the API read them (ISO, YYYY-MM-DD: what a date input sends); "01/02/2021"
#: is refused everywhere rather than read as 2 January here and refused there (rule date.format).
ISO = ["%Y-%m-%d"]


def iso_dates(form: forms.ModelForm) -> None:
    for name in ("start_date", "end_date"):
        form.fields[name].input_formats = ISO
        form.fields[name].error_messages["invalid"] = _("Enter a date as YYYY-MM-DD.")


class LinkageForm(forms.ModelForm):
    class Meta:
        model = Linkage
        fields = ["partner", "kind", "start_date", "end_date", "output_share", "source", "notes"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, user=None, ikm=None, **kwargs):
        super().__init__(*args, **kwargs)
        iso_dates(self)
        self.instance.ikm = ikm
        self.fields["partner"].queryset = Enterprise.objects.visible_to(user).exclude(pk=ikm.pk).order_by("name")


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["sentra", "cooperative", "start_date", "end_date", "source"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        iso_dates(self)
        self.instance.enterprise = enterprise


class ContactForm(forms.Form):
    message = forms.CharField(label=_("Message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Do not write phone numbers or addresses: the other side answers through "
                                          "Lumbung."))
