"""CLI commands of lumbung.synthetic: ``lumbung synth`` and ``lumbung demo`` (docs/synthetic.md).

Thin wrappers over ``lumbung.synthetic.generate`` / ``write`` and ``lumbung.synthetic.demo.load_demo``
(to which ``demo`` hands the registry's importer): they parse and print.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from lumbung.i18n import _
from lumbung.progress import TerminalBar

#: lumbung.synthetic.demo.DEMO_FIRMS / DEMO_YEARS (not imported: the module loads NumPy and Arrow)
DEMO_FIRMS = 20_000
DEMO_YEARS = 3


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def _generate(firms: int, years: int, seed: int, start_year: int):
    from lumbung.synthetic import generate

    with _progress(years + 1, _("Generating")) as progress:
        try:
            return generate(firms, years, seed, start_year=start_year, progress=progress)
        except ValueError as error:
            raise click.UsageError(str(error)) from error


def _effect(text: str | None):
    if text is None:
        return None
    from lumbung.synthetic.effects import parse_effect

    return parse_effect(text)


def _check_out(value: Path, partition_by: str | None, format: str = "template") -> None:
    from lumbung.synthetic.output import FORMATS

    if format == "sidt":
        if partition_by is not None:
            raise click.BadParameter(_("--format sidt writes one file; leave out --partition-by"),
                                     param_hint="'--format'")
        if value.suffix.lower() != ".csv":
            raise click.BadParameter(_("an SIDT-KUMKM export is a .csv file"), param_hint="'--out'")
        return
    if partition_by is None and value.suffix.lower() not in FORMATS:
        raise click.BadParameter(_("the file name must end in .csv, .parquet or .xlsx"), param_hint="'--out'")


@click.command("synth")
@click.option("--firms", type=click.IntRange(1, 100_000_000), default=10_000, show_default=True,
              help="Number of enterprises in the first year (entrants come on top in later years).")
@click.option("--years", type=click.IntRange(1, 50), default=5, show_default=True,
              help="Number of yearly reports (years observed).")
@click.option("--seed", type=click.IntRange(0, None), default=1, show_default=True,
              help="Random seed; the same seed gives the same file, byte for byte.")
@click.option("--start-year", type=click.IntRange(1900, 2100), default=2021, show_default=True,
              help="Calendar year of the first report.")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output file: .csv, .parquet or .xlsx (the import template format); with "
                   "--partition-by, a new folder.")
@click.option("--partition-by", type=click.Choice(["province"]), default=None,
              help="Write Parquet partitioned by province into the --out folder, in bounded memory "
                   "(blocks of 250,000 firms).")
@click.option("--inject-effect", "inject_effect", metavar="PROGRAM:INDICATOR:SIZE", default=None,
              help="Enrol some firms in PROGRAM (more likely when smaller and less productive) and raise their "
                   "INDICATOR by the relative SIZE from the enrolment year (e.g. kur:va_per_worker:0.15); the "
                   "enrolments go to <out>.enrolments.csv.")
@click.option("--format", "format", type=click.Choice(["template", "sidt"]), default="template", show_default=True,
              help="template: the import template's columns; sidt: the SIDT-KUMKM export's columns (a .csv file, "
                   "written in blocks of 250,000 firms), as `lumbung import --format sidt` reads it.")
def synth_command(firms: int, years: int, seed: int, start_year: int, out: Path, partition_by: str | None,
                  inject_effect: str | None, format: str) -> None:
    """Write a synthetic, calibrated population of manufacturing firms in the import template format."""
    from lumbung.synthetic import write

    _check_out(out, partition_by, format)
    effect = _effect(inject_effect)
    if effect and partition_by:
        raise click.BadParameter(_("an injected effect cannot be combined with --partition-by"),
                                 param_hint="'--inject-effect'")
    if effect and format == "sidt":
        raise click.BadParameter(_("an injected effect is written with the template format only"),
                                 param_hint="'--inject-effect'")
    started = time.perf_counter()
    if format == "sidt":
        _write_sidt(firms, years, seed, start_year, out, started)
        return
    if partition_by:
        _write_partitioned(firms, years, seed, start_year, out, partition_by, started)
        return
    table = _generate(firms, years, seed, start_year)
    if effect:
        from lumbung.synthetic.effects import enrolments_path, inject

        table, enrolments = inject(table, effect, seed)
        write(enrolments, enrolments_path(out).with_suffix(".csv"))
        click.echo(_("{count} enrolments in {program} written to {path}").format(
            count=enrolments.num_rows, program=effect.program, path=enrolments_path(out)))
    try:
        write(table, out)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    seconds = time.perf_counter() - started
    click.echo(_("{rows} rows ({firms} firms x {years} years) written to {path} in {seconds:.1f} s").format(
        rows=table.num_rows, firms=firms, years=years, path=out, seconds=seconds))


def _write_partitioned(firms, years, seed, start_year, out, partition_by, started) -> None:
    from lumbung.errors import UserError
    from lumbung.synthetic.partitioned import write_partitioned

    bar = TerminalBar(_("Generating"))
    try:
        written = write_partitioned(firms, years, seed, out, start_year=start_year, partition_by=partition_by,
                                    progress=bar)
    except UserError as error:
        raise click.UsageError(str(error)) from error
    finally:
        bar.close()
    click.echo(_("{rows} rows ({firms} firms x {years} years) written to {path} in {seconds:.1f} s").format(
        rows=written.rows, firms=firms, years=years, path=out, seconds=time.perf_counter() - started))


def _write_sidt(firms, years, seed, start_year, out, started) -> None:
    from lumbung.errors import UserError
    from lumbung.synthetic.sidt import write_sidt

    bar = TerminalBar(_("Generating"))
    try:
        rows, _enterprises = write_sidt(firms, years, seed, out, start_year=start_year, progress=bar)
    except UserError as error:
        raise click.UsageError(str(error)) from error
    finally:
        bar.close()
    click.echo(_("{rows} rows ({firms} firms x {years} years) written to {path} in {seconds:.1f} s").format(
        rows=rows, firms=firms, years=years, path=out, seconds=time.perf_counter() - started))


class _TerminalDemo:
    """Bars on stderr while generating and storing (only on a terminal), and the line between."""

    def __init__(self) -> None:
        self.generating = TerminalBar(_("Generating"))
        self.storing = TerminalBar(_("Loading"))

    def generated(self, done: int, total: int) -> None:
        self.generating(done, total)

    def loading(self, rows: int) -> None:
        self.generating.close()
        click.echo(_("Loading {rows} rows into the registry ...").format(rows=rows), err=True)

    def stored(self, done: int, total: int) -> None:
        self.storing(done, total)

    def close(self) -> None:
        self.generating.close()
        self.storing.close()


@click.command("demo")
@click.option("--firms", type=click.IntRange(1, 5_000_000), default=DEMO_FIRMS, show_default=True,
              help="Number of enterprises in the first year.")
@click.option("--years", type=click.IntRange(1, 50), default=DEMO_YEARS, show_default=True,
              help="Number of yearly reports.")
@click.option("--seed", type=click.IntRange(0, None), default=1, show_default=True,
              help="Random seed; loading the same seed again changes nothing.")
@click.option("--inject-effect", "inject_effect", metavar="PROGRAM:INDICATOR:SIZE", default=None,
              help="As for synth: enrol firms in PROGRAM with a known effect on INDICATOR, and store the "
                   "enrolments, ready for lumbung evaluate.")
def demo_command(firms: int, years: int, seed: int, inject_effect: str | None) -> None:
    """Create the database if needed and load a synthetic population into it (safe to repeat)."""
    from lumbung.imports.commands import echo_counts
    from lumbung.registry.database import init_database
    from lumbung.synthetic.demo import load_demo

    effect = _effect(inject_effect)
    init_database()  # sets Django up: the importer and the programs' models load after it
    from lumbung.programs.evaluate_source import store_enrolments
    from lumbung.registry.importer import import_table

    progress = _TerminalDemo()
    try:
        result = load_demo(import_table, firms=firms, years=years, seed=seed, progress=progress,
                           effect=effect, enrol=store_enrolments)
    finally:
        progress.close()
    if effect:
        click.echo(_("{count} enrolments in {program}").format(count=result.enrolled, program=effect.program))
    counts = getattr(result, "counts", None) or {}
    if counts:
        echo_counts(counts)
    click.echo(_("{imported} imported, {rejected} rejected").format(imported=result.imported, rejected=result.rejected))
    if result.rejected:
        sys.exit(1)


commands: list = [synth_command, demo_command]
