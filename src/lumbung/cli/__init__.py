"""The ``lumbung`` command. Each package contributes its commands in ``<package>/commands.py`` as a
list named ``commands``; the CLI mirrors the Python API function for function.

Start-up is lazy (issue 9 point 6): the group lists its commands from a generated table
(:mod:`lumbung.cli.table`: name, module, one-line help), so ``lumbung --help`` imports no command
module, and a command's module is imported only when that command runs. Failures are reported by
:mod:`lumbung.cli.failures` (one sentence and exit 2, or the log file of a defect and exit 1).
"""

from __future__ import annotations

import importlib
import sys

import click

from lumbung import __version__, conf
from lumbung.cli import failures
from lumbung.cli.table import COMMANDS
from lumbung.i18n import _

#: Packages whose ``commands`` module adds subcommands (the table is generated from these).
COMMAND_PACKAGES = (
    "lumbung.registry",
    "lumbung.sizeclass",
    "lumbung.imports",
    "lumbung.synthetic",
    "lumbung.indicators",
    "lumbung.lab",
    "lumbung.linkages",
    "lumbung.portal",
    "lumbung.evaluation",
    "lumbung.jobs",
    "lumbung.programs",
)


def load_commands(module_name: str) -> dict[str, click.Command]:
    """The commands of one ``commands`` module, by name."""
    module = importlib.import_module(module_name)
    return {command.name: command for command in module.commands}


def discover() -> dict[str, click.Command]:
    """Every command of every package, importing all command modules (the table's source)."""
    found: dict[str, click.Command] = {}
    for package in COMMAND_PACKAGES:
        found.update(load_commands(f"{package}.commands"))
    return found


def shorten(text: str, limit: int) -> str:
    """The first sentence of ``text``, cut at a word to at most ``limit`` characters.

    >>> shorten("Write the empty import template. Then fill it in.", 60)
    'Write the empty import template.'
    >>> shorten("Run a policy-lab scenario as an ensemble", 24)
    'Run a policy-lab...'
    """
    first = " ".join(text.split()).split(". ")[0]
    first = first if first.endswith(".") or first == " ".join(text.split()) else first + "."
    if len(first) <= limit:
        return first
    return first[: max(limit - 3, 1)].rsplit(" ", 1)[0] + "..."


class LazyGroup(click.Group):
    """A group whose commands are imported on first use, with the error handling of
    :mod:`lumbung.cli.failures` around every run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context | None, name: str) -> click.Command | None:
        if name not in self.commands:
            entry = COMMANDS.get(name)
            # A command missing from a stale table is still found, at the price of loading everything.
            loaded = load_commands(entry[0]) if entry else discover()
            for command_name, command in loaded.items():
                self.commands.setdefault(command_name, command)
        return self.commands.get(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table, without importing the commands."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, shorten(self._short_help(name), limit)) for name in names]
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

    def _short_help(self, name: str) -> str:
        if name in COMMANDS:
            return COMMANDS[name][1]
        command = self.commands[name]
        return command.short_help or command.help or ""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        argv = list(sys.argv[1:] if args is None else args)
        try:
            result = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except Exception as error:  # noqa: BLE001 - the one place that turns any failure into a sentence
            sys.exit(failures.report(error, argv))
        except KeyboardInterrupt as error:
            sys.exit(failures.report(error, argv))
        sys.exit(result if isinstance(result, int) else 0)

    def all_commands(self) -> dict[str, click.Command]:
        """Every command, loaded (for tests and the generated documentation)."""
        for name in self.list_commands(click.Context(self)):
            self.get_command(None, name)
        return dict(sorted(self.commands.items()))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="lumbung")
def main() -> None:
    """Lumbung: pusat informasi IKM (the information center for small and medium industry)."""
    for warning in conf.weak_settings():
        click.secho(_("WARNING: {message}").format(message=warning), err=True, fg="yellow", bold=True)
