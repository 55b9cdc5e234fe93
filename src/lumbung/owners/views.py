"""The owners' pages under /owner/: registration, their enterprises, claims, profile, yearly
reports with their size classes, and the peer benchmark.

Records are read through ``Enterprise.objects.visible_to(user)`` narrowed to the user's own
EnterpriseOwner links: another firm's page is a 404, as if it did not exist. Writes go through
the ModelForms (lumbung.rules in ``clean()``) and are audited by the registry's signal handlers
(the audit middleware tags them with the user and "web")."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lumbung import rules
from lumbung.indicators.engine import AnalyticsMissing
from lumbung.owners import reports as owner_reports
from lumbung.owners.accounts import register_owner
from lumbung.owners.forms import ClaimForm, EnterpriseForm, RegisterForm, ReportForm
from lumbung.portal import labels
from lumbung.registry.claims import ClaimError, submit_claim
from lumbung.registry.models import AnnualReport, Claim, Enterprise, EnterpriseOwner

#: The permission of the owner role (registry.roles) that opens the owners' pages.
OWNER_PERMISSION = "registry.add_claim"


def owner_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(OWNER_PERMISSION):
            raise PermissionDenied(_("These pages are for business owners."))
        return view(request, *args, **kwargs)

    return wrapped


def own_enterprises(user):
    return Enterprise.objects.visible_to(user).filter(owner_links__user=user).distinct()


def own_enterprise(request, pk: int) -> Enterprise:
    return get_object_or_404(own_enterprises(request.user), pk=pk)


def register(request):
    if request.user.is_authenticated:
        return redirect("owners:home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = register_owner(form.kind, form.value, form.cleaned_data["password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your account is ready. Next time, log in with your e-mail address or phone number."))
        return redirect("owners:home")
    return render(request, "owners/register.html", {"form": form})


@owner_required
def home(request):
    enterprises = own_enterprises(request.user).order_by("name")
    claims = Claim.objects.filter(user=request.user).exclude(status=Claim.APPROVED).order_by("-created_at")
    contact = getattr(request.user, "owner_contact", None)
    return render(request, "owners/home.html", {"enterprises": enterprises, "claims": claims,
                                                "phone": contact.phone if contact else None})


@owner_required
def enterprise_new(request):
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            enterprise = form.save()
            EnterpriseOwner.objects.create(enterprise=enterprise, user=request.user)
        messages.success(request, _("The enterprise is registered. Enter its yearly report next."))
        return redirect("owners:enterprise", pk=enterprise.pk)
    return render(request, "owners/form.html", {"form": form, "title": _("Register a new enterprise"),
                                                "submit": _("Register")})


def _matches(data: dict):
    if data.get("nib"):
        return Enterprise.objects.filter(nib=data["nib"])
    region = rules.read_region(data["region_code"]) or data["region_code"]
    return Enterprise.objects.filter(Q(region_code=region) | Q(region_code__startswith=region + "."),
                                     name__iexact=data["name"])


@owner_required
def claim(request):
    """Claim an existing enterprise. The answer never shows the enterprise: only whether one
    matched and that the claim waits for an officer of its region."""
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        matches = list(_matches(form.cleaned_data)[:2])
        if not matches:
            form.add_error(None, _("No registered enterprise matches. Check what you typed, or register a new "
                                   "enterprise."))
        elif len(matches) > 1:
            form.add_error(None, _("More than one enterprise matches: give the NIB or a more precise region."))
        else:
            try:
                made = submit_claim(request.user, matches[0])
            except ClaimError as error:
                form.add_error(None, str(error))
            else:
                made.claimed_as = (form.cleaned_data["nib"] or f"{form.cleaned_data['name']} "
                                   f"({form.cleaned_data['region_code']})")[:255]
                made.save(update_fields=["claimed_as"])
                messages.success(request, _("Claim no. %(number)s is submitted. An officer of the region checks it; "
                                            "the enterprise appears here once approved.") % {"number": made.pk})
                return redirect("owners:home")
    return render(request, "owners/claim.html", {"form": form})


@owner_required
def enterprise(request, pk: int):
    record = own_enterprise(request, pk)
    reports = list(record.reports.order_by("-year"))
    return render(request, "owners/enterprise.html", {"enterprise": record, "record": record.as_dict(request.user),
                                                      "reports": reports})


@owner_required
def profile(request, pk: int):
    record = own_enterprise(request, pk)
    if not request.user.has_perm("registry.change_enterprise"):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The profile is saved."))
        return redirect("owners:enterprise", pk=record.pk)
    return render(request, "owners/form.html", {"form": form, "enterprise": record,
                                                "title": _("Profile of %(name)s") % {"name": record.name},
                                                "submit": _("Save")})


def _report_form(request, record: Enterprise, report: AnnualReport | None):
    instance = report or AnnualReport(enterprise=record)
    form = ReportForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("The report for %(year)s is saved.") % {"year": saved.year})
        return redirect("owners:report", pk=record.pk, year=saved.year)
    title = (_("Correct the report for %(year)s") % {"year": report.year} if report
             else _("New yearly report"))
    return render(request, "owners/report_form.html", {"form": form, "enterprise": record, "title": title,
                                                       "report": report})


@owner_required
def report_new(request, pk: int):
    return _report_form(request, own_enterprise(request, pk), None)


@owner_required
def report_edit(request, pk: int, year: int):
    record = own_enterprise(request, pk)
    return _report_form(request, record, get_object_or_404(record.reports, year=year))


@owner_required
def report(request, pk: int, year: int):
    """After saving: the class under every regime (criterion, disagreements), what changed since
    the year before, and the report's history from the audit trail."""
    record = own_enterprise(request, pk)
    this = get_object_or_404(record.reports, year=year)
    context = owner_reports.summary(record, this, labels.lang())
    return render(request, "owners/report.html", {"enterprise": record, "report": this, **context})


@owner_required
def benchmark(request, pk: int):
    record = own_enterprise(request, pk)
    reports = list(record.reports.order_by("-year"))
    if not reports:
        raise Http404(_("No yearly report yet."))
    years = [r.year for r in reports]
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() and int(request.GET["year"]) in years \
        else years[0]
    try:
        context = owner_reports.benchmark_page(record, year, labels.lang())
    except AnalyticsMissing:
        context = {"missing": True}
    return render(request, "owners/benchmark.html", {"enterprise": record, "year": year, "years": years, **context})
