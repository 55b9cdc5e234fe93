"""CLI commands of lumbung.imports: ``template``, ``import`` and ``export`` (see docs/import.md).
Each is a thin wrapper around the function of the same name in :mod:`lumbung.imports`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lumbung import geography
from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.imports import BATCH_SIZE, UnusableFile
from lumbung.imports.template import write_template
from lumbung.progress import TerminalBar
from lumbung.registry.export import EXPORT_FORMATS, check_folder, export


def _unusable(message: str) -> click.ClickException:
    error = click.ClickException(message)
    error.exit_code = 2
    return error


@click.command("template")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write: .csv (the header row) or .xlsx (styled header and a sheet documenting each column).")
def template_command(out: Path) -> None:
    """Write the empty import template."""
    try:
        check_folder(out)
        write_template(out)
    except UserError as error:
        raise _unusable(str(error)) from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--out") from None
    click.echo(_("template written to {path}").format(path=out))


def _require_registry() -> None:
    """A clear message instead of a database traceback when ``lumbung init`` has not run."""
    from lumbung import setup_django  # noqa: PLC0415 - Django is set up only by commands that need it

    setup_django()
    from django.db import connection  # noqa: PLC0415 - after setup_django()

    from lumbung.registry.models import Enterprise  # noqa: PLC0415 - after setup_django()

    if Enterprise._meta.db_table not in connection.introspection.table_names():
        raise _unusable(_("the registry database has no tables yet: run `lumbung init` first"))


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "format_", type=click.Choice(["template", "sidt"]), default="template", show_default=True,
              help="template: Lumbung's import template; sidt: the SIDT-KUMKM (Satu Data KUMKM) export.")
@click.option("--dry-run", is_flag=True, help="Check and report everything, then store nothing.")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every rejected row (and every note) to this CSV: line, column, value, reason.")
@click.option("--source", default=None,
              help="Name of the system the file's source_id values belong to (default: the format name).")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Rows per transaction (default 50000); a crash keeps whole batches only.")
@click.option("--blank", type=click.Choice(["keeps", "clears"]), default="keeps", show_default=True,
              help="What an empty cell does to a value already stored: keeps it, or clears it (recorded in the "
                   "audit trail with the old value).")
@click.option("--no-analytics", is_flag=True,
              help="Do not update the analytics tables afterwards (by default they are updated incrementally "
                   "when they have been built before).")
def import_command(file: Path, format_: str, dry_run: bool, errors_path: Path | None, source: str | None,
                   batch_size: int | None, blank: str, no_analytics: bool) -> None:
    """Import enterprises and yearly reports from a .csv, .xlsx or .parquet file.

    Exit code 0 when every row was stored, 1 when some were rejected, 2 when the file cannot be used.
    """
    _require_registry()
    from lumbung.registry.importer import import_file  # the registry's models load after setup_django()

    progress = TerminalBar(_("importing"))
    try:
        result = import_file(file, format=format_, dry_run=dry_run, errors_path=errors_path, source=source,
                             progress=progress, batch_size=batch_size or BATCH_SIZE, blank=blank,
                             analytics=not no_analytics)
    except (UnusableFile, UserError) as error:
        raise _unusable(str(error)) from None
    finally:
        progress.close()
    for line in result.summary:
        click.echo(line)
    echo_counts(result.counts)
    if result.errors and not errors_path:
        for error in result.errors[:10]:
            click.echo(_("line {line}, {column}: {reason}").format(line=error.line, column=error.column or "-",
                                                                     reason=error.reason), err=True)
        if len(result.errors) > 10:
            click.echo(_("... {n} more; write them all with --errors FILE").format(n=len(result.errors) - 10),
                       err=True)
    if dry_run:
        click.echo(_("dry run: nothing was stored"))
    elif result.analytics is not None:
        click.echo(_("analytics tables updated: years {years} ({rows} rows)").format(
            years=", ".join(map(str, result.analytics.years)) or "-", rows=result.analytics.rows))
    click.echo(result.line())
    sys.exit(1 if result.rejected else 0)


def echo_counts(counts: dict) -> None:
    """One line: what the import created, updated and left unchanged."""
    click.echo(_("enterprises: {c} created, {u} updated, {s} unchanged; reports: {rc} created, {ru} updated, "
                 "{rs} unchanged").format(c=counts.get("enterprises_created", 0), u=counts.get("enterprises_updated", 0),
                                          s=counts.get("enterprises_unchanged", 0), rc=counts.get("reports_created", 0),
                                          ru=counts.get("reports_updated", 0), rs=counts.get("reports_unchanged", 0)))


@click.command("export")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write: .csv, .xlsx or .parquet, in the import template's format.")
@click.option("--year", type=int, default=None, help="Only the reports of this year.")
@click.option("--region", default=None, help="Only enterprises in this region and below (code, dotted or not).")
def export_command(out: Path, year: int | None, region: str | None) -> None:
    """Export enterprises and yearly reports in the template format (owners' NIK never exported)."""
    if out.suffix.lower() not in EXPORT_FORMATS:
        raise click.BadParameter(_("use a .csv, .xlsx or .parquet file"), param_hint="--out")
    if region is not None:
        try:
            region = geography.normalize_code(region)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--region") from None
        if not geography.exists(region):
            raise click.BadParameter(_("region {code} does not exist").format(code=region), param_hint="--region")
    _require_registry()
    try:
        rows = export(out, year=year, region=region)
    except UserError as error:
        raise _unusable(str(error)) from None
    click.echo(_("{rows} rows written to {path}").format(rows=rows, path=out))


commands: list = [template_command, import_command, export_command]
