"""The overview's sections (national, or one province): each a figure of the engine with its
chart, its table and one sentence saying what it shows. Used by the overview and province pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lumbung.indicators.catalogue import get as indicators_by_id
from lumbung.portal import charts, figures, labels, numbers, tables
from lumbung.portal.figures import Figure

SHARES = ("share_firms", "share_workers", "share_output", "share_value_added")
TRENDS = ("firms", "workers", "output", "value_added")
DYNAMICS = ("entry_rate", "exit_rate", "graduation_rate")
SECTORS = ("firms", "workers", "value_added")
TOP_DIVISIONS = 10


@dataclass
class Section:
    slug: str
    title: str
    explanation: str
    indicators: list
    rows: list[tables.Row]
    totals: list[tables.Row] = field(default_factory=list)
    chart: dict | None = None
    first_header: str = ""
    note: str = ""

    @property
    def suppressed(self) -> bool:
        return tables.any_suppressed(self.rows) or tables.any_suppressed(self.totals)

    @property
    def empty(self) -> bool:
        return not self.rows


def _subset(fig: Figure, ids) -> Figure:
    keep = fig.rows[fig.rows["indicator"].isin(ids)]
    return Figure(fig.slug, indicators_by_id(list(ids)), fig.by, keep, context=fig.context)


def shares(year: int, where: dict | None) -> list[Section]:
    fig = figures.figure("shares", SHARES, ["size_class"], years=[year], where=where)
    rows = tables.rows(fig)
    inds = fig.indicators
    text = _("Shares of enterprises, persons engaged, output and value added of each size class in {year}. "
             "The paper's contradiction: small industry leads in units and labour but lags in output.").format(year=year)
    first = Section("shares", _("Size classes side by side"), text, inds, rows,
                    chart=charts.grouped_bars(text, rows, inds, "percent"), first_header=labels.dimension("size_class"))
    pair = _subset(fig, ("share_firms", "share_output"))
    pair_rows = tables.rows(pair)
    pyramid_text = _("The pyramid: each class's share of enterprises (left) against its share of output (right) "
                     "in {year}, large enterprises at the top.").format(year=year)
    second = Section("pyramid", _("Pyramid of units against the distribution of output"), pyramid_text,
                     pair.indicators, pair_rows,
                     chart=charts.pyramid(pyramid_text, pair_rows, *pair.indicators),
                     first_header=labels.dimension("size_class"))
    return [first, second]


def productivity(year: int, where: dict | None) -> Section:
    fig = figures.figure("productivity", ["va_per_worker"], ["size_class"], years=[year], where=where, total=True)
    rows = tables.rows(fig)
    text = _("Value added per person engaged by size class in {year} (rupiah per worker).").format(year=year)
    return Section("productivity", _("Value added per worker"), text, fig.indicators, rows, tables.total_rows(fig),
                   chart=charts.bars(text, rows, fig.indicators[0]), first_header=labels.dimension("size_class"))


def trends(years: list[int], where: dict | None) -> Section:
    fig = figures.figure("trends", TRENDS, ["year"], years=years, where=where)
    rows = tables.rows(fig)
    text = _("Enterprises, persons engaged, output and value added in each year of the registry.")
    return Section("trends", _("Trends over the years"), text, fig.indicators, rows,
                   chart=charts.lines(text, rows, fig.indicators) if len(rows) > 1 else None,
                   first_header=labels.dimension("year"))


def dynamics(years: list[int], where: dict | None) -> Section | None:
    """Entry, exit and graduation need the year before: the registry's first year is left out."""
    later = years[1:]
    if not later:
        return None
    fig = figures.figure("dynamics", DYNAMICS, ["year"], years=later, where=where)
    rows = tables.rows(fig)
    text = _("Entry (new this year), exit (reported last year, not this year) and graduation (a larger size "
             "class than last year) as percentages, each year against the one before.")
    return Section("dynamics", _("Entry, exit and graduation"), text, fig.indicators, rows,
                   chart=charts.lines(text, rows, fig.indicators) if len(rows) > 1 else None,
                   first_header=labels.dimension("year"))


def _ranked(fig: Figure, ranking: str, limit: int | None) -> list[tuple]:
    """Cell keys by the ranking indicator, largest first; suppressed cells last (not ranked)."""
    frame = fig.rows[fig.rows["indicator"] == ranking]
    shown = frame[~frame["suppressed"]].sort_values("value", ascending=False, kind="stable")
    hidden = frame[frame["suppressed"]].sort_values(fig.by[0], kind="stable")
    keys = [(str(v),) for v in [*shown[fig.by[0]], *hidden[fig.by[0]]]]
    return keys[:limit] if limit else keys


def ranking(slug: str, dim: str, year: int, where: dict | None, limit: int | None, title: str,
            text: str) -> Section:
    fig = figures.figure(slug, SECTORS, [dim], years=[year], where=where, total=True)
    rows = tables.rows(fig, order=_ranked(fig, "firms", limit)) if not fig.empty else []
    note = ""
    count = len(fig.rows[fig.rows["indicator"] == "firms"])
    if limit and count > limit:
        note = _("The {limit} largest of {count}; the explorer shows them all.").format(limit=limit, count=count)
    return Section(slug, title, text, fig.indicators, rows, tables.total_rows(fig),
                   chart=charts.bars(text, rows, fig.indicators[0], sort_by_value=False) if rows else None,
                   first_header=labels.dimension(dim), note=note)


def divisions(year: int, where: dict | None) -> Section:
    text = _("KBLI 2020 divisions with the most enterprises in {year}, with their persons engaged and value "
             "added.").format(year=year)
    return ranking("divisions", "kbli_division", year, where, TOP_DIVISIONS, _("Top KBLI divisions"), text)


def regencies(year: int, province: str) -> Section:
    text = _("Regencies and cities of the province ranked by their enterprises in {year}.").format(year=year)
    return ranking("regencies", "regency", year, {"province": [province]}, None,
                   _("Regencies and cities ranked"), text)


@dataclass
class Coverage:
    year: int
    rows: list[dict]
    total: dict | None


def coverage(year: int) -> Coverage | None:
    """Published BPS IMK enterprise counts by province beside the registry's, and the registry's
    coverage of them (registry / published). Published year: the chosen one, else the latest loaded."""
    if not figures.has_published():
        return None
    published = figures.query(["firms"], ["year", "province"], source="published")
    if published.empty:
        return None
    years = sorted({int(y) for y in published["year"]})
    pub_year = year if year in years else years[-1]
    published = published[published["year"] == pub_year]
    registry = figures.query(["firms"], ["province"], years=[pub_year]) if pub_year in figures.years() else None
    lang = labels.lang()
    reg = {} if registry is None else {str(r["province"]): r for r in registry.to_dict("records")}
    rows = []
    for rec in published.sort_values("province").to_dict("records"):
        code = str(rec["province"])
        mine = reg.get(code)
        mine_value = None if mine is None or mine["suppressed"] else float(mine["value"])
        pub_value = None if rec["suppressed"] else float(rec["value"])
        share = 100 * mine_value / pub_value if mine_value is not None and pub_value else None
        rows.append({"code": code, "name": labels.value("province", code),
                     "published": numbers.number(pub_value, 0, lang) if pub_value is not None else tables.SUPPRESSED,
                     "registry": (tables.SUPPRESSED if mine is not None and mine["suppressed"]
                                  else numbers.number(mine_value, 0, lang) if mine_value is not None else "–"),
                     "registry_key": tables.cell_key("firms", {"year": pub_year, "province": code}) if mine is not None else "",
                     "coverage": numbers.percent(share, 1, lang) if share is not None else "–"})
    return Coverage(pub_year, rows, None)


def sections(year: int, years: list[int], where: dict | None = None) -> list[Section]:
    out = [*shares(year, where), productivity(year, where), trends(years, where)]
    moves = dynamics(years, where)
    if moves:
        out.append(moves)
    out.append(divisions(year, where))
    return out
