"""Pages at /programs/ (namespace ``programs``):

- the catalogue and a page per program (public: a program's terms, never figures about enterprises);
- an enterprise's programs: those it is eligible for and, for each other one, the condition it does
  not meet or lacks the data for (for whoever may see the enterprise: its owner, its region's
  officers, analysts, admins; ``Enterprise.objects.visible_to``);
- a program's reach: who in the user's regions is eligible and not yet enrolled (officers,
  analysts, admins; an owner has no region and is refused);
- the bank credit monitor: each bank and the whole against the paper's 20% target (signed in);
- forms for an enrolment and a bank's report (the models' rules apply, as everywhere).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lumbung.eligibility import parse
from lumbung.eligibility.catalogue import ASPECTS, OHNO_STEPS, TYPES, name_of
from lumbung.portal import labels, numbers
from lumbung.programs import banks as bank_monitor
from lumbung.programs import services
from lumbung.programs.forms import BankCreditReportForm, EnrolmentForm
from lumbung.programs.models import BankCreditReport, Program
from lumbung.registry import access
from lumbung.registry.models import Enterprise

PAGE_SIZE = 50


def _program_view(program: Program, lang: str) -> dict:
    return {
        "program": program,
        "name": program.display_name(lang),
        "type": name_of(TYPES, program.type, lang),
        "aspect": name_of(ASPECTS, program.aspect, lang),
        "ohno": f"{program.ohno_step}. {name_of(OHNO_STEPS, program.ohno_step, lang)}" if program.ohno_step else "",
        "years": _years(program),
        "rule": parse(program.eligibility).describe(lang),
        "max_amount": numbers.rupiah(program.max_amount, lang) if program.max_amount else "",
        "budget": numbers.rupiah(program.budget, lang) if program.budget else "",
    }


def _years(program: Program) -> str:
    if program.start_date:
        first = program.start_date.isoformat()
    else:
        first = str(program.start_year) if program.start_year else "?"
    last = program.end_date.isoformat() if program.end_date else str(program.end_year) if program.end_year else ""
    return "–" if first == "?" and not last else f"{first}–{last}"


def _sees_regions(user) -> bool:
    return user.is_authenticated and (user.has_perm(access.SEE_ALL) or bool(access.region_codes_of(user)))


def catalogue(request):
    lang = labels.lang()
    programs = [_program_view(p, lang) for p in Program.objects.order_by("historical", "slug")]
    owned = list(request.user.owned_enterprises.order_by("name")) if request.user.is_authenticated else []
    return render(request, "programs/catalogue.html", {
        "current": [p for p in programs if not p["program"].historical],
        "historical": [p for p in programs if p["program"].historical],
        "owned": owned, "sees_regions": _sees_regions(request.user),
    })


def program_detail(request, slug: str):
    program = get_object_or_404(Program, slug=slug)
    view = _program_view(program, labels.lang())
    return render(request, "programs/program_detail.html", {**view, "sees_regions": _sees_regions(request.user),
                                                            "clauses": [c.describe(labels.lang()) for c in
                                                                        parse(program.eligibility).clauses]})


@login_required
def for_enterprise(request, pk: int):
    """The programs of one enterprise: eligible, not eligible (with the condition not met and the
    enterprise's value), or unknown (with the value that is missing)."""
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    lang = labels.lang()
    judged = services.judge(enterprise, Program.objects.order_by("historical", "slug"), lang)
    rows = [{"judgement": j, **_program_view(j.program, lang),
             "failed": [c for c in j.clauses if c.status is False],
             "unknown": [c for c in j.clauses if c.status is None]} for j in judged]
    return render(request, "programs/for_enterprise.html", {
        "enterprise": enterprise, "year": judged[0].year if judged else None,
        "eligible": [r for r in rows if r["judgement"].status is True and not r["program"].historical],
        "not_eligible": [r for r in rows if r["judgement"].status is False and not r["program"].historical],
        "unknown": [r for r in rows if r["judgement"].status is None and not r["program"].historical],
        "historical": [r for r in rows if r["program"].historical],
        "enrolments": enterprise.enrolments.select_related("program").order_by("-year"),
        "can_enrol": request.user.has_perm("programs.add_enrolment"),
    })


@login_required
def reach(request, slug: str):
    """Who in the user's regions is eligible for the program and not yet reached (no enrolment)."""
    program = get_object_or_404(Program, slug=slug)
    if not _sees_regions(request.user):
        raise PermissionDenied(_("This page lists the enterprises of an officer's regions."))
    result = services.reach(program, request.user)
    page = Paginator(result.not_reached, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    visible = {e.pk: e for e in Enterprise.objects.visible_to(request.user).filter(pk__in=ids)}
    latest = services.latest_reports(ids)
    lang = labels.lang()
    rows = [{"enterprise": visible[i], "report": latest.get(i),
             "sales": numbers.rupiah(getattr(latest.get(i), "sales", None), lang)} for i in ids if i in visible]
    return render(request, "programs/reach.html", {**_program_view(program, lang), "result": result, "rows": rows,
                                                   "page": page, "regions": services.scope_of(request.user)})


@login_required
@permission_required("programs.add_enrolment", raise_exception=True)
def enrolment_new(request):
    form = EnrolmentForm(request.POST or None, user=request.user, initial={"enterprise": request.GET.get("enterprise")})
    if request.method == "POST" and form.is_valid():
        enrolment = form.save()
        messages.success(request, _("Enrolment recorded."))
        return redirect("programs:for_enterprise", pk=enrolment.enterprise_id)
    return render(request, "programs/form.html", {"form": form, "title": _("Record an enrolment")})


@login_required
def banks(request):
    lang = labels.lang()
    monitor = bank_monitor.monitor(BankCreditReport.objects.all(), lang)
    return render(request, "programs/banks.html", {"monitor": monitor, "chart": monitor.chart,
                                                   "can_add": request.user.has_perm("programs.add_bankcreditreport"),
                                                   "target": numbers.percent(bank_monitor.TARGET_PERCENT, 0, lang)})


@login_required
def bank_detail(request, bank: str):
    reports = BankCreditReport.objects.filter(bank=bank)
    if not reports.exists():
        raise Http404(_("No reports of this bank."))
    lang = labels.lang()
    monitor = bank_monitor.monitor(reports, lang, single=bank)
    target = numbers.percent(bank_monitor.TARGET_PERCENT, 0, lang)
    return render(request, "programs/bank_detail.html",
                  {"bank": bank, "monitor": monitor, "chart": monitor.chart, "target": target})


@login_required
@permission_required("programs.add_bankcreditreport", raise_exception=True)
def bank_report_new(request):
    form = BankCreditReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = form.save()
        messages.success(request, _("Report recorded."))
        return redirect("programs:bank_detail", bank=report.bank)
    return render(request, "programs/form.html", {"form": form, "title": _("Record a bank's credit report")})
