"""Serializers: the registry's records (enterprises, reports), API tokens, and the shapes of the
public read endpoints (for the OpenAPI schema).

Personal data (the owner's NIK and the home address) is in a response only for the enterprise's
own owner accounts; everyone else gets the NIK masked and no address. The set of enterprises the
requesting user owns is computed once per request (``owned_ids`` in the context).
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lumbung.api.models import Token
from lumbung.indicators.dimensions import DIMENSIONS
from lumbung.registry.models import AnnualReport, Enterprise, EnterpriseOwner

# ---------------------------------------------------------------- optimistic concurrency


def row_version(instance) -> str:
    """A digest of the stored row: it changes whenever any stored value changes."""
    # Generated columns (province_code ...) follow region_code, and reading one after a save costs a query.
    values = [f"{f.attname}={getattr(instance, f.attname)!r}" for f in instance._meta.concrete_fields
              if not f.generated]
    return hashlib.sha256("|".join(values).encode()).hexdigest()[:20]


def owned_ids(user) -> set[int]:
    if user is None or not user.is_authenticated:
        return set()
    return set(EnterpriseOwner.objects.filter(user_id=user.pk).values_list("enterprise_id", flat=True))


def _model_errors(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class RegistrySerializer(serializers.ModelSerializer):
    version = serializers.SerializerMethodField(help_text=_("Row version: send it as If-Match to change the record."))

    def get_version(self, instance) -> str:
        return row_version(instance)

    def full_clean(self, instance) -> None:
        """The model's ``clean()``, which applies lumbung.rules: the same refusals as the importer."""
        try:
            instance.full_clean(validate_unique=False, validate_constraints=False)
        except DjangoValidationError as error:
            raise _model_errors(error) from None

    # ``validate`` prepares the checked instance (``self._prepared``); saving it is all that is left.
    def create(self, validated_data):
        self._prepared.save()
        return self._prepared

    def update(self, instance, validated_data):
        self._prepared.save()
        return self._prepared


# ---------------------------------------------------------------- enterprises

PERSONAL = ("owner_nik", "address")

class EnterpriseSerializer(RegistrySerializer):
    owner_nik = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=32,
                                      help_text=_("Full NIK for the owner's own account, masked for everyone else."))
    address = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                    help_text=_("Home or business address: only in the owner's own responses."))
    has_owner_nik = serializers.BooleanField(read_only=True)

    class Meta:
        model = Enterprise
        fields = ["id", "version", "source", "source_id", "nib", "name", "owner_name", "owner_gender", "owner_nik",
                  "has_owner_nik", "founded_year", "region_code", "kbli", "kbli_version", "legal_status",
                  "legal_form", "indonesian_owned", "independent", "reported_scale", "address", "main_products",
                  "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"nib": {"validators": []}}  # uniqueness answered as 409 by the view

    def to_representation(self, instance):
        data = super().to_representation(instance)
        own = instance.pk in self.context.get("owned_ids", set())
        data["owner_nik"] = instance.owner_nik_for(self.context["request"].user) if own else instance.owner_nik_masked
        if not own:
            data["address"] = None
        return data

    def validate(self, attrs):
        nik = attrs.pop("owner_nik", serializers.empty)
        instance = self.instance or Enterprise()
        for name, value in attrs.items():
            setattr(instance, name, "" if value is None and name == "address" else value)
        if nik is not serializers.empty:
            try:
                instance.set_owner_nik(nik)
            except ValueError as error:
                raise serializers.ValidationError({"owner_nik": [str(error)]}) from None
        self.full_clean(instance)
        self._prepared = instance
        return attrs


# ---------------------------------------------------------------- reports

REPORT_FIELDS = ["workers", "workers_paid", "workers_female", "sales", "output", "inputs", "net_assets",
                 "business_capital", "investment", "exports", "imported_inputs", "wages", "credit_bank",
                 "credit_kur", "credit_informal", "trained", "online_sales"]


class ReportSerializer(RegistrySerializer):
    value_added = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = AnnualReport
        fields = ["id", "version", "enterprise", "year", *REPORT_FIELDS, "value_added", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []  # (enterprise, year) uniqueness answered as 409 by the view

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and "enterprise" in fields:
            fields["enterprise"].queryset = Enterprise.objects.visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list) and "enterprise" in fields:
            fields["enterprise"].read_only = True  # a report does not move to another enterprise
        return fields

    def validate(self, attrs):
        instance = self.instance or AnnualReport()
        for name, value in attrs.items():
            setattr(instance, name, value)
        self.full_clean(instance)
        self._prepared = instance
        return attrs


# ---------------------------------------------------------------- tokens

class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = Token
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]
        read_only_fields = fields


class NewTokenSerializer(TokenSerializer):
    key = serializers.CharField(read_only=True, help_text=_("Shown once: only its digest is stored."))

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "key"]
        read_only_fields = fields


# ---------------------------------------------------------------- shapes of the public endpoints

def _dimension_fields() -> dict:
    return {name: (serializers.IntegerField(required=False) if name == "year" else
                   serializers.CharField(required=False)) for name in DIMENSIONS}


IndicatorRowSerializer = type("IndicatorRowSerializer", (serializers.Serializer,), {
    **_dimension_fields(),
    "indicator": serializers.CharField(),
    "value": serializers.FloatField(allow_null=True),
    "numerator": serializers.FloatField(allow_null=True),
    "denominator": serializers.FloatField(allow_null=True),
    "suppressed": serializers.BooleanField(required=False, help_text=_("Public answers: the cell is withheld.")),
    "__doc__": "One cell x indicator of the long format; the dimension columns asked for in `by`.",
})


class CatalogueSerializer(serializers.Serializer):
    id = serializers.CharField()
    name_id = serializers.CharField()
    name_en = serializers.CharField()
    definition_id = serializers.CharField()
    definition_en = serializers.CharField()
    kind = serializers.CharField()
    numerator = serializers.CharField(allow_null=True)
    denominator = serializers.CharField(allow_null=True)
    population = serializers.CharField(allow_null=True)
    factor = serializers.FloatField()
    unit = serializers.CharField()
    decimals = serializers.IntegerField()
    source = serializers.CharField()
    direction = serializers.CharField()


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()
    parent = serializers.CharField(allow_null=True)


class KbliSerializer(serializers.Serializer):
    code = serializers.CharField()
    level = serializers.CharField()
    section = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    title_id = serializers.CharField()
    title_en = serializers.CharField(allow_null=True)


class BandSerializer(serializers.Serializer):
    classes = serializers.ListField(child=serializers.CharField())
    limit = serializers.FloatField(allow_null=True)
    inclusive = serializers.BooleanField()


class CriterionSerializer(serializers.Serializer):
    field = serializers.CharField()
    bands = BandSerializer(many=True)


class RegimeSerializer(serializers.Serializer):
    id = serializers.CharField()
    short = serializers.CharField()
    name_id = serializers.CharField()
    name_en = serializers.CharField()
    law = serializers.CharField()
    article = serializers.CharField()
    classes = serializers.ListField(child=serializers.CharField())
    inputs = serializers.ListField(child=serializers.CharField())
    combination_note = serializers.CharField()
    in_force_from = serializers.DateField(allow_null=True)
    in_force_until = serializers.DateField(allow_null=True)
    variant_of = serializers.CharField(allow_null=True)
    criteria = CriterionSerializer(many=True)


class DecisionSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    value = serializers.JSONField()
    threshold = serializers.JSONField()
    comparison = serializers.CharField()
    jointly = serializers.ListField(child=serializers.DictField(), required=False)


class RuledOutSerializer(serializers.Serializer):
    by = DecisionSerializer(many=True)


RuledOutSerializer._declared_fields["class"] = serializers.CharField()


class ClassificationSerializer(serializers.Serializer):
    regime = serializers.CharField()
    decided_by = DecisionSerializer(allow_null=True)
    disagreements = serializers.ListField(child=serializers.DictField())
    missing = serializers.ListField(child=serializers.CharField())
    undecided_by = serializers.ListField(child=serializers.CharField())
    ruled_out = RuledOutSerializer(many=True)
    law = serializers.CharField()
    article = serializers.CharField()
    label_id = serializers.CharField()
    label_en = serializers.CharField()


ClassificationSerializer._declared_fields["class"] = serializers.CharField()


class PublishedValueSerializer(serializers.Serializer):
    layout = serializers.CharField()
    year = serializers.IntegerField()
    region_code = serializers.CharField(allow_null=True)
    region_level = serializers.IntegerField()
    region_name = serializers.CharField(allow_null=True)
    size_class = serializers.CharField()
    measure = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField(allow_null=True)
