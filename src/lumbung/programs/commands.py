"""CLI commands of lumbung.programs: ``lumbung programs list|show|seed|eligible|import-enrolments|
import-bank-reports|template`` (docs/programs.md). Each is argument parsing plus one call of
:mod:`lumbung.programs.services` or :mod:`lumbung.programs.importer`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from lumbung.i18n import _, language


def _setup():
    import lumbung

    lumbung.setup_django()


@click.group("programs")
def programs_group() -> None:
    """Empowerment programs: the catalogue, eligibility as data, enrolments and banks' credit reports."""


@programs_group.command("seed")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A catalogue TOML file (default: the shipped catalogue, KUR and the historical schemes).")
def seed_command(path: Path | None) -> None:
    """Load the program catalogue into the database (created or updated by slug; safe to repeat)."""
    _setup()
    from lumbung.programs.services import seed

    result = seed(path)
    click.echo(_("{c} created, {u} updated, {n} unchanged").format(c=len(result.created), u=len(result.updated),
                                                                   n=len(result.unchanged)))


@programs_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per program.")
def list_command(as_json: bool) -> None:
    """List the programs of the catalogue (slug, type, aspect, years, historical or current)."""
    _setup()
    from lumbung.programs.services import catalogue_rows

    rows = catalogue_rows()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    if not rows:
        click.echo(_("The catalogue is empty: run `lumbung programs seed`."))
    for row in rows:
        years = f"{row['start_year'] or '?'}-{row['end_year'] or ''}"
        flag = _("historical") if row["historical"] else _("current")
        click.echo(f"{row['slug']:<18} {row['type']:<12} {row['aspect']:<12} {years:<10} {flag}  {row['name']}")


@programs_group.command("show")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="The program as one JSON object.")
def show_command(slug: str, as_json: bool) -> None:
    """One program: its type, Kuncoro aspect, Ohno step, agency, dates, rule in words and source."""
    _setup()
    from lumbung.programs.services import program_row

    row = program_row(slug, language())
    if as_json:
        click.echo(json.dumps(row, ensure_ascii=False, indent=2, default=str))
        return
    for key, value in row.items():
        click.echo(f"{key}: {'' if value is None else value}")


@programs_group.command("eligible")
@click.argument("slugs", nargs=-1)
@click.option("--region", default=None, metavar="CODE", help="Only enterprises in this region and below.")
@click.option("--year", type=int, default=None, help="Judge each enterprise on its report of this year "
              "(default: its latest report).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write every enterprise's verdicts to this .csv or .parquet file.")
@click.option("--json", "as_json", is_flag=True, help="The counts as one JSON object.")
def eligible_command(slugs: tuple[str, ...], region: str | None, year: int | None, out: Path | None,
                     as_json: bool) -> None:
    """Eligibility of every enterprise of the registry for the programs named (default: all),
    evaluated at once over the registry's rows: counts eligible, not eligible and unknown."""
    _setup()
    from lumbung.programs.services import eligibility_counts

    counts = eligibility_counts(list(slugs), region=region, year=year, out=out)
    if as_json:
        click.echo(json.dumps(counts, indent=2))
        return
    click.echo(_("{slug:<18} {yes:>10} {no:>12} {unknown:>10}").format(
        slug=_("program"), yes=_("eligible"), no=_("not eligible"), unknown=_("unknown")))
    for slug, row in counts.items():
        click.echo(f"{slug:<18} {row['eligible']:>10} {row['not_eligible']:>12} {row['unknown']:>10}")


def _report(result, errors: Path | None) -> None:
    click.echo(result.line() + (" " + _("(dry run: nothing written)") if result.dry_run else ""))
    counts = ", ".join(f"{k} {v}" for k, v in result.counts.items())
    if counts:
        click.echo(counts)
    for error in result.errors[:20]:
        click.echo(_("line {line}, {column}: {reason}").format(line=error.line, column=error.column or "-",
                                                              reason=error.reason), err=True)
    if len(result.errors) > 20 and not errors:
        click.echo(_("... {n} more; write them all with --errors FILE").format(n=len(result.errors) - 20), err=True)
    sys.exit(1 if result.rejected else 0)


@programs_group.command("import-enrolments")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and count, write nothing.")
@click.option("--errors", "errors", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write every rejected row with its line, column, value and reason to this CSV file.")
@click.option("--source", default="template", show_default=True,
              help="The system the file's source_id values belong to (when it has no source column).")
def import_enrolments_command(path: Path, dry_run: bool, errors: Path | None, source: str) -> None:
    """Import enrolment records (program, enterprise, year, date, amount, status) from a .csv, .xlsx
    or .parquet file: every row stored or explained, idempotent, audited.

    Exit code 0 when every row was stored, 1 when some were rejected, 2 when the file cannot be used."""
    _setup()
    from lumbung.programs.importer import import_enrolments

    _report(import_enrolments(path, dry_run=dry_run, errors_path=errors, source=source), errors)


@programs_group.command("import-bank-reports")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and count, write nothing.")
@click.option("--errors", "errors", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write every rejected row with its line, column, value and reason to this CSV file.")
def import_bank_reports_command(path: Path, dry_run: bool, errors: Path | None) -> None:
    """Import banks' credit reports (bank, year, period, outstanding credit, credit to small business).

    Exit code 0 when every row was stored, 1 when some were rejected, 2 when the file cannot be used."""
    _setup()
    from lumbung.programs.importer import import_bank_reports

    _report(import_bank_reports(path, dry_run=dry_run, errors_path=errors), errors)


@programs_group.command("template")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["enrolments", "bank-reports"]), default="enrolments", show_default=True)
def template_command(out: Path, kind: str) -> None:
    """Write an empty import template (header only, CSV) for enrolments or bank credit reports."""
    _setup()
    from lumbung.programs.importer import write_template

    click.echo(str(write_template(out, kind)))


commands = [programs_group]
