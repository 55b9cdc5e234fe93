"""A synthetic, calibrated population of Indonesian manufacturing firms in the import template
format (pure Python + NumPy + Arrow; never Django).

``generate(firms, years, seed)`` returns one row per enterprise and year it is alive, in
``lumbung.vocabulary.TEMPLATE_COLUMNS`` order; ``write(table, path)`` writes .csv, .xlsx or
.parquet. The same seed gives the same table and byte-identical files. The model and every
calibration target with its source: docs/synthetic.md and ``calibration.toml``.
"""

from __future__ import annotations

from lumbung.synthetic.generator import SCHEMA, generate
from lumbung.synthetic.output import write

__all__ = ["SCHEMA", "generate", "write"]
