"""Panel links (lumbung.indicators.panel): the stored Y-1 / Y+1 columns, their rewrite when a
neighbouring year changes, and the linked plan against the self-join plan.

Fixture facts used (lumbung.indicators.testing): E1 reports 2021-2023 with 3, 4, 6 workers
(BPS micro, micro, small); E2 reports 2021-2022 only; E3 is new in 2022; E5 and E8 are new in 2023.
"""

from __future__ import annotations

import itertools

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lumbung.indicators import compute
from lumbung.indicators.catalogue import catalogue, get
from lumbung.indicators.engine import run_plan
from lumbung.indicators.panel import has_links, link_partitions
from lumbung.indicators.schema import COLUMNS, PANEL_COLUMNS, STORED_COLUMNS, partition_path
from lumbung.indicators.sqlgen import compile_plan
from lumbung.indicators.testing import write_fixture

PANEL = ["entry_rate", "exit_rate", "graduation_rate", "downgrade_rate", "employment_growth", "sales_growth",
         "va_growth"]


def _rows(home, year) -> dict[int, dict]:
    return {r["enterprise_id"]: r for r in pq.read_table(partition_path(year, home)).to_pylist()}


@pytest.fixture()
def home(tmp_path):
    write_fixture(tmp_path)
    return tmp_path


def test_links_of_the_fixture(home):
    y21, y22, y23 = (_rows(home, y) for y in (2021, 2022, 2023))
    assert tuple(pq.read_schema(partition_path(2022, home)).names) == STORED_COLUMNS
    e1 = y22[1]
    assert e1["in_prev"] is True and e1["in_next"] is True
    assert (e1["next_workers"], e1["next_sales"], e1["next_value_added"]) == (6, 150, 100)  # E1 2023: 180 - 80
    assert e1["next_size_bps_workers"] == "small" and e1["next_size_uu_20_2008"] is None  # not classed there
    e2 = y22[2]  # stops after 2022
    assert e2["in_next"] is False and e2["next_workers"] is None and e2["next_size_bps_workers"] is None
    assert y22[3]["in_prev"] is False  # new in 2022
    assert not any(r["in_prev"] for r in y21.values())   # no 2020 partition
    assert not any(r["in_next"] for r in y23.values())   # no 2024 partition
    assert {e for e, r in y23.items() if not r["in_prev"]} == {5, 8}


def _self_joins(sql: str) -> bool:
    return "enterprise_id = " in sql  # the join condition of the Y / Y-1 self-joins


def _both(home, ids, by, years=None, where=None):
    """The linked plan and the self-join plan over the same (linked) partitions."""
    files = [partition_path(y, home) for y in (2021, 2022, 2023)]
    out = []
    for links in (True, False):
        plan = compile_plan(get(ids), by, years=years, where=where, available_years=[2021, 2022, 2023], links=links)
        assert _self_joins(plan.sql) is not links
        out.append(run_plan(plan, files).reset_index(drop=True))
    return out


@pytest.mark.parametrize("by", [[], ["year"], ["province"], ["size_class", "year"],
                                ["province", "kbli_division", "size_class", "year"], ["legal_status", "owner_gender"]])
@pytest.mark.parametrize("years", [None, [2023], [2022, 2023]])
def test_linked_plan_equals_the_self_join(home, by, years):
    linked, joined = _both(home, list(catalogue()), by, years=years)
    assert len(linked) > 0
    pd.testing.assert_frame_equal(linked, joined)


@pytest.mark.parametrize("ids", [["exit_rate"], ["entry_rate"], ["graduation_rate", "va_growth"]])
@pytest.mark.parametrize("by", [[], ["year"], ["size_class"]])
def test_one_side_only(home, ids, by):
    linked, joined = _both(home, ids, by)
    assert len(linked) > 0
    pd.testing.assert_frame_equal(linked, joined)


@pytest.mark.parametrize("where", [{"province": "33"}, {"province": "unknown"}, {"size_class": ["micro", "small"]}])
def test_linked_plan_equals_the_self_join_with_where(home, where):
    linked, joined = _both(home, PANEL + ["firms", "share_workers"], ["kbli_division", "year"], where=where)
    pd.testing.assert_frame_equal(linked, joined)


def test_year_in_where_uses_the_self_join():
    # a filter on the cell's year would select side b's rows by their own year: left to the joins
    plan = compile_plan(get(PANEL), ["province"], where={"year": 2023}, available_years=[2022, 2023], links=True)
    assert _self_joins(plan.sql)


def test_growth_of_an_unlinked_field_uses_the_self_join(home):
    """A catalogue entry may grow any field; one without a stored next_ column is still answered."""
    from dataclasses import replace

    output_growth = replace(get("sales_growth")[0], id="output_growth", numerator="output")
    plan = compile_plan([output_growth], ["year"], available_years=[2021, 2022, 2023], links=True)
    assert _self_joins(plan.sql)
    df = run_plan(plan, [partition_path(y, home) for y in (2021, 2022, 2023)])
    # continuing 2022 -> 2023 with output known both years: E1 120 -> 180, E3 500 -> 550,
    # E4 900 -> 1100, E6 25 -> 30 (E2 and E7 stopped): (1860 / 1545 - 1) * 100
    got = df[df.year == 2023].iloc[0]
    assert (got.numerator, got.denominator) == (1860, 1545)
    assert got.value == pytest.approx((1860 / 1545 - 1) * 100)


def test_engine_joins_when_a_partition_has_no_links(home):
    linked = compute(PANEL, by=["year"], home=home)
    # an older build: 2022 without the panel columns
    path = partition_path(2022, home)
    pq.write_table(pq.read_table(path, columns=list(COLUMNS)), path)
    assert not has_links(path)
    pd.testing.assert_frame_equal(compute(PANEL, by=["year"], home=home), linked)


def test_changing_a_year_relinks_both_neighbours(home):
    """E1 leaves 2022 and E2 gets 25 workers there: 2021's in_next / next_* and 2023's in_prev change."""
    table = pq.read_table(partition_path(2022, home), columns=list(COLUMNS))
    table = table.filter(pa.compute.not_equal(table.column("enterprise_id"), 1))
    workers = [25 if e == 2 else w for e, w in zip(table.column("enterprise_id").to_pylist(),
                                                    table.column("workers").to_pylist(), strict=False)]
    table = table.set_column(table.schema.get_field_index("workers"), "workers", pa.array(workers, pa.int64()))
    source = home / "new-2022.parquet"
    pq.write_table(table, source)
    assert link_partitions([2021, 2022, 2023], home, {2022: source}) == [2021, 2022, 2023]
    y21, y22, y23 = (_rows(home, y) for y in (2021, 2022, 2023))
    assert 1 not in y22 and y22[2]["workers"] == 25
    assert y21[1]["in_next"] is False and y21[1]["next_workers"] is None
    assert y21[2]["in_next"] is True and y21[2]["next_workers"] == 25
    assert y21[2]["next_size_bps_workers"] == "micro"  # the stored class is copied (not reclassified here)
    assert y23[1]["in_prev"] is False              # E1 now enters in 2023
    assert y23[1]["prev_sales"] is None and y23[3]["prev_sales"] == 400  # E3's 2022 row is unchanged
    # and the engine's numbers follow: E1 is an exit in 2022 and an entry in 2023
    df = compute(["entry_rate", "exit_rate"], by=["year"], home=home)
    v = {(r.year, r.indicator): (r.numerator, r.denominator) for r in df.itertuples()}
    assert v[(2023, "entry_rate")] == (3, 6)   # E1, E5, E8 of the six 2023 reporters
    assert v[(2022, "exit_rate")] == (1, 5)    # E1, of 2021's five (E1, E2, E4, E6, E7)
    for ids, by in itertools.product([PANEL], [["year"], ["province", "year"]]):
        linked, joined = _both(home, ids, by)
        pd.testing.assert_frame_equal(linked, joined)
    assert set(PANEL_COLUMNS) <= set(pq.read_schema(partition_path(2021, home)).names)


def test_each_row_stores_its_sales_of_the_year_before(home):
    y21, y22, y23 = (_rows(home, y) for y in (2021, 2022, 2023))
    assert y23[1]["prev_sales"] == 100 and y23[3]["prev_sales"] == 400  # E1, E3: their 2022 sales
    assert y22[1]["prev_sales"] is None, "E1 reported no sales in 2021"
    assert y22[3]["prev_sales"] is None and y23[5]["prev_sales"] is None  # new: no row of Y-1
    assert not any(r["prev_sales"] is not None for r in y21.values())  # no 2020 partition
