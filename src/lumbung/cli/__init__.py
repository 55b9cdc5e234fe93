"""The ``lumbung`` command. Each domain package contributes its commands in ``<package>/commands.py``
as a list named ``commands``; the CLI mirrors the Python API function for function."""

from __future__ import annotations

import importlib

import click

from lumbung import __version__

#: Packages whose ``commands`` module adds subcommands, in the order ``--help`` lists them.
COMMAND_PACKAGES = (
    "lumbung.registry",
    "lumbung.sizeclass",
    "lumbung.imports",
    "lumbung.synthetic",
    "lumbung.indicators",
    "lumbung.lab",
    "lumbung.portal",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="lumbung")
def main() -> None:
    """Lumbung: pusat informasi IKM (the information center for small and medium industry)."""


def _register() -> None:
    for package in COMMAND_PACKAGES:
        module = importlib.import_module(f"{package}.commands")
        for command in module.commands:
            main.add_command(command)


_register()
