"""Generates :mod:`lumbung.cli.table` (run ``cog -r src/lumbung/cli/table.py`` after adding or
renaming a command; ``make test`` runs ``cog --check``, and tests/test_cli_startup.py compares the
table with the command modules)."""

from __future__ import annotations

from lumbung.cli import COMMAND_PACKAGES, load_commands


def entries() -> dict[str, tuple[str, str]]:
    """name -> (module, one-line help) for every command of every package."""
    table: dict[str, tuple[str, str]] = {}
    for package in COMMAND_PACKAGES:
        module = f"{package}.commands"
        for name, command in load_commands(module).items():
            table[name] = (module, command.get_short_help_str(limit=200))
    return dict(sorted(table.items()))


def generate() -> str:
    lines = ["COMMANDS: dict[str, tuple[str, str]] = {"]
    lines += [f"    {name!r}: ({module!r}, {short!r})," for name, (module, short) in entries().items()]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _help_text(path: list[str]) -> str:
    from click.testing import CliRunner  # noqa: PLC0415 - documentation generation only

    from lumbung import conf  # noqa: PLC0415 - see above
    from lumbung.cli import main  # noqa: PLC0415 - the group imports this module's sibling table

    # English and default settings, whatever the caller's environment (no weak-setting warnings).
    clean = {name: None for name in conf.SETTINGS if name != "LUMBUNG_HOME"} | {"LUMBUNG_LANGUAGE": "en"}
    result = CliRunner().invoke(main, [*path, "--help"], terminal_width=100, env=clean, catch_exceptions=False)
    return result.output.replace("Usage: main", "Usage: lumbung").rstrip()


def _paths(group, prefix: list[str]) -> list[list[str]]:
    import click  # noqa: PLC0415 - documentation generation only

    found = []
    for name, command in sorted(group.commands.items()):
        found.append([*prefix, name])
        if isinstance(command, click.Group):
            found += _paths(command, [*prefix, name])
    return found


def reference() -> str:
    """docs/cli.md's body: every command's ``--help``, under its own heading."""
    import click  # noqa: PLC0415 - documentation generation only

    from lumbung.cli import main  # noqa: PLC0415 - see above

    group = click.Group(commands=main.all_commands())
    parts = ["## `lumbung`", "", "```", _help_text([]), "```", ""]
    for path in _paths(group, []):
        parts += [f"## `lumbung {' '.join(path)}`", "", "```", _help_text(path), "```", ""]
    return "\n".join(parts)
