"""The province map: any catalogue indicator in any year, tile grid (or GeoJSON shapes), with
legend and a table beside it."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from lumbung.indicators.catalogue import catalogue
from lumbung.portal import catalogue_groups, figures, labels, maps, numbers, pagecache, tables
from lumbung.portal.views.common import chosen_year, no_data, public

DEFAULT = "firms"


def _legend(bounds: list[float], indicator, lang: str) -> list[dict]:
    out, low = [], None
    for bound in bounds:
        fill, _dark = maps.colour(bound, bounds)
        low_text = numbers.by_unit(low, indicator.unit, indicator.decimals, lang) if low is not None else ""
        high_text = numbers.by_unit(bound, indicator.unit, indicator.decimals, lang)
        out.append({"fill": fill, "text": f"{low_text} – {high_text}" if low_text else f"≤ {high_text}"})
        low = bound
    return out


@public
def province_map(request):
    years = figures.years()
    year = chosen_year(request, years)
    if year is None:
        return no_data(request, _("Map"))
    known = catalogue()
    indicator = known.get(request.GET.get("indicator", DEFAULT)) or known[DEFAULT]
    params = (("indicator", indicator.id), ("year", year), ("shapes", maps.shapes_version()))

    def context() -> dict:
        body = pagecache.cached("map", params, lambda: _body(request, indicator, year, years))
        return {"body": mark_safe(body)}  # rendered by _body

    return pagecache.page(request, "map", "portal/map.html", context, extra=params)


def _body(request, indicator, year: int, years: list[int]) -> str:
    fig = figures.figure("map", [indicator.id], ["province"], years=[year], total=True)
    rows = tables.rows(fig)
    values = {}
    for row in rows:
        cell = row.cells[0]
        text = _("suppressed") if cell.suppressed else cell.text
        values[row.codes["province"]] = (cell.value, text)
    tiles, bounds = maps.tiles(values)
    lang = labels.lang()
    context = {"year": year, "years": years, "indicator": indicator, "indicator_name": labels.indicator_name(indicator),
               "groups": catalogue_groups.groups(), "tiles": tiles, "legend": _legend(bounds, indicator, lang),
               "rows": rows, "totals": tables.total_rows(fig), "fig_indicators": fig.indicators, "shapes": bool(maps.shapes()),
               "suppressed": tables.any_suppressed(rows), "no_value": maps.NO_VALUE,
               "width": 16 * (maps.TILE + maps.GAP), "height": 6 * (maps.TILE + maps.GAP), "tile": maps.TILE}
    return render_to_string("portal/_map_body.html", context, request)
