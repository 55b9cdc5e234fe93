"""Network endpoints. Linkages and memberships are scoped by enterprise visibility (a linkage is
seen when either side is; outside the scope a record is a 404); a write needs the right to change
the IKM's (or member's) record (``Enterprise.objects.restrict(user, "change")``) and is audited
with the source "api". Sentra and cooperatives are public facts (names, type, region, UPT and the
extension officers' names): read-only here, managed in the admin."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, mixins, permissions, viewsets

from lumbung.api import errors
from lumbung.linkages.api.serializers import (
    CooperativeSerializer,
    LinkageSerializer,
    MembershipSerializer,
    SentraSerializer,
)
from lumbung.linkages.models import Cooperative, Linkage, Membership, Sentra
from lumbung.registry import audit
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


class MembershipViewSet(Scoped):
    """Memberships of enterprises in sentra and cooperatives."""

    queryset = Membership.objects.all()
    serializer_class = MembershipSerializer
    owner_field = "enterprise"


class SentraViewSet(errors.ApiConventions, viewsets.ReadOnlyModelViewSet):
    """Industrial centres (PIK, LIK, SUIK): public facts."""

    queryset = Sentra.objects.order_by("id")
    serializer_class = SentraSerializer
    permission_classes = [permissions.AllowAny]


class CooperativeViewSet(errors.ApiConventions, viewsets.ReadOnlyModelViewSet):
    """KUB, KOPINKRA and other cooperatives: public facts."""

    queryset = Cooperative.objects.order_by("id")
    serializer_class = CooperativeSerializer
    permission_classes = [permissions.AllowAny]
