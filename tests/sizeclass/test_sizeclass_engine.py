"""Decisions, disagreements, missing inputs, invalid inputs, regimes and labels."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from lumbung.sizeclass import REGIME_IDS, UNKNOWN, classify, get_regime, label, parse_rupiah, regimes

JUTA, MILIAR = 1_000_000, 1_000_000_000


def test_decided_by_names_criterion_value_threshold_and_comparison():
    result = classify({"net_assets": 40 * JUTA, "sales": MILIAR}, "uu-20-2008")
    assert result.size_class == "small"
    decided = result.decided_by
    assert (decided.criterion, decided.value, decided.threshold, decided.comparison) == \
        ("sales", MILIAR, 300 * JUTA, ">")


def test_disagreement_reported_under_largest_class_rule():
    # net assets say small (<= 500 million), sales say medium (> 2.5 billion): medium wins
    result = classify({"net_assets": 400 * JUTA, "sales": 3 * MILIAR}, "uu-20-2008")
    assert result.size_class == "medium"
    assert result.decided_by.criterion == "sales"
    [disagreement] = result.disagreements
    assert disagreement.criterion == "net_assets"
    assert disagreement.classes == ("small",)
    assert (disagreement.lower, disagreement.upper) == (50 * JUTA, 500 * JUTA)
    data = result.to_dict()
    assert data["disagreements"][0]["class"] == "small"
    assert data["disagreements"][0]["value"] == 400 * JUTA


def test_no_disagreement_when_criteria_agree():
    result = classify({"net_assets": 400 * JUTA, "sales": 2 * MILIAR}, "uu-20-2008")
    assert result.size_class == "small"
    assert result.disagreements == []


def test_pp_7_2021_reports_capital_class_when_it_differs():
    result = classify({"sales": MILIAR, "business_capital": 8 * MILIAR}, "pp-7-2021")
    assert result.size_class == "micro"  # sales decide (Art. 35(4))
    assert [(d.criterion, d.classes) for d in result.disagreements] == [("business_capital", ("medium",))]
    registration = classify({"sales": MILIAR, "business_capital": 8 * MILIAR}, "pp-7-2021-modal")
    assert registration.size_class == "medium"
    assert registration.disagreements[0].criterion == "sales"


def test_uu_9_1995_disagreement_when_sales_alone_make_it_small():
    report = {"net_assets": 20 * MILIAR, "sales": 500 * JUTA, "indonesian_owned": True, "independent": True}
    result = classify(report, "uu-9-1995")
    assert result.size_class == "small"
    assert result.decided_by.criterion == "sales"
    assert {j.criterion for j in result.decided_by.jointly} == {"indonesian_owned", "independent"}
    assert [(d.criterion, d.classes) for d in result.disagreements] == [("net_assets", ("large",))]


@pytest.mark.parametrize("regime", REGIME_IDS + ("uu-9-1995-dan", "pp-7-2021-modal"))
def test_nothing_known_is_unknown_with_every_input_named(regime):
    result = classify({}, regime)
    assert result.size_class == UNKNOWN
    assert result.decided_by is None
    assert result.missing == list(get_regime(regime).inputs)
    assert set(result.undecided_by) <= set(result.missing) and result.undecided_by


@pytest.mark.parametrize("regime,report,missing", [
    ("bps-workers", {"workers": None}, ["workers"]),
    ("uu-20-2008", {"net_assets": 40 * JUTA}, ["sales"]),  # sales could push it up
    ("uu-20-2008", {"sales": 100 * JUTA, "net_assets": float("nan")}, ["net_assets"]),
    ("pp-7-2021", {"business_capital": 100 * JUTA}, ["sales"]),  # capital never decides here
    ("permenperin-64-2016", {"workers": 5}, ["investment"]),
    ("permenperin-64-2016", {"investment": 16 * MILIAR}, ["workers"]),  # medium or large
    ("permenperin-64-2016", {"investment": 500 * JUTA}, ["workers"]),  # small or medium
    ("uu-9-1995", {"net_assets": 20 * MILIAR, "indonesian_owned": True, "independent": True}, ["sales"]),
    ("uu-9-1995", {"net_assets": 20 * JUTA, "sales": 20 * JUTA, "independent": True}, ["indonesian_owned"]),
])
def test_missing_input_that_matters_gives_unknown(regime, report, missing):
    result = classify(report, regime)
    assert result.size_class == UNKNOWN
    assert result.undecided_by == missing
    assert set(missing) <= set(result.missing)
    assert result.to_dict()["missing"] == result.missing


@pytest.mark.parametrize("regime,report,expected,missing", [
    # "atau": sales within the limit make a business small whatever its net assets
    ("uu-9-1995", {"sales": 500 * JUTA, "indonesian_owned": True, "independent": True}, "small", ["net_assets"]),
    # larger class wins: net assets above Rp10 billion make it large whatever its sales
    ("uu-20-2008", {"net_assets": 11 * MILIAR}, "large", ["sales"]),
    # foreign-owned is never small; net assets settle medium or large
    ("uu-9-1995", {"net_assets": MILIAR, "indonesian_owned": False}, "medium", ["sales", "independent"]),
    ("pp-7-2021", {"sales": 3 * MILIAR}, "small", ["business_capital"]),
    # 20+ workers and investment above Rp15 billion: large
    ("permenperin-64-2016", {"workers": 25, "investment": 16 * MILIAR}, "large", []),
    # Rp1-15 billion investment is medium industry with up to 19 workers (Art. 3a) and with 20+ (Art. 3b)
    ("permenperin-64-2016", {"investment": 2 * MILIAR}, "medium", ["workers"]),
])
def test_missing_input_that_cannot_change_the_class(regime, report, expected, missing):
    result = classify(report, regime)
    assert result.size_class == expected
    assert result.missing == missing
    assert result.undecided_by == []
    assert result.decided_by is not None


def test_dan_needs_both_when_the_known_one_is_small():
    report = {"sales": 500 * JUTA, "indonesian_owned": True, "independent": True}
    assert classify(report, "uu-9-1995-dan").size_class == UNKNOWN
    assert classify({**report, "sales": 5 * MILIAR}, "uu-9-1995-dan").size_class == UNKNOWN  # medium or large


@pytest.mark.parametrize("report,message", [
    ({"workers": 0}, "at least 1"), ({"workers": -3}, "at least 1"), ({"workers": 2.5}, "whole"),
    ({"sales": -1}, "negative"), ({"net_assets": "1000"}, "number"), ({"sales": True}, "number"),
    ({"sales": math.inf}, "finite"), ({"indonesian_owned": "yes"}, "true or false"),
    ({"independent": 2}, "true or false"),
])
def test_invalid_inputs_raise(report, message):
    regime = "uu-9-1995" if set(report) & {"indonesian_owned", "independent"} else None
    regime = regime or ("bps-workers" if "workers" in report else "uu-20-2008")
    with pytest.raises(ValueError, match=message):
        classify(report, regime)


def test_numpy_and_float_inputs_are_accepted():
    from decimal import Decimal

    import numpy as np

    assert classify({"sales": Decimal("3000000000"), "net_assets": Decimal("NaN")}, "pp-7-2021").size_class == "small"
    assert classify({"sales": np.float64("nan")}, "pp-7-2021").size_class == "unknown"
    report = {"workers": np.int64(7), "net_assets": np.float64(40e6), "sales": 1e9,
              "indonesian_owned": np.bool_(True), "independent": 1.0}
    assert classify(report, "bps-workers").size_class == "small"
    assert classify(report, "uu-20-2008").size_class == "small"
    assert classify(report, "uu-9-1995").size_class == "small"


def test_regimes_and_sources():
    assert [r.id for r in regimes()] == list(REGIME_IDS)
    assert {r.id for r in regimes(include_variants=True)} == set(REGIME_IDS) | {"uu-9-1995-dan", "pp-7-2021-modal"}
    for regime in regimes(include_variants=True):
        assert regime.law and regime.article and regime.combination_note
        assert regime.rules and regime.inputs
    assert "Pasal 6" in get_regime("uu-20-2008").article
    assert "Pasal 35" in get_regime("pp-7-2021").article
    assert "64/M-IND/PER/7/2016" in get_regime("permenperin-64-2016").law
    assert get_regime("uu-9-1995-dan").variant_of == "uu-9-1995"
    assert get_regime(get_regime("bps-workers")).id == "bps-workers"
    with pytest.raises(KeyError, match="unknown size-class regime 'uu-1-2000'"):
        get_regime("uu-1-2000")


def test_dates_in_force():
    uu9, uu20, pp7 = get_regime("uu-9-1995"), get_regime("uu-20-2008"), get_regime("pp-7-2021")
    assert uu9.in_force_until == uu20.in_force_from == dt.date(2008, 7, 4)  # repealed by UU 20/2008
    assert uu20.in_force_until == pp7.in_force_from == dt.date(2021, 2, 2)
    assert pp7.in_force_until is None
    assert uu9.in_force_on(dt.date(2000, 1, 1)) and not uu9.in_force_on(dt.date(2010, 1, 1))
    assert uu20.in_force_on(dt.date(2021, 2, 1)) and not uu20.in_force_on(dt.date(2021, 2, 2))
    assert pp7.in_force_on(dt.date(2026, 1, 1))


@pytest.mark.parametrize("size_class,id_name,en_name", [
    ("micro", "mikro", "micro"), ("small", "kecil", "small"), ("medium", "menengah", "medium"),
    ("large", "besar", "large"), ("unknown", "tidak diketahui", "unknown"),
])
def test_labels(size_class, id_name, en_name):
    assert label(size_class) == id_name
    assert label(size_class, lang="en") == en_name


def test_label_errors():
    with pytest.raises(ValueError):
        label("tiny")
    with pytest.raises(ValueError):
        label("small", lang="fr")


@pytest.mark.parametrize("text,value", [
    ("1000000", 1_000_000), ("1.000.000", 1_000_000), ("Rp1.000.000", 1_000_000),
    ("Rp 1.000.000", 1_000_000), ("rp.2.500.000.000", 2_500_000_000), ("1e9", MILIAR),
    ("2.5e9", 2_500 * JUTA), ("0", 0), (" 300000000 ", 300 * JUTA),
])
def test_parse_rupiah(text, value):
    assert parse_rupiah(text) == value


@pytest.mark.parametrize("text", ["1,5", "1.5", "1.000,50", "-5", "abc", "1.00.000", "1.5e0", "", "1,000,000"])
def test_parse_rupiah_refuses(text):
    with pytest.raises(ValueError):
        parse_rupiah(text)
