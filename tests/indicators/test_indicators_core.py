"""Each core indicator against values worked out by hand on the fixture of
lumbung.indicators.testing (8 enterprises, 2021-2023).

Year 2023 reporters: E1, E3, E4, E5, E6, E8 (E5 and E8 are new; E2 and E7 stopped after 2022).
The arithmetic is written next to each expected value, from the fixture's rows.
"""

from __future__ import annotations

import math

import pytest

from lumbung.indicators import compute
from lumbung.indicators.testing import write_fixture

CORE = ("firms workers output value_added share_firms share_workers share_output share_value_added "
        "va_per_worker formal_credit_rate kur_rate informal_credit_rate legal_entity_rate nib_rate "
        "export_rate export_share imported_input_share training_rate online_rate women_owned_rate "
        "female_worker_share avg_wage entry_rate exit_rate graduation_rate employment_growth").split()


@pytest.fixture(scope="module", params=[True, False], ids=["linked", "joined"])
def home(tmp_path_factory, request):
    """The fixture with stored panel links (no self-join) and without them (self-joins): both
    plans must give the hand-worked values."""
    path = tmp_path_factory.mktemp("fixture")
    write_fixture(path, links=request.param)
    return path


def _values(df, *keys):
    """{(by values..., indicator): (value, numerator, denominator)}"""
    by = [c for c in df.columns if c not in ("indicator", "value", "numerator", "denominator", "n_firms",
                                              "max_contribution", "suppressed")]
    return {(*[r[c] for c in by], r["indicator"]): (r["value"], r["numerator"], r["denominator"])
            for _, r in df.iterrows()}


# (value, numerator, denominator) for 2023, whole population; None = no denominator.
EXPECTED_2023 = {
    "firms": (6, 6, None),
    "workers": (6 + 12 + 30 + 2 + 1 + 5, 56, None),
    "output": (180 + 550 + 1100 + 35 + 30 + 70, 1965, None),
    # value added: E1 100, E3 230, E4 400, E5 20, E6 20, E8 40
    "value_added": (810, 810, None),
    "share_firms": (100, 6, 6),
    "share_workers": (100, 56, 56),
    "share_output": (100, 1965, 1965),
    "share_value_added": (100, 810, 810),
    "va_per_worker": (810 / 56, 810, 56),
    # credit_bank > 0 or credit_kur > 0: E1 yes (bank 20), E3 yes (KUR 40), E4 yes (bank 100),
    # E5 yes (bank missing but KUR 5 > 0), E6 no, E8 no
    "formal_credit_rate": (400 / 6, 4, 6),
    # KUR > 0: E3, E5 of 6
    "kur_rate": (200 / 6, 2, 6),
    # informal > 0: E6 only; E5 missing is left out: 1 of 5
    "informal_credit_rate": (20, 1, 5),
    # legal_entity: E6; E4's status unknown: 1 of 5
    "legal_entity_rate": (20, 1, 5),
    # NIB recorded: E1, E3, E6, E8 of 6
    "nib_rate": (400 / 6, 4, 6),
    # exports > 0: E1 (30), E3 (120); E5 missing: 2 of 5
    "export_rate": (40, 2, 5),
    # exports / sales where both known: (30+120+0+0+0) / (150+450+1000+25+60)
    "export_share": (100 * 150 / 1685, 150, 1685),
    # imported / inputs where both known: (20+50+100+0+5) / (80+320+700+10+30); E5 missing
    "imported_input_share": (100 * 175 / 1140, 175, 1140),
    # trained: E1, E3, E8 yes; E4, E6 no; E5 missing
    "training_rate": (60, 3, 5),
    # online: E1, E3, E6 yes; E4, E8 no; E5 missing
    "online_rate": (60, 3, 5),
    # owner F: E1, E3, E6, E8; E4 M; E5 missing
    "women_owned_rate": (80, 4, 5),
    # female / workers where both known (E5 female missing): (3+6+10+1+4) / (6+12+30+1+5)
    "female_worker_share": (100 * 24 / 54, 24, 54),
    # wages / paid where both known (E5, E6 wages missing): (50+200+400+40) / (4+10+25+4)
    "avg_wage": (690 / 43, 690, 43),
    # new in 2023: E5, E8 of 6 reporters
    "entry_rate": (200 / 6, 2, 6),
    # 2022 reporters E1 E2 E3 E4 E6 E7; gone in 2023: E2, E7
    "exit_rate": (200 / 6, 2, 6),
    # in both years with known classes: E1 micro->small (up), E3 small->small, E6 micro->micro;
    # E4 is left out (workers missing in 2022, class unknown)
    "graduation_rate": (100 / 3, 1, 3),
    # continuing with workers known in both years: E1 4->6, E3 10->12, E6 1->1 (E4 left out)
    "employment_growth": (100 * (19 / 15 - 1), 19, 15),
}


def test_every_core_indicator_is_checked():
    assert set(EXPECTED_2023) == set(CORE)


@pytest.mark.parametrize("indicator", CORE)
def test_core_indicator_2023(home, indicator):
    df = compute(indicator, by=[], years=2023, home=home)
    assert len(df) == 1
    row = df.iloc[0]
    value, num, den = EXPECTED_2023[indicator]
    assert row["value"] == pytest.approx(value)
    assert row["numerator"] == pytest.approx(num)
    if den is None:
        assert math.isnan(row["denominator"])
    else:
        assert row["denominator"] == pytest.approx(den)


def test_one_query_gives_the_same_as_separate_queries(home):
    together = _values(compute(CORE, by=["year"], home=home))
    for indicator in ("va_per_worker", "exit_rate", "share_output", "graduation_rate"):
        alone = _values(compute(indicator, by=["year"], home=home))
        for key, triple in alone.items():
            assert together[key] == pytest.approx(triple, nan_ok=True)


def test_2022_missing_values_left_out(home):
    v = _values(compute("workers,value_added,va_per_worker,export_share,entry_rate,exit_rate", by=["year"],
                        years=2022, home=home))
    # E4 has output but no inputs and no workers in 2022: out of value added and of va_per_worker.
    assert v[(2022, "workers")][0] == 4 + 2 + 10 + 1 + 4
    assert v[(2022, "value_added")][0] == 70 + 20 + 200 + 20 - 10  # E7's negative value added counts
    assert v[(2022, "va_per_worker")][0] == pytest.approx(300 / 21)
    # exports/sales where both known: E1 0/100, E3 100/400, E6 0/20, E7 8/80
    assert v[(2022, "export_share")][0] == pytest.approx(100 * 108 / 600)
    assert v[(2022, "entry_rate")][0] == pytest.approx(100 / 6)   # E3 is new
    assert v[(2022, "exit_rate")][0] == 0                         # every 2021 reporter is back


def test_first_year_has_no_panel_indicators(home):
    df = compute("entry_rate,exit_rate,graduation_rate,employment_growth", by=["year"], home=home)
    assert 2021 not in set(df["year"])  # no 2020 data: every firm would look like an entry


def test_shares_and_panel_by_province(home):
    v = _values(compute("firms,share_firms,share_workers,share_output,share_value_added,entry_rate,exit_rate",
                        by=["province"], years=2023, home=home))
    # 2023: province 32 = E1, E6; 33 = E3, E4, E8; unknown = E5
    assert v[("32", "share_firms")][0] == pytest.approx(100 * 2 / 6)
    assert v[("33", "share_firms")][0] == pytest.approx(50)
    assert v[("unknown", "share_firms")][0] == pytest.approx(100 / 6)
    assert v[("33", "share_workers")][0] == pytest.approx(100 * (12 + 30 + 5) / 56)
    assert v[("32", "share_output")][0] == pytest.approx(100 * (180 + 30) / 1965)
    assert v[("unknown", "share_value_added")][0] == pytest.approx(100 * 20 / 810)
    # entry in the cell of 2023: 33 has E8 new among E3, E4, E8; unknown: E5 is new
    assert v[("33", "entry_rate")][0] == pytest.approx(100 / 3)
    assert v[("unknown", "entry_rate")][0] == pytest.approx(100)
    assert v[("32", "entry_rate")][0] == 0
    # exit in the cell of 2022: 32 had E1, E2, E6, E7 and lost E2, E7; 33 had E3, E4, lost none
    assert v[("32", "exit_rate")][1:] == (2, 4)
    assert v[("33", "exit_rate")][1:] == (0, 2)


def test_graduation_in_the_cell_of_the_previous_year(home):
    v = _values(compute("graduation_rate,firms", by=["size_class"], years=2023, home=home))
    # E1 was micro in 2022 and small in 2023: it graduates from the micro cell (E1, E6 known both years)
    assert v[("micro", "graduation_rate")][1:] == (1, 2)
    assert v[("small", "graduation_rate")][1:] == (0, 1)   # E3 stays small
    # firms by 2023 class: micro E5 E6; small E1 E3 E8; medium E4
    assert v[("micro", "firms")][0] == 2 and v[("small", "firms")][0] == 3 and v[("medium", "firms")][0] == 1


def test_where_filters_cells(home):
    df = compute("firms,output", by=["year"], where={"province": "33"}, years=[2022, 2023], home=home)
    v = _values(df)
    assert v[(2023, "firms")][0] == 3 and v[(2022, "firms")][0] == 2
    assert v[(2023, "output")][0] == 550 + 1100 + 70


def test_n_firms_and_max_contribution(home):
    df = compute("output,va_per_worker,export_rate", years=2023, home=home).set_index("indicator")
    assert df.loc["output", "n_firms"] == 6
    assert df.loc["output", "max_contribution"] == 1100          # E4
    assert df.loc["va_per_worker", "max_contribution"] == 400    # E4's value added
    assert df.loc["export_rate", "n_firms"] == 5                 # E5's exports are missing
    assert math.isnan(df.loc["export_rate", "max_contribution"])


def test_year_range_text(home):
    df = compute("firms", by=["year"], years="2022-2023", home=home)
    assert list(df["year"]) == [2022, 2023]
    assert list(df["value"]) == [6, 6]
