"""A progress bar for ``progress(done, total)`` callbacks, drawn on stderr only when it is a terminal
(so logs and pipes stay clean)."""

from __future__ import annotations

import sys

import click


class TerminalBar:
    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
