"""The ensemble report: one PNG per chart (matplotlib, Agg) and a self-contained HTML page.

The page has its CSS inline and refers to nothing outside its folder: charts are PNG files in
``charts/`` next to it, referenced by relative paths, so the folder can be copied, zipped or
opened offline. Labels are in Indonesian (``lang="id"``) or English (``lang="en"``).
"""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: charts are files (must precede pyplot's import)
import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from lumbung import numbers  # noqa: E402
from lumbung.errors import UserError  # noqa: E402
from lumbung.i18n import _  # noqa: E402
from lumbung.lab import outputs  # noqa: E402
from lumbung.lab.codes import PERIODS_PER_YEAR, SIZE_CLASSES  # noqa: E402
from lumbung.lab.outputs import ALL  # noqa: E402

LANGS = ("id", "en")

LABELS: dict[str, dict[str, str]] = {
    "title": {"id": "Laboratorium kebijakan IKM: hasil simulasi",
              "en": "IKM policy lab: simulation results"},
    "period": {"id": "Periode (triwulan)", "en": "Period (quarter)"},
    "time": {"id": "Tahun sejak awal (langkah triwulanan)", "en": "Years from the start (quarterly steps)"},
    "firms": {"id": "Jumlah usaha", "en": "Firms"},
    "workers": {"id": "Tenaga kerja", "en": "Workers"},
    "jobs": {"id": "Lapangan kerja", "en": "Jobs"},
    "output": {"id": "Output", "en": "Output"},
    "value_added": {"id": "Nilai tambah", "en": "Value added"},
    "entries": {"id": "Usaha baru", "en": "Entries"},
    "exits": {"id": "Usaha keluar", "en": "Exits"},
    "upgrades": {"id": "Beralih ke teknik modern", "en": "Upgrades to modern technique"},
    "graduations": {"id": "Naik kelas", "en": "Graduations to a larger size class"},
    "share_traditional": {"id": "Pangsa usaha dengan teknik tradisional",
                          "en": "Share of firms using traditional technique"},
    "cost": {"id": "Biaya program", "en": "Programme cost"},
    "cost_per_job": {"id": "Biaya per lapangan kerja", "en": "Cost per job"},
    "band": {"id": "median dan pita 5-95% dari {runs} kali jalan",
             "en": "median and 5-95% band over {runs} runs"},
    "difference": {"id": "Selisih terhadap {baseline} (median, pita 5-95%)",
                   "en": "Difference from {baseline} (median, 5-95% band)"},
    "comparison": {"id": "Perbandingan intervensi", "en": "Intervention comparison"},
    "by_size": {"id": "menurut kelas usaha", "en": "by size class"},
    "settings": {"id": "Pengaturan", "en": "Settings"},
    "scenario": {"id": "Skenario", "en": "Scenario"},
    "indicator": {"id": "Indikator", "en": "Indicator"},
    "size_class": {"id": "Kelas usaha", "en": "Size class"},
    "baseline_median": {"id": "Median dasar", "en": "Baseline median"},
    "scenario_median": {"id": "Median skenario", "en": "Scenario median"},
    "difference_median": {"id": "Selisih (median)", "en": "Difference (median)"},
    "difference_p05": {"id": "Selisih (p5)", "en": "Difference (p5)"},
    "difference_p95": {"id": "Selisih (p95)", "en": "Difference (p95)"},
    "runs": {"id": "Jumlah jalan", "en": "Runs"},
    "horizon": {"id": "Nilai pada periode terakhir", "en": "Values in the last period"},
    "p05": {"id": "p5", "en": "p5"}, "median": {"id": "median", "en": "median"},
    "p95": {"id": "p95", "en": "p95"},
    "files": {"id": "Berkas", "en": "Files"},
    "seed": {"id": "Benih acak", "en": "Seed"},
    "years": {"id": "Tahun", "en": "Years"},
    "note": {"id": ("Selisih berpasangan: jalan ke-r setiap skenario memakai undian acak yang sama "
                    "dengan jalan ke-r skenario dasar. Stok (usaha, tenaga kerja, output, nilai "
                    "tambah) pada periode terakhir; arus (masuk, keluar, naik kelas) dijumlah "
                    "sampai periode terakhir."),
             "en": ("Paired differences: run r of every scenario shares its random draws with run "
                    "r of the baseline. Stocks (firms, workers, output, value added) in the last "
                    "period; flows (entries, exits, graduations) summed up to the last period.")},
}

#: BPS size classes (by workers), as the model reports them
SIZE_LABELS = {"micro": {"id": "mikro", "en": "micro"}, "small": {"id": "kecil", "en": "small"},
               "medium": {"id": "menengah", "en": "medium"}, "large": {"id": "besar", "en": "large"},
               ALL: {"id": "semua", "en": "all"}}
SIZE_ORDER = list(SIZE_CLASSES)

#: Indicators in rupiah: shown as short money (Rp1,2 miliar), the others as plain numbers.
MONEY = {"output", "value_added", "cost", "cost_per_job"}

#: Table columns holding the row's indicator value (in its unit); others (runs) are counts.
VALUE_COLUMNS = {"p05", "median", "p95", "baseline_median", "scenario_median", "difference_median",
                 "difference_p05", "difference_p95"}

CHARTS = ("workers", "output", "share_traditional", "entries_by_size", "exits_by_size", "comparison")
COMPARISON_CHART = ["jobs", "output", "value_added", "graduations", "exits"]


def label(key: str, lang: str, **values) -> str:
    entry = LABELS.get(key) or SIZE_LABELS.get(key)
    text = entry[lang] if entry else key
    return text.format(**values) if values else text


def check_language(lang: str) -> None:
    if lang not in LANGS:
        raise UserError(_("unknown language {lang!r}; choose one of: {choices}").format(
            lang=lang, choices=", ".join(LANGS)))


# --------------------------------------------------------------------------- charts


def format_value(value, lang: str, indicator: str | None = None) -> str:
    """A table cell or axis label in the reader's format (lumbung.numbers): ``1.234.567``,
    ``0,123`` and ``Rp1,2 miliar`` in Bahasa Indonesia; ``1,234,567``, ``0.123`` and ``Rp1.2
    billion`` in English; missing values as ``–``."""
    if value is None:
        return ""
    if numbers.missing(value):
        return "–"
    if indicator in MONEY:
        return numbers.rupiah(value, lang)
    return numbers.significant(value, 3, lang)


def _axis_format(axis, lang: str, indicator: str | None = None) -> None:
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: format_value(value, lang, indicator)))


def _series(bands: pl.DataFrame, scenario: str, indicator: str, size_class: str = ALL) -> pl.DataFrame:
    return bands.filter((pl.col("scenario") == scenario) & (pl.col("indicator") == indicator)
                        & (pl.col("size_class") == size_class)).sort("period")


def _draw_band(ax, series: pl.DataFrame, name: str, color) -> None:
    # quarter t (0-based) ends (t + 1) / 4 years after the start
    periods = (series["period"].to_numpy() + 1) / PERIODS_PER_YEAR
    ax.fill_between(periods, series["p05"].to_numpy(), series["p95"].to_numpy(),
                    color=color, alpha=0.2, linewidth=0)
    ax.plot(periods, series["median"].to_numpy(), color=color, label=name, linewidth=1.6)


def _colors(scenarios: list[str]) -> dict[str, tuple]:
    cmap = plt.get_cmap("tab10")
    return {s: cmap(i % 10) for i, s in enumerate(scenarios)}


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return path


def line_chart(bands: pl.DataFrame, indicator: str, scenarios: list[str], runs: int,
               lang: str, path: Path) -> Path:
    """National median of ``indicator`` over time with its 5-95% band, one line per scenario."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    colors = _colors(scenarios)
    for scenario in scenarios:
        _draw_band(ax, _series(bands, scenario, indicator), scenario, colors[scenario])
    ax.set_title(f"{label(indicator, lang)} ({label('band', lang, runs=runs)})", fontsize=10)
    ax.set_xlabel(label("time", lang))
    ax.set_ylabel(label(indicator, lang))
    _axis_format(ax.xaxis, lang)
    _axis_format(ax.yaxis, lang, indicator)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return _save(fig, path)


def by_size_chart(bands: pl.DataFrame, indicator: str, scenarios: list[str], runs: int,
                  lang: str, path: Path) -> Path:
    """One panel per size class: median of ``indicator`` over time with bands, per scenario."""
    present = set(bands.filter(pl.col("size_class") != ALL)["size_class"].unique())
    classes = [c for c in SIZE_ORDER if c in present] + sorted(present - set(SIZE_ORDER))
    fig, axes = plt.subplots(1, max(len(classes), 1), figsize=(3.2 * max(len(classes), 1), 3.4),
                             squeeze=False)
    colors = _colors(scenarios)
    for ax, size_class in zip(axes[0], classes, strict=False):
        for scenario in scenarios:
            _draw_band(ax, _series(bands, scenario, indicator, size_class), scenario, colors[scenario])
        ax.set_title(label(size_class, lang), fontsize=10)
        ax.set_xlabel(label("time", lang))
        _axis_format(ax.xaxis, lang)
        _axis_format(ax.yaxis, lang, indicator)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(label(indicator, lang))
    axes[0][0].legend(fontsize=7)
    fig.suptitle(f"{label(indicator, lang)} {label('by_size', lang)} ({label('band', lang, runs=runs)})",
                 fontsize=10)
    return _save(fig, path)


def _comparison_panel(ax, rows: dict[str, dict], scenarios: list[str], colors: dict, names: bool,
                      lang: str = "id", indicator: str | None = None) -> None:
    """Bars of one indicator's median differences, the 5-95% band as error bars."""
    for i, scenario in enumerate(scenarios):
        if scenario not in rows:
            continue
        r = rows[scenario]
        below = max(r["difference_median"] - r["difference_p05"], 0)
        above = max(r["difference_p95"] - r["difference_median"], 0)
        ax.barh(i, r["difference_median"], color=colors[scenario], alpha=0.8, xerr=[[below], [above]],
                capsize=3)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(scenarios)), scenarios if names else [""] * len(scenarios), fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    _axis_format(ax.xaxis, lang, indicator)


def comparison_chart(comparison: pl.DataFrame, lang: str, path: Path,
                     palette: list[str] | None = None) -> Path:
    """One panel per indicator: each scenario's median difference from the baseline, with
    its 5-95% band as an error bar. ``palette``: scenarios in the line charts' colour order."""
    scenarios = list(comparison["scenario"].unique(maintain_order=True))
    height = 0.9 + 0.45 * max(len(scenarios), 1)
    fig, axes = plt.subplots(1, len(COMPARISON_CHART), figsize=(3.0 * len(COMPARISON_CHART), height),
                             squeeze=False)
    colors = _colors(palette or scenarios)
    for i, (ax, indicator) in enumerate(zip(axes[0], COMPARISON_CHART, strict=True)):
        rows = {r["scenario"]: r for r in comparison.filter(pl.col("indicator") == indicator).iter_rows(named=True)}
        _comparison_panel(ax, rows, scenarios, colors, names=i == 0, lang=lang, indicator=indicator)
        ax.set_title(label(indicator, lang), fontsize=9)
    fig.suptitle(label("difference", lang, baseline=comparison["baseline"][0]), fontsize=10)
    return _save(fig, path)


def write_charts(bands: pl.DataFrame, comparison: pl.DataFrame, scenarios: list[str], runs: int,
                 lang: str, folder: Path) -> dict[str, Path]:
    """Every chart as ``folder/<name>.png``; the comparison only when there is one."""
    folder.mkdir(parents=True, exist_ok=True)
    charts = {}
    for indicator in ("workers", "output", "share_traditional"):
        charts[indicator] = line_chart(bands, indicator, scenarios, runs, lang, folder / f"{indicator}.png")
    for indicator in ("entries", "exits"):
        name = f"{indicator}_by_size"
        charts[name] = by_size_chart(bands, indicator, scenarios, runs, lang, folder / f"{name}.png")
    if comparison.height:
        charts["comparison"] = comparison_chart(comparison, lang, folder / "comparison.png", scenarios)
    return charts


# --------------------------------------------------------------------------- HTML

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;
color:#1f2933;padding:0 1rem;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d9e2ec}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #d9e2ec;padding:.25rem .5rem;text-align:right}
th:first-child,td:first-child,td.text{text-align:left}th{background:#f0f4f8}
img{max-width:100%;height:auto;display:block;margin:.5rem 0}.note{color:#52606d;font-size:.85rem}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}
"""


def _table(frame: pl.DataFrame, lang: str, text_columns: tuple[str, ...]) -> str:
    head = "".join(f"<th>{html.escape(label(c, lang))}</th>" for c in frame.columns)
    body = []
    for row in frame.iter_rows(named=True):
        cells = []
        for column, value in row.items():
            if column in text_columns:
                shown = label(value, lang) if column in ("indicator", "size_class") else value
                cells.append(f'<td class="text">{html.escape(str(shown))}</td>')
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                unit_of = row.get("indicator") if column in VALUE_COLUMNS else None
                cells.append(f"<td>{html.escape(format_value(value, lang, unit_of))}</td>")
            else:
                cells.append(f"<td>{'' if value is None else html.escape(str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _horizon_table(bands: pl.DataFrame) -> pl.DataFrame:
    last = bands["period"].max()
    return (bands.filter((pl.col("period") == last) & (pl.col("size_class") == ALL))
            .select("scenario", "indicator", "p05", "median", "p95"))


def _horizon_by_size(bands: pl.DataFrame) -> pl.DataFrame:
    """Firms and workers by size class in the last period."""
    last = bands["period"].max()
    order = {c: i for i, c in enumerate(SIZE_ORDER)}
    rows = bands.filter((pl.col("period") == last) & (pl.col("size_class") != ALL)
                        & pl.col("indicator").is_in(["firms", "workers"]))
    rows = rows.with_columns(pl.col("size_class").replace_strict(order, default=len(order)).alias("_order"))
    return (rows.sort("scenario", "indicator", "_order")
            .select("scenario", "indicator", "size_class", "p05", "median", "p95"))


def _setting(value, lang: str) -> str:
    """A settings value: numbers grouped as the reader writes them (a seed stays as typed)."""
    return numbers.number(value, 0, lang) if isinstance(value, int) and not isinstance(value, bool) else str(value)


def render_html(bands: pl.DataFrame, comparison: pl.DataFrame, charts: dict[str, Path],
                settings: dict[str, object], lang: str, folder: Path) -> str:
    """The report page; chart paths are made relative to ``folder``."""
    check_language(lang)
    parts = [f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">",
             f"<title>{html.escape(label('title', lang))}</title><style>{CSS}</style></head><body>",
             f"<h1>{html.escape(label('title', lang))}</h1>", f"<h2>{label('settings', lang)}</h2><dl>"]
    parts += [f"<dt>{html.escape(str(k))}</dt><dd>{html.escape(_setting(v, lang))}</dd>" for k, v in settings.items()]
    parts.append("</dl>")
    if comparison.height:
        parts += [f"<h2>{label('comparison', lang)}</h2>",
                  _table(comparison.drop("baseline"), lang, ("scenario", "indicator")),
                  f"<p class=\"note\">{html.escape(label('note', lang))}</p>"]
    parts += [f"<h2>{label('horizon', lang)}</h2>",
              _table(_horizon_table(bands), lang, ("scenario", "indicator")),
              f"<h2>{label('horizon', lang)}, {label('by_size', lang)}</h2>",
              _table(_horizon_by_size(bands), lang, ("scenario", "indicator", "size_class"))]
    for name, path in charts.items():
        source = Path(path).relative_to(folder).as_posix()
        parts.append(f'<h2>{html.escape(label(name.replace("_by_size", ""), lang))}'
                     f'{" " + label("by_size", lang) if name.endswith("_by_size") else ""}</h2>'
                     f'<img src="{html.escape(source)}" alt="{html.escape(name)}">')
    parts.append("</body></html>")
    return "\n".join(parts)


def write_all(ensemble, out: Path, lang: str = "id", baseline: str | None = None) -> dict[str, Path]:
    """Write every output of an ensemble into ``out``: the tables (lumbung.lab.outputs), the
    charts and the HTML report. Returns name -> path (tables, "report", "chart:<name>")."""
    check_language(lang)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = outputs.tables(ensemble, baseline)
    paths = outputs.write_tables(tables, out)
    settings = {label("scenario", lang): ", ".join(ensemble.scenarios),
                label("runs", lang): ensemble.runs, label("years", lang): ensemble.years,
                label("seed", lang): str(ensemble.seed)}
    charts = write_charts(tables["bands"], tables["comparison"], ensemble.scenarios, ensemble.runs,
                          lang, out / "charts")
    page = out / "report.html"
    page.write_text(render_html(tables["bands"], tables["comparison"], charts, settings, lang, out),
                    encoding="utf-8")
    return {**paths, "report": page, **{f"chart:{k}": v for k, v in charts.items()}}
