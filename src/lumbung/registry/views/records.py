"""Enterprise and report lists (filter sets and tables), detail pages, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Max, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from lumbung.registry import quality
from lumbung.registry.filtersets import EnterpriseFilterSet, ReportFilterSet
from lumbung.registry.forms import EnterpriseForm, ReportForm
from lumbung.registry.models import AnnualReport, AuditEntry, Enterprise
from lumbung.registry.tables import EnterpriseTable, ReportTable, region_name
from lumbung.registry.views.common import PER_PAGE, regions_of, workspace_view
from lumbung.sizeclass import classify, label
from lumbung.sizeclass.regime import regimes  # not via the package: its data folder "regimes" shadows the name

#: Audit entries shown on a record's page (newest first).
AUDIT_SHOWN = 100


def _lang() -> str:
    return (get_language() or "id").split("-")[0]


def _table(request, table):
    RequestConfig(request, paginate={"per_page": PER_PAGE, "paginator_class": LazyPaginator}).configure(table)
    return table


@workspace_view
def home(request):
    visible = Enterprise.objects.visible_to(request.user)
    context = {"regions": regions_of(request.user), "jobs": request.user.jobs.all()[:5],
               "latest_year": AnnualReport.objects.visible_to(request.user).aggregate(y=Max("year"))["y"],
               "has_enterprises": visible.exists()}
    return render(request, "registry/workspace/home.html", context)


@workspace_view
def enterprise_list(request):
    queryset = Enterprise.objects.visible_to(request.user)
    filterset = EnterpriseFilterSet(request.GET or None, queryset=queryset)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    table = _table(request, EnterpriseTable(rows, columns=request.GET.getlist("columns")))
    return render(request, "registry/workspace/list.html", {
        "title": _("Enterprises"), "filter": filterset, "table": table, "column_choices": EnterpriseTable.choices(),
        "chosen": [c.name for c in table.columns if c.name not in EnterpriseTable.always],
        "add_url": "workspace:enterprise_add"})


@workspace_view
def report_list(request):
    queryset = AnnualReport.objects.visible_to(request.user).select_related("enterprise")
    filterset = ReportFilterSet(request.GET or None, queryset=queryset)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    table = ReportTable(rows, columns=request.GET.getlist("columns"), regime=filterset.regime_id()
                        if filterset.is_bound else "pp-7-2021", lang=_lang())
    table = _table(request, table)
    return render(request, "registry/workspace/list.html", {
        "title": _("Annual reports"), "filter": filterset, "table": table, "column_choices": ReportTable.choices(),
        "chosen": [c.name for c in table.columns if c.name not in ReportTable.always]})


def _classes(report, enterprise, lang):
    values = {name: getattr(report, name) for name in ("workers", "sales", "net_assets", "business_capital",
                                                       "investment")}
    values.update(indonesian_owned=enterprise.indonesian_owned, independent=enterprise.independent)
    out = []
    for regime in regimes():
        try:
            result = classify(values, regime)
        except ValueError:
            out.append({"regime": regime.short, "label": "–", "decided_by": ""})
            continue
        decided = result.decided_by.criterion if result.decided_by else ""
        out.append({"regime": regime.short, "label": label(result.size_class, lang), "decided_by": decided,
                    "disagree": bool(result.disagreements)})
    return out


@workspace_view
def enterprise_detail(request, pk: int):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    reports = list(enterprise.reports.order_by("-year"))
    lang = _lang()
    report_ids = [r.pk for r in reports]
    trail = AuditEntry.objects.filter(Q(model="enterprise", object_id=enterprise.pk)
                                      | Q(model="annualreport", object_id__in=report_ids))[:AUDIT_SHOWN]
    flagged = enterprise.pk in quality.flagged_ids()
    return render(request, "registry/workspace/enterprise_detail.html", {
        "enterprise": enterprise, "record": enterprise.as_dict(request.user), "region_name": region_name(
            enterprise.region_code), "reports": [(r, _classes(r, enterprise, lang)) for r in reports],
        "trail": trail, "flagged": flagged,
        "can_change": request.user.has_perm("registry.change_enterprise"),
        "can_add_report": request.user.has_perm("registry.add_annualreport")})


def _save_form(request, form, message):
    if form.is_valid():
        record = form.save()
        messages.success(request, message)
        return record
    return None


@workspace_view
def enterprise_add(request):
    if not request.user.has_perm("registry.add_enterprise"):
        return render(request, "registry/workspace/forbidden.html", status=403)
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and (record := _save_form(request, form, _("The enterprise was created."))):
        return redirect("workspace:enterprise_detail", pk=record.pk)
    return render(request, "registry/workspace/form.html", {"form": form, "title": _("New enterprise")})


@workspace_view
def enterprise_edit(request, pk: int):
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, "change"), pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and _save_form(request, form, _("The enterprise was saved.")):
        return redirect("workspace:enterprise_detail", pk=enterprise.pk)
    return render(request, "registry/workspace/form.html", {"form": form, "title": enterprise.name,
                                                             "back": enterprise})


@workspace_view
def report_add(request, pk: int):
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, "change"), pk=pk)
    if not request.user.has_perm("registry.add_annualreport"):
        return render(request, "registry/workspace/forbidden.html", status=403)
    form = ReportForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and _save_form(request, form, _("The report was saved.")):
        return redirect("workspace:enterprise_detail", pk=enterprise.pk)
    return render(request, "registry/workspace/form.html", {"form": form, "back": enterprise,
                                                             "title": _("New annual report: %(name)s") % {
                                                                 "name": enterprise.name}})


@workspace_view
def report_edit(request, pk: int):
    report = get_object_or_404(AnnualReport.objects.restrict(request.user, "change").select_related("enterprise"),
                               pk=pk)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and _save_form(request, form, _("The report was saved.")):
        return redirect("workspace:enterprise_detail", pk=report.enterprise_id)
    return render(request, "registry/workspace/form.html", {
        "form": form, "back": report.enterprise,
        "title": _("Annual report %(year)s: %(name)s") % {"year": report.year, "name": report.enterprise.name}})


