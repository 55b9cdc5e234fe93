"""What ``lumbung simulate`` does, as one function: an ensemble of scenarios, its tables, charts
and report written into a folder (docs/lab-runs.md).

>>> from lumbung.lab import run_experiment
>>> done = run_experiment("credit", compare=["training"], population=2_000, runs=2, years=1,
...                       executor="serial", out=getfixture("tmp_path") / "run", lang="en")
>>> sorted(p.name for p in done.folder.iterdir())  # doctest: +NORMALIZE_WHITESPACE
['bands.csv', 'charts', 'comparison.csv', 'report.html', 'runs.csv', 'summary.csv']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from lumbung import conf
from lumbung.i18n import language
from lumbung.lab.ensemble import EnsembleResult, run_ensemble, scenario_name
from lumbung.lab.executors import Progress
from lumbung.lab.outputs import staged_folder
from lumbung.lab.report import LANGS, check_language, write_all
from lumbung.lab.scenarios import load

#: Synthetic firms when no population is given.
DEFAULT_FIRMS = 100_000


@dataclass
class Experiment:
    """A finished experiment: the ensemble, the folder written and each file in it."""

    ensemble: EnsembleResult
    folder: Path
    paths: dict[str, Path]


def default_folder(scenario: str) -> Path:
    """``LUMBUNG_HOME/lab/<UTC timestamp>-<scenario>``."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return conf.home() / "lab" / f"{stamp}-{Path(scenario).stem}"


def run_experiment(scenario: str | Path, compare: Sequence[str | Path] = (), baseline: str | Path = "baseline",
                   population: Any = DEFAULT_FIRMS, runs: int = 10, years: int = 10, seed: int = 0,
                   out: str | Path | None = None, executor: str = "process", workers: int | None = None,
                   scheduler: str | None = None, lang: str | None = None,
                   progress: Progress | None = None) -> Experiment:
    """Run ``scenario``, the ``compare`` scenarios and ``baseline`` (names or TOML paths) as an
    ensemble of ``runs`` runs each, and write summary.csv, bands.csv, comparison.csv, runs.csv,
    report.html and charts/ into ``out`` (default :func:`default_folder`).

    ``population``: a number of synthetic firms (drawn with ``seed``), a table file, a
    PopulationSpec or a Population (e.g. ``population.from_reports(table)``); ``executor``,
    ``workers``, ``scheduler``: where runs execute (lumbung.lab.ensemble.run_ensemble);
    ``lang``: the report's language ("id" or "en"; default LUMBUNG_LANGUAGE, else English);
    ``progress(done, total)`` after every run. Scenarios are read and ``out`` is checked before
    any run starts; the files appear in ``out`` only when all are written (outputs.staged_folder).
    Expected failures raise lumbung.errors.UserError.
    """
    names = list(dict.fromkeys(str(name) for name in [scenario, *compare, baseline]))
    loaded = [load(name) for name in names]
    lang = lang or (language() if language() in LANGS else "en")
    check_language(lang)
    folder = Path(out) if out is not None else default_folder(str(scenario))
    with staged_folder(folder) as staging:
        ensemble = run_ensemble(loaded, population, runs=runs, seed=seed, years=years, executor=executor,
                                workers=workers, progress=progress, scheduler=scheduler)
        written = write_all(ensemble, staging, lang=lang, baseline=scenario_name(loaded[names.index(str(baseline))]))
    paths = {name: folder / path.relative_to(staging) for name, path in written.items()}
    return Experiment(ensemble, folder, paths)
