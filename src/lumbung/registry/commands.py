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
    """Create the registry database, or migrate it to the latest schema (safe to repeat); write random
    keys into the data folder when the settings do not give them."""
    import lumbung
    from lumbung import conf
    from lumbung.errors import UserError

    written = conf.ensure_key_files()  # before Django starts: it needs the secret key
    lumbung.setup_django()
    from lumbung.registry.checks import data_file_errors
    from lumbung.registry.database import init_database
    from lumbung.registry.keys import reencrypt

    broken = data_file_errors()
    if broken:
        raise UserError(_("This installation is broken: {problems}.").format(problems="; ".join(broken)))
    for name in written:
        click.echo(_("Wrote a new random key to {name} in the data folder (readable by you only); back it up "
                     "apart from the database.").format(name=name))
    info = init_database()
    moved = reencrypt()
    if moved.reencrypted:
        click.echo(_("Re-encrypted {n} stored NIKs under the NIK key.").format(n=moved.reencrypted))
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
              help="owner (own enterprises), officer (enterprises in --region), analyst (figures of "
                   "--region, read only) or admin.")
@click.option("--region", "regions", multiple=True, metavar="CODE",
              help="Kemendagri region code (32, 32.04 or 3204 ...); the account sees enterprises there "
                   "and below (an analyst: their figures without suppression). Repeatable. Needed for "
                   "officers.")
@click.option("--enterprise", "enterprises", multiple=True, type=int, metavar="ID",
              help="Internal id of an enterprise this owner account owns (its full NIK is shown to them). "
                   "Repeatable.")
@click.option("--records", is_flag=True,
              help="Analysts: also the enterprises of --region record by record, not only their figures.")
@click.option("--email", default="", help="E-mail address of the account.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option("--password", "prompt_password", is_flag=True,
              help="Ask for the password (hidden, asked twice). Without a password option the account "
                   "cannot log in until an admin sets one.")
def createuser_command(username, role, regions, enterprises, records, email, password_stdin,
                       prompt_password) -> None:
    """Create a user account with a role (owner, officer, analyst or admin)."""
    import lumbung

    lumbung.setup_django()
    from lumbung.registry.accounts import create_user

    password = _read_password(password_stdin, prompt_password)
    # AccountError (a UserError: unknown role or region, a password the validators refuse) becomes one
    # sentence in lumbung.cli.
    user = create_user(username, role, regions=regions, password=password, enterprises=enterprises, email=email,
                       records=records)
    codes = [*user.region_scopes.values_list("region_code", flat=True),
             *user.analyst_grants.values_list("region_code", flat=True)]
    scopes = ", ".join(codes) or "-"
    click.echo(_("Created {user} with role {role}; regions: {regions}.").format(
        user=user.get_username(), role=role, regions=scopes))


@click.command("rotate-nik-key")
def rotate_nik_key_command() -> None:
    """Re-encrypt every stored NIK under a new NIK key (docs/settings.md, "NIK keys")."""
    import lumbung

    lumbung.setup_django()
    from lumbung.registry.keys import rotate

    result, rewrote = rotate()
    click.echo(_("{n} of {total} stored NIKs re-encrypted.").format(n=result.reencrypted, total=result.tokens))
    if rewrote:
        click.echo(_("The new NIK key is in the key file nik_keys; back it up apart from the database."))
    else:
        click.echo(_("Stored NIKs are under LUMBUNG_NIK_KEY; LUMBUNG_NIK_OLD_KEYS can now be removed."))
    if result.unreadable:
        click.echo(_("Warning: {n} stored NIKs open with no known key; they stay as they are.").format(
            n=result.unreadable), err=True)


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


@click.command("doctor")
def doctor_command() -> None:
    """Report what is misconfigured (system checks, database, data folder, NIK keys, analytics
    freshness, Spark and Dask), one line per finding; exit status 1 when there is an error."""
    import lumbung

    try:
        lumbung.setup_django()
    except Exception as error:  # noqa: BLE001 - settings that do not load are the finding itself
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        click.echo("ERROR   settings: " + _("the settings do not load: {reason}").format(reason=reason))
        raise SystemExit(1) from None
    from lumbung.registry.doctor import diagnose, has_errors

    findings = diagnose()
    for finding in findings:
        click.echo(finding.line())
    if has_errors(findings):
        raise SystemExit(1)


commands = [init_command, createuser_command, rotate_nik_key_command, backup_command, restore_command, doctor_command]
