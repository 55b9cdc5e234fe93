"""Registry endpoints (enterprises, yearly reports) and the user's API tokens.

- Every queryset starts from ``Enterprise.objects.visible_to(user)``: a record outside the
  user's scope is a 404, never a 403 that confirms it exists.
- Writes need the model permissions of the user's role (DjangoModelPermissions) and pass the
  registry's rules (400 naming the field and rule).
- No lost update: PATCH needs the row version read before (``If-Match: "<version>"`` or
  ``version`` in the body). The row is locked (``select_for_update``; on SQLite the IMMEDIATE
  transaction holds the write lock) and compared: a stale version is 412.
- A database that stays busy is retried, then answered 503 with ``Retry-After``.
"""

from __future__ import annotations

import time

from django.contrib.auth import authenticate
from django.db import IntegrityError, OperationalError, transaction
from django.db.utils import DatabaseError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from lumbung.api import errors, tokens
from lumbung.api.filtersets import EnterpriseFilterSet, ReportFilterSet
from lumbung.api.models import Token
from lumbung.api.public import ERROR
from lumbung.api.serializers import (
    EnterpriseSerializer,
    NewTokenSerializer,
    ReportSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    owned_ids,
    row_version,
)
from lumbung.api.throttling import TokenRequestThrottle
from lumbung.registry import audit
from lumbung.registry.access import can_see_region
from lumbung.registry.models import AnnualReport, Enterprise

#: Attempts of a write that meets a busy database, and the pause before each retry (seconds).
BUSY_ATTEMPTS = 3
BUSY_PAUSE = 0.5

IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER,
                            description=_("The record's version (its ETag), read before changing it."))
WRITE_ERRORS = {400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR, 412: ERROR, 428: ERROR, 503: ERROR}


class ModelPermissions(permissions.DjangoModelPermissions):
    """Signed in, and the role's add/change permission for writes (reads are scoped instead)."""

    authenticated_users_only = True


def expected_version(request) -> str:
    header = request.headers.get("If-Match", "").strip()
    if header.startswith("W/"):
        header = header[2:]
    version = header.strip('"') or str(request.data.get("version", "") or "").strip()
    if not version:
        raise errors.PreconditionRequired()
    return version


def with_retries(write):
    """Run ``write()``; a busy database is retried a few times before the 503 of errors.py."""
    for attempt in range(1, BUSY_ATTEMPTS + 1):
        try:
            return write()
        except (OperationalError, DatabaseError) as error:
            if not errors.is_busy(error) or attempt == BUSY_ATTEMPTS:
                raise
            time.sleep(BUSY_PAUSE * attempt)
    raise AssertionError("unreachable")


class RegistryViewSet(errors.ApiConventions, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    permission_classes = [ModelPermissions]
    http_method_names = ["get", "post", "patch", "head", "options"]
    conflict = _("A record with these keys exists already.")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["owned_ids"] = owned_ids(self.request.user)
        return context

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.check_scope(serializer.validated_data)
        with audit.context(actor=request.user, source="api"):  # token users are unknown to the middleware
            instance = with_retries(lambda: self._save(serializer))
        data = self.get_serializer(instance).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"ETag": f'"{data["version"]}"'})

    def partial_update(self, request, *args, **kwargs):
        expected = expected_version(request)
        visible = self.get_object()  # 404 outside the user's scope
        with audit.context(actor=request.user, source="api"):
            instance = with_retries(lambda: self._update(visible.pk, expected, request.data))
        data = self.get_serializer(instance).data
        return Response(data, headers={"ETag": f'"{data["version"]}"'})

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise exceptions.MethodNotAllowed(request.method)
        return self.partial_update(request, *args, **kwargs)

    def _save(self, serializer):
        try:
            with transaction.atomic():
                return serializer.save()
        except IntegrityError:
            raise errors.Conflict(self.conflict) from None

    def _update(self, pk: int, expected: str, data):
        try:
            with transaction.atomic():
                current = self.queryset.model.objects.select_for_update().get(pk=pk)
                if row_version(current) != expected:
                    raise errors.PreconditionFailed()
                serializer = self.get_serializer(current, data=data, partial=True)
                serializer.is_valid(raise_exception=True)
                self.check_scope(serializer.validated_data, current)
                return serializer.save()
        except IntegrityError:
            raise errors.Conflict(self.conflict) from None

    def check_scope(self, values: dict, current=None) -> None:
        """Hook: refuse values that would place a record outside the user's scope."""


@extend_schema_view(
    list=extend_schema(responses={200: EnterpriseSerializer(many=True), 401: ERROR, 403: ERROR}),
    retrieve=extend_schema(responses={200: EnterpriseSerializer, 401: ERROR, 404: ERROR}),
    create=extend_schema(responses={201: EnterpriseSerializer, 401: ERROR, **WRITE_ERRORS}),
    partial_update=extend_schema(parameters=[IF_MATCH], responses={200: EnterpriseSerializer, 401: ERROR,
                                                                   **WRITE_ERRORS}),
)
class EnterpriseViewSet(RegistryViewSet):
    """Enterprises the user may see (their region scopes, their own firms, or all for analysts)."""

    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    conflict = _("An enterprise with this NIB, or this source and source ID, exists already.")

    def get_queryset(self):
        return Enterprise.objects.visible_to(self.request.user).order_by("pk")

    def check_scope(self, values: dict, current=None) -> None:
        code = values.get("region_code")
        if code is None:
            return
        owner = current is not None and current.pk in owned_ids(self.request.user)
        if not owner and not can_see_region(self.request.user, code):
            raise exceptions.PermissionDenied(_("Region {code} is outside your regions.").format(code=code))


@extend_schema_view(
    list=extend_schema(responses={200: ReportSerializer(many=True), 401: ERROR, 403: ERROR}),
    retrieve=extend_schema(responses={200: ReportSerializer, 401: ERROR, 404: ERROR}),
    create=extend_schema(responses={201: ReportSerializer, 401: ERROR, **WRITE_ERRORS}),
    partial_update=extend_schema(parameters=[IF_MATCH], responses={200: ReportSerializer, 401: ERROR,
                                                                   **WRITE_ERRORS}),
)
class ReportViewSet(RegistryViewSet):
    """Yearly reports of the enterprises the user may see."""

    queryset = AnnualReport.objects.all()
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    conflict = _("This enterprise has a report for this year already: change that report instead.")

    def get_queryset(self):
        return AnnualReport.objects.visible_to(self.request.user).order_by("pk")


# ---------------------------------------------------------------- schema

class SchemaView(errors.ApiConventions, SpectacularJSONAPIView):
    """``GET /api/openapi.json``: the OpenAPI schema, its descriptions in the caller's language
    (cookie or Accept-Language, as every endpoint answers; ``?lang=en`` too, as drf-spectacular
    reads it)."""


# ---------------------------------------------------------------- tokens

class TokenObtainView(errors.ApiConventions, APIView):
    """``POST /api/token/`` with username and password: a new token (its key shown once)."""

    authentication_classes: list = []  # the password authenticates; no session, hence no CSRF
    permission_classes = [permissions.AllowAny]
    throttle_classes = [TokenRequestThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={201: NewTokenSerializer, 400: ERROR, 401: ERROR,
                                                              429: ERROR})
    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = authenticate(request._request, username=form.validated_data["username"],
                            password=form.validated_data["password"])
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(_("The user name or password is wrong."))
        token, key = tokens.issue(user, form.validated_data["name"])
        data = NewTokenSerializer(token).data
        data["key"] = key
        return Response(data, status=status.HTTP_201_CREATED)

    def get_authenticate_header(self, request):
        return tokens.KEYWORD


@extend_schema_view(
    list=extend_schema(responses={200: TokenSerializer(many=True), 401: ERROR}),
    retrieve=extend_schema(responses={200: TokenSerializer, 401: ERROR, 404: ERROR}),
    destroy=extend_schema(responses={204: OpenApiResponse(description="revoked"), 401: ERROR, 404: ERROR}),
)
class TokenViewSet(errors.ApiConventions, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                   viewsets.GenericViewSet):
    """The signed-in user's own tokens: list and revoke (DELETE)."""

    serializer_class = TokenSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Token.objects.none()

    def get_queryset(self):
        return Token.objects.filter(user_id=self.request.user.pk)
