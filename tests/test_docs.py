"""Every command, option and setting is documented (the Datasette / sqlite-utils discipline)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from lumbung import conf
from lumbung.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _docs_text() -> str:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(f.read_text(encoding="utf-8") for f in files if f.exists())


def _commands(group: click.Group, prefix: str = ""):
    for name, command in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path + " ")


COMMANDS = list(_commands(main))


def test_there_are_commands():
    assert {"classify", "init", "serve"} <= {path for path, _ in COMMANDS}


@pytest.mark.parametrize("path,command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_and_options_documented(path, command):
    text = _docs_text()
    assert f"lumbung {path}" in text, f"`lumbung {path}` is not documented in README.md or docs/"
    for param in command.params:
        if isinstance(param, click.Option):
            longest = max(param.opts, key=len)
            assert longest in text, f"option {longest} of `lumbung {path}` is not documented"


@pytest.mark.parametrize("command", [c for _, c in COMMANDS])
def test_command_has_help(command):
    assert (command.help or command.short_help or "").strip()


@pytest.mark.parametrize("name", sorted(conf.SETTINGS))
def test_setting_documented(name):
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert f"`{name}`" in text, f"setting {name} is missing from docs/settings.md"
