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
        try:
            instance.full_clean(validate_unique=True, validate_constraints=True)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
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


class SentraSerializer(serializers.ModelSerializer):
    tpi_officers = serializers.ListField(source="officers", child=serializers.CharField(), read_only=True,
                                         help_text=_("Names of the industry extension officers (TPI)"))

    class Meta:
        model = Sentra
        fields = ["id", "code", "name", "kind", "region_code", "upt", "tpi_officers", "source"]


class CooperativeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cooperative
        fields = ["id", "code", "name", "kind", "region_code", "source"]
