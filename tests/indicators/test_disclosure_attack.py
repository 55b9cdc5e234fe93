"""Secondary suppression, tested by attacking it.

The attacker knows every published cell of the query and of every sub-query the engine would
answer (the query without one or more dimensions, and at the province level instead of the
regency), each protected by ``protect`` as the engine does. The unknowns are the query's cells
(enterprises' sums, never negative); every published figure is a linear equation over them.
For every cell that a sensitivity rule makes confidential (recomputed here from the enterprises,
independently of the code under test) linear programming gives the interval the attacker can
narrow it to: it must stay wider than the protection margin on both sides.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from lumbung.indicators.disclosure import PROTECTION, protect

MIN_FIRMS, DOMINANCE = 3, 0.85
RULES = {"LUMBUNG_DISCLOSURE_MIN_FIRMS": MIN_FIRMS, "LUMBUNG_DISCLOSURE_DOMINANCE": DOMINANCE}
QUANTITIES = ("firms", "output")


def query(firms: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """What the engine returns for ``by``: a count and a money total per cell, long format."""
    grouped = firms.groupby(by, sort=True) if by else firms.assign(_all=0).groupby("_all")
    cells = grouped.agg(n=("output", "size"), total=("output", "sum"), top=("output", "max")).reset_index()
    cells = cells.drop(columns=["_all"], errors="ignore")
    frames = []
    for indicator in QUANTITIES:
        money = indicator == "output"
        frame = cells[by].copy()
        frame["indicator"] = indicator
        frame["numerator"] = (cells["total"] if money else cells["n"]).astype(float)
        frame["value"] = frame["numerator"]
        frame["denominator"] = np.nan
        frame["n_firms"] = cells["n"]
        frame["max_contribution"] = cells["top"].astype(float) if money else np.nan
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def sub_queries(by: list[str]) -> list[list[str]]:
    """The query itself and every query the engine answers that publishes one of its margins."""
    out = []
    for r in range(len(by) + 1):
        for subset in itertools.combinations(by, r):
            out.append(list(subset))
            if "regency" in subset:
                out.append(["province" if d == "regency" else d for d in subset])
    return out


def sensitive(indicator: str, members: pd.Series) -> bool:
    """The rules, restated: a count is confidential below 3 enterprises, a money total also when
    one enterprise holds more than 85% of it."""
    few = 0 < len(members) < MIN_FIRMS
    return few or (indicator == "output" and members.max() > DOMINANCE * members.sum())


def column(frame: pd.DataFrame, dim: str) -> pd.Series:
    if dim == "province" and "province" not in frame:
        return frame["regency"].str.split(".").str[0]
    return frame[dim]


def interval(vector: np.ndarray, a_eq: np.ndarray, b_eq: np.ndarray) -> tuple[float, float]:
    """The lowest and highest value of ``vector @ cells`` given the published equations, cells >= 0."""
    bounds = []
    for sign in (1, -1):
        res = linprog(sign * vector, A_eq=a_eq if len(b_eq) else None, b_eq=b_eq if len(b_eq) else None,
                      bounds=[(0, None)] * len(vector), method="highs")
        if res.status == 3:  # unbounded
            bounds.append(-np.inf if sign == 1 else np.inf)
        else:
            assert res.status == 0, res.message
            bounds.append(sign * res.fun)
    return bounds[0], bounds[1]


def attack(firms: pd.DataFrame, by: list[str]):
    """For every confidential cell of the query and its sub-queries: (indicator, sub-query, cell,
    true value, the attacker's interval, the interval had the query hidden all its cells, whether
    protect() reported that it could not reach the protection level there)."""
    leaves = firms.groupby(by, sort=True)["output"].agg(["size", "sum"]).reset_index()
    published: dict[str, list[tuple[np.ndarray, float, bool]]] = {q: [] for q in QUANTITIES}
    confidential = []
    unprotected: list = []
    for sub in sub_queries(by):
        result = protect(query(firms.assign(**{d: column(firms, d) for d in sub}), sub), sub, RULES,
                         unprotected=unprotected)
        for row in result.itertuples(index=False):
            cell = {d: getattr(row, d) for d in sub}
            in_cell = np.ones(len(leaves), dtype=bool)
            of_cell = np.ones(len(firms), dtype=bool)
            for d, v in cell.items():
                in_cell &= (column(leaves, d) == v).to_numpy()
                of_cell &= (column(firms, d) == v).to_numpy()
            vector = in_cell.astype(float)
            if not row.suppressed:
                published[row.indicator].append((vector, row.numerator, sub == by))
            if sensitive(row.indicator, firms.loc[of_cell, "output"]):
                confidential.append((row.indicator, sub, cell, vector))
    weak = {(col[0], tuple(label for label in u["cell"] if label != ""))
            for u in unprotected for col in u["columns"]}
    for indicator in QUANTITIES:
        truth = leaves["size" if indicator == "firms" else "sum"].to_numpy(dtype=float)
        everything = published[indicator]
        coarser = [p for p in everything if not p[2]]
        for name, sub, cell, vector in confidential:
            if name != indicator:
                continue
            yield (indicator, sub, cell, float(vector @ truth), interval(vector, *equations(everything, len(leaves))),
                   interval(vector, *equations(coarser, len(leaves))), (indicator, tuple(cell.values())) in weak)


def equations(published, n):
    return (np.array([v for v, _, _ in published]).reshape(-1, n), np.array([b for _, b, _ in published]))


def firms_strategy(dims: dict[str, list[str]]):
    coordinate = st.tuples(*(st.sampled_from(values) for values in dims.values()))
    output = st.sampled_from([1, 3, 10, 40, 100, 1000, 20000])
    return st.lists(st.tuples(coordinate, output), min_size=1, max_size=30).map(
        lambda rows: pd.DataFrame([dict(zip(dims, c, strict=False), output=o) for c, o in rows]))


def protected(x: float, low: float, high: float) -> bool:
    margin, tolerance = PROTECTION * x, 1e-6 * max(1.0, x)
    return high - low > tolerance and high >= x + margin - tolerance and low <= x - margin + tolerance


def check_protected(firms: pd.DataFrame, by: list[str]) -> None:
    for indicator, sub, cell, x, (low, high), best, reported in attack(firms, by):
        if protected(x, low, high):
            continue
        where = f"{indicator} of {sub} {cell} = {x}: the attacker narrows it to [{low}, {high}]"
        assert reported, where + " and protect() did not report it"
        assert not protected(x, *best), where + ", but hiding the whole query would protect it"


ONE = {"size_class": ["micro", "small", "medium", "large", "unknown"]}
TWO = {"province": ["31", "32", "33", "34"], "size_class": ["micro", "small", "medium", "unknown"]}
THREE = {"province": ["31", "32", "33"], "size_class": ["micro", "small", "medium"], "owner_gender": ["F", "M", "unknown"]}
REGIONS = {"regency": ["31.01", "31.02", "31.03", "32.01", "32.02", "33.01"]}
HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=40, deadline=None, suppress_health_check=HEALTH)
@given(firms_strategy(ONE))
def test_one_dimension_cannot_be_recovered(firms):
    check_protected(firms, list(ONE))


@settings(max_examples=40, deadline=None, suppress_health_check=HEALTH)
@given(firms_strategy(TWO))
def test_two_dimensions_cannot_be_recovered(firms):
    check_protected(firms, list(TWO))


@settings(max_examples=25, deadline=None, suppress_health_check=HEALTH)
@given(firms_strategy(THREE))
def test_three_dimensions_cannot_be_recovered(firms):
    check_protected(firms, list(THREE))


@settings(max_examples=30, deadline=None, suppress_health_check=HEALTH)
@given(firms_strategy(REGIONS))
def test_regencies_with_province_totals_cannot_be_recovered(firms):
    check_protected(firms, list(REGIONS))


def test_the_attack_recovers_a_lone_hidden_cell():
    """The attacker is not toothless: with primary suppression only, the one hidden cell is
    recovered from the total; protect() hides a second one and the attack then fails."""
    firms = pd.DataFrame({"size_class": ["micro"] * 5 + ["small"] * 4 + ["medium"],
                          "output": [10] * 9 + [7]})
    truth = firms.groupby("size_class")["output"].sum().to_numpy(dtype=float)  # medium, micro, small
    total, micro, small = np.ones(3), np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0])
    a_eq = np.array([total, micro, small])
    low, high = interval(np.array([1.0, 0.0, 0.0]), a_eq, a_eq @ truth)
    assert low == pytest.approx(7) and high == pytest.approx(7)
    result = protect(query(firms, ["size_class"]), ["size_class"], RULES)
    hidden = set(result[result.suppressed & (result.indicator == "output")]["size_class"])
    assert hidden == {"medium", "small"}  # small (4 firms) is smaller than micro (5)
    a_eq = np.array([total, micro])
    low, high = interval(np.array([1.0, 0.0, 0.0]), a_eq, a_eq @ truth)
    assert (low, high) == (pytest.approx(0), pytest.approx(47))
