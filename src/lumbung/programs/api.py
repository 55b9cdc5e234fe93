"""API endpoints of the programs app (in the OpenAPI schema with the rest of /api/):

- ``/api/programs/`` and ``/api/programs/<slug>/``: the catalogue, public (terms, not figures);
- ``/api/enrolments/``: enrolments of the enterprises the user may see
  (``Enterprise.objects.visible_to``; a record outside the scope is a 404); ``POST`` needs the
  role's ``programs.add_enrolment`` and an enterprise the user may change, and passes the models'
  rules (:mod:`lumbung.rules`: 400 naming the field);
- ``/api/bank-reports/``: banks' credit reports, for signed-in users.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, viewsets

from lumbung.api import errors
from lumbung.api.public import ERROR
from lumbung.api.views import ModelPermissions
from lumbung.eligibility import parse
from lumbung.portal import labels
from lumbung.programs.models import BankCreditReport, Enrolment, Program
from lumbung.registry.models import Enterprise


class ProgramSerializer(serializers.ModelSerializer):
    eligibility_in_words = serializers.SerializerMethodField()

    class Meta:
        model = Program
        fields = ["slug", "name", "name_en", "type", "aspect", "ohno_step", "agency", "start_year", "end_year",
                  "start_date", "end_date", "budget", "max_amount", "historical", "eligibility",
                  "eligibility_in_words", "source", "note"]

    def get_eligibility_in_words(self, program) -> str:
        return parse(program.eligibility).describe(labels.lang())


class EnrolmentSerializer(serializers.ModelSerializer):
    program = serializers.SlugRelatedField(slug_field="slug", queryset=Program.objects.all())
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())

    class Meta:
        model = Enrolment
        fields = ["id", "program", "enterprise", "year", "date", "amount", "status"]
        validators: list = []  # the unique (program, enterprise, year) is checked with the rules below

    def validate_enterprise(self, enterprise):
        user = self.context["request"].user
        if not Enterprise.objects.restrict(user, "change").filter(pk=enterprise.pk).exists():
            raise serializers.ValidationError(_("No enterprise with this id is in your regions."))
        return enterprise

    def validate(self, attrs):
        instance = Enrolment(**{**({} if self.instance is None else
                                   {f: getattr(self.instance, f) for f in ("program", "enterprise", "year", "date",
                                                                          "amount", "status")}), **attrs})
        if self.instance is not None:
            instance.pk = self.instance.pk
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return attrs


class BankCreditReportSerializer(serializers.ModelSerializer):
    share = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = BankCreditReport
        fields = ["id", "bank", "year", "period", "outstanding_credit", "small_business_credit", "share", "source"]


@extend_schema_view(list=extend_schema(responses={200: ProgramSerializer(many=True)}),
                    retrieve=extend_schema(responses={200: ProgramSerializer, 404: ERROR}))
class ProgramViewSet(errors.ApiConventions, viewsets.ReadOnlyModelViewSet):
    """The program catalogue (public)."""

    serializer_class = ProgramSerializer
    queryset = Program.objects.order_by("historical", "slug")
    lookup_field = "slug"
    permission_classes = [permissions.AllowAny]


@extend_schema_view(list=extend_schema(responses={200: EnrolmentSerializer(many=True), 401: ERROR, 403: ERROR}),
                    retrieve=extend_schema(responses={200: EnrolmentSerializer, 401: ERROR, 404: ERROR}),
                    create=extend_schema(responses={201: EnrolmentSerializer, 400: ERROR, 401: ERROR, 403: ERROR}))
class EnrolmentViewSet(errors.ApiConventions, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Enrolments of the enterprises the user may see."""

    serializer_class = EnrolmentSerializer
    queryset = Enrolment.objects.none()
    permission_classes = [ModelPermissions]

    def get_queryset(self):
        visible = Enterprise.objects.visible_to(self.request.user).values("pk")
        return Enrolment.objects.filter(enterprise__in=visible).select_related("program").order_by("pk")

    def perform_create(self, serializer):
        if not self.request.user.has_perm("programs.add_enrolment"):
            raise exceptions.PermissionDenied()
        serializer.save()


@extend_schema_view(list=extend_schema(responses={200: BankCreditReportSerializer(many=True), 401: ERROR}),
                    retrieve=extend_schema(responses={200: BankCreditReportSerializer, 401: ERROR, 404: ERROR}))
class BankCreditReportViewSet(errors.ApiConventions, viewsets.ReadOnlyModelViewSet):
    """Banks' credit reports (signed in)."""

    serializer_class = BankCreditReportSerializer
    queryset = BankCreditReport.objects.order_by("bank", "year", "period")
    permission_classes = [permissions.IsAuthenticated]
