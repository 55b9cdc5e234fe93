"""Admin pages of the network, filtered as the registry's are: every list and every enterprise
choice starts from ``visible_to(user)``; what may be saved is :mod:`lumbung.rules` (``clean()``).
Django's model permissions for these models are given to administrators (superusers); officers
enter linkages and memberships in the workspace pages (lumbung.linkages.views)."""

from __future__ import annotations

from django.contrib import admin

from lumbung.linkages.models import Cooperative, Linkage, Membership, Sentra
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


@admin.register(Sentra)
class SentraAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region_code", "upt"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "region_code"]


@admin.register(Cooperative)
class CooperativeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region_code"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "region_code"]
