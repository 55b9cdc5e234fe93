"""Vega-Lite specifications of the portal's charts, built from the rows of a table (so a chart
shows exactly the figures of the table under it; suppressed cells are left out of the chart and
marked in the table). Rendered in the browser by static/portal/charts.js with vega-embed.

Colours: the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), distinguishable
under the common colour-vision deficiencies; the map uses viridis (van der Walt & Smith 2015),
a sequential scale that stays ordered in grey and for colour-blind readers.
"""

from __future__ import annotations

import json

from lumbung.portal import labels, numbers
from lumbung.portal.tables import Row

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
VIRIDIS_5 = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier, never fetched


def money_scale(values: list[float]) -> tuple[float, str]:
    """Divisor and unit word for a money axis (Rp juta / miliar / triliun), from the largest value."""
    top = max((abs(v) for v in values), default=0)
    for factor, word_id, word_en in numbers.SCALES:
        if top >= factor:
            return factor, "Rp " + (word_id if labels.lang() == "id" else word_en)
    return 1.0, "Rp"


def records(rows: list[Row], indicators, category: str = "category") -> list[dict]:
    """Chart data: one record per shown (not suppressed) cell of ``indicators``, with its
    formatted text (a row's cells follow the order of the table's indicators: each cell names its
    indicator in its key)."""
    wanted = {i.id: i for i in indicators}
    out = []
    for row in rows:
        for cell in row.cells:
            ind = wanted.get(json.loads(cell.key)["indicator"])
            if ind is None or cell.value is None:
                continue
            out.append({category: row.header, "series": labels.indicator_name(ind), "value": cell.value,
                        "text": cell.text, **{k: str(v) for k, v in row.codes.items()}})
    return out


def _scaled(data: list[dict], unit: str) -> tuple[list[dict], str]:
    if unit in ("rupiah", "rupiah per worker"):
        factor, word = money_scale([d["value"] for d in data])
        return [{**d, "value": d["value"] / factor} for d in data], word
    return data, "%" if unit == "percent" else ""


def _base(description: str, data: list[dict]) -> dict:
    return {"$schema": SCHEMA, "description": description, "data": {"values": data},
            "width": "container", "autosize": {"type": "fit-x", "contains": "padding"},
            "config": {"font": "system-ui, sans-serif", "axis": {"labelLimit": 160}, "view": {"stroke": None}}}


def grouped_bars(description: str, rows: list[Row], indicators, unit: str) -> dict:
    """Categories down the side, one bar per indicator (shares by size class side by side)."""
    data, axis = _scaled(records(rows, indicators), unit)
    order = [r.header for r in rows]
    spec = _base(description, data)
    spec.update({
        "mark": {"type": "bar", "tooltip": True},
        "height": {"step": 14},
        "encoding": {
            "y": {"field": "category", "type": "nominal", "sort": order, "title": None},
            "yOffset": {"field": "series", "type": "nominal", "sort": [labels.indicator_name(i) for i in indicators]},
            "x": {"field": "value", "type": "quantitative", "title": axis, "axis": {"format": ",.3~f"}},
            "color": {"field": "series", "type": "nominal", "title": None,
                      "scale": {"domain": [labels.indicator_name(i) for i in indicators], "range": list(OKABE_ITO)},
                      "legend": {"orient": "top", "columns": 2}},
            "tooltip": [{"field": "category", "title": " "}, {"field": "series", "title": " "},
                        {"field": "text", "title": " "}],
        },
    })
    return spec


def bars(description: str, rows: list[Row], indicator, sort_by_value: bool = False) -> dict:
    data, axis = _scaled(records(rows, [indicator]), indicator.unit)
    spec = _base(description, data)
    spec.update({
        "mark": {"type": "bar", "tooltip": True, "color": OKABE_ITO[0]},
        "height": {"step": 20},
        "encoding": {
            "y": {"field": "category", "type": "nominal", "title": None,
                  "sort": "-x" if sort_by_value else [r.header for r in rows]},
            "x": {"field": "value", "type": "quantitative", "title": axis, "axis": {"format": ",.3~f"}},
            "tooltip": [{"field": "category", "title": " "}, {"field": "text", "title": " "}],
        },
    })
    return spec


def pyramid(description: str, rows: list[Row], left, right) -> dict:
    """Units (left) against output (right) by size class, large at the top: the paper's pyramid."""
    data = []
    for rec in records(rows, [left, right]):
        sign = -1 if rec["series"] == labels.indicator_name(left) else 1
        data.append({**rec, "value": sign * rec["value"]})
    spec = _base(description, data)
    order = [r.header for r in reversed(rows)]
    spec.update({
        "mark": {"type": "bar", "tooltip": True},
        "height": {"step": 24},
        "encoding": {
            "y": {"field": "category", "type": "nominal", "sort": order, "title": None},
            "x": {"field": "value", "type": "quantitative", "title": "%",
                  "axis": {"labelExpr": "format(abs(datum.value), ',.0f')"}},
            "color": {"field": "series", "type": "nominal", "title": None,
                      "scale": {"domain": [labels.indicator_name(left), labels.indicator_name(right)],
                                "range": list(OKABE_ITO[:2])},
                      "legend": {"orient": "top"}},
            "tooltip": [{"field": "category", "title": " "}, {"field": "series", "title": " "},
                        {"field": "text", "title": " "}],
        },
    })
    return spec


def lines(description: str, rows: list[Row], indicators) -> dict:
    """Years across, one small panel per indicator with its own scale (units differ)."""
    data = []
    for ind in indicators:
        part, axis = _scaled(records(rows, [ind]), ind.unit)
        data += [{**d, "series": f"{d['series']} ({axis})" if axis else d["series"]} for d in part]
    spec = _base(description, data)
    spec.pop("width")
    spec.pop("autosize")
    spec.update({
        "facet": {"field": "series", "type": "nominal", "title": None, "header": {"labelFontWeight": "bold"}},
        "columns": 2,
        "resolve": {"scale": {"y": "independent"}},
        "spec": {
            "width": 150, "height": 110,
            "mark": {"type": "line", "point": True, "tooltip": True, "color": OKABE_ITO[0]},
            "encoding": {
                "x": {"field": "year", "type": "ordinal", "title": None},
                "y": {"field": "value", "type": "quantitative", "title": None, "axis": {"format": ",.3~f"}},
                "tooltip": [{"field": "year", "title": " "}, {"field": "text", "title": " "}],
            },
        },
    })
    return spec
