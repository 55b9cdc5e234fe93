"""classify_many agrees with classify row by row; the rules agree with the regulations written
out directly here; a class given despite missing inputs holds for every value they could take."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumbung.sizeclass import REGIME_IDS, classify, classify_many, get_regime

JUTA, MILIAR = 1_000_000, 1_000_000_000
ALL_REGIMES = REGIME_IDS + ("uu-9-1995-dan", "pp-7-2021-modal")
LIMITS = [50 * JUTA, 200 * JUTA, 300 * JUTA, 500 * JUTA, MILIAR, 2 * MILIAR, 2_500 * JUTA,
          5 * MILIAR, 10 * MILIAR, 15 * MILIAR, 50 * MILIAR]
MONEY_FIELDS = ("sales", "net_assets", "business_capital", "investment")

money = st.one_of(
    st.none(),
    st.sampled_from(LIMITS).flatmap(lambda x: st.sampled_from([x - 1, x, x + 1])),
    st.integers(min_value=0, max_value=200 * MILIAR),
)
workers = st.one_of(st.none(), st.sampled_from([1, 4, 5, 19, 20, 99, 100, 101]),
                    st.integers(min_value=1, max_value=10_000))
flag = st.sampled_from([None, True, False])
reports = st.fixed_dictionaries({
    "workers": workers, "sales": money, "net_assets": money, "business_capital": money,
    "investment": money, "indonesian_owned": flag, "independent": flag,
})


def _columns(rows: list[dict]) -> dict[str, np.ndarray]:
    return {key: np.array([np.nan if row[key] is None else float(row[key]) for row in rows])
            for key in rows[0]}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(reports, min_size=1, max_size=40))
def test_classify_many_agrees_with_classify(rows):
    columns = _columns(rows)
    for regime in ALL_REGIMES:
        many = classify_many(regime, columns)
        assert many.shape == (len(rows),)
        assert list(many) == [classify(row, regime).size_class for row in rows], regime


def test_classify_many_missing_columns_and_errors():
    got = classify_many("bps-workers", {"workers": np.array([1.0, 50.0, np.nan])})
    assert got.tolist() == ["micro", "medium", "unknown"]
    assert classify_many("uu-20-2008", {"sales": np.array([1e9])}).tolist() == ["unknown"]
    with pytest.raises(ValueError, match="row 1"):
        classify_many("bps-workers", {"workers": np.array([3.0, 0.0])})
    with pytest.raises(ValueError, match="negative"):
        classify_many("uu-20-2008", {"sales": np.array([-1.0]), "net_assets": np.array([1.0])})
    with pytest.raises(ValueError, match="1.0"):
        classify_many("uu-9-1995", {"independent": np.array([0.5])})


def test_classify_many_on_a_large_table():
    rng = np.random.default_rng(1)
    rows = 50_000
    columns = {"workers": rng.integers(1, 300, rows).astype(float),
               "sales": rng.uniform(0, 60 * MILIAR, rows), "net_assets": rng.uniform(0, 12 * MILIAR, rows),
               "business_capital": rng.uniform(0, 12 * MILIAR, rows), "investment": rng.uniform(0, 20 * MILIAR, rows),
               "indonesian_owned": rng.integers(0, 2, rows).astype(float), "independent": np.ones(rows)}
    sample = rng.choice(rows, 200, replace=False)
    for regime in REGIME_IDS:
        classes = classify_many(regime, columns)
        assert (classes != "unknown").all()  # every input present
        for row in sample:
            report = {key: values[row] for key, values in columns.items()}
            assert classes[row] == classify(report, regime).size_class


# --- the regulations written out directly (independent of the regime files) -------------------

def _band(value, limits, names):
    """Class of ``value`` for inclusive upper limits ("paling banyak")."""
    for limit, name in zip(limits, names, strict=False):
        if value <= limit:
            return name
    return names[-1]


ORDER = ["micro", "small", "medium", "large"]
UU20_ASSETS = [50 * JUTA, 500 * JUTA, 10 * MILIAR]
UU20_SALES = [300 * JUTA, 2_500 * JUTA, 50 * MILIAR]


def _law(regime: str, r: dict) -> str:
    if regime == "bps-workers":
        return _band(r["workers"], [4, 19, 99], ORDER)
    if regime == "uu-20-2008":  # the larger class wins (Art. 1 point 4)
        by_assets = _band(r["net_assets"], UU20_ASSETS, ORDER)
        by_sales = _band(r["sales"], UU20_SALES, ORDER)
        return max(by_assets, by_sales, key=ORDER.index)
    if regime == "pp-7-2021":
        return _band(r["sales"], [2 * MILIAR, 15 * MILIAR, 50 * MILIAR], ORDER)
    if regime == "pp-7-2021-modal":
        return _band(r["business_capital"], [MILIAR, 5 * MILIAR, 10 * MILIAR], ORDER)
    if regime == "permenperin-64-2016":
        w, i = r["workers"], r["investment"]
        if w <= 19:
            return "small" if i < MILIAR else "medium"
        return "medium" if i <= 15 * MILIAR else "large"
    assets_ok, sales_ok = r["net_assets"] <= 200 * JUTA, r["sales"] <= MILIAR
    size_ok = (assets_ok or sales_ok) if regime == "uu-9-1995" else (assets_ok and sales_ok)
    if size_ok and r["indonesian_owned"] and r["independent"]:
        return "small"
    return "medium" if r["net_assets"] <= 10 * MILIAR else "large"


complete = st.fixed_dictionaries({
    "workers": st.integers(min_value=1, max_value=10_000) | st.sampled_from([4, 5, 19, 20, 99, 100]),
    **{key: st.integers(min_value=0, max_value=200 * MILIAR)
       | st.sampled_from(LIMITS).flatmap(lambda x: st.sampled_from([x - 1, x, x + 1]))
       for key in MONEY_FIELDS},
    "indonesian_owned": st.booleans(), "independent": st.booleans(),
})


@settings(max_examples=300, deadline=None)
@given(report=complete)
def test_rules_follow_the_regulations(report):
    for regime in ALL_REGIMES:
        assert classify(report, regime).size_class == _law(regime, report), regime


def _completions(regime: str, report: dict):
    """Every combination of candidate values for the missing inputs (limits and either side)."""
    missing = [k for k in get_regime(regime).inputs if report.get(k) is None]
    choices = []
    for key in missing:
        if key == "workers":
            choices.append([1, 4, 5, 19, 20, 99, 100, 5000])
        elif key in ("indonesian_owned", "independent"):
            choices.append([True, False])
        else:
            choices.append([0, *(x + d for x in LIMITS for d in (-1, 0, 1)), 500 * MILIAR])
    for values in itertools.product(*choices):
        yield {**report, **dict(zip(missing, values, strict=False))}


@settings(max_examples=60, deadline=None)
@given(report=reports)
def test_a_class_despite_missing_inputs_is_never_a_guess(report):
    for regime in ALL_REGIMES:
        result = classify(report, regime)
        if result.size_class == "unknown" or not result.missing:
            continue
        outcomes = {_law(regime, filled) for filled in _completions(regime, report)}
        assert outcomes == {result.size_class}, (regime, report)


@settings(max_examples=60, deadline=None)
@given(report=reports)
def test_unknown_only_when_the_missing_inputs_matter(report):
    for regime in ALL_REGIMES:
        result = classify(report, regime)
        if result.size_class != "unknown":
            continue
        outcomes = {_law(regime, filled) for filled in _completions(regime, report)}
        assert len(outcomes) > 1, (regime, report)
