"""The lab run of a web page's background job (docs/lab-runs.md, "From the browser"): one scenario
against the baseline on a synthetic population, bounded in size, written as ``lumbung simulate``
writes it, plus one ZIP of everything; and the tables the page's charts read back. Pure Python:
the Django task (lumbung.analysts.lab_jobs) only hands over the parameters and the progress.

>>> done = run_lab("training", firms=500, runs=2, years=1, seed=0, out=getfixture("tmp_path") / "lab", lang="en")
>>> sorted(DOWNLOADS) == sorted(p.name for p in done.iterdir() if p.is_file() and p.name != "report.html")
True
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import polars as pl

from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.lab.ensemble import run_ensemble, scenario_name
from lumbung.lab.outputs import ALL, staged_folder
from lumbung.lab.report import write_all
from lumbung.lab.scenarios import BASELINE, Scenario, load
from lumbung.numbers import number

#: Bounds of a run started from the web, where one worker runs jobs one after another: at most
#: MAX_FIRMS firms, MAX_RUNS runs, MAX_YEARS years, and MAX_FIRM_RUNS firms x runs (50,000 firms
#: x 10 runs x 10 years, scenario and baseline, took 84-126 s on a heavily loaded 2-core machine:
#: BENCHMARKS.md, "Policy lab from the browser"), so that a job ends within minutes and one
#: analyst's run does not hold the shared worker for long. Larger runs belong to
#: ``lumbung simulate`` (process pool, Dask).
MAX_FIRMS = 50_000
MAX_RUNS = 20
MAX_YEARS = 20
MAX_FIRM_RUNS = 500_000
#: Files a page offers for download (outputs.zip holds these, report.html and its charts).
DOWNLOADS = ("bands.csv", "comparison.csv", "summary.csv", "runs.csv", "outputs.zip")
ZIP_NAME = "outputs.zip"
#: Indicators the page draws as bands (national, scenario and baseline).
BAND_INDICATORS = ("workers", "value_added", "firms")
#: Comparison rows the page draws (stocks at the horizon; flows summed).
COMPARED = ("jobs", "value_added", "output", "firms", "exits", "graduations")


def check_size(firms: int, runs: int, years: int, translate=_, lang: str = "en") -> None:
    """UserError naming the bound a web run exceeds (``translate``, ``lang``: the reader's gettext
    and language, for the words and the numbers)."""
    _ = translate
    if not 1 <= firms <= MAX_FIRMS:
        raise UserError(_("Firms: from 1 to {most} in a run from the browser.").format(
            most=number(MAX_FIRMS, 0, lang)))
    if not 1 <= runs <= MAX_RUNS:
        raise UserError(_("Runs: from 1 to {most} in a run from the browser.").format(most=MAX_RUNS))
    if not 1 <= years <= MAX_YEARS:
        raise UserError(_("Years: from 1 to {most} in a run from the browser.").format(most=MAX_YEARS))
    if firms * runs > MAX_FIRM_RUNS:
        raise UserError(_("Firms × runs is {asked}, more than {most}: choose fewer firms or fewer runs "
                          "(larger runs: lumbung simulate).").format(asked=number(firms * runs, 0, lang),
                                                                     most=number(MAX_FIRM_RUNS, 0, lang)))


def run_lab(scenario: str | Scenario, firms: int, runs: int, years: int, seed: int, out: Path, lang: str = "id",
            progress: Callable[[int, int], None] | None = None) -> Path:
    """Run ``scenario`` and the baseline (``runs`` runs each, ``firms`` synthetic firms drawn with
    ``seed``), write the outputs of ``lumbung simulate`` and outputs.zip into ``out``; ``out``.
    ``progress(done, total)`` after every run (2 x runs in all; the baseline alone: runs)."""
    check_size(firms, runs, years)
    chosen = scenario if isinstance(scenario, Scenario) else load(scenario)
    scenarios = [chosen] if scenario_name(chosen) == BASELINE else [chosen, load(BASELINE)]
    out = Path(out)
    with staged_folder(out) as staging:
        ensemble = run_ensemble(scenarios, firms, runs=runs, seed=seed, years=years, executor="serial",
                                progress=progress)
        write_all(ensemble, staging, lang=lang, baseline=BASELINE)
        _zip(staging)
    return out


def _zip(folder: Path) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    with zipfile.ZipFile(folder / ZIP_NAME, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.relative_to(folder).as_posix())


def download_path(folder: Path, name: str) -> Path | None:
    """The file ``name`` of a finished run's folder, None for a name not offered or not there."""
    if name not in DOWNLOADS:
        return None
    path = Path(folder) / name
    return path if path.is_file() else None


def national_bands(folder: Path, indicators=BAND_INDICATORS) -> list[dict]:
    """Rows of bands.csv for the whole population (size class "all"): scenario, period,
    indicator, p05, median, p95."""
    path = Path(folder) / "bands.csv"
    if not path.is_file():
        return []
    frame = pl.read_csv(path, schema_overrides={"size_class": pl.String})
    frame = frame.filter((pl.col("size_class") == ALL) & pl.col("indicator").is_in(list(indicators)))
    return frame.select("scenario", "period", "indicator", "p05", "median", "p95").sort(
        "indicator", "scenario", "period").to_dicts()


def comparison_rows(folder: Path, indicators=COMPARED) -> list[dict]:
    """Rows of comparison.csv for ``indicators`` (in that order), each with ``relative``: the
    median difference as a fraction of the baseline's median (None where that is 0)."""
    path = Path(folder) / "comparison.csv"
    if not path.is_file():
        return []
    rows = {r["indicator"]: r for r in pl.read_csv(path).to_dicts()}
    out = []
    for name in indicators:
        if name not in rows:
            continue
        row = dict(rows[name])
        base = row["baseline_median"]
        row["relative"] = row["difference_median"] / base if base else None
        row["relative_p05"] = row["difference_p05"] / base if base else None
        row["relative_p95"] = row["difference_p95"] / base if base else None
        out.append(row)
    return out
