"""CLI commands of lumbung.lab (see docs/lab-runs.md): ``lumbung simulate``.

The command parses and prints; :func:`lumbung.lab.experiment.run_experiment` does the work. This
is the only lab module that touches the registry (``--from-registry``), and it imports the model
only inside the command, so that ``lumbung --help`` does not load it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.lab.executors import EXECUTORS

DEFAULT_FIRMS = 100_000
#: report languages (lumbung.lab.report.LANGS; not imported here, since the report module loads
#: matplotlib, which would slow down every `lumbung` command)
LANGS = ("id", "en")


class Refused(click.ClickException):
    """An expected failure (lumbung.errors.UserError): one sentence, exit 2."""

    exit_code = 2


def _scenario_list() -> list[tuple[str, str]]:
    """(name, one-line title) of every shipped scenario."""
    from lumbung.lab import scenarios

    rows = []
    for name in scenarios.names():
        scenario = scenarios.load(name)
        title = scenario.title if scenario.title != name else scenario.description
        rows.append((name, " ".join(str(title).split())))
    return rows


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


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


def registry_reports():
    """The registry's reports joined to their enterprises, as an Arrow table (the registry's reader)."""
    import lumbung

    lumbung.setup_django()
    from lumbung.registry import rows

    return rows.reports_table()


def _population(firms: int | None, from_registry: bool, seed: int):
    if firms is not None and from_registry:
        raise click.UsageError(_("give --firms or --from-registry, not both"))
    if not from_registry:
        return firms or DEFAULT_FIRMS
    from lumbung.lab import population

    return population.from_reports(registry_reports(), seed=seed)


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
@click.option("--scheduler", metavar="ADDRESS",
              help="With --executor dask: the Dask scheduler to run on, e.g. tcp://10.0.0.5:8786 "
                   "[default: a local cluster of --workers processes].")
@click.option("--lang", type=click.Choice(LANGS), default=None,
              help="Report language: id or en [default: LUMBUNG_LANGUAGE].")
@click.option("--list", "list_scenarios", is_flag=True, help="List the scenarios and exit.")
def simulate_command(scenario, compare, baseline, firms, from_registry, years, runs, seed, out,
                     executor, workers, scheduler, lang, list_scenarios):
    """Run a policy-lab scenario (and others to compare) as an ensemble; write tables and a report.

    Writes summary.csv, bands.csv, comparison.csv, runs.csv, report.html and charts/*.png.
    """
    if list_scenarios:
        for name, description in _scenario_list():
            click.echo(f"{name:<18} {description}")
        return
    if not scenario:
        raise click.UsageError(_("name a scenario (see lumbung simulate --list)"))
    if scheduler and executor != "dask":
        raise click.UsageError(_("--scheduler needs --executor dask"))
    from lumbung.lab.experiment import run_experiment

    bar, progress = _progress_bar(_("simulating"), runs * (len(_split(compare)) + 2))
    try:
        start = _population(firms, from_registry, seed)
        if bar is not None:
            bar.start()
        done = run_experiment(scenario, compare=_split(compare), baseline=baseline, population=start, runs=runs,
                              years=years, seed=seed, out=out, executor=executor, workers=workers,
                              scheduler=scheduler, lang=lang, progress=progress)
    except UserError as error:  # one sentence, exit 2 (lumbung.cli.main does this for every command)
        raise Refused(str(error)) from error
    finally:
        if bar is not None:
            bar.stop()
    click.echo(_("wrote {count} files to {folder}").format(count=len(done.paths), folder=done.folder))
    click.echo(str(done.paths["report"]))


commands = [simulate_command]
