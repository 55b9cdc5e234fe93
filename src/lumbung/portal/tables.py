"""A figure of the engine as the table under its chart: one row per cell, one column per
indicator, values formatted for the visitor's language, suppressed cells marked.

Every cell carries ``data-cell``: its indicator and dimension values as JSON, so that tests (and
anyone) can tell exactly which engine cell a shown figure is (tests/portal/test_portal_disclosure.py
scans every public page with it)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
from django.utils.translation import gettext as _

from lumbung.portal import labels, numbers
from lumbung.portal.figures import Figure

SUPPRESSED = "◆"


@dataclass
class Cell:
    text: str
    value: float | None
    suppressed: bool
    key: str  # data-cell JSON


@dataclass
class Row:
    header: str
    codes: dict
    cells: list[Cell]


def cell_key(indicator: str, codes: dict) -> str:
    return json.dumps({"indicator": indicator, **{k: str(v) for k, v in codes.items()}}, sort_keys=True)


def _cell(indicator, row, codes: dict) -> Cell:
    if row is None:
        return Cell("–", None, False, cell_key(indicator.id, codes))
    if bool(row.get("suppressed")):
        return Cell(SUPPRESSED, None, True, cell_key(indicator.id, codes))
    value = row["value"]
    value = None if pd.isna(value) else float(value)
    return Cell(numbers.by_unit(value, indicator.unit, indicator.decimals, labels.lang()) if value is not None
                else "–", value, False, cell_key(indicator.id, codes))


def _index(frame: pd.DataFrame, by: list[str]) -> dict:
    out: dict = {}
    for record in frame.to_dict("records"):
        out[(tuple(str(record[d]) for d in by), record["indicator"])] = record
    return out


def sort_codes(dim: str, codes: list[str]) -> list[str]:
    if dim == "size_class":
        order = {c: i for i, c in enumerate(labels.SIZE_ORDER)}
        return sorted(codes, key=lambda c: order.get(c, 99))
    return sorted(codes, key=lambda c: (c == labels.UNKNOWN, c))


def rows(fig: Figure, order: list[tuple] | None = None) -> list[Row]:
    """The table rows of ``fig`` in ``order`` (tuples of dimension codes), else sorted."""
    by = fig.by
    index = _index(fig.rows, by)
    if order is None:
        keys = sorted({k for k, _ in index}, key=lambda k: tuple(
            (c == labels.UNKNOWN, int(c) if d == "year" else c) for d, c in zip(by, k, strict=True)))
        if len(by) == 1:
            keys = [(c,) for c in sort_codes(by[0], [k[0] for k in keys])]
        order = keys
    out = []
    for key in order:
        codes = dict(zip(by, key, strict=True))
        header = " · ".join(labels.value(d, c) for d, c in codes.items())
        out.append(Row(header, codes, [_cell(ind, index.get((key, ind.id)), {**fig.context, **codes}) for ind in fig.indicators]))
    return out


def total_rows(fig: Figure) -> list[Row]:
    """The engine's margin (the query without its non-year dimensions), one row per year shown."""
    if fig.total is None or fig.total.empty:
        return []
    margin_by = [d for d in fig.by if d == "year"]
    index = _index(fig.total, margin_by)
    keys = sorted({k for k, _ in index})
    out = []
    for key in keys:
        codes = dict(zip(margin_by, key, strict=True))
        header = _("Total") + (f" {key[0]}" if key else "")
        out.append(Row(header, codes, [_cell(ind, index.get((key, ind.id)), {**fig.context, **codes}) for ind in fig.indicators]))
    return out


def any_suppressed(table_rows: list[Row]) -> bool:
    return any(c.suppressed for r in table_rows for c in r.cells)
