"""The compiled statement spells out little per row (issue 13), without changing what it counts."""

from __future__ import annotations

import duckdb
import pytest

from lumbung.indicators.sqlgen import _known_of, _null_twin, to_sql


@pytest.mark.parametrize(("expr", "twin"), [
    ("(credit_kur > 0)", "credit_kur"),
    ("(legal_status = 'legal_entity')", "legal_status"),
    ("(0 < workers)", "workers"),
    ("(NOT nib IS NULL)", None),
    ("(credit_bank > 0 OR credit_kur > 0)", "(credit_bank > 0 OR credit_kur > 0)"),  # TRUE with one side NULL
    ("(x > NULL)", "(x > NULL)"),
])
def test_null_twin(expr, twin):
    assert _null_twin(expr) == twin


def test_known_of():
    assert _known_of("(NOT nib IS NULL)") == "nib"
    assert _known_of("(workers) IS NOT NULL") == "workers"
    assert _known_of("(nib IS NULL)") is None
    assert _known_of("(credit_kur > 0)") is None


@pytest.mark.parametrize("expr", ["(credit_kur > 0)", "(legal_status = 'legal_entity')", "(NOT nib IS NULL)",
                                  "(credit_bank > 0 OR credit_kur > 0)"])
def test_twin_counts_the_same_rows(expr):
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (NULL, 1, 'legal_entity', NULL), (5, NULL, NULL, 'x'), "
                "(0, 0, 'none', 'y'), (NULL, NULL, NULL, NULL)) AS v(credit_bank, credit_kur, legal_status, nib)")
    twin = _null_twin(expr)
    counted = f"COUNT({twin})" if twin else "COUNT(*)"
    assert con.execute(f"SELECT COUNT({expr}), {counted} FROM t").fetchone() == (
        con.execute(f"SELECT COUNT({expr}) FROM t").fetchone()[0],) * 2


def test_linked_plan_shares_aggregates_between_sides():
    sql = to_sql(["firms", "exit_rate", "kur_rate", "nib_rate", "entry_rate"], by=["province", "year"],
                 available_years=[2022, 2023, 2024])
    grouped = sql.split("\n")[1]
    assert "COUNT((credit_kur > 0))" not in grouped and "COUNT(credit_kur)" in grouped
    assert grouped.count("COUNT(*)") == 1  # firms, exit's and nib's denominators and entry's: one aggregate
    assert "year IN" not in grouped  # entry's year condition is on the grouped rows
