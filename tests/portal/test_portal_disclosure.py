"""Issue 8.5 / 10.11: no public page shows a cell that reveals an enterprise.

Every public page is built on the analytics sample (analytics_sample.py, with cells of one and
two enterprises and a dominant one on purpose) and every figure it shows is read back through
its ``data-cell`` identity. Each shown figure is checked against the enterprises behind it,
recomputed without disclosure control: no cell of 1 or 2 enterprises, no money total that one
enterprise dominates. Then the pages are attacked as tests/indicators/test_disclosure_attack.py
attacks query results: every shown total whose parts all appear on the pages is an equation over
the suppressed parts, and linear programming gives the interval an attacker can narrow each
suppressed part to; it must stay wider than the protection level on both sides.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest
from public_pages import cells, urls
from scipy.optimize import linprog

from lumbung.indicators.catalogue import catalogue
from lumbung.indicators.disclosure import PROTECTION
from lumbung.indicators.engine import compute

pytestmark = pytest.mark.django_db
MIN_FIRMS, DOMINANCE = 3, 0.85
CONTEXT = ("indicator",)


@lru_cache(maxsize=256)
def _truth_table(indicator: str, dims: tuple[str, ...], where: str = "") -> dict:
    filters = {}
    for part in filter(None, where.split(";")):
        dim, values = part.split("=")
        filters[dim] = values.split(",")
    frame = compute([indicator], by=list(dims), where=filters or None, public=False)
    return {tuple(str(r[d]) for d in dims): r for r in frame.to_dict("records")}


def _dims(key: dict) -> tuple[str, ...]:
    return tuple(sorted(k for k in key if k not in ("indicator", "where")))


def truth(key: dict) -> dict | None:
    dims = _dims(key)
    return _truth_table(key["indicator"], dims, key.get("where", "")).get(tuple(key[d] for d in dims))


@pytest.fixture
def shown(client, public_site):
    _truth_table.cache_clear()
    pages = {}
    for url in urls():
        for prefix in ("", "/en"):
            response = client.get(prefix + url)
            assert response.status_code == 200, prefix + url
            pages[prefix + url] = cells(response.content.decode())
    yield pages
    _truth_table.cache_clear()


def test_pages_show_figures_and_hide_some(shown):
    everything = [c for page in shown.values() for c in page]
    assert len(everything) > 500
    assert any(c["suppressed"] for c in everything), "the sample has small cells: some must be hidden"
    assert all(c["key"]["indicator"] in catalogue() for c in everything)


def test_no_shown_cell_is_under_the_threshold_or_dominated(shown):
    problems = []
    for url, page in shown.items():
        for cell in page:
            if cell["suppressed"] or cell["value"] is None:
                continue
            row = truth(cell["key"])
            assert row is not None, (url, cell)
            n = int(row["n_firms"])
            if 0 < n < MIN_FIRMS:
                problems.append((url, cell["key"], n))
            top, num = row["max_contribution"], row["numerator"]
            if catalogue()[cell["key"]["indicator"]].is_money_sum and top == top and num and top > DOMINANCE * abs(num):
                problems.append((url, cell["key"], "dominated"))
    assert not problems, problems[:5]


def test_shown_values_are_the_engines(shown):
    """A shown figure is the engine's own value (rounded as shown), not a sum made by the page."""
    for page in shown.values():
        for cell in page:
            if cell["value"] is None:
                continue
            row = truth(cell["key"])
            decimals = catalogue()[cell["key"]["indicator"]].decimals  # the explorer rounds as catalogued
            assert row["value"] == pytest.approx(cell["value"], rel=1e-9, abs=0.5 * 10 ** -decimals), cell


ADDITIVE = {i.id for i in catalogue().values() if i.kind in ("count", "sum")}


def _sensitive(indicator: str, row: dict) -> bool:
    """The rules restated from the enterprises: fewer than 3, or one holding more than 85%."""
    n, top, num = int(row["n_firms"]), row["max_contribution"], row["numerator"]
    dominated = catalogue()[indicator].is_money_sum and top == top and bool(num) and top > DOMINANCE * abs(num)
    return 0 < n < MIN_FIRMS or dominated


def _as_dimensions(key: dict) -> dict:
    """A count or sum filtered to one value is that value's cell: ``where`` becomes a dimension."""
    key = dict(key)
    for part in filter(None, key.pop("where", "").split(";")):
        dim, value = part.split("=")
        key[dim] = value
    return key


def _equations(shown) -> tuple[list[tuple[dict, list[dict]]], dict]:
    """(parent, parts) for every shown parent whose parts (one dimension more) are all shown."""
    known: dict = {}
    for page in shown.values():
        for cell in page:
            if cell["key"]["indicator"] in ADDITIVE:
                cell = {**cell, "key": _as_dimensions(cell["key"])}
                known[tuple(sorted(cell["key"].items()))] = cell
    equations = []
    for parent in known.values():
        if parent["suppressed"]:
            continue
        base = parent["key"]
        children: dict[str, list] = {}
        for child in known.values():
            extra = set(child["key"]) - set(base)
            if len(extra) == 1 and all(child["key"].get(k) == v for k, v in base.items()):
                children.setdefault(extra.pop(), []).append(child)
        for dim, parts in children.items():
            dims = tuple(sorted([*_dims(base), dim]))
            everything = [k for k in _truth_table(base["indicator"], dims, base.get("where", ""))
                          if all(dict(zip(dims, k, strict=True)).get(d) == base[d] for d in _dims(base))]
            if len(parts) == len(everything) and any(p["suppressed"] for p in parts):
                equations.append((parent, parts))
    return equations, known


def test_suppressed_cells_cannot_be_recovered_from_shown_totals(shown):
    equations, _known = _equations(shown)
    unknowns = sorted({tuple(sorted(p["key"].items())) for _, parts in equations for p in parts if p["suppressed"]})
    if not equations:
        pytest.fail("the pages publish no total over suppressed parts: the attack has nothing to test")
    index = {u: i for i, u in enumerate(unknowns)}
    a_eq, b_eq = [], []
    for parent, parts in equations:
        row = np.zeros(len(unknowns))
        rest = parent["value"]
        for part in parts:
            if part["suppressed"]:
                row[index[tuple(sorted(part["key"].items()))]] = 1
            else:
                rest -= part["value"]
        a_eq.append(row)
        b_eq.append(rest)
    a_eq, b_eq = np.array(a_eq), np.array(b_eq)
    exposed, checked = [], 0
    for unknown, i in index.items():
        row = truth(dict(unknown))
        if not _sensitive(dict(unknown)["indicator"], row):
            continue  # a complementary cell: hidden to protect another, it may be narrowed
        true = float(row["value"])
        bounds = []
        for sign in (1, -1):
            vector = np.zeros(len(unknowns))
            vector[i] = sign
            res = linprog(vector, A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * len(unknowns), method="highs")
            bounds.append(sign * res.fun if res.status == 0 else (np.inf if sign == -1 else -np.inf))
        low, high = bounds
        checked += 1
        margin = PROTECTION * abs(true) - 1e-6
        if true and (true - low < margin or high - true < margin):
            exposed.append((dict(unknown), true, low, high))
    assert checked, "no primary-sensitive cell was attacked: the test proves nothing"
    assert not exposed, exposed[:5]
