"""CLI commands of lumbung.lab (see docs/lab-runs.md): ``lumbung simulate``.

The command is a thin wrapper: ``ensemble.run_ensemble`` runs, ``report.write_all`` writes.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import click

from lumbung import conf
from lumbung.i18n import _, language
from lumbung.lab.executors import EXECUTORS

DEFAULT_FIRMS = 100_000
#: report languages (lumbung.lab.report.LANGS; not imported here, since the report module loads
#: matplotlib, which would slow down every `lumbung` command)
LANGS = ("id", "en")


def _scenario_list() -> list[tuple[str, str]]:
    """(name, one-line title) of every shipped scenario."""
    from lumbung.lab import scenarios

    rows = []
    for name in scenarios.names():
        scenario = scenarios.load(name)
        title = scenario.title if scenario.title != name else scenario.description
        rows.append((name, " ".join(str(title).split())))
    return rows


def _load(name: str):
    from lumbung.lab import scenarios

    try:
        return scenarios.load(name)
    except (FileNotFoundError, ValueError) as error:  # ScenarioError is a ValueError
        raise click.UsageError(str(error)) from error


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _default_out(scenario: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return conf.home() / "lab" / f"{stamp}-{Path(scenario).stem}"


def _progress_bar(description: str, total: int):
    """A rich progress bar on stderr when it is a terminal; else None (no output)."""
    if not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    task = bar.add_task(description, total=total)
    return bar, (lambda done, total: bar.update(task, completed=done, total=total))


def _population(firms: int | None, from_registry: bool, seed: int, folder: Path):
    from lumbung.lab.ensemble import PopulationSpec, save_population

    if firms is not None and from_registry:
        raise click.UsageError(_("give --firms or --from-registry, not both"))
    if not from_registry:
        return PopulationSpec(firms=firms or DEFAULT_FIRMS, seed=seed)
    from lumbung.lab import population

    try:
        firms_table = population.from_reports(_registry_reports(), seed=seed)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    # saved once and read by every worker, instead of pickling the arrays into every task
    return PopulationSpec(path=str(save_population(firms_table, folder / "population.npz")))


def _registry_reports():
    """The registry's reports joined to their enterprises, as an Arrow table."""
    # replaced by registry.rows at merge: `return lumbung.registry.rows.reports_table()`
    import pyarrow as pa

    import lumbung

    lumbung.setup_django()
    from lumbung.registry.models import AnnualReport
    from lumbung.vocabulary import ENTERPRISE_COLUMNS, REPORT_COLUMNS

    enterprise = [c for c in ENTERPRISE_COLUMNS if c != "owner_nik"]
    rows = list(AnnualReport.objects.order_by("year", "enterprise_id").values(
        "enterprise_id", *[f"enterprise__{c}" for c in enterprise], *REPORT_COLUMNS))
    names = {f"enterprise__{c}": c for c in enterprise}
    return pa.table({names.get(k, k): [row[k] for row in rows] for k in
                     ["enterprise_id", *names, *REPORT_COLUMNS]})


@click.command("simulate")
@click.argument("scenario", required=False)
@click.option("--compare", multiple=True, metavar="SCENARIO",
              help="Also run these scenarios (repeat the option, or separate names with commas).")
@click.option("--baseline", default="baseline", show_default=True, metavar="SCENARIO",
              help="Scenario the comparison table measures the others against (run if not listed).")
@click.option("--firms", type=click.IntRange(min=1), help=f"Synthetic firms [default: {DEFAULT_FIRMS:,}].")
@click.option("--from-registry", is_flag=True, help="Start from the registry's firms (latest report each).")
@click.option("--years", type=click.IntRange(1, 100), default=10, show_default=True, help="Years simulated.")
@click.option("--runs", type=click.IntRange(1, 10_000), default=10, show_default=True,
              help="Runs per scenario (seeds and uncertain parameters vary).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Master seed.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: LUMBUNG_HOME/lab/<timestamp>-<scenario>].")
@click.option("--executor", type=click.Choice(EXECUTORS), default="process", show_default=True,
              help="Where runs execute: a process pool, this process, or Dask (the scale extra).")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes [default: all cores].")
@click.option("--lang", type=click.Choice(LANGS), default=None,
              help="Report language: id or en [default: LUMBUNG_LANGUAGE].")
@click.option("--list", "list_scenarios", is_flag=True, help="List the scenarios and exit.")
def simulate_command(scenario, compare, baseline, firms, from_registry, years, runs, seed, out,
                     executor, workers, lang, list_scenarios):
    """Run a policy-lab scenario (and others to compare) as an ensemble; write tables and a report.

    Writes summary.csv, bands.csv, comparison.csv, runs.csv, report.html and charts/*.png.
    """
    if list_scenarios:
        for name, description in _scenario_list():
            click.echo(f"{name:<18} {description}")
        return
    if not scenario:
        raise click.UsageError(_("name a scenario (see lumbung simulate --list)"))
    names = list(dict.fromkeys([scenario, *_split(compare), baseline]))
    loaded = [_load(name) for name in names]
    out = out or _default_out(scenario)
    lang = lang or (language() if language() in LANGS else "en")
    with tempfile.TemporaryDirectory(prefix="lumbung-lab-") as scratch:
        spec = _population(firms, from_registry, seed, Path(scratch))
        ensemble = _run(loaded, spec, runs, seed, years, executor, workers)
    from lumbung.lab.report import write_all

    paths = write_all(ensemble, out, lang=lang, baseline=_scenario_name(loaded[names.index(baseline)]))
    click.echo(_("wrote {count} files to {folder}").format(count=len(paths), folder=out))
    click.echo(str(paths["report"]))


def _scenario_name(scenario) -> str:
    from lumbung.lab.ensemble import scenario_name

    return scenario_name(scenario)


def _run(loaded, spec, runs, seed, years, executor, workers):
    from lumbung.lab.ensemble import run_ensemble

    bar, progress = _progress_bar(_("simulating"), runs * len(loaded))
    try:
        if bar is not None:
            bar.start()
        return run_ensemble(loaded, spec, runs=runs, seed=seed, years=years, executor=executor,
                            workers=workers, progress=progress)
    except RuntimeError as error:  # e.g. the dask executor without Dask installed
        raise click.ClickException(str(error)) from error
    finally:
        if bar is not None:
            bar.stop()


commands = [simulate_command]
