"""A synthetic, calibrated population of Indonesian manufacturing firms in the import template
format (pure Python + NumPy + Arrow; never Django).

``generate(firms, years, seed)`` returns one row per enterprise and year it is alive, in
``lumbung.vocabulary.TEMPLATE_COLUMNS`` order; ``write(table, path)`` writes .csv, .xlsx or
.parquet. The same seed gives the same table and byte-identical files. ``load_demo(store, ...)``
hands such a population to the registry's importer (lumbung.synthetic.demo). The model and every
calibration target with its source: docs/synthetic.md and ``calibration.toml``.

The names below load on first use, so that the CLI's ``lumbung.synthetic.commands`` does not
load NumPy and Arrow for every ``lumbung`` command.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "SCHEMA": "lumbung.synthetic.generator",
    "generate": "lumbung.synthetic.generator",
    "write": "lumbung.synthetic.output",
    "load_demo": "lumbung.synthetic.demo",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'lumbung.synthetic' has no attribute {name!r}")
