"""The bank credit monitor (issue 12 point 5): each bank's share of its outstanding credit lent to
small business, and the whole, against the target the paper cites: banks obliged to lend at least
20% of their credit portfolio to small business ("kewajiban untuk menyalurkan kredit bagi usaha
kecil minimum 20% dari portofolio kredit bank", DIMENSIA 5(1), 2011, p. 10, citing Kuncoro 2000;
DOMAIN.md section 8). A table and a Vega-Lite chart built from the same rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lumbung.portal import charts, numbers

#: The paper's portfolio target, percent of a bank's outstanding credit (p. 10).
TARGET_PERCENT = 20.0
TARGET_SOURCE = "DIMENSIA 5(1), 2011, p. 10 (Kuncoro 2000): minimum 20% dari portofolio kredit bank"
WHOLE = "__all__"


@dataclass
class Line:
    bank: str  # WHOLE for the sum of every bank
    period: str
    outstanding: int
    small: int
    banks: int = 1

    @property
    def share(self) -> float | None:
        return 100.0 * self.small / self.outstanding if self.outstanding else None

    @property
    def meets(self) -> bool | None:
        return None if self.share is None else self.share >= TARGET_PERCENT


@dataclass
class Monitor:
    lines: list[Line] = field(default_factory=list)  # per bank and period
    whole: list[Line] = field(default_factory=list)  # per period, every bank summed
    chart: dict | None = None
    banks: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # the table, formatted
    whole_rows: list[dict] = field(default_factory=list)


def period_label(year: int, period: str) -> str:
    return str(year) if period == "Y" else f"{year}-{period}"


def _formatted(line: Line, lang: str) -> dict:
    return {"bank": line.bank, "period": line.period, "outstanding": numbers.rupiah(line.outstanding, lang),
            "small": numbers.rupiah(line.small, lang), "share": numbers.percent(line.share, 1, lang),
            "meets": line.meets, "banks": line.banks}


def monitor(reports, lang: str, single: str | None = None) -> Monitor:
    """Lines per bank and period, the whole per period (banks that reported that period), the table
    and the chart (each bank, the whole unless ``single``, and the 20% target as a rule)."""
    out = Monitor()
    sums: dict[str, Line] = {}
    for report in reports.order_by("year", "period", "bank"):
        label = period_label(report.year, report.period)
        out.lines.append(Line(report.bank, label, report.outstanding_credit, report.small_business_credit))
        total = sums.setdefault(label, Line(WHOLE, label, 0, 0, 0))
        total.outstanding += report.outstanding_credit
        total.small += report.small_business_credit
        total.banks += 1
    out.whole = list(sums.values())
    out.banks = sorted({line.bank for line in out.lines})
    out.rows = [_formatted(line, lang) for line in out.lines]
    out.whole_rows = [_formatted(line, lang) for line in out.whole]
    out.chart = chart(out, lang, single) if out.lines else None
    return out


def chart(result: Monitor, lang: str, single: str | None) -> dict:
    whole_name = _("All banks")
    data = [{"bank": line.bank, "period": line.period, "share": round(line.share, 2),
             "text": numbers.percent(line.share, 1, lang)} for line in result.lines if line.share is not None]
    if single is None:
        data += [{"bank": whole_name, "period": line.period, "share": round(line.share, 2),
                  "text": numbers.percent(line.share, 1, lang)} for line in result.whole if line.share is not None]
    periods = sorted({d["period"] for d in data})
    series = ([] if single else [whole_name]) + result.banks
    target = _("Target {n}% (paper p. 10)").format(n=numbers.number(TARGET_PERCENT, 0, lang))
    return {
        "$schema": charts.SCHEMA,
        "description": _("Share of outstanding credit lent to small business, by bank, against the 20% target"),
        "width": "container", "height": 260, "autosize": {"type": "fit-x", "contains": "padding"},
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}},
        "layer": [
            {"data": {"values": data},
             "mark": {"type": "line", "point": True, "tooltip": True},
             "encoding": {
                 "x": {"field": "period", "type": "ordinal", "sort": periods, "title": None,
                       "axis": {"labelAngle": 0}},
                 "y": {"field": "share", "type": "quantitative", "title": "%", "scale": {"zero": True}},
                 "color": {"field": "bank", "type": "nominal", "title": None,
                           "scale": {"domain": series, "range": list(charts.OKABE_ITO)},
                           "legend": {"orient": "top", "columns": 2}},
                 "strokeWidth": {"condition": {"test": f"datum.bank === {whole_name!r}", "value": 4}, "value": 2},
                 "tooltip": [{"field": "bank", "title": " "}, {"field": "period", "title": " "},
                             {"field": "text", "title": " "}]}},
            {"data": {"values": [{"target": TARGET_PERCENT, "label": target}]},
             "mark": {"type": "rule", "strokeDash": [6, 4], "color": "#D55E00"},
             "encoding": {"y": {"field": "target", "type": "quantitative"}}},
            {"data": {"values": [{"target": TARGET_PERCENT, "label": target}]},
             "mark": {"type": "text", "align": "left", "dy": -6, "x": 4, "color": "#D55E00"},
             "encoding": {"y": {"field": "target", "type": "quantitative"}, "text": {"field": "label"}}},
        ],
    }
