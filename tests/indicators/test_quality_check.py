"""`lumbung check`: each rule fires exactly where the fixture plants a violation; missing values
and mapping coverage are counted by hand from the fixture rows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from lumbung.cli import main
from lumbung.indicators import quality
from lumbung.indicators.schema import SCHEMA, partition_path

MILLION = 1_000_000


def report(eid, year=2023, **values) -> dict:
    """A consistent report (nothing wrong with it) with ``values`` changed."""
    row = {name: None for name in SCHEMA.names}
    row.update(enterprise_id=eid, year=year, source_id=f"S{eid}", nib=f"{eid:013d}", founded_year=2010,
               region_code="32.04.05.2001", province="32", regency="32.04", district="32.04.05",
               kbli="31001", kbli_section="C", kbli_division="31", size_bps_workers="small",
               workers=6, sales=100 * MILLION, output=90 * MILLION, inputs=60 * MILLION)
    row.update(values)
    if row["output"] is not None and row["inputs"] is not None and "value_added" not in values:
        row["value_added"] = row["output"] - row["inputs"]
    return row


# Ten food micro enterprises with value added per worker near Rp10 million, and one far above.
VA_PER_WORKER = [9, 10, 10, 11, 10, 9, 11, 10, 10, 12]
FOOD = [report(200 + i, kbli="10110", kbli_division="10", size_bps_workers="micro", workers=2,
               output=2 * v * MILLION + 5 * MILLION, inputs=5 * MILLION) for i, v in enumerate(VA_PER_WORKER)]
FOOD_OUTLIER = report(220, kbli="10110", kbli_division="10", size_bps_workers="micro", workers=2,
                      output=1_000 * MILLION + 5 * MILLION, inputs=5 * MILLION)
# Three textile enterprises, one extreme: too few to judge (min_group = 5).
TEXTILE = [report(230 + i, kbli="13111", kbli_division="13", size_bps_workers="medium", workers=20,
                  output=o * MILLION, inputs=MILLION) for i, o in enumerate((200, 210, 90_000))]
# Six identical values: MAD is 0, the group is not judged even with a different seventh.
SAME = [report(240 + i, kbli="16101", kbli_division="16", size_bps_workers="micro", workers=1,
               output=11 * MILLION, inputs=MILLION) for i in range(6)]
SAME_ODD = report(246, kbli="16101", kbli_division="16", size_bps_workers="micro", workers=1,
                  output=31 * MILLION, inputs=MILLION)

PLANTED = {
    "value_added_above_output": {101},
    "exports_above_sales": {102, 302},
    "paid_workers_above_workers": {103},
    "female_workers_above_workers": {104},
    "wages_missing_with_paid_workers": {105, 106},
    "va_per_worker_outlier": {220},
    "imported_inputs_above_inputs": {109},
    "negative_money": {101, 116},
    "no_workers": {110},
    "founded_after_report": {111},
    "credit_without_sales": {112},
    "outside_manufacturing": {113},
}

ROWS_2023 = [
    report(101, inputs=-20 * MILLION),  # value added above output, and a negative amount
    report(102, exports=200 * MILLION),
    report(103, workers_paid=9, wages=10 * MILLION),
    report(104, workers_female=7),
    report(105, workers_paid=2),  # no wages
    report(106, workers_paid=2, wages=0),
    report(107, workers_paid=0),  # no paid workers, no wages: fine
    report(108, workers_paid=None, wages=None),
    report(109, imported_inputs=70 * MILLION),
    report(110, workers=0),
    report(111, founded_year=2024),
    report(112, credit_kur=10 * MILLION, sales=0, output=0, inputs=0),
    report(113, kbli="46100", kbli_section="G", kbli_division="46"),
    report(114, **{k: None for k in ("workers", "sales", "output", "inputs", "exports")}),  # all unknown
    report(115, exports=100 * MILLION, imported_inputs=60 * MILLION, workers_paid=6, workers_female=6,
           wages=30 * MILLION),  # every limit reached, none crossed
    report(116, credit_bank=-1),
    # coverage: a province that does not exist, a missing region, a KBLI that does not exist
    report(117, region_code="99.01", province="99", regency="99.01", district=None),
    report(118, region_code=None, province=None, regency=None, district=None),
    report(119, kbli="99999", kbli_section=None, kbli_division=None),
    *FOOD, FOOD_OUTLIER, *TEXTILE, *SAME, SAME_ODD,
]
ROWS_2024 = [report(302, year=2024, exports=101 * MILLION), report(303, year=2024)]


def write(home: Path, rows: list[dict]) -> None:
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    for year in sorted({r["year"] for r in rows}):
        path = partition_path(year, home)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table.filter(pa.compute.equal(table.column("year"), year)), path)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    write(tmp_path, ROWS_2023 + ROWS_2024)
    monkeypatch.setenv("LUMBUNG_HOME", str(tmp_path))
    return tmp_path


def fired(result: quality.QualityReport) -> dict[str, set[int]]:
    return {rule: set(group.enterprise_id) for rule, group in result.violations.groupby("rule")}


def test_each_rule_fires_exactly_where_planted(home):
    result = quality.check(home=home)
    assert fired(result) == PLANTED
    assert result.rows == len(ROWS_2023) + len(ROWS_2024)


def test_the_robust_outlier_is_the_one_a_hand_computation_finds():
    values = np.array([*VA_PER_WORKER, 500.0])  # Rp million per worker
    median = np.median(values)
    mad = np.median(np.abs(values - median))
    assert (median, mad) == (10, 1)
    outside = values[np.abs(values - median) > 5 * 1.4826 * mad]
    assert list(outside) == [500.0]  # only the planted enterprise; 12 stays inside


def test_violation_rows_carry_the_enterprise_and_the_values(home):
    result = quality.check(home=home, rules=["exports_above_sales"], years=2023)
    row = result.violations.iloc[0]
    assert (row.enterprise_id, row.source_id, row.nib, row.year) == (102, "S102", f"{102:013d}", 2023)
    assert row.severity == "error"
    assert row.detail == f"sales={100 * MILLION}, exports={200 * MILLION}"


def test_year_and_rule_filters(home):
    assert fired(quality.check(years=2024, home=home)) == {"exports_above_sales": {302}}
    only = quality.check(rules=["no_workers", "founded_after_report"], home=home)
    assert fired(only) == {"no_workers": {110}, "founded_after_report": {111}}
    assert list(only.counts.rule) == ["no_workers", "founded_after_report"]


def test_missing_values_per_field(home):
    result = quality.check(home=home)
    missing = dict(zip(result.missing.field, result.missing.missing, strict=False))
    rows = ROWS_2023 + ROWS_2024
    for field in ("exports", "workers", "wages", "workers_paid", "province", "kbli_division", "value_added"):
        assert missing[field] == sum(r[field] is None for r in rows), field
    assert missing["workers"] == 1  # enterprise 114
    assert "enterprise_id" not in missing and "year" not in missing


def test_coverage_of_region_and_kbli_mapping(home):
    result = quality.check(home=home)
    coverage = result.coverage.set_index("mapping")
    total = len(ROWS_2023) + len(ROWS_2024)
    assert coverage.loc["province", "mapped"] == total - 2  # "99" does not exist, 118 has none
    assert coverage.loc["regency", "mapped"] == total - 2
    # every district in the fixture is 32.04.05 (exists) except 117 and 118 (none)
    assert coverage.loc["district", "mapped"] == total - 2
    assert coverage.loc["kbli", "mapped"] == total - 1  # 99999 is not a KBLI 2020 subclass
    assert coverage.loc["kbli_division", "mapped"] == total - 1
    assert coverage.loc["province", "share"] == pytest.approx(round(100 * (total - 2) / total, 2))


@pytest.mark.django_db
def test_cli_text_report_exits_zero_with_violations(home):
    result = CliRunner().invoke(main, ["check", "--year", "2023"])
    assert result.exit_code == 0, result.output
    assert "exports_above_sales" in result.output and "enterprise 102 (S102" in result.output
    assert "Missing values per field" in result.output and "Coverage" in result.output
    assert "302" not in result.output.split("Violations")[1].split("Missing")[0]


@pytest.mark.django_db
def test_cli_csv_and_json(home, tmp_path):
    out = tmp_path / "violations.csv"
    result = CliRunner().invoke(main, ["check", "--rule", "no_workers", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert list(table.columns) == list(quality.VIOLATION_COLUMNS)
    assert table.enterprise_id.tolist() == [110]
    result = CliRunner().invoke(main, ["check", "--format", "json"])
    data = json.loads(result.output)
    assert {c["rule"]: c["violations"] for c in data["counts"]}["wages_missing_with_paid_workers"] == 2
    assert {"missing", "coverage", "rules", "violations"} <= set(data)


@pytest.mark.django_db
@pytest.mark.parametrize("args", [["--rule", "nope"], ["--year", "1999"], ["--format", "xml"], ["--year", "abc"]])
def test_cli_bad_arguments_exit_2(home, args):
    result = CliRunner().invoke(main, ["check", *args])
    assert result.exit_code == 2, result.output


@pytest.mark.django_db
def test_cli_without_analytics_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("LUMBUNG_HOME", str(tmp_path))
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 2 and "analytics build" in result.output
