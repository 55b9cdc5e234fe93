"""A population from the registry's reports (the Arrow table registry.rows.reports_table gives):
each enterprise's latest report, mapped as from template rows; no database needed."""

from __future__ import annotations

import pyarrow as pa
import pytest

from lumbung.errors import UserError
from lumbung.lab import population
from lumbung.lab.codes import DIVISIONS, FORMALITY
from lumbung.lab.run import simulate
from lumbung.vocabulary import ENTERPRISE_COLUMNS, REPORT_COLUMNS

COLUMNS = ("enterprise_id", *(c for c in ENTERPRISE_COLUMNS if c != "owner_nik"), *REPORT_COLUMNS)


def _reports(rows: list[dict]) -> pa.Table:
    """Rows in registry.rows' shape: enterprise_id, enterprise columns, report columns."""
    return pa.table({c: [r.get(c) for r in rows] for c in COLUMNS})


TEMPE = {"enterprise_id": 7, "name": "Tempe Bu Sri", "kbli": "10792", "region_code": "33.74",
         "legal_status": "notary_deed"}
MEBEL = {"enterprise_id": 3, "name": "Mebel Jepara", "kbli": "31001", "region_code": "33.20",
         "legal_status": "legal_entity"}
ROWS = [
    {**TEMPE, "year": 2023, "workers": 3, "net_assets": 12_000_000, "output": 80_000_000,
     "inputs": 50_000_000, "credit_kur": 5_000_000},
    {**MEBEL, "year": 2023, "workers": 40, "net_assets": 900_000_000},
    {**TEMPE, "year": 2022, "workers": 2, "net_assets": 10_000_000},
]


def test_from_reports_takes_each_latest_report():
    pop = population.from_reports(_reports(ROWS), seed=1)
    assert len(pop) == 2
    # firms in enterprise-id order, whatever order the reader returned the rows in
    assert [DIVISIONS[d] for d in pop.division] == ["31", "10"]
    mebel_i, tempe_i = 0, 1
    assert pop.workers[tempe_i] == 3 and pop.capital[tempe_i] == pytest.approx(12e6)
    assert pop.debt_kur[tempe_i] == pytest.approx(5e6)
    assert FORMALITY[pop.formality[mebel_i]] == "legal_entity"
    assert pop.technique[mebel_i] == 1
    older = population.from_reports(_reports(ROWS), year=2022, seed=1)
    assert len(older) == 1 and older.workers[0] == 2
    result = simulate("baseline", pop, seed=1, years=1)
    assert result.summary["firms"][result.summary["period"] == 0].sum() >= 1


def test_the_order_of_the_rows_does_not_change_the_population():
    one = population.from_reports(_reports(ROWS), seed=1)
    other = population.from_reports(_reports(ROWS[::-1]), seed=1)
    for name, values in one.arrays().items():
        assert values.tolist() == getattr(other, name).tolist(), name


def test_enterprises_are_told_apart_by_id_not_by_their_source_id():
    # two enterprises sharing a source id (imported from two sources) stay two firms
    rows = [{**TEMPE, "source_id": "A1", "year": 2023, "workers": 2},
            {**MEBEL, "source_id": "A1", "year": 2023, "workers": 30}]
    assert len(population.from_reports(_reports(rows), seed=1)) == 2


def test_from_reports_refuses_an_empty_registry():
    with pytest.raises(UserError, match="no annual reports"):
        population.from_reports(_reports([]))
    with pytest.raises(UserError, match="no annual reports"):
        population.from_reports(_reports(ROWS), year=2000)
