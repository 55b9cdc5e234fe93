"""What the owner sees after saving a report (classes under every regime, changes since the year
before, the report's history) and on the benchmark page (positions among peers, with a chart)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lumbung import vocabulary as F
from lumbung.indicators import benchmark as B
from lumbung.indicators.catalogue import catalogue
from lumbung.portal import numbers
from lumbung.portal.charts import OKABE_ITO, SCHEMA
from lumbung.portal.classify import explain_all
from lumbung.registry.models import AnnualReport, AuditEntry, Enterprise
from lumbung.sizeclass import classify, label

SIZE_INPUTS = ("workers", "sales", "net_assets", "business_capital", "investment")


def class_inputs(enterprise: Enterprise, report: AnnualReport) -> dict:
    data = {name: getattr(report, name) for name in SIZE_INPUTS}
    data.update(indonesian_owned=enterprise.indonesian_owned, independent=enterprise.independent)
    return data


def field_label(name: str, lang: str) -> str:
    if name == "value_added":
        return _("value added")
    field = F.BY_NAME.get(name)
    if field is None:
        return name
    return field.label_id if lang == "id" else field.label_en


def show(name: str, value, lang: str) -> str:
    """A stored value as the page shows it; a missing one as a dash (never 0)."""
    if value is None:
        return "–"
    kind = F.BY_NAME[name].kind if name in F.BY_NAME else "money"
    if kind == "money":
        return "Rp" + numbers.number(value, 0, lang)
    if kind == "bool":
        return _("yes") if value else _("no")
    return numbers.number(value, 0, lang)


@dataclass
class Change:
    label: str
    before: str
    now: str
    change: str  # "+12,5%", "new", "no longer reported", ""


def _change(before, now, lang: str) -> str:
    if before is None and now is None:
        return ""
    if before is None:
        return _("newly reported")
    if now is None:
        return _("no longer reported")
    if isinstance(now, bool) or isinstance(before, bool):
        return "" if now == before else _("changed")
    if before == now:
        return _("unchanged")
    if before == 0:
        return ("+" if now > before else "") + numbers.number(now - before, 0, lang)
    pct = (now - before) / abs(before) * 100
    return ("+" if pct > 0 else "") + numbers.percent(pct, 1, lang)


def changes(previous: AnnualReport | None, this: AnnualReport, lang: str) -> list[Change]:
    if previous is None:
        return []
    out = []
    names = [n for n in F.REPORT_COLUMNS if n != "year"] + ["value_added"]
    for name in names:
        before, now = getattr(previous, name), getattr(this, name)
        if before is None and now is None:
            continue
        out.append(Change(field_label(name, lang), show(name, before, lang), show(name, now, lang),
                          _change(before, now, lang)))
    return out


def history(report: AnnualReport, lang: str) -> list[dict]:
    """The report's entries of the audit trail, oldest first, each with its changed fields."""
    entries = AuditEntry.objects.filter(model="annualreport", object_id=report.pk).order_by("timestamp", "id")
    out = []
    for entry in entries:
        fields = [{"label": field_label(name, lang), "before": show(name, pair[0], lang) if name in F.BY_NAME else pair[0],
                   "now": show(name, pair[1], lang) if name in F.BY_NAME else pair[1]}
                  for name, pair in entry.changes.items() if name not in ("enterprise_id", "year")]
        out.append({"entry": entry, "fields": fields})
    return out


def summary(enterprise: Enterprise, this: AnnualReport, lang: str) -> dict:
    previous = enterprise.reports.filter(year__lt=this.year).order_by("-year").first()
    classes = explain_all(class_inputs(enterprise, this), lang)
    before = {}
    if previous is not None:
        for item in classes:
            before[item.regime.id] = classify(class_inputs(enterprise, previous), item.regime).size_class
    for item in classes:
        old = before.get(item.regime.id)
        item.previous = label(old, lang) if old and old != item.size_class else None
    return {"classes": classes, "previous": previous, "changes": changes(previous, this, lang),
            "history": history(this, lang)}


# -- benchmark ---------------------------------------------------------------------------------------

def peer_group_text(result: B.Benchmark, lang: str) -> str:
    division = _("KBLI division %(code)s") % {"code": result.division}
    if result.level is None:
        return _("fewer than %(count)s peers in %(division)s, even in the whole nation") % {
            "count": result.min_peers, "division": division}
    where = {"regency": _("regency %(code)s"), "province": _("province %(code)s"),
             "nation": _("all of Indonesia")}[result.level]
    where = where % {"code": result.region} if result.region else where
    klass = (_("size class %(name)s (BPS, persons engaged)") % {"name": label(result.size_class, lang)}
             if result.size_class else _("every size class"))
    return _("%(count)s enterprises: %(division)s, %(where)s, %(klass)s") % {
        "count": numbers.number(result.peers, 0, lang), "division": division, "where": where, "klass": klass}


def _reason(code: str) -> str:
    return {"few_peers": _("too few peers report it"), "dominated": _("hidden: one peer dominates"),
            "own_missing": _("your report lacks it")}.get(code, "")


def benchmark_page(enterprise: Enterprise, year: int, lang: str) -> dict:
    this = enterprise.reports.get(year=year)
    previous = enterprise.reports.filter(year=year - 1).first()
    inputs = class_inputs(enterprise, this)
    size_class = classify(inputs, B.REGIME).size_class
    own = B.own_values({n: getattr(this, n) for n in F.REPORT_COLUMNS},
                       {"sales": previous.sales} if previous else None)
    result = B.benchmark(own, year=year, region_code=enterprise.region_code, kbli=enterprise.kbli,
                         size_class=size_class, enterprise_id=enterprise.pk)
    indicators = catalogue()
    rows, chart = [], []
    for position in result.positions:
        indicator = indicators.get(position.measure.catalogue)
        name = indicator.name(lang) if indicator else position.measure.id
        unit = position.measure.unit
        decimals = 1 if unit == "percent" else 0
        rows.append({"name": name, "own": numbers.by_unit(position.own, unit, decimals, lang) or "–",
                     "median": numbers.by_unit(position.median, unit, decimals, lang) or "–",
                     "percentile": numbers.number(position.percentile, 0, lang) if position.percentile is not None
                     else None, "peers": numbers.number(position.peers, 0, lang), "reason": _reason(position.reason),
                     "source": indicator.source if indicator else ""})
        if position.percentile is not None:
            chart.append({"indicator": name, "percentile": round(position.percentile, 1),
                          "text": numbers.number(position.percentile, 0, lang)})
    return {"result": result, "group": peer_group_text(result, lang), "rows": rows,
            "chart": percentile_chart(chart) if chart else None, "own_class": label(size_class, lang)}


def percentile_chart(data: list[dict]) -> dict:
    """Bars of the enterprise's percentile per indicator (0-100), the peers' median marked at 50."""
    return {
        "$schema": SCHEMA, "description": _("Your position among peers, percentile per indicator"),
        "width": "container", "autosize": {"type": "fit-x", "contains": "padding"},
        "config": {"font": "system-ui, sans-serif", "axis": {"labelLimit": 140}, "view": {"stroke": None}},
        "data": {"values": data},
        "layer": [
            {"mark": {"type": "bar", "tooltip": True, "color": OKABE_ITO[0]},
             "encoding": {"y": {"field": "indicator", "type": "nominal", "title": None, "sort": None},
                          "x": {"field": "percentile", "type": "quantitative", "title": _("percentile among peers"),
                                "scale": {"domain": [0, 100]}},
                          "tooltip": [{"field": "indicator", "title": " "}, {"field": "text", "title": " "}]}},
            {"mark": {"type": "rule", "color": OKABE_ITO[5], "strokeDash": [4, 3]},
             "encoding": {"x": {"datum": 50}}},
        ],
        "height": {"step": 26},
    }
