"""Forms of the network pages. What may be saved is decided by the models' ``clean()``
(lumbung.rules); the enterprise choices start from ``Enterprise.objects.visible_to(user)``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lumbung import rules
from lumbung.linkages.importer import enterprise_ids
from lumbung.linkages.models import Cooperative, Linkage, Membership, Sentra
from lumbung.registry.access import can_see_region
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


# -- the officers' workspace: sentra, cooperatives and their members ---------------------------------

class ScopedGroupForm(forms.ModelForm):
    """A sentra or cooperative of the user's regions: the region must be one of theirs (or below
    it), as for an enterprise (registry.forms.EnterpriseForm); the rest is the model's ``clean()``."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_region_code(self):
        code = self.cleaned_data.get("region_code")
        normal = rules.read_region(code) if code else None
        if normal and self.user is not None and not can_see_region(self.user, normal):
            raise forms.ValidationError(_("This region is outside your regions."), code="outside_scope")
        return normal or code


class SentraForm(ScopedGroupForm):
    class Meta:
        model = Sentra
        fields = ["code", "name", "kind", "region_code", "upt", "tpi_officers", "source"]
        widgets = {"tpi_officers": forms.Textarea(attrs={"rows": 3})}


class CooperativeForm(ScopedGroupForm):
    class Meta:
        model = Cooperative
        fields = ["code", "name", "kind", "region_code", "source"]


class MemberForm(forms.ModelForm):
    """An enterprise joins a group (``reference``: its NIB, ``source:source_id`` or ``lumbung:id``,
    as in the import template), among the enterprises the user may change; or, editing, the dates
    and source of a membership (an end date: it left)."""

    reference = forms.CharField(label=_("Enterprise"), max_length=300,
                                help_text=_("NIB, source:source ID (e.g. template:A-001) or lumbung:ID"))
    field_order = ["reference", "start_date", "end_date", "source"]

    class Meta:
        model = Membership
        fields = ["start_date", "end_date", "source"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, user=None, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        iso_dates(self)
        self.user = user
        if self.instance.pk:
            del self.fields["reference"]
        elif isinstance(group, Sentra):
            self.instance.sentra = group
        else:
            self.instance.cooperative = group

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        pk = enterprise_ids({reference}).get(reference)
        changeable = Enterprise.objects.restrict(self.user, "change")
        if pk is None or not changeable.filter(pk=pk).exists():
            raise forms.ValidationError(_("No enterprise {reference} that you may change.").format(
                reference=reference), code="unknown_enterprise")
        self.instance.enterprise_id = pk
        return reference

    def add_error(self, field, error):
        # The model's rule error on ``enterprise`` belongs to the ``reference`` field here (shown once).
        if field is None and isinstance(error, ValidationError) and "enterprise" in getattr(error, "error_dict", {}):
            moved = error.error_dict.pop("enterprise")
            if "reference" in self.fields and "reference" not in self.errors:
                super().add_error("reference", moved)
            if not error.error_dict:
                return
        super().add_error(field, error)

    def _post_clean(self):
        # After the model's own check: a second membership with the same natural key (enterprise,
        # group, start date; docs/network.md) is refused, as the import refuses it.
        super()._post_clean()
        member = self.instance
        if member.enterprise_id and member.start_date and "start_date" not in self.errors and Membership.objects.filter(
                enterprise_id=member.enterprise_id, sentra_id=member.sentra_id, cooperative_id=member.cooperative_id,
                start_date=member.start_date).exclude(pk=member.pk).exists():
            self.add_error("start_date", forms.ValidationError(
                _("This enterprise is already a member from this date."), code="duplicate"))
