"""Admin pages. Records are filtered by the same rules as everywhere (``visible_to(user)`` on the
queryset): every list, form choice, autocomplete, filter and prefilled field that names an
enterprise starts from it. What may be saved is :mod:`lumbung.rules` (the models' ``clean()``).
The owner's NIK is shown masked and can be replaced but never read back here."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lumbung import rules
from lumbung.registry.access import can_see_region
from lumbung.registry.models import AnalystGrant, AnnualReport, AuditEntry, Enterprise, EnterpriseOwner, RegionScope
from lumbung.registry.validators import validate_owner_nik


class EnterpriseForm(forms.ModelForm):
    new_owner_nik = forms.CharField(
        label=_("new owner NIK"), required=False, strip=True,
        widget=forms.PasswordInput(render_value=False),  # never sent back to the browser
        help_text=_("16 digits. Leave empty to keep the stored NIK."),
    )
    clear_owner_nik = forms.BooleanField(label=_("remove the stored NIK"), required=False)

    class Meta:
        model = Enterprise
        # The address is personal data (the home of most micro owners): shown only in the owner's own view.
        exclude = ["owners", "address"]

    user = None  # set by EnterpriseAdmin.get_form: whose region scopes bound the region field

    def clean_region_code(self):
        code = self.cleaned_data.get("region_code")
        code = rules.read_region(code) or code if code else code  # "3204" is 32.04, as the model stores it
        if code and self.user is not None and not can_see_region(self.user, code):
            raise forms.ValidationError(_("This region is outside the regions you may manage."))
        return code

    def clean_new_owner_nik(self):
        value = self.cleaned_data.get("new_owner_nik") or ""
        if value:
            validate_owner_nik(value)  # lumbung.rules: 16 digits with a NIK's structure
        return value

    def save(self, commit=True):
        if self.cleaned_data.get("clear_owner_nik"):
            self.instance.set_owner_nik(None)
        elif self.cleaned_data.get("new_owner_nik"):
            self.instance.set_owner_nik(self.cleaned_data["new_owner_nik"])
        return super().save(commit)


class AnnualReportInline(admin.TabularInline):
    model = AnnualReport
    extra = 0
    fields = ["year", "workers", "workers_paid", "workers_female", "sales", "output", "inputs",
              "net_assets", "business_capital", "investment"]


class OwnerInline(admin.TabularInline):
    model = EnterpriseOwner
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    form = EnterpriseForm
    list_display = ["name", "nib", "region_code", "kbli", "owner_name", "masked_nik", "source"]
    list_filter = ["source", "legal_status", "reported_scale"]
    search_fields = ["name", "nib", "source_id", "region_code", "kbli"]
    readonly_fields = ["masked_nik", "created_at", "updated_at"]
    inlines = [AnnualReportInline, OwnerInline]
    list_per_page = 50
    show_full_result_count = False  # counting a million rows on every page is slow
    ordering = ["-pk"]  # the changelist's own default, now also for autocomplete's pages

    @admin.display(description=_("owner NIK"))
    def masked_nik(self, obj):
        return obj.owner_nik_masked or "-"

    def get_queryset(self, request):  # also what autocomplete and raw-id lookups search
        return super().get_queryset(request).visible_to(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "year", "workers", "sales", "net_assets"]
    list_filter = ["year"]
    # Not raw_id_fields: its widget names the enterprise of any id in the URL (?enterprise=1)
    # through the unrestricted default manager. The autocomplete widget renders only choices of
    # the field's queryset and searches EnterpriseAdmin.get_queryset, both restricted.
    autocomplete_fields = ["enterprise"]
    list_select_related = ["enterprise"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "enterprise":  # a report can only be filed for a visible enterprise
            kwargs["queryset"] = Enterprise.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RegionScope)
class RegionScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "region_code"]
    search_fields = ["user__username", "region_code"]


@admin.register(AnalystGrant)
class AnalystGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "region_code", "records"]
    list_filter = ["records"]
    search_fields = ["user__username", "region_code"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by the system, never edited."""

    list_display = ["timestamp", "action", "model", "object_id", "object_repr", "actor_name", "source"]
    list_filter = ["action", "model"]
    search_fields = ["object_repr", "actor_name", "source", "=object_id"]
    show_full_result_count = False

    def get_queryset(self, request):
        entries = super().get_queryset(request)
        if request.user.has_perm("registry.view_all_enterprises"):
            return entries
        visible = Enterprise.objects.visible_to(request.user).values("pk")
        reports = AnnualReport.objects.visible_to(request.user).values("pk")
        return entries.filter(Q(model="enterprise", object_id__in=visible)
                              | Q(model="annualreport", object_id__in=reports))

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
