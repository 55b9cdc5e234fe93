"""The policy lab in the browser (``/analyst/lab/``): choose a shipped scenario or a program of the
catalogue, firms, runs, years and seed; the run is a background job (lumbung.analysts.lab_jobs);
its page shows the progress, then the bands and the comparison against the baseline as
Vega-Lite charts with tables under them, and the downloads. For analysts and administrators; a
job is its user's (another's is a 404)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.analysts.lab_jobs import mapping_of, start_lab
from lumbung.analysts.views import analyst_page
from lumbung.eligibility.catalogue import TYPES, name_of
from lumbung.errors import UserError
from lumbung.jobs.models import Job
from lumbung.lab import scenarios, web
from lumbung.lab.codes import PERIODS_PER_YEAR
from lumbung.portal import charts, labels, numbers
from lumbung.programs.models import Program

#: Indicator names on the page (the lab's summary columns and comparison rows).
INDICATORS = {
    "workers": gettext_lazy("persons engaged"), "jobs": gettext_lazy("persons engaged"),
    "value_added": gettext_lazy("value added"), "output": gettext_lazy("output"),
    "firms": gettext_lazy("firms"), "exits": gettext_lazy("exits"), "graduations": gettext_lazy("graduations"),
}
MONEY = ("value_added", "output")


def _scenario_choices() -> list[tuple[str, str]]:
    return [(name, f"{name}: {scenarios.load(name).title_in(labels.lang())}") for name in scenarios.names()]


def _program_choices() -> list[tuple[str, str]]:
    return [(p.slug, p.name_en if labels.lang() == "en" and p.name_en else p.name) for p in Program.objects.all()]


class LabForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("Run"), widget=forms.RadioSelect, initial="scenario",
                               choices=[("scenario", gettext_lazy("a scenario")),
                                        ("program", gettext_lazy("a program of the catalogue"))])
    scenario = forms.ChoiceField(label=gettext_lazy("Scenario"), required=False, initial="credit")
    program = forms.ChoiceField(label=gettext_lazy("Program"), required=False)
    firms = forms.IntegerField(label=gettext_lazy("Firms"), min_value=1, max_value=web.MAX_FIRMS, initial=5_000)
    runs = forms.IntegerField(label=gettext_lazy("Runs"), min_value=1, max_value=web.MAX_RUNS, initial=5)
    years = forms.IntegerField(label=gettext_lazy("Years"), min_value=1, max_value=web.MAX_YEARS, initial=5)
    seed = forms.IntegerField(label=gettext_lazy("Seed"), min_value=0, max_value=2**31 - 1, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = _scenario_choices()
        self.fields["program"].choices = [("", "-")] + _program_choices()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            web.check_size(data["firms"], data["runs"], data["years"], translate=_, lang=labels.lang())
        except UserError as error:
            raise forms.ValidationError(str(error)) from error
        if data["source"] == "program":
            program = Program.objects.filter(slug=data.get("program")).first()
            if program is None:
                self.add_error("program", _("Choose a program."))
                return data
            try:
                data["mapping"] = mapping_of(program)
            except UserError as error:
                self.add_error("program", str(error))
                return data
            data["program_row"] = program
            start = data["mapping"].start
            if data["years"] * PERIODS_PER_YEAR <= start:  # the program would start after the horizon
                self.add_error("years", _("The program starts in quarter {start}: choose at least {years} years.").format(
                    start=start, years=start // PERIODS_PER_YEAR + 1))
        elif not data.get("scenario"):
            self.add_error("scenario", _("Choose a scenario."))
        return data


def _params(data: dict) -> tuple[dict, str]:
    params = {k: data[k] for k in ("firms", "runs", "years", "seed")}
    if data["source"] == "program":
        program = data["program_row"]
        params["program"] = program.slug
        return params, _("Program {name}").format(name=program.name)
    params["scenario"] = data["scenario"]
    return params, _("Scenario {name}").format(name=data["scenario"])


def _mappings() -> list[dict]:
    """Every program of the catalogue as the lab would run it (or why it cannot)."""
    rows = []
    for program in Program.objects.all():
        row = {"program": program, "type": name_of(TYPES, program.type, labels.lang())}
        try:
            row["mapping"] = mapping_of(program)
        except UserError as error:
            row["refused"] = str(error)
        rows.append(row)
    return rows


@analyst_page
def lab_home(request, scope):
    initial = {}
    if request.GET.get("program"):
        initial = {"source": "program", "program": request.GET["program"]}
    form = LabForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        params, title = _params(form.cleaned_data)
        job = start_lab(request.user, params, title)
        messages.success(request, _("The lab run is queued; it runs in the background."))
        return redirect("analysts:lab_job", pk=job.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "analysts/lab.html", {
        "scope": scope, "form": form, "jobs": Job.objects.filter(user=request.user, kind="lab")[:20],
        "mappings": _mappings(), "limits": {
            "firms": numbers.number(web.MAX_FIRMS, 0, labels.lang()), "runs": web.MAX_RUNS, "years": web.MAX_YEARS,
            "firm_runs": numbers.number(web.MAX_FIRM_RUNS, 0, labels.lang())}}, status=status)


def _job(request, pk: int) -> Job:
    return get_object_or_404(Job.objects.filter(user=request.user, kind="lab"), pk=pk)  # another's: 404


def _value(value, indicator: str) -> str:
    if indicator in MONEY:
        return numbers.rupiah(value, labels.lang())
    return numbers.number(value, 0, labels.lang())


def _base(description: str, data: list[dict]) -> dict:
    """The portal's chart frame (lumbung.portal.charts): container width, system font."""
    return {"$schema": charts.SCHEMA, "description": description, "data": {"values": data},
            "width": "container", "autosize": {"type": "fit-x", "contains": "padding"},
            "config": {"font": "system-ui, sans-serif", "axis": {"labelLimit": 160}, "view": {"stroke": None}}}


def band_chart(rows: list[dict], indicator: str) -> dict:
    """Vega-Lite: median and 5-95% band over runs by year, scenario against baseline."""
    factor, unit = charts.money_scale([r["p95"] for r in rows]) if indicator in MONEY else (1.0, "")
    data = [{"quarter": r["period"], "scenario": r["scenario"], "low": r["p05"] / factor,
             "median": r["median"] / factor, "high": r["p95"] / factor, "text": _value(r["median"], indicator)}
            for r in rows]
    name = str(INDICATORS[indicator])
    spec = _base(_("{indicator}: median and 5-95% band over runs").format(indicator=name), data)
    x = {"field": "quarter", "type": "quantitative", "title": _("quarters from the start"),
         "axis": {"tickMinStep": 1, "format": "d"}}
    color = {"field": "scenario", "type": "nominal", "title": None, "scale": {"range": list(charts.OKABE_ITO)},
             "legend": {"orient": "top"}}
    spec.update({"height": 220, "layer": [
        {"mark": {"type": "area", "opacity": 0.25}, "encoding": {
            "x": x, "y": {"field": "low", "type": "quantitative", "title": f"{name} {unit}".strip()},
            "y2": {"field": "high"}, "color": color}},
        {"mark": {"type": "line", "strokeWidth": 2}, "encoding": {
            "x": x, "y": {"field": "median", "type": "quantitative"}, "color": color,
            "tooltip": [{"field": "scenario"}, {"field": "quarter", "title": _("quarters from the start")},
                        {"field": "text", "title": _("median")}]}},
    ]})
    return spec


def comparison_chart(rows: list[dict]) -> dict:
    """Vega-Lite: the paired difference from the baseline at the horizon, as a share of the
    baseline's median, with its 5-95% band over runs."""
    data = [{"indicator": str(INDICATORS[r["indicator"]]), "relative": 100 * r["relative"],
             "low": 100 * r["relative_p05"], "high": 100 * r["relative_p95"],
             "text": numbers.percent(100 * r["relative"], 1, labels.lang())} for r in rows if r["relative"] is not None]
    spec = _base(_("Difference from the baseline at the horizon, percent of the baseline"), data)
    y = {"field": "indicator", "type": "nominal", "title": None, "sort": None}
    x_title = _("difference from the baseline (%)")
    spec.update({"height": {"step": 28}, "layer": [
        {"mark": {"type": "rule", "color": "#000000", "strokeDash": [4, 4]}, "encoding": {"x": {"datum": 0}}},
        {"mark": {"type": "rule", "strokeWidth": 2, "color": charts.OKABE_ITO[0]}, "encoding": {
            "y": y, "x": {"field": "low", "type": "quantitative", "title": x_title}, "x2": {"field": "high"}}},
        {"mark": {"type": "point", "filled": True, "size": 70, "color": charts.OKABE_ITO[0]}, "encoding": {
            "y": y, "x": {"field": "relative", "type": "quantitative"},
            "tooltip": [{"field": "indicator", "title": " "}, {"field": "text", "title": _("median")}]}},
    ]})
    return spec


def comparison_table(rows: list[dict]) -> list[dict]:
    lang = labels.lang()
    indicator = {"jobs": "workers"}
    return [{"name": INDICATORS[r["indicator"]],
             "baseline": _value(r["baseline_median"], indicator.get(r["indicator"], r["indicator"])),
             "scenario": _value(r["scenario_median"], indicator.get(r["indicator"], r["indicator"])),
             "difference": _value(r["difference_median"], indicator.get(r["indicator"], r["indicator"])),
             "band": f"{_value(r['difference_p05'], r['indicator'])} … {_value(r['difference_p95'], r['indicator'])}",
             "relative": numbers.percent(100 * r["relative"], 1, lang) if r["relative"] is not None else "-"}
            for r in rows]


def results(job: Job) -> dict:
    """Charts and tables of a finished run (empty when its files are gone)."""
    folder = job.lab_folder
    bands, compared = web.national_bands(folder), web.comparison_rows(folder)
    sections = []
    for indicator in web.BAND_INDICATORS:
        rows = [r for r in bands if r["indicator"] == indicator]
        if not rows:
            continue
        last = max(r["period"] for r in rows)
        table = [{"scenario": r["scenario"], "median": _value(r["median"], indicator),
                  "band": f"{_value(r['p05'], indicator)} … {_value(r['p95'], indicator)}"}
                 for r in rows if r["period"] == last]
        sections.append({"id": indicator, "name": INDICATORS[indicator], "chart": band_chart(rows, indicator),
                         "table": table, "spec_id": f"band-{indicator}-spec"})
    return {"bands": sections, "comparison": comparison_table(compared),
            "comparison_chart": comparison_chart(compared) if compared else None,
            "downloads": [name for name in web.DOWNLOADS if web.download_path(folder, name)]}


@analyst_page
def lab_job(request, scope, pk: int):
    job = _job(request, pk)
    shown = results(job) if job.status == "done" else None
    return render(request, "analysts/lab_job.html", {"scope": scope, "job": job, "shown": shown,
                                                     "params": job.params})


@analyst_page
def lab_file(request, scope, pk: int, name: str):
    job = _job(request, pk)
    path = web.download_path(job.lab_folder, name) if job.status == "done" else None
    if path is None:
        raise Http404(_("This run has no such file."))
    kind = "application/zip" if name.endswith(".zip") else "text/csv; charset=utf-8"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"lab-{job.pk}-{name}",  # noqa: SIM115 - FileResponse closes it
                        content_type=kind)
