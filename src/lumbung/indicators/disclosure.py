"""Disclosure control of public figures: primary and secondary cell suppression.

``protect(df, by)`` takes the long format of :func:`lumbung.indicators.compute` and returns it
with a boolean ``suppressed`` column; value, numerator and denominator of a suppressed row are
NaN, and the columns that describe enterprises (``n_firms``, ``max_contribution``) are dropped.

Rules (thresholds are settings, docs/disclosure.md gives their sources):

* **minimum frequency**: a cell of fewer than ``LUMBUNG_DISCLOSURE_MIN_FIRMS`` (3) enterprises is
  suppressed, all its indicators (BPS does not publish cells of fewer than 3 firms);
* **dominance (n=1, k=85%)**: a money total in which one enterprise holds more than
  ``LUMBUNG_DISCLOSURE_DOMINANCE`` (0.85) is suppressed (Hundepool et al. 2012, ch. 4);
* **secondary suppression** so that no suppressed figure can be recovered, nor narrowed to
  within the protection level, from the other published cells of the query and from its
  margins (the query's totals, public through ``share_*`` and through queries without a
  dimension, and the coarser levels of region and KBLI): the hypercube method of
  :mod:`lumbung.indicators.hypercube`.

An indicator row publishes its numerator and its denominator, each a sum over enterprises and
therefore additive. Equal numerator/denominator columns (``output`` and the numerator of
``share_output`` or ``output_per_worker``...) and columns that are the sum or difference of two
others (output = value added + inputs) are one *family* and share one suppression pattern, so
that a figure hidden in one indicator cannot be read from another. The denominator of
``share_*`` is the public total of the query and is not protected. Years are protected one by
one: every total of the engine is per year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from lumbung import conf, sectors
from lumbung.i18n import _
from lumbung.indicators import hypercube as H

#: Dimensions along which no total is published: each value is a separate table.
STRATA = ("year",)
#: Columns that describe enterprises and never appear in public output.
PRIVATE_COLUMNS = ("n_firms", "max_contribution")
UNKNOWN = "unknown"
FIGURES = ("value", "numerator", "denominator")
#: Protection level: a suppressed cell must stay uncertain by at least this fraction of its value
#: in both directions (Hundepool et al. 2012, ch. 4 "protection levels"; τ-ARGUS asks the same).
PROTECTION = 0.10


def rules(settings: Mapping[str, object] | None = None) -> H.Rules:
    """The sensitivity rules from ``settings`` (keys as in lumbung.conf), else the environment."""
    settings = settings or {}

    def pick(name: str) -> str:
        return str(settings[name]) if name in settings else str(conf.get(name))

    try:
        min_firms = int(pick("LUMBUNG_DISCLOSURE_MIN_FIRMS"))
        dominance = float(pick("LUMBUNG_DISCLOSURE_DOMINANCE"))
    except ValueError as error:
        raise ValueError(_("disclosure settings must be numbers: {error}").format(error=error)) from None
    if min_firms < 1 or not 0 < dominance <= 1:
        raise ValueError(_("LUMBUNG_DISCLOSURE_MIN_FIRMS must be at least 1 and LUMBUNG_DISCLOSURE_DOMINANCE "
                           "between 0 and 1"))
    return H.Rules(min_firms=min_firms, dominance=dominance, protection=PROTECTION)


def _region_parent(code: str) -> str:
    return code.rsplit(".", 1)[0] if "." in code else UNKNOWN


def _section_of(division: str) -> str:
    try:
        return (sectors.section_of(division) if division != UNKNOWN else None) or UNKNOWN
    except ValueError:  # not a KBLI code: a bucket of its own
        return UNKNOWN


#: Coarser levels whose totals the engine also publishes (regency within province, ...).
HIERARCHIES = {
    "regency": (_region_parent,),
    "district": (_region_parent, _region_parent),
    "kbli_division": (_section_of,),
}


def _labels(series: pd.Series) -> np.ndarray:
    return np.array([UNKNOWN if pd.isna(v) else str(v) for v in series], dtype=object)


class _Families:
    """Union-find over the (indicator, role) columns of the query."""

    def __init__(self, columns: list[tuple[str, str]]):
        self.parent = {c: c for c in columns}

    def find(self, c):
        while self.parent[c] != c:
            self.parent[c] = self.parent[self.parent[c]]
            c = self.parent[c]
        return c

    def union(self, a, b) -> None:
        self.parent[self.find(a)] = self.find(b)

    def groups(self) -> dict:
        out: dict = {}
        for c in self.parent:
            out.setdefault(self.find(c), []).append(c)
        return out


def _fingerprint(vector: np.ndarray) -> bytes:
    return np.round(np.nan_to_num(vector), 6).tobytes()


def _link(columns: dict[tuple[str, str], np.ndarray], money: set[tuple[str, str]]) -> _Families:
    """Families: equal columns, and money columns that are the sum or difference of two others."""
    families = _Families(list(columns))
    seen: dict[bytes, tuple[str, str]] = {}
    for col, vector in columns.items():
        key = _fingerprint(vector)
        if key in seen:
            families.union(col, seen[key])
        else:
            seen[key] = col
    reps = [c for c in seen.values() if c in money]
    if len(reps) <= 40:  # bounded search: O(n^2) pairs
        for i, a in enumerate(reps):
            for b in reps[i + 1:]:
                for combo in (columns[a] + columns[b], columns[a] - columns[b], columns[b] - columns[a]):
                    other = seen.get(_fingerprint(combo))
                    if other is not None and other not in (a, b) and np.abs(combo).sum() > 0:
                        families.union(a, b)
                        families.union(a, other)
    return families


def protect(df: pd.DataFrame, by: Sequence[str], settings: Mapping[str, object] | None = None,
            *, unprotected: list | None = None) -> pd.DataFrame:
    """Suppress what would reveal an enterprise in the long-format result ``df`` of compute.

    ``unprotected``, when a list, receives one dict per suppressed cell whose protection level
    could not be reached by the heuristic (it stays suppressed; see docs/disclosure.md)."""
    by = list(by)
    missing = [c for c in [*by, "indicator", *FIGURES, *PRIVATE_COLUMNS] if c not in df.columns]
    if missing:
        raise ValueError(_("protect() needs the columns {names}").format(names=", ".join(missing)))
    the_rules = rules(settings)
    out = df.drop(columns=[c for c in (*PRIVATE_COLUMNS, "suppressed") if c in df.columns]).copy()
    out["suppressed"] = False
    if df.empty:
        return out
    labels = {d: _labels(df[d]) for d in by}
    cell_of = (pd.DataFrame(labels).groupby(by, sort=True).ngroup().to_numpy() if by
               else np.zeros(len(df), dtype=int))
    n_cells = int(cell_of.max()) + 1
    suppressed_cells = _suppress(df, by, labels, cell_of, n_cells, the_rules, unprotected)
    hidden = np.zeros(len(df), dtype=bool)
    for (indicator, _role), mask in suppressed_cells.items():
        rows = (df["indicator"].to_numpy() == indicator)
        hidden |= rows & mask[cell_of]
    out["suppressed"] = hidden
    out.loc[hidden, list(FIGURES)] = np.nan
    return out


def _columns(df, cell_of, n_cells):
    """Numerator and denominator of every indicator as a vector over the cells."""
    columns: dict[tuple[str, str], np.ndarray] = {}
    present: dict[tuple[str, str], np.ndarray] = {}
    firms: dict[tuple[str, str], np.ndarray] = {}
    top: dict[tuple[str, str], np.ndarray] = {}
    for indicator, rows in df.groupby("indicator", sort=False):
        cells = cell_of[rows.index.to_numpy()]  # df has a RangeIndex here
        n = np.zeros(n_cells)
        n[cells] = rows["n_firms"].fillna(0).to_numpy(dtype=float)
        here = np.zeros(n_cells, dtype=bool)
        here[cells] = True
        mx = np.full(n_cells, np.nan)
        mx[cells] = np.abs(rows["max_contribution"].to_numpy(dtype=float))
        for role in ("numerator", "denominator"):
            values = rows[role].to_numpy(dtype=float)
            if np.isnan(values).all():
                continue
            if role == "denominator" and str(indicator).startswith("share_"):
                continue  # the query's public total
            vector = np.zeros(n_cells)
            vector[cells] = np.nan_to_num(values)
            col = (str(indicator), role)
            columns[col], present[col], firms[col] = vector, here, n
            top[col] = mx if role == "numerator" else np.full(n_cells, np.nan)
    return columns, present, firms, top


def _suppress(df, by, labels, cell_of, n_cells, the_rules, unprotected):
    """Suppression mask over the cells for every (indicator, role) column."""
    columns, present, firms, top = _columns(df.reset_index(drop=True), cell_of, n_cells)
    money = {c for c in columns if not np.isnan(top[c]).all()}
    dims = [d for d in by if d not in STRATA]
    strata = [d for d in by if d in STRATA]
    cell_labels = np.empty((n_cells, len(by)), dtype=object)
    for j, d in enumerate(by):
        cell_labels[cell_of, j] = labels[d]
    dim_pos = [by.index(d) for d in dims]
    stratum_key = [tuple(row) for row in cell_labels[:, [by.index(s) for s in strata]]] if strata else [()] * n_cells
    result: dict[tuple[str, str], np.ndarray] = {}
    for members in _link(columns, money).groups().values():
        mask = _family_mask(members, columns, present, firms, top, cell_labels, dim_pos, dims, stratum_key,
                            the_rules, unprotected)
        for col in members:
            result[col] = mask
    return result


def _family_mask(members, columns, present, firms, top, cell_labels, dim_pos, dims, stratum_key, the_rules,
                 unprotected) -> np.ndarray:
    n_cells = len(cell_labels)
    here = np.any([present[c] for c in members], axis=0)
    counts = np.array([firms[c] for c in members], dtype=float)
    counts[counts <= 0] = np.inf
    smallest = counts.min(axis=0)  # the smallest population of the family's rows in the cell
    smallest[~np.isfinite(smallest)] = 0
    values = np.column_stack([columns[c] for c in members])
    tops = np.column_stack([top[c] for c in members])
    # Members with the same figures protect alike: keep one column each (largest contribution kept).
    _, first, inverse = np.unique(values, axis=1, return_index=True, return_inverse=True)
    merged_tops = np.full((len(values), len(first)), np.nan)
    for j, k in enumerate(np.ravel(inverse)):
        merged_tops[:, k] = np.fmax(merged_tops[:, k], tops[:, j])
    values = values[:, first]
    tops = merged_tops
    mask = np.zeros(n_cells, dtype=bool)
    for stratum in sorted(set(stratum_key)):
        cells = np.array([i for i in range(n_cells) if here[i] and stratum_key[i] == stratum], dtype=int)
        if not len(cells):
            continue
        tree = [H.Dimension([str(cell_labels[i, p]) for i in cells], HIERARCHIES.get(d, ()))
                for d, p in zip(dims, dim_pos, strict=True)]
        leaves = [tuple(str(cell_labels[i, p]) for p in dim_pos) for i in cells]
        hidden, table, weak = H.suppress(tree, leaves, values[cells], smallest[cells], tops[cells], the_rules)
        mask[cells] = hidden
        if unprotected is not None:
            for cell in sorted(weak):
                unprotected.append({"columns": sorted(members), "stratum": stratum,
                                    "cell": [n[1] for n in table.keys[cell]], "level": table.level[cell]})
    return mask
