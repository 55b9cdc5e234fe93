"""The network indicators, checked by hand on a small fixture (issue 12's acceptance), through the
analytics build from a MemorySource (no database), and through the registry's reader.

Fixture, year 2023, all in 32.04, KBLI 10792 (BPS classes by persons engaged):

| firm | workers | output | network in 2023 |
|---|---|---|---|
| 1 | 3 (micro) | 100 | linkage as IKM (buyer), 40 % of output; sentra member |
| 2 | 5 (small) | 200 | cooperative member |
| 3 | 2 (micro) | 300 | nothing (isolated) |
| 4 | 8 (small) | 400 | linkage as IKM that ended in 2022 (isolated in 2023, linked in 2022) |
| 5 | 150 (large) | 9000 | partner side of 1's linkage (and of 4's until 2022) |
| 6 | 4 (micro) | 50 | linkage as IKM with its share unknown |
| 5' partner of 6 | | | 5 again |

partnership_rate 2023 = firms 1, 5, 6 of 6 = 50.0 %; isolated_rate = firms 3, 4 of 6 = 33.3 %;
sentra_member_rate = 1 of 6 = 16.7 %; cooperative_member_rate = 1 of 6 = 16.7 %;
linked_output_share over IKM (1, 2, 3, 4, 6; 6 has an unknown share and is left out) =
0.4 x 100 / (100 + 200 + 300 + 400) = 40 / 1000 = 4.0 %.
In 2022: firm 4 linked (share unknown); 1 linked: partnership_rate 2022 = 1, 4, 5 of 6 = 50.0 %.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lumbung.indicators import analytics
from lumbung.indicators.engine import compute
from lumbung.indicators.source import MemorySource

IDS = "partnership_rate,isolated_rate,sentra_member_rate,cooperative_member_rate,linked_output_share"
FIRMS = {1: (3, 100), 2: (5, 200), 3: (2, 300), 4: (8, 400), 5: (150, 9000), 6: (4, 50)}


def _source() -> MemorySource:
    src = MemorySource()
    for year in (2022, 2023):
        for eid, (workers, output) in FIRMS.items():
            src.put({"enterprise_id": eid, "year": year, "region_code": "32.04", "kbli": "10792",
                     "workers": workers, "output": output})
    src.put_network(1, "ikm", 2021, None, 40)
    src.put_network(5, "partner", 2021, None)
    src.put_network(1, "sentra", 2019)
    src.put_network(2, "cooperative", 2023)
    src.put_network(4, "ikm", 2020, 2022, None)
    src.put_network(5, "partner", 2020, 2022)
    src.put_network(6, "ikm", 2023, None, None)
    src.put_network(5, "partner", 2023, None)
    return src


def _values(frame, year):
    rows = frame[frame["year"] == year]
    return {r.indicator: round(float(r.value), 1) for r in rows.itertuples()}


def test_network_indicators_by_hand(tmp_path):
    analytics.build(_source(), home=tmp_path)
    result = compute(IDS, by=["year"], home=tmp_path)
    assert _values(result, 2023) == {"partnership_rate": 50.0, "isolated_rate": 33.3, "sentra_member_rate": 16.7,
                                     "cooperative_member_rate": 16.7, "linked_output_share": 4.0}
    assert _values(result, 2022)["partnership_rate"] == 50.0
    assert _values(result, 2022)["cooperative_member_rate"] == 0.0


def test_a_network_change_touches_the_years_and_the_build_follows(tmp_path):
    src = _source()
    analytics.build(src, home=tmp_path)
    src.put_network(3, "cooperative", 2023)  # firm 3 joins a KUB: no longer isolated
    result = analytics.build(src, home=tmp_path)
    assert 2023 in result.years
    assert _values(compute("isolated_rate", by=["year"], home=tmp_path), 2023)["isolated_rate"] == 16.7


def test_public_figures_pass_disclosure(tmp_path):
    analytics.build(_source(), home=tmp_path)
    public = compute("partnership_rate", by=["year", "size_class"], years=[2023], home=tmp_path, public=True)
    large = public[public["size_class"] == "large"].iloc[0]
    assert large["suppressed"] and large["value"] != large["value"]  # one large firm: hidden (NaN)


@pytest.mark.django_db
def test_registry_reader_gives_the_same_figures(tmp_path):
    from network_samples import network  # noqa: PLC0415 - Django models, only for this test

    from lumbung.registry.rows import RegistryRows  # noqa: PLC0415 - needs Django set up

    firms = network()
    table = RegistryRows().network_table()
    assert table.num_rows == 6  # two linkages (two sides each), two memberships
    assert {r["role"] for r in table.to_pylist()} == {"ikm", "partner", "sentra", "cooperative"}
    analytics.build(RegistryRows(), home=tmp_path)
    result = compute(IDS, by=["year"], home=tmp_path)
    # 2023: A (linked, sentra), B (KUB), C, D (ended 2022), L (partner of A), F: 2 of 6 linked
    assert _values(result, 2023)["partnership_rate"] == 33.3
    assert _values(result, 2023)["isolated_rate"] == 50.0
    # IKM output (A, B, C, D, F): 40 % of A's 100 M over 1,050 M = 3.8 %
    assert _values(result, 2023)["linked_output_share"] == 3.8
    mark = RegistryRows().high_water_mark()
    firms["coop"].memberships.create(enterprise=firms["C"], start_date=dt.date(2023, 1, 1), source="Dinas")
    assert RegistryRows().high_water_mark() > mark
    assert RegistryRows().touched_years(mark) == {2023}
