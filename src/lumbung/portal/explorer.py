"""The indicator explorer's state (all of it in the query string, so a view can be shared and
bookmarked) and its answer: the table shown, the chart, and the same rows as CSV and XLSX.

Query string, as the CLI's options (``lumbung indicators``): ``indicator`` (repeated), ``by``
(repeated), ``year`` (repeated), ``regime``, ``where`` (repeated ``DIM=VALUE``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pandas as pd
import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext as _

from lumbung import geography, sectors
from lumbung.indicators.catalogue import CatalogueError, catalogue
from lumbung.indicators.dimensions import DIMENSIONS, DimensionError
from lumbung.indicators.schema import REGIME_IDS
from lumbung.indicators.sqlgen import QueryError
from lumbung.portal import charts, figures, labels, numbers, tables
from lumbung.sizeclass import SIZE_CLASSES
from lumbung.vocabulary import GENDERS, LEGAL_STATUSES

#: Values of the choice dimensions (lumbung.vocabulary).
CHOICES = {"legal_status": LEGAL_STATUSES, "owner_gender": GENDERS}

MAX_CELLS = 5000
SUPPRESSION_NOTE_ID = ("◆ = disembunyikan oleh pengendalian pengungkapan (sel dengan kurang dari 3 usaha, satu usaha "
                       "menguasai lebih dari 85% nilainya, atau sel yang dapat menghitung balik sel tersebut).")


@dataclass
class State:
    indicators: list[str] = field(default_factory=list)
    by: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    regime: str = "bps-workers"
    where: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def query_string(self) -> str:
        pairs = [("indicator", i) for i in self.indicators] + [("by", b) for b in self.by]
        pairs += [("year", str(y)) for y in self.years] + [("regime", self.regime)]
        pairs += [("where", f"{d}={v}") for d, values in self.where.items() for v in values]
        return urlencode(pairs)


def parse(params) -> State:
    """The state from a QueryDict (or a dict of lists); unknown names are dropped and reported."""
    state = State()
    known = catalogue()
    for ident in params.getlist("indicator"):
        for part in ident.split(","):
            part = part.strip()
            if part in known and part not in state.indicators:
                state.indicators.append(part)
            elif part:
                state.problems.append(_("unknown indicator {id!r}").format(id=part))
    for dim in params.getlist("by"):
        if dim in DIMENSIONS and dim not in state.by:
            state.by.append(dim)
        elif dim:
            state.problems.append(_("unknown dimension {dim!r}").format(dim=dim))
    for text in params.getlist("year"):
        if text.strip().isdigit():
            state.years.append(int(text))
        elif text.strip():
            state.problems.append(_("{text!r} is not a year").format(text=text))
    state.years = sorted(set(state.years))
    regime = params.get("regime") or "bps-workers"
    state.regime = regime if regime in REGIME_IDS else "bps-workers"
    for item in params.getlist("where"):
        dim, _sep, value = item.partition("=")
        dim, value = dim.strip(), value.strip()
        if dim in DIMENSIONS and value:
            state.where.setdefault(dim, []).append(value)
        elif item.strip():
            state.problems.append(_("cannot read the filter {item!r}: give DIMENSION=VALUE").format(item=item))
    return state


#: Dimensions offered as filters, in the form's order. District is left out of the lists (about
#: 7,300 of them); a district filter in the address still applies and is shown as chosen.
FILTERS = ("province", "regency", "kbli_section", "kbli_division", "size_class", "reported_scale", "legal_status",
           "owner_gender")


@dataclass
class Filter:
    """One filter of the form: a dimension, its name, and its values to pick from, in groups
    (``(group name or "", [(value, name, chosen), ...])``: regencies under their province, KBLI
    divisions under their section)."""

    dimension: str
    name: str
    groups: list[tuple[str, list[tuple[str, str, bool]]]]

    @property
    def chosen(self) -> int:
        return sum(chosen for _group, options in self.groups for _v, _n, chosen in options)


def _values(dimension: str) -> list[tuple[str, list[str]]]:
    """The reference data's values of a filter dimension, grouped (lumbung.geography,
    lumbung.sectors, lumbung.sizeclass, lumbung.vocabulary), plus the unknown bucket."""
    if dimension == "province":
        groups = [("", [code for code, _name in geography.provinces()])]
    elif dimension == "regency":
        groups = [(code, [child for child, _name in geography.children(code)]) for code, _name in geography.provinces()]
    elif dimension == "kbli_section":
        groups = [("", [row.code for row in sectors.sections()])]
    elif dimension == "kbli_division":
        groups = [(row.code, [d.code for d in sectors.divisions(row.code)]) for row in sectors.sections()]
    elif dimension in ("size_class", "reported_scale"):
        groups = [("", list(SIZE_CLASSES))]
    else:
        groups = [("", list(CHOICES[dimension]))]
    return [*groups, ("", [labels.UNKNOWN])]


def filters(state: State) -> list[Filter]:
    """The filter lists of the form, the state's values marked chosen; a value of the address that
    no list has (a district, an unknown code) is kept as a chosen option of its own, so the form
    sends back what the page shows."""
    out = []
    wanted = {d: set(v) for d, v in state.where.items()}
    for dimension in (*FILTERS, *[d for d in state.where if d not in FILTERS]):
        chosen = wanted.get(dimension, set())
        groups, listed = [], set()
        for group, codes in _values(dimension) if dimension in FILTERS else []:
            title = labels.value("province" if dimension == "regency" else "kbli_section", group) if group else ""
            groups.append((title, [(code, labels.value(dimension, code), code in chosen) for code in codes]))
            listed.update(codes)
        extra = [v for v in state.where.get(dimension, []) if v not in listed]
        if extra:
            groups.append(("", [(v, labels.value(dimension, v), True) for v in extra]))
        out.append(Filter(dimension, labels.dimension(dimension), groups))
    return out


@dataclass
class Answer:
    state: State
    frame: pd.DataFrame | None = None
    rows: list[dict] = field(default_factory=list)
    reason: str = ""
    chart: dict | None = None

    @property
    def suppressed(self) -> bool:
        return any(r["suppressed"] for r in self.rows)


def _empty_reason(state: State) -> str:
    available = figures.years()
    missing = [y for y in state.years if y not in available]
    if state.years and len(missing) == len(state.years):
        return _("No data for {years}: the registry has reports for {available}.").format(
            years=", ".join(map(str, missing)), available=", ".join(map(str, available)) or "-")
    if state.where:
        filters = ", ".join(f"{labels.dimension(d)} = {', '.join(v)}" for d, v in state.where.items())
        return _("The filter {filters} matches no enterprise in the chosen years.").format(filters=filters)
    return _("The registry has no enterprises for this query.")


def answer(state: State) -> Answer:
    result = Answer(state)
    if not state.indicators:
        result.reason = _("Choose at least one indicator.")
        return result
    try:
        frame = figures.query(state.indicators, state.by, years=state.years or None, where=state.where or None,
                              regime=state.regime)
    except (QueryError, DimensionError, CatalogueError, KeyError, ValueError) as error:
        result.reason = str(error.args[0] if isinstance(error, KeyError) else error)
        return result
    if frame.empty:
        result.reason = _empty_reason(state)
        return result
    if len(frame) > MAX_CELLS:
        result.reason = _("The query has {n} cells, more than the {max} a page shows: choose fewer dimensions, "
                          "years or indicators, or add a filter.").format(n=len(frame), max=MAX_CELLS)
        return result
    result.frame = frame
    result.rows = shown_rows(frame, state.by, figures.context(state.years, state.where))
    result.chart = chart(result)
    return result


def shown_rows(frame: pd.DataFrame, by: list[str], common: dict | None = None) -> list[dict]:
    """The table as shown (and downloaded): one row per cell x indicator, in the engine's order."""
    known = catalogue()
    lang = labels.lang()
    out = []
    for rec in frame.to_dict("records"):
        ind = known[rec["indicator"]]
        suppressed = bool(rec["suppressed"])
        value = None if suppressed or pd.isna(rec["value"]) else round(float(rec["value"]), ind.decimals)
        out.append({
            "codes": {d: str(rec[d]) for d in by},
            "names": [labels.value(d, rec[d]) for d in by],
            "indicator": ind.id, "indicator_name": labels.indicator_name(ind), "unit": ind.unit,
            "value": value, "suppressed": suppressed, "decimals": ind.decimals,
            "text": tables.SUPPRESSED if suppressed else ("–" if value is None else
                                                         numbers.by_unit(value, ind.unit, ind.decimals, lang)),
            "exact": "" if value is None else numbers.number(value, ind.decimals, lang),
            "key": tables.cell_key(ind.id, {**(common or {}), **{d: rec[d] for d in by}}),
        })
    return out


def chart(result: Answer) -> dict | None:
    """Bars of the first indicator over the first dimension (coloured by the second), or lines over
    the years when year is the only dimension."""
    state = result.state
    first = [r for r in result.rows if r["indicator"] == state.indicators[0] and r["value"] is not None]
    if not first or not state.by:
        return None
    ind = catalogue()[state.indicators[0]]
    data = [{"category": r["names"][0], "series": " · ".join(r["names"][1:]) or labels.indicator_name(ind),
             "value": r["value"], "text": r["text"]} for r in first]
    factor, axis = (charts.money_scale([d["value"] for d in data]) if ind.unit.startswith("rupiah")
                    else (1.0, "%" if ind.unit == "percent" else ""))
    for d in data:
        d["value"] = d["value"] / factor
    description = _("{indicator} by {dims}").format(indicator=labels.indicator_name(ind),
                                                     dims=", ".join(labels.dimension(d) for d in state.by))
    spec = {"$schema": charts.SCHEMA, "description": description, "data": {"values": data},
            "width": "container", "autosize": {"type": "fit-x", "contains": "padding"},
            "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}, "axis": {"labelLimit": 160}}}
    colour = {"field": "series", "type": "nominal", "title": None, "scale": {"range": list(charts.OKABE_ITO)},
              "legend": {"orient": "top", "columns": 2}}
    tooltip = [{"field": "category", "title": " "}, {"field": "series", "title": " "}, {"field": "text", "title": " "}]
    if state.by[0] == "year":
        spec.update({"mark": {"type": "line", "point": True, "tooltip": True}, "height": 220, "encoding": {
            "x": {"field": "category", "type": "ordinal", "title": labels.dimension("year")},
            "y": {"field": "value", "type": "quantitative", "title": axis, "axis": {"format": ",.3~f"}},
            "color": colour, "tooltip": tooltip}})
    else:
        spec.update({"mark": {"type": "bar", "tooltip": True}, "height": {"step": 16}, "encoding": {
            "y": {"field": "category", "type": "nominal", "title": None, "sort": None},
            "x": {"field": "value", "type": "quantitative", "title": axis, "axis": {"format": ",.3~f"}},
            "color": colour, "tooltip": tooltip, **({"yOffset": {"field": "series"}} if len(state.by) > 1 else {})}})
    return spec


# ---------------------------------------------------------------- downloads


def _header(by: list[str]) -> list[str]:
    out = []
    for d in by:
        out += [d, labels.dimension(d)]
    return [*out, "indicator", _("Indicator"), _("Unit"), "value", _("Suppressed")]


def _cells(row: dict) -> list:
    out = []
    for code, name in zip(row["codes"].values(), row["names"], strict=True):
        out += [code, name]
    return [*out, row["indicator"], row["indicator_name"], row["unit"], row["value"],
            _("yes") if row["suppressed"] else ""]


def safe_text(value):
    """A text cell a spreadsheet would not evaluate (OWASP CSV injection): a leading = + - @ tab CR
    gets a quote in front."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(result: Answer) -> str:
    """The shown rows, machine-readable: codes and names of each dimension, the indicator, its value
    (rounded as the catalogue says, ``.`` as decimal point) and whether it was suppressed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_header(result.state.by))
    for row in result.rows:
        writer.writerow(["" if v is None else safe_text(v) for v in _cells(row)])
    if result.suppressed:
        writer.writerow([])
        writer.writerow([_("Suppressed cells are empty: disclosure control hides cells of fewer than 3 enterprises, "
                           "cells where one enterprise holds most of the value, and cells that would let them be "
                           "worked out.")])
    return buffer.getvalue()


#: The second sheet of a download without disclosure control (the analysts' and officers' explorers).
UNSUPPRESSED_NOTE_ID = ("Tanpa pengendalian pengungkapan: sel dengan kurang dari 3 usaha ikut ditampilkan. Hanya untuk "
                        "pekerjaan di dalam wilayah Anda; jangan diterbitkan.")


def to_xlsx(result: Answer, public: bool = True) -> bytes:
    """The shown rows as a workbook with Indonesian headers and number formats (thousands grouped,
    decimals as the catalogue says; Excel shows them with the reader's separators, 1.234.567,8 in
    an Indonesian Excel), suppression marked ◆ and explained on a second sheet (``public`` false:
    the sheet says the figures are not suppressed and not for publication)."""
    with translation.override("id"):
        return _xlsx(result, public)


def _xlsx(result: Answer, public: bool = True) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("Indikator")
    bold = book.add_format({"bold": True, "bottom": 1})
    formats = {d: book.add_format({"num_format": "#,##0" + ("." + "0" * d if d else "")}) for d in range(0, 4)}
    by = result.state.by
    header = []
    for d in by:
        header += [f"Kode {labels.dimension(d).lower()}", labels.dimension(d)]
    header += ["Kode indikator", "Indikator", "Satuan", "Nilai", "Keterangan"]
    for col, text in enumerate(header):
        sheet.write_string(0, col, text, bold)
    known = catalogue()
    for line, row in enumerate(result.rows, start=1):
        col = 0
        for d, code in row["codes"].items():
            sheet.write_string(line, col, code)
            sheet.write_string(line, col + 1, labels.value(d, code))
            col += 2
        sheet.write_string(line, col, row["indicator"])
        sheet.write_string(line, col + 1, known[row["indicator"]].name_id)
        sheet.write_string(line, col + 2, labels.UNITS_ID.get(row["unit"], row["unit"]))
        if row["suppressed"]:
            sheet.write_string(line, col + 3, tables.SUPPRESSED)
            sheet.write_string(line, col + 4, "disembunyikan")
        elif row["value"] is not None:
            sheet.write_number(line, col + 3, row["value"], formats[min(row["decimals"], 3)])
    sheet.set_column(0, len(header), 18)
    note = book.add_worksheet("Keterangan")
    if public:
        note.write_string(0, 0, SUPPRESSION_NOTE_ID)
        note.write_string(1, 0, "Sumber: register Lumbung, tabel analitik; pengendalian pengungkapan seperti "
                                "`lumbung indicators --public`.")
    else:
        note.write_string(0, 0, UNSUPPRESSED_NOTE_ID)
        note.write_string(1, 0, "Sumber: register Lumbung, tabel analitik, seperti `lumbung indicators` tanpa --public.")
    book.close()
    return buffer.getvalue()
