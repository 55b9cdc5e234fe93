"""Network endpoints. Linkages and memberships are scoped by enterprise visibility (a linkage is
seen when either side is; outside the scope a record is a 404); a write needs the right to change
the IKM's (or member's) record (``Enterprise.objects.restrict(user, "change")``) and is audited
with the source "api". Sentra and cooperatives are public facts (names, type, region, UPT and the
extension officers' names) to read; officers create and change those of their regions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, mixins, permissions, viewsets

from lumbung import rules
from lumbung.api import errors
from lumbung.linkages.api.serializers import (
    CooperativeSerializer,
    LinkageSerializer,
    MembershipSerializer,
    SentraSerializer,
)
from lumbung.linkages.models import Cooperative, Linkage, Membership, Sentra
from lumbung.linkages.workspace import scoped
from lumbung.registry import audit
from lumbung.registry.access import can_see_region
from lumbung.registry.models import Enterprise


class Scoped(errors.ApiConventions, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
             mixins.DestroyModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]
    owner_field = "ikm"

    def get_queryset(self):
        return self.queryset.model.objects.visible_to(self.request.user).order_by("id")

    def _check_change(self, enterprise_id) -> None:
        if not Enterprise.objects.restrict(self.request.user, "change").filter(pk=enterprise_id).exists():
            raise exceptions.PermissionDenied(_("You may not change this enterprise's records."))

    def perform_create(self, serializer):
        self._check_change(serializer.validated_data[self.owner_field].pk)
        with audit.context(actor=self.request.user, source="api"):
            serializer.save()

    def perform_destroy(self, instance):
        self._check_change(getattr(instance, f"{self.owner_field}_id"))
        with audit.context(actor=self.request.user, source="api"):
            instance.delete()


class LinkageViewSet(Scoped):
    """Linkages between enterprises (Kuncoro 2000's partnership types)."""

    queryset = Linkage.objects.all()
    serializer_class = LinkageSerializer


class MembershipViewSet(mixins.UpdateModelMixin, Scoped):
    """Memberships of enterprises in sentra and cooperatives; a change (PATCH ``end_date``: the
    enterprise left) needs the right to change the member's record before and after."""

    queryset = Membership.objects.all()
    serializer_class = MembershipSerializer
    owner_field = "enterprise"

    def perform_update(self, serializer):
        self._check_change(serializer.instance.enterprise_id)
        self._check_change(serializer.validated_data.get("enterprise", serializer.instance.enterprise).pk)
        with audit.context(actor=self.request.user, source="api"):
            serializer.save()


class GroupPermission(permissions.BasePermission):
    """Reading is public; a write needs the model's permission (officers, administrators)."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        action = "add" if request.method == "POST" else "change"
        model = view.queryset.model._meta
        return bool(request.user and request.user.is_authenticated
                    and request.user.has_perm(f"{model.app_label}.{action}_{model.model_name}"))


class Groups(errors.ApiConventions, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Sentra or cooperatives: public facts to read; created and changed by officers in their
    regions (as in the workspace, lumbung.linkages.workspace): a group of another region is a 404
    to change, a region outside theirs is refused (403), the rules apply (400) and the write is
    audited with the source "api"."""

    permission_classes = [GroupPermission]

    def get_queryset(self):
        if self.request.method in permissions.SAFE_METHODS:
            return self.queryset
        return scoped(self.queryset.model, self.request.user).order_by("id")

    def _check_region(self, serializer) -> None:
        code = serializer.validated_data.get("region_code")
        code = rules.read_region(code) if code else None
        if code and not can_see_region(self.request.user, code):
            raise exceptions.PermissionDenied(_("This region is outside your regions."))

    def perform_create(self, serializer):
        self._check_region(serializer)
        with audit.context(actor=self.request.user, source="api"):
            serializer.save()

    def perform_update(self, serializer):
        self._check_region(serializer)
        with audit.context(actor=self.request.user, source="api"):
            serializer.save()


class SentraViewSet(Groups):
    """Industrial centres (PIK, LIK, SUIK)."""

    queryset = Sentra.objects.order_by("id")
    serializer_class = SentraSerializer


class CooperativeViewSet(Groups):
    """KUB, KOPINKRA and other cooperatives."""

    queryset = Cooperative.objects.order_by("id")
    serializer_class = CooperativeSerializer
