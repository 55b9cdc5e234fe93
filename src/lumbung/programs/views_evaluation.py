"""The evaluation page of a program (``/programs/<slug>/evaluation/``): choose an outcome and
years, see the estimate with its interval, the naive comparison, the counts matched and dropped,
the balance table, the event-study chart with the pre-trend test, and the assumptions.

For officers (their regions' enterprises), analysts and administrators; the figures are computed
over the enterprises the user may see (``Enterprise.objects.visible_to``), by
:func:`lumbung.programs.evaluate_source.evaluate_program`.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from lumbung.errors import UserError
from lumbung.evaluation import OUTCOMES, parse_years
from lumbung.jobs.models import Job
from lumbung.lab import web as lab_web
from lumbung.lab.program_map import kind_of
from lumbung.portal import charts, labels, numbers
from lumbung.programs.evaluate_source import evaluate_program
from lumbung.programs.models import Program
from lumbung.registry.access import SEE_ALL, analyst_regions

ROLES = ("officer", "analyst", "admin")
DEFAULT_OUTCOME = "va_per_worker"
COVARIATES = {
    "outcome": lambda: _("outcome in the year before enrolment"),
    "log_outcome": lambda: _("outcome, signed log"),
    "workers": lambda: _("persons engaged"),
    "outcome_change": lambda: _("change in the outcome over the year before"),
    "size_micro": lambda: _("share micro"),
    "size_small": lambda: _("share small"),
    "size_medium": lambda: _("share medium"),
    "size_large": lambda: _("share large"),
}
DROP_REASONS = {
    "no_reports": lambda: _("no report in the year before enrolment or in the enrolment year"),
    "no_cell": lambda: _("no non-participant in the same KBLI division, province and size class"),
    "caliper": lambda: _("no non-participant close enough in the pre-enrolment outcome"),
}


def may_evaluate(user) -> bool:
    return user.is_superuser or user.groups.filter(name__in=ROLES).exists()


def outcome_name(outcome) -> str:
    return outcome.label_en if labels.lang() == "en" else outcome.label_id


def event_chart(result: dict, unit: str) -> dict:
    """Vega-Lite: the difference in differences by year from enrolment, with its interval."""
    data = [{"event_time": row["event_time"], "estimate": row["estimate"], "low": row["ci_low"], "high": row["ci_high"],
             "text": numbers.by_unit(row["estimate"], unit, lang=labels.lang()),
             "period": _("before") if row["event_time"] < 0 else _("after")} for row in result["event_study"]]
    times = [row["event_time"] for row in result["event_study"]]
    x = {"field": "event_time", "type": "quantitative", "title": _("years from enrolment"),
         "axis": {"tickMinStep": 1, "format": "d"},
         "scale": {"domain": [min(times) - 0.5, max(times) + 0.5], "nice": False}}
    y_title = _("difference in differences") + (" (Rp)" if unit.startswith("rupiah") else "")
    spec = {"$schema": charts.SCHEMA, "description": _("Event study: difference between participants and matched "
                                                       "non-participants, by year from enrolment"),
            "data": {"values": data}, "width": "container", "autosize": {"type": "fit-x", "contains": "padding"},
            "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}}}
    spec.update({"height": 240, "layer": [
        {"mark": {"type": "rule", "color": "#000000", "strokeDash": [4, 4]}, "encoding": {"y": {"datum": 0}}},
        {"mark": {"type": "rule", "strokeWidth": 2}, "encoding": {
            "x": x, "y": {"field": "low", "type": "quantitative", "title": y_title}, "y2": {"field": "high"},
            "color": {"field": "period", "type": "nominal", "title": None,
                      "scale": {"range": [charts.OKABE_ITO[1], charts.OKABE_ITO[0]]}}}},
        {"mark": {"type": "point", "filled": True, "size": 60}, "encoding": {
            "x": x, "y": {"field": "estimate", "type": "quantitative"},
            "color": {"field": "period", "type": "nominal", "title": None},
            "tooltip": [{"field": "event_time", "title": _("years from enrolment")},
                        {"field": "text", "title": _("estimate")}]}},
    ]})
    return spec


def _present(result: dict) -> dict:
    lang = labels.lang()
    unit = result["unit"]

    def value(v):
        return numbers.by_unit(v, unit, lang=lang) if v is not None else "-"

    def share(v):
        return numbers.percent(v * 100, 1, lang) if v is not None else "-"

    def smd(v):
        return numbers.number(v, 3, lang) if v is not None else "-"

    def mean(v, covariate):
        if v is None:
            return "-"
        if covariate.startswith("size_"):
            return numbers.percent(v * 100, 1, lang)
        return numbers.number(v, 2, lang) if covariate == "log_outcome" or covariate == "workers" else value(v)

    return {
        "estimate": value(result["estimate"]), "ci_low": value(result["ci_low"]), "ci_high": value(result["ci_high"]),
        "relative": share(result["relative_estimate"]), "relative_low": share(result["relative_ci_low"]),
        "relative_high": share(result["relative_ci_high"]), "naive": value(result["naive_estimate"]),
        "naive_relative": share(result["naive_relative"]), "counterfactual": value(result["counterfactual"]),
        "level": numbers.percent(result["level"] * 100, 0, lang),
        "participants": numbers.number(result["participants"], 0, lang),
        "matched": numbers.number(result["matched"], 0, lang), "controls": numbers.number(result["controls"], 0, lang),
        "dropped": [(DROP_REASONS[k](), numbers.number(v, 0, lang)) for k, v in result["dropped"].items()],
        "balance": [{"name": COVARIATES.get(b["covariate"], lambda c=b["covariate"]: c)(),
                     "before_t": mean(b["participants_before"], b["covariate"]),
                     "before_c": mean(b["others_before"], b["covariate"]), "smd_before": smd(b["smd_before"]),
                     "after_t": mean(b["participants_after"], b["covariate"]),
                     "after_c": mean(b["controls_after"], b["covariate"]), "smd_after": smd(b["smd_after"]),
                     "balanced": b["smd_after"] is not None and abs(b["smd_after"]) < 0.1} for b in result["balance"]],
        "events": [{"t": e["event_time"], "estimate": value(e["estimate"]),
                    "interval": f"{value(e['ci_low'])} … {value(e['ci_high'])}" if e["event_time"] != -1
                    else _("reference year"), "n": numbers.number(e["participants"], 0, lang)}
                   for e in result["event_study"]],
        "pretrend_p": numbers.number(result["pretrend"]["p_value"], 3, lang)
        if result["pretrend"]["p_value"] is not None else None,
        "years": ", ".join(map(str, result["years"])),
    }


#: Comparison rows shown beside the evaluated effect (the lab's names; "jobs" are persons engaged).
SIMULATED = {"value_added": lambda: _("value added"), "jobs": lambda: _("persons engaged"),
             "firms": lambda: _("firms")}


def may_run_lab(user) -> bool:
    """Analysts (a grant) and administrators may start lab runs (lumbung.analysts.lab)."""
    return user.has_perm(SEE_ALL) or bool(analyst_regions(user))


def simulated(program: Program, user) -> dict:
    """The program's latest lab run against the baseline (ex ante), beside the evaluation (ex post)."""
    try:
        kind_of(program.type, _)
    except UserError as error:
        return {"refused": str(error)}
    out = {"may_run": may_run_lab(user)}
    job = Job.latest_lab_run(program.slug)
    if job is None:
        return out
    lang = labels.lang()
    rows = []
    for row in lab_web.comparison_rows(job.lab_folder, tuple(SIMULATED)):
        if row["relative"] is None:
            continue
        rows.append({"name": SIMULATED[row["indicator"]](), "relative": numbers.percent(100 * row["relative"], 1, lang),
                     "band": f"{numbers.percent(100 * row['relative_p05'], 1, lang)} … "
                             f"{numbers.percent(100 * row['relative_p95'], 1, lang)}"})
    out.update({"job": job, "rows": rows, "params": job.params,
                "mine": job.user_id == user.pk})
    return out


@login_required
def program_evaluation(request, slug: str):
    if not may_evaluate(request.user):
        raise PermissionDenied
    program = get_object_or_404(Program, slug=slug)
    outcome = request.GET.get("outcome") or DEFAULT_OUTCOME
    years_text = request.GET.get("years", "").strip()
    problem = result = shown = chart = None
    if outcome not in OUTCOMES:
        problem = _("Choose one of the outcomes listed.")
        outcome = DEFAULT_OUTCOME
    else:
        try:
            evaluation = evaluate_program(program.slug, outcome, years=parse_years(years_text), user=request.user,
                                          translate=_)
        except UserError as error:
            problem = str(error)
        else:
            result = evaluation.to_dict()
            shown = _present(result)
            chart = event_chart(result, result["unit"])
    return render(request, "programs/evaluation.html", {
        "program": program, "outcome": outcome, "years_text": years_text, "problem": problem, "result": result,
        "shown": shown, "chart": chart, "program_name": program.name_en if labels.lang() == "en" and program.name_en
        else program.name,
        "outcomes": [(o.id, outcome_name(o)) for o in OUTCOMES.values()],
        "outcome_label": outcome_name(OUTCOMES[outcome]), "simulated": simulated(program, request.user),
    })
