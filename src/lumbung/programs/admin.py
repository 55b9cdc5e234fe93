"""Admin pages of the programs app. Enrolments are filtered by the same rule as everywhere (their
enterprise in ``Enterprise.objects.visible_to(user)``), and an enrolment's enterprise must be one
the user may change; what may be saved is :mod:`lumbung.rules` (the models' ``clean()``)."""

from __future__ import annotations

from django.contrib import admin

from lumbung.programs.models import BankCreditReport, Enrolment, Program
from lumbung.registry.models import Enterprise


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "type", "aspect", "ohno_step", "start_year", "end_year", "historical")
    list_filter = ("historical", "type", "aspect")
    search_fields = ("slug", "name", "name_en")


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("program", "enterprise", "year", "status", "amount")
    list_filter = ("program", "status", "year")
    raw_id_fields = ("enterprise",)

    def get_queryset(self, request):
        visible = Enterprise.objects.visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(enterprise__in=visible)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "enterprise":
            kwargs["queryset"] = Enterprise.objects.restrict(request.user, "change")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(BankCreditReport)
class BankCreditReportAdmin(admin.ModelAdmin):
    list_display = ("bank", "year", "period", "outstanding_credit", "small_business_credit")
    list_filter = ("bank", "year")
