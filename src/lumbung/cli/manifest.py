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
