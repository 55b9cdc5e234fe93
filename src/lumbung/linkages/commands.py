"""CLI commands of lumbung.linkages: ``import-network`` and ``export-network`` (docs/network.md).
Each is argument parsing plus one call of :mod:`lumbung.linkages.importer`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lumbung.errors import UserError
from lumbung.i18n import _


def _unusable(message: str) -> click.ClickException:
    error = click.ClickException(message)
    error.exit_code = 2
    return error


def _require_registry() -> None:
    """Django set up, and a clear message instead of a traceback when `lumbung init` has not run."""
    from lumbung import setup_django  # noqa: PLC0415 - Django is set up only by commands that need it

    setup_django()
    from django.db import connection  # noqa: PLC0415 - after setup_django()

    from lumbung.linkages.models import Linkage  # noqa: PLC0415 - after setup_django()

    if Linkage._meta.db_table not in connection.introspection.table_names():
        raise _unusable(_("the registry database has no tables yet: run `lumbung init` first"))

KINDS = click.Choice(["linkages", "memberships", "sentra", "cooperatives"])


@click.command("import-network")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", required=True, type=KINDS, help="What the file holds: linkages, memberships, sentra or cooperatives.")
@click.option("--dry-run", is_flag=True, help="Check and report everything, then store nothing.")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every rejected row to this CSV: line, column, value, reason.")
def import_network_command(file: Path, kind: str, dry_run: bool, errors_path: Path | None) -> None:
    """Import linkages, memberships, sentra or cooperatives from a .csv, .xlsx or .parquet file.

    Exit code 0 when every row was stored, 1 when some were rejected, 2 when the file cannot be used.
    """
    _require_registry()
    from lumbung.linkages.importer import import_network  # noqa: PLC0415 - the models load after setup_django()

    try:
        result = import_network(file, kind, dry_run=dry_run, errors_path=errors_path)
    except UserError as error:
        raise _unusable(str(error)) from None
    click.echo(_("{kind}: {c} created, {u} updated, {s} unchanged").format(
        kind=kind, c=result.counts["created"], u=result.counts["updated"], s=result.counts["unchanged"]))
    if result.errors and not errors_path:
        for error in result.errors[:10]:
            click.echo(_("line {line}, {column}: {reason}").format(line=error.line, column=error.column or "-",
                                                                     reason=error.reason), err=True)
    if dry_run:
        click.echo(_("dry run: nothing was stored"))
    click.echo(result.line())
    sys.exit(1 if result.rejected else 0)


@click.command("export-network")
@click.option("--kind", required=True, type=KINDS, help="What to export: linkages, memberships, sentra or cooperatives.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write: .csv or .parquet, in the import template's format.")
def export_network_command(kind: str, out: Path) -> None:
    """Export every linkage, membership, sentra or cooperative in the format that `import-network` reads."""
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise click.BadParameter(_("use a .csv or .parquet file"), param_hint="--out")
    _require_registry()
    from lumbung.linkages.importer import export_network  # noqa: PLC0415 - the models load after setup_django()

    try:
        rows = export_network(out, kind)
    except UserError as error:
        raise _unusable(str(error)) from None
    click.echo(_("{rows} rows written to {path}").format(rows=rows, path=out))


commands: list = [import_network_command, export_network_command]
