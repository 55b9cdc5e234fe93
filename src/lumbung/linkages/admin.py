"""Admin pages of the network, filtered as the registry's are: every list and every enterprise
choice starts from ``visible_to(user)``; what may be saved is :mod:`lumbung.rules` (``clean()``).
Permissions are granted to the admin and officer groups by migration 0002_roles; an officer's
sentra and cooperatives are those of their regions. Officers and owners also enter linkages and
memberships on the network pages (lumbung.linkages.views)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from lumbung.linkages.models import Cooperative, Linkage, Membership, Sentra
from lumbung.registry.access import SEE_ALL, can_see_region, region_codes_of, region_filter
from lumbung.registry.models import Enterprise


class Restricted(admin.ModelAdmin):
    autocomplete_fields: list[str] = []
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Enterprise:
            kwargs["queryset"] = Enterprise.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Linkage)
class LinkageAdmin(Restricted):
    list_display = ["ikm", "kind", "partner", "start_date", "end_date", "output_share", "source"]
    list_filter = ["kind"]
    autocomplete_fields = ["ikm", "partner"]
    list_select_related = ["ikm", "partner"]


@admin.register(Membership)
class MembershipAdmin(Restricted):
    list_display = ["enterprise", "sentra", "cooperative", "start_date", "end_date", "source"]
    autocomplete_fields = ["enterprise"]
    list_select_related = ["enterprise", "sentra", "cooperative"]


class RegionGroupAdmin(admin.ModelAdmin):
    """Sentra and cooperatives: an officer sees and saves those of the regions in their scope."""

    def get_queryset(self, request):
        groups = super().get_queryset(request)
        if request.user.has_perm(SEE_ALL):
            return groups
        return groups.filter(region_filter(region_codes_of(request.user), levels=False))  # its own region_code

    def save_model(self, request, obj, form, change):
        if not can_see_region(request.user, obj.region_code):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(Sentra)
class SentraAdmin(RegionGroupAdmin):
    list_display = ["code", "name", "kind", "region_code", "upt"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "region_code"]


@admin.register(Cooperative)
class CooperativeAdmin(RegionGroupAdmin):
    list_display = ["code", "name", "kind", "region_code"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "region_code"]
