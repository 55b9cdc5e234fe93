"""CLI commands of lumbung.registry: ``lumbung init``, ``createuser``, ``backup`` and ``restore``
(docs/registry.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.registry.backup import backup, restore
from lumbung.registry.roles import ROLE_NAMES


@click.command("init")
def init_command() -> None:
    """Create the registry database, or migrate it to the latest schema (safe to repeat)."""
    from lumbung.registry.database import init_database

    info = init_database()
    click.echo(_("Database: {location} ({vendor})").format(location=info.location, vendor=info.vendor))
    if info.journal_mode:
        click.echo(_("SQLite journal mode: {mode}").format(mode=info.journal_mode))
    if info.applied:
        click.echo(_("Applied {n} migrations.").format(n=len(info.applied)))
    else:
        click.echo(_("Already up to date."))
    for warning in info.warnings:
        click.echo(_("Warning: {message}").format(message=warning), err=True)


def _read_password(password_stdin: bool, prompt: bool) -> str | None:
    if password_stdin and prompt:
        raise click.UsageError(_("use either --password-stdin or --password, not both"))
    if password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise click.UsageError(_("--password-stdin read an empty password"))
        return line
    if prompt:
        return click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    return None


@click.command("createuser")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLE_NAMES),
              help="owner (own enterprises), officer (enterprises in --region), analyst (all, read only) "
                   "or admin.")
@click.option("--region", "regions", multiple=True, metavar="CODE",
              help="Kemendagri region code (32, 32.04 or 3204 ...); the account sees enterprises there "
                   "and below. Repeatable. Needed for officers.")
@click.option("--enterprise", "enterprises", multiple=True, type=int, metavar="ID",
              help="Internal id of an enterprise this owner account owns (its full NIK is shown to them). "
                   "Repeatable.")
@click.option("--email", default="", help="E-mail address of the account.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option("--password", "prompt_password", is_flag=True,
              help="Ask for the password (hidden, asked twice). Without a password option the account "
                   "cannot log in until an admin sets one.")
def createuser_command(username, role, regions, enterprises, email, password_stdin, prompt_password) -> None:
    """Create a user account with a role (owner, officer, analyst or admin)."""
    import lumbung

    lumbung.setup_django()
    from lumbung.registry.accounts import AccountError, create_user

    password = _read_password(password_stdin, prompt_password)
    try:
        user = create_user(username, role, regions=regions, password=password, enterprises=enterprises,
                           email=email)
    except AccountError as error:
        raise click.UsageError(str(error)) from None
    scopes = ", ".join(user.region_scopes.values_list("region_code", flat=True)) or "-"
    click.echo(_("Created {user} with role {role}; regions: {regions}.").format(
        user=user.get_username(), role=role, regions=scopes))


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write: a SQLite database (SQLite registry) or a pg_dump archive (PostgreSQL).")
def backup_command(out: Path) -> None:
    """Back up the whole registry database: every table, the audit trail and accounts included."""
    try:
        info = backup(out)
    except UserError as error:
        raise _unusable(str(error)) from None
    click.echo(_("backup of the {vendor} registry written to {path} ({size} bytes)").format(
        vendor=info.vendor, path=info.path, size=info.size))


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a registry that already holds data.")
def restore_command(file: Path, replace: bool) -> None:
    """Restore the registry database from a file written by ``lumbung backup``."""
    try:
        restore(file, replace=replace)
    except UserError as error:
        raise _unusable(str(error)) from None
    click.echo(_("registry restored from {path}").format(path=file))


def _unusable(message: str) -> click.ClickException:
    error = click.ClickException(message)
    error.exit_code = 2
    return error


commands = [init_command, createuser_command, backup_command, restore_command]
