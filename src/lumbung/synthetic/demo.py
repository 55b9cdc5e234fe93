"""The demo registry: a synthetic population loaded through the registry's importer.

This package never touches the database: :func:`load_demo` generates the population and hands
it to ``store``, the importer the caller passes in (``lumbung demo`` passes
``lumbung.imports.import_table`` after migrating the database). Source ids are fixed by the
seed, so loading the same seed again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import pyarrow as pa

from lumbung.synthetic.effects import InjectedEffect, inject
from lumbung.synthetic.generator import generate

DEMO_FIRMS = 20_000
DEMO_YEARS = 3
#: The importer's ``source`` of every demo enterprise.
SOURCE = "synthetic"


class Store(Protocol):
    """The registry's importer: stores a template-format table, returns its result."""

    def __call__(self, table: pa.Table, *, format: str, source: str,
                 progress: Callable[[int, int], None] | None) -> Any: ...


class DemoProgress:
    """What :func:`load_demo` reports, as it goes; the default reports nothing."""

    def generated(self, done: int, total: int) -> None:
        """``done`` of ``total`` generation steps (the panel, then each year's rows)."""

    def loading(self, rows: int) -> None:
        """The population is ready: ``rows`` yearly reports go to the store."""

    def stored(self, done: int, total: int) -> None:
        """The store's own progress: ``done`` of ``total`` rows."""


def load_demo(store: Store, firms: int = DEMO_FIRMS, years: int = DEMO_YEARS, seed: int = 1,
              start_year: int = 2021, progress: DemoProgress | None = None,
              effect: InjectedEffect | None = None, enrol: Callable[[pa.Table, str], int] | None = None) -> Any:
    """Generate ``firms`` enterprises over ``years`` years (lumbung.synthetic.generate) and import
    them with ``store`` as source "synthetic"; returns what ``store`` returns (the importer's
    ImportResult: imported, rejected, counts).

    With ``effect`` (lumbung.synthetic.effects), the population gets the injected effect and its
    enrolments go to ``enrol(enrolments, source)`` after the import; the result's ``enrolled``
    is what ``enrol`` returns (the enrolments stored)."""
    progress = progress or DemoProgress()
    steps = {"done": 0}

    def step(increment: int) -> None:
        steps["done"] += increment
        progress.generated(steps["done"], years + 1)

    table = generate(firms, years, seed, start_year=start_year, progress=step)
    enrolments = None
    if effect is not None:
        table, enrolments = inject(table, effect, seed)
    progress.loading(table.num_rows)
    result = store(table, format="template", source=SOURCE, progress=progress.stored)
    if enrolments is not None and enrol is not None:
        result.enrolled = enrol(enrolments, SOURCE)
    return result
