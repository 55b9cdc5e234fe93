"""lumbung.registry.rows: the one reader of the registry's tables (on SQLite here; CI reruns the
django_db tests on PostgreSQL)."""

from __future__ import annotations

import pyarrow as pa
import pytest

pytestmark = pytest.mark.django_db


def _registry():
    from lumbung.registry.models import AnnualReport, Enterprise

    a = Enterprise.objects.create(name="Tahu", owner_name="Siti", region_code="32.11.01.2001", kbli="10392",
                                  owner_gender="F", indonesian_owned=True)
    b = Enterprise.objects.create(name="Batik", region_code="33.75", kbli="13134")
    a.set_owner_nik("3204010101900001")
    a.save()
    AnnualReport.objects.create(enterprise=a, year=2022, workers=3, sales=90, trained=True)
    AnnualReport.objects.create(enterprise=a, year=2023, workers=6, sales=120, trained=False)
    AnnualReport.objects.create(enterprise=b, year=2023, workers=12, online_sales=True)
    return a, b


def test_rows_join_reports_to_enterprises_with_vocabulary_names():
    from lumbung.registry import rows
    from lumbung.vocabulary import REPORT_COLUMNS

    a, b = _registry()
    table = rows.reports_table()
    assert table.column_names[0] == "enterprise_id" and "owner_nik" not in table.column_names
    assert set(REPORT_COLUMNS) <= set(table.column_names)
    assert table.schema.field("trained").type == pa.bool_() and table.schema.field("year").type == pa.int32()
    got = sorted((r["enterprise_id"], r["year"], r["name"], r["workers"], r["trained"]) for r in table.to_pylist())
    assert got == [(a.id, 2022, "Tahu", 3, True), (a.id, 2023, "Tahu", 6, False), (b.id, 2023, "Batik", 12, None)]
    only = rows.reports_table(years=[2023], columns=["enterprise_id", "region_code", "year"], region="33")
    assert only.to_pylist() == [{"enterprise_id": b.id, "region_code": "33.75", "year": 2023}]
    assert rows.reports_table(years=[]).num_rows == 0


def test_batches_are_bounded_and_in_year_order():
    from lumbung.registry import rows

    _registry()
    batches = list(rows.iter_batches(batch_size=2, columns=["enterprise_id", "year"]))
    assert [b.num_rows for b in batches] == [2, 1]
    years = [y for b in batches for y in b.column("year").to_pylist()]
    assert years == sorted(years)
    with pytest.raises(ValueError):
        rows.reports_table(columns=["owner_nik"])   # never readable


def test_high_water_mark_and_touched_years_follow_changes():
    from lumbung.registry import rows
    from lumbung.registry.models import AnnualReport

    assert rows.high_water_mark() == 0 and rows.year_counts() == {}
    a, b = _registry()
    mark = rows.high_water_mark()
    assert mark > 0 and rows.touched_years(mark) == set()
    assert rows.year_counts() == {2022: 1, 2023: 2}
    report = AnnualReport.objects.get(enterprise=b, year=2023)
    report.workers = 13
    report.save()
    assert rows.touched_years(mark) == {2023} and rows.high_water_mark() > mark
    mark = rows.high_water_mark()
    a.kbli = "10110"
    a.save()   # an enterprise change touches every year it reported
    assert rows.touched_years(mark) == {2022, 2023}
    source = rows.RegistryRows()
    assert source.high_water_mark() == rows.high_water_mark() and source.year_counts() == {2022: 1, 2023: 2}
