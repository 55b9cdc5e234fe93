"""Signed-in views of enterprise records, where the owner's NIK is full for the owner and masked for everyone else."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from lumbung.registry.models import Enterprise
from lumbung.vocabulary import REPORT_FIELDS, value_added


@login_required
def my_enterprises(request):
    """The owner's own view: their enterprises, with the full NIK."""
    enterprises = request.user.owned_enterprises.order_by("name")
    records = [e.as_dict(request.user) for e in enterprises]
    return render(request, "portal/my_enterprises.html", {"records": records})


@login_required
def enterprise_detail(request, pk: int):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    reports = enterprise.reports.order_by("-year")
    return render(request, "portal/enterprise_detail.html",
                  {"record": enterprise.as_dict(request.user), "enterprise": enterprise, "reports": reports})


@login_required
def enterprise_json(request, pk: int):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    data = enterprise.as_dict(request.user)
    reports = list(enterprise.reports.order_by("year").values(*[f.name for f in REPORT_FIELDS]))
    for report in reports:
        report["value_added"] = value_added(report["output"], report["inputs"])
    data["reports"] = reports
    return JsonResponse(data)
