"""``classify_many``: the same rules as :func:`lumbung.sizeclass.engine.classify`, on columns.

Each condition gives two masks, "true" and "false" (neither = unknown because an input is NaN),
combined with three-valued logic. Rules are walked in order, as in ``classify``: a row collects
the class of every rule that may hold (true or unknown) until one surely holds. A row gets a
class when exactly one class was possible; otherwise "unknown".
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lumbung.sizeclass.engine import UNKNOWN
from lumbung.sizeclass.inputs import FIELDS
from lumbung.sizeclass.regime import SIZE_CLASSES, Condition, Group, Regime, get_regime

_NAMES = np.array([*SIZE_CLASSES, UNKNOWN])
# class index of each bit mask with exactly one bit set; every other mask is unknown
_BY_MASK = np.full(1 << len(SIZE_CLASSES), len(SIZE_CLASSES), dtype=np.int8)
for _index in range(len(SIZE_CLASSES)):
    _BY_MASK[1 << _index] = _index


def _column(columns: Mapping[str, object], name: str, rows: int) -> np.ndarray:
    if name not in columns:
        return np.full(rows, np.nan)
    values = np.asarray(columns[name], dtype=np.float64)
    if values.shape != (rows,):
        raise ValueError(f"column {name} has shape {values.shape}, expected ({rows},)")
    _check(name, values)
    return values


def _check(name: str, values: np.ndarray) -> None:
    """The same checks as inputs.check_value, naming the first bad row."""
    known = ~np.isnan(values)
    kind = FIELDS[name].kind
    if kind == "flag":
        bad = known & (values != 0.0) & (values != 1.0)
        problem = "must be 1.0 (true), 0.0 (false) or NaN"
    elif kind == "count":
        bad = known & ((values < 1) | (values != np.floor(values)))
        problem = "must be a whole number of at least 1"
    else:
        bad = known & ((values < 0) | np.isinf(values))
        problem = "must not be negative"
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name} {problem}, got {values[row]!r} in row {row}")


def _masks(node: Condition | Group, data: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(surely true, surely false) for every row."""
    if isinstance(node, Condition):
        values = data[node.field]
        known = ~np.isnan(values)
        with np.errstate(invalid="ignore"):
            if node.op == "is":
                holds = values == (1.0 if node.value else 0.0)
            else:
                holds = {"<=": np.less_equal, "<": np.less, ">=": np.greater_equal,
                         ">": np.greater}[node.op](values, node.value)
        return known & holds, known & ~holds
    parts = [_masks(part, data) for part in node.parts]
    trues, falses = np.array([p[0] for p in parts]), np.array([p[1] for p in parts])
    if node.mode == "all":
        return trues.all(axis=0), falses.any(axis=0)
    return trues.any(axis=0), falses.all(axis=0)


def classify_many(regime: str | Regime, columns: Mapping[str, object]) -> np.ndarray:
    """Size class of every row: an array of "micro" / "small" / "medium" / "large" / "unknown".

    ``columns`` maps input names to equal-length arrays (floats, NaN = missing; flags as
    1.0/0.0/NaN). Inputs the regime reads but ``columns`` lacks are missing in every row.
    ValueError, naming the row, for the values ``classify`` refuses (negative money, 0 workers).
    """
    regime = get_regime(regime)
    lengths = {len(np.asarray(columns[name])) for name in regime.inputs if name in columns}
    if len(lengths) > 1:
        raise ValueError(f"columns differ in length: {sorted(lengths)}")
    rows = lengths.pop() if lengths else len(next(iter(columns.values()), []))
    data = {name: _column(columns, name, rows) for name in regime.inputs}
    possible = np.zeros(rows, dtype=np.int64)
    decided = np.zeros(rows, dtype=bool)
    for rule in regime.rules:
        true, false = _masks(rule.when, data)
        open_rows = ~decided
        possible[open_rows & ~false] |= 1 << SIZE_CLASSES.index(rule.size_class)
        decided |= open_rows & true
    if (possible == 0).any():
        row = int(np.flatnonzero(possible == 0)[0])
        raise ValueError(f"regime {regime.id} has no rule for row {row}")
    # One possible class left = decided, whatever the missing inputs (see engine.classify).
    return _NAMES[_BY_MASK[possible]]
