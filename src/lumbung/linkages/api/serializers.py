"""Serializers of the network API. A write builds the model and runs its ``full_clean()`` (the
rules of lumbung.rules), so the API refuses what the importer and the forms refuse; enterprises
are chosen among those the caller may see (an unknown or hidden id is "does not exist")."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lumbung.linkages.models import Cooperative, Linkage, Membership, Sentra
from lumbung.registry.models import Enterprise


class VisibleEnterprise(serializers.PrimaryKeyRelatedField):
    """An enterprise id among those the caller may see (others read as "does not exist")."""

    def get_queryset(self):
        return Enterprise.objects.visible_to(self.context["request"].user)


class RuleChecked(serializers.ModelSerializer):
    def validate(self, attrs):
        instance = self.Meta.model(**attrs)
        if self.instance is not None:  # a change: the stored record with the sent fields
            instance = self.Meta.model(**{f.attname: getattr(self.instance, f.attname)
                                          for f in self.Meta.model._meta.concrete_fields})
            instance._state.adding = False  # the unique checks leave the stored record itself out
            for name, value in attrs.items():
                setattr(instance, name, value)
        try:
            instance.full_clean(validate_unique=True, validate_constraints=True)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        if "region_code" in attrs:  # stored as the rules read it ("3204" -> "32.04")
            attrs["region_code"] = instance.region_code
        return attrs


class LinkageSerializer(RuleChecked):
    ikm = VisibleEnterprise()
    partner = VisibleEnterprise()

    class Meta:
        model = Linkage
        fields = ["id", "ikm", "partner", "kind", "start_date", "end_date", "output_share", "source", "notes"]


class MembershipSerializer(RuleChecked):
    enterprise = VisibleEnterprise()

    class Meta:
        model = Membership
        fields = ["id", "enterprise", "sentra", "cooperative", "start_date", "end_date", "source"]


class OfficerNames(serializers.ListField):
    """The extension officers' names: a list here, one name a line in the model."""

    child = serializers.CharField()

    def to_representation(self, data):
        return [line.strip() for line in (data or "").splitlines() if line.strip()]

    def to_internal_value(self, data):
        return "\n".join(name.strip() for name in super().to_internal_value(data) if name.strip())


class SentraSerializer(RuleChecked):
    tpi_officers = OfficerNames(required=False, help_text=_("Names of the industry extension officers (TPI)"))

    class Meta:
        model = Sentra
        fields = ["id", "code", "name", "kind", "region_code", "upt", "tpi_officers", "source"]


class CooperativeSerializer(RuleChecked):
    class Meta:
        model = Cooperative
        fields = ["id", "code", "name", "kind", "region_code", "source"]
