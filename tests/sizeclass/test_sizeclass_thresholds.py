"""Every regime at every threshold and one rupiah / one worker either side.

Expected classes are written from the regulations' text (see docs/sizeclass.md), not read from
the regime files: "paling banyak" (at most) includes the limit, "lebih dari" (more than) and
"kurang dari" (less than) exclude it.
"""

from __future__ import annotations

import pytest

from lumbung.sizeclass import classify

JUTA, MILIAR = 1_000_000, 1_000_000_000
OWNED = {"indonesian_owned": True, "independent": True}


def _class(regime: str, **report) -> str:
    return classify(report, regime).size_class


# BPS: rumah tangga 1-4, kecil 5-19, sedang 20-99, besar 100+
@pytest.mark.parametrize("workers,expected", [
    (1, "micro"), (3, "micro"), (4, "micro"), (5, "small"), (6, "small"),
    (18, "small"), (19, "small"), (20, "medium"), (21, "medium"),
    (98, "medium"), (99, "medium"), (100, "large"), (101, "large"), (5000, "large"),
])
def test_bps_workers(workers, expected):
    assert _class("bps-workers", workers=workers) == expected


# UU 20/2008 Art. 6, net assets alone (sales 0 stay in the micro band, so assets decide)
@pytest.mark.parametrize("assets,expected", [
    (0, "micro"), (50 * JUTA - 1, "micro"), (50 * JUTA, "micro"), (50 * JUTA + 1, "small"),
    (500 * JUTA - 1, "small"), (500 * JUTA, "small"), (500 * JUTA + 1, "medium"),
    (10 * MILIAR - 1, "medium"), (10 * MILIAR, "medium"), (10 * MILIAR + 1, "large"),
])
def test_uu_20_2008_net_assets(assets, expected):
    assert _class("uu-20-2008", net_assets=assets, sales=0) == expected


@pytest.mark.parametrize("sales,expected", [
    (300 * JUTA - 1, "micro"), (300 * JUTA, "micro"), (300 * JUTA + 1, "small"),
    (2_500 * JUTA - 1, "small"), (2_500 * JUTA, "small"), (2_500 * JUTA + 1, "medium"),
    (50 * MILIAR - 1, "medium"), (50 * MILIAR, "medium"), (50 * MILIAR + 1, "large"),
])
def test_uu_20_2008_sales(sales, expected):
    assert _class("uu-20-2008", net_assets=0, sales=sales) == expected


# PP 7/2021 Art. 35(5): annual sales decide (for empowerment)
@pytest.mark.parametrize("sales,expected", [
    (0, "micro"), (2 * MILIAR - 1, "micro"), (2 * MILIAR, "micro"), (2 * MILIAR + 1, "small"),
    (15 * MILIAR - 1, "small"), (15 * MILIAR, "small"), (15 * MILIAR + 1, "medium"),
    (50 * MILIAR - 1, "medium"), (50 * MILIAR, "medium"), (50 * MILIAR + 1, "large"),
])
def test_pp_7_2021_sales(sales, expected):
    assert _class("pp-7-2021", sales=sales) == expected


# PP 7/2021 Art. 35(3): business capital, for establishment and registration (variant)
@pytest.mark.parametrize("capital,expected", [
    (0, "micro"), (MILIAR - 1, "micro"), (MILIAR, "micro"), (MILIAR + 1, "small"),
    (5 * MILIAR - 1, "small"), (5 * MILIAR, "small"), (5 * MILIAR + 1, "medium"),
    (10 * MILIAR - 1, "medium"), (10 * MILIAR, "medium"), (10 * MILIAR + 1, "large"),
])
def test_pp_7_2021_capital(capital, expected):
    assert _class("pp-7-2021-modal", business_capital=capital) == expected


# Permenperin 64/2016 Art. 2-4: workers and investment jointly
@pytest.mark.parametrize("workers,investment,expected", [
    (1, 0, "small"), (19, MILIAR - 1, "small"), (19, MILIAR, "medium"), (19, MILIAR + 1, "medium"),
    (18, MILIAR - 1, "small"), (20, MILIAR - 1, "medium"), (20, 0, "medium"),
    (19, 15 * MILIAR + 1, "medium"),  # Art. 3(a): at most 19 workers, at least Rp1 billion
    (20, 15 * MILIAR - 1, "medium"), (20, 15 * MILIAR, "medium"), (20, 15 * MILIAR + 1, "large"),
    (21, 15 * MILIAR, "medium"), (21, 15 * MILIAR + 1, "large"), (500, 100 * MILIAR, "large"),
])
def test_permenperin_64_2016(workers, investment, expected):
    assert _class("permenperin-64-2016", workers=workers, investment=investment) == expected


# UU 9/1995 Art. 5(1): net assets <= Rp200 million ATAU sales <= Rp1 billion (+ owned, independent)
@pytest.mark.parametrize("assets,sales,expected", [
    (200 * JUTA - 1, MILIAR + 1, "small"), (200 * JUTA, MILIAR + 1, "small"),  # assets qualify
    (200 * JUTA + 1, MILIAR, "small"), (200 * JUTA + 1, MILIAR - 1, "small"),  # sales qualify
    (200 * JUTA + 1, MILIAR + 1, "medium"),  # neither: not small; assets <= Rp10 billion
    (10 * MILIAR, MILIAR + 1, "medium"), (10 * MILIAR - 1, 5 * MILIAR, "medium"),
    (10 * MILIAR + 1, MILIAR + 1, "large"),
    (10 * MILIAR + 1, MILIAR, "small"),  # "atau": sales alone are enough
])
def test_uu_9_1995_atau(assets, sales, expected):
    assert _class("uu-9-1995", net_assets=assets, sales=sales, **OWNED) == expected


# The paper's "dan": both limits must hold
@pytest.mark.parametrize("assets,sales,expected", [
    (200 * JUTA, MILIAR, "small"), (200 * JUTA - 1, MILIAR - 1, "small"),
    (200 * JUTA + 1, MILIAR, "medium"), (200 * JUTA, MILIAR + 1, "medium"),
    (10 * MILIAR + 1, MILIAR, "large"), (10 * MILIAR, MILIAR, "medium"),
])
def test_uu_9_1995_dan(assets, sales, expected):
    assert _class("uu-9-1995-dan", net_assets=assets, sales=sales, **OWNED) == expected


def test_atau_and_dan_differ_exactly_where_one_limit_holds():
    one_limit = {"net_assets": 100 * JUTA, "sales": 3 * MILIAR, **OWNED}
    assert _class("uu-9-1995", **one_limit) == "small"
    assert _class("uu-9-1995-dan", **one_limit) == "medium"
    both = {"net_assets": 100 * JUTA, "sales": 900 * JUTA, **OWNED}
    assert _class("uu-9-1995", **both) == _class("uu-9-1995-dan", **both) == "small"


@pytest.mark.parametrize("regime", ["uu-9-1995", "uu-9-1995-dan"])
def test_uu_9_1995_ownership_and_independence(regime):
    tiny = {"net_assets": 10 * JUTA, "sales": 50 * JUTA}
    assert _class(regime, **tiny, **OWNED) == "small"
    assert _class(regime, **tiny, indonesian_owned=False, independent=True) == "medium"
    assert _class(regime, **tiny, indonesian_owned=True, independent=False) == "medium"
    result = classify({**tiny, "indonesian_owned": False, "independent": True}, regime)
    assert [size for size, _ in result.ruled_out] == ["small"]
    assert result.ruled_out[0][1][0].criterion == "indonesian_owned"
