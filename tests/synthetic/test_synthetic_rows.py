"""Shape and validity of the synthetic rows: template schema, determinism, real region and KBLI
codes, NIK/NIB formats, and the row rules the import validator applies."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import polars as pl
import pyarrow as pa
import pytest

from lumbung import geography, sectors
from lumbung.synthetic import SCHEMA, generate, write
from lumbung.vocabulary import TEMPLATE_COLUMNS


@pytest.fixture(scope="module")
def table() -> pa.Table:
    return generate(20_000, 3, 5, start_year=2022)


@pytest.fixture(scope="module")
def frame(table) -> pl.DataFrame:
    return pl.from_arrow(table)


def test_columns_are_the_template_columns_in_order(table):
    assert tuple(table.column_names) == TEMPLATE_COLUMNS
    assert table.schema == SCHEMA
    assert table.schema.field("sales").type == pa.int64()
    assert table.schema.field("trained").type == pa.bool_()


def test_years_and_one_row_per_enterprise_and_year(frame):
    assert sorted(frame["year"].unique().to_list()) == [2022, 2023, 2024]
    assert frame.select("source_id", "year").is_duplicated().sum() == 0
    assert frame.filter(pl.col("year") == 2022).height == 20_000


def test_same_seed_same_table_other_seed_other_table(table):
    assert generate(20_000, 3, 5, start_year=2022).equals(table)
    other = generate(20_000, 3, 6, start_year=2022)
    assert not other.equals(table)
    assert other.column("region_code").to_pylist()[:50] != table.column("region_code").to_pylist()[:50]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_same_seed_gives_byte_identical_files(tmp_path, suffix):
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    write(generate(800, 2, 3), first)
    write(generate(800, 2, 3), second)
    assert first.read_bytes() == second.read_bytes()
    assert first.stat().st_size > 10_000


def test_csv_reads_back_as_the_same_values(tmp_path, table):
    import pyarrow.csv as pacsv

    path = write(table.slice(0, 3000), tmp_path / "pop.csv")
    text_columns = [f.name for f in SCHEMA if f.type == pa.string()]
    back = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in text_columns}, strings_can_be_null=True))
    assert back.column_names == list(TEMPLATE_COLUMNS)
    for name in ("owner_nik", "nib", "sales", "inputs", "trained", "kbli", "region_code"):
        assert back.column(name).to_pylist() == table.slice(0, 3000).column(name).to_pylist(), name


def test_unknown_suffix_refused(tmp_path, table):
    with pytest.raises(ValueError, match=r"\.csv"):
        write(table, tmp_path / "pop.json")


def test_every_region_code_is_an_existing_village(frame):
    codes = frame["region_code"].unique().to_list()
    assert len(codes) > 5000
    assert all(geography.exists(code) and geography.level(code) == 4 for code in codes)


def test_every_kbli_is_a_manufacturing_subclass(frame):
    codes = frame["kbli"].unique().to_list()
    assert len(codes) > 200
    assert all(sectors.is_subclass(code) and sectors.section_of(code) == "C" for code in codes)


def test_nik_structure_matches_region_gender_and_is_marked_synthetic(frame):
    rows = frame.filter(pl.col("owner_nik").is_not_null() & pl.col("owner_gender").is_not_null()).head(20_000)
    for nik, region, gender, _founded in rows.select("owner_nik", "region_code", "owner_gender", "founded_year").iter_rows():
        assert re.fullmatch(r"\d{16}", nik)
        assert nik[:6] == region.replace(".", "")[:6]
        day, month = int(nik[6:8]), int(nik[8:10])
        assert (41 <= day <= 68) if gender == "F" else (1 <= day <= 28)
        assert 1 <= month <= 12
        assert int(nik[12:]) >= 9000  # the range reserved for synthetic owners


def test_nib_thirteen_digits_and_unique_per_enterprise(frame):
    nibs = frame.filter(pl.col("nib").is_not_null()).select("source_id", "nib").unique()
    assert nibs["nib"].str.contains(r"^[1-9]\d{12}$").all()
    assert nibs["nib"].n_unique() == nibs["source_id"].n_unique() == nibs.height


def test_enterprise_columns_constant_over_years(frame):
    enterprise = ["nib", "name", "owner_name", "owner_nik", "region_code", "kbli", "legal_status", "reported_scale"]
    assert frame.select("source_id", *enterprise).unique().height == frame["source_id"].n_unique()


def test_row_rules_of_the_import_validator(frame):
    assert (frame["workers"] >= 1).all()
    assert (frame["workers_paid"].drop_nulls() >= 0).all()
    assert frame.filter(pl.col("workers_paid") > pl.col("workers")).height == 0
    assert frame.filter(pl.col("workers_female") > pl.col("workers")).height == 0
    assert frame.filter(pl.col("exports") > pl.col("sales")).height == 0
    assert frame.filter(pl.col("imported_inputs") > pl.col("inputs")).height == 0
    assert frame.filter(pl.col("founded_year") > pl.col("year")).height == 0
    money = ["sales", "output", "inputs", "net_assets", "business_capital", "investment", "exports",
             "imported_inputs", "wages", "credit_bank", "credit_kur", "credit_informal"]
    for column in money:
        assert (frame[column].drop_nulls() >= 0).all(), column
    assert set(frame["legal_status"].drop_nulls().unique()) <= {"none", "notary_deed", "legal_entity"}
    assert set(frame["reported_scale"].drop_nulls().unique()) <= {"micro", "small", "medium", "large"}
    assert set(frame["owner_gender"].drop_nulls().unique()) == {"F", "M"}


def test_wages_only_for_paid_workers(frame):
    assert (frame.filter(pl.col("workers_paid") == 0)["wages"].drop_nulls() == 0).all()
    assert (frame.filter(pl.col("workers_paid") > 0)["wages"].drop_nulls() > 0).all()


def test_bad_arguments_raise_clear_errors():
    for kwargs in ({"firms": 0, "years": 1, "seed": 1}, {"firms": 10, "years": 0, "seed": 1}, {"firms": 10, "years": 1, "seed": -1}):
        with pytest.raises(ValueError):
            generate(**kwargs)


def test_package_never_imports_django():
    code = "import sys, lumbung.synthetic as s; s.generate(200, 2, 1); assert 'django' not in sys.modules, 'django imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_start_year_shifts_years_and_founding(table):
    later = generate(500, 2, 5, start_year=2030)
    assert later.column("year").to_pylist()[0] == 2030
    assert np.max(later.column("founded_year").drop_null().to_numpy()) <= 2031
