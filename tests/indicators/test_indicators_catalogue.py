"""The catalogue as data: complete entries, checked expressions, SQL that transpiles to Spark."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot

from lumbung.indicators import to_sql
from lumbung.indicators.catalogue import CatalogueError, catalogue, get, load, load_file, parse_expression
from lumbung.indicators.dimensions import DIMENSIONS

ROOT = Path(__file__).resolve().parents[2]
CORE = ("firms workers output value_added share_firms share_workers share_output share_value_added "
        "va_per_worker formal_credit_rate kur_rate informal_credit_rate legal_entity_rate nib_rate "
        "export_rate export_share imported_input_share training_rate online_rate women_owned_rate "
        "female_worker_share avg_wage entry_rate exit_rate graduation_rate employment_growth").split()


def test_core_ids_present_and_catalogue_large_enough():
    ids = set(catalogue())
    assert set(CORE) <= ids
    assert len(ids) >= 30


@pytest.mark.parametrize("indicator", list(catalogue().values()), ids=list(catalogue()))
def test_every_indicator_has_names_definition_and_source(indicator):
    for key in ("name_id", "name_en", "definition_id", "definition_en", "source", "unit"):
        assert getattr(indicator, key).strip(), key
    assert indicator.name_id != indicator.name_en or indicator.id in ("workers",)
    if indicator.unit == "percent":
        assert indicator.factor == 100


def test_rates_are_percentages():
    for ind in catalogue().values():
        if ind.kind in ("rate", "share", "entry", "exit", "graduation", "growth"):
            assert ind.unit == "percent" and ind.factor == 100, ind.id


def _write(tmp_path, body: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text("[[indicator]]\nid = \"x\"\nname_id = \"X\"\nname_en = \"X\"\ndefinition_id = \"d\"\n"
                    "definition_en = \"d\"\nunit = \"count\"\nsource = \"test\"\n" + body, encoding="utf-8")
    return path


def test_unknown_field_is_named(tmp_path):
    with pytest.raises(CatalogueError, match="unknown field 'turnover'"):
        load_file(_write(tmp_path, 'kind = "sum"\nnumerator = "turnover + sales"\n'))


def test_unknown_function_and_operator_are_named(tmp_path):
    with pytest.raises(CatalogueError, match="unknown function 'median_of'"):
        load_file(_write(tmp_path, 'kind = "sum"\nnumerator = "median_of(sales)"\n'))
    with pytest.raises(CatalogueError, match="operator 'POW'"):
        parse_expression("sales ** 2")
    with pytest.raises(CatalogueError, match="cannot parse"):
        parse_expression("sales >")


def test_missing_source_and_bad_kind_refused(tmp_path):
    path = tmp_path / "nosource.toml"
    path.write_text('[[indicator]]\nid = "y"\nname_id = "Y"\nname_en = "Y"\ndefinition_id = "d"\n'
                    'definition_en = "d"\nunit = "count"\nkind = "count"\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match="source is missing"):
        load_file(path)
    with pytest.raises(CatalogueError, match="unknown kind"):
        load_file(_write(tmp_path, 'kind = "median"\n'))
    with pytest.raises(CatalogueError, match="needs a denominator"):
        load_file(_write(tmp_path, 'kind = "ratio"\nnumerator = "sales"\n'))


def test_adding_an_indicator_is_adding_an_entry(tmp_path):
    folder = tmp_path / "catalogue"
    folder.mkdir()
    (folder / "mine.toml").write_text(_write(tmp_path, 'kind = "sum"\nnumerator = "exports"\n').read_text())
    loaded = load(folder)
    assert set(loaded) == {"x"} and loaded["x"].is_money_sum


def test_duplicate_ids_refused(tmp_path):
    text = _write(tmp_path, 'kind = "count"\n').read_text()
    folder = tmp_path / "catalogue"
    folder.mkdir()
    (folder / "a.toml").write_text(text)
    (folder / "b.toml").write_text(text)
    with pytest.raises(CatalogueError, match="duplicate"):
        load(folder)


def test_unknown_indicator_message():
    with pytest.raises(KeyError, match="nope"):
        get("firms,nope")


@pytest.mark.parametrize("links", [True, False])
@pytest.mark.parametrize("by", [[], ["year"], ["province", "kbli_division", "size_class", "year"], list(DIMENSIONS)])
def test_whole_catalogue_transpiles_to_spark(by, links):
    sql = to_sql(list(catalogue()), by=by, years=[2022, 2023], dialect="spark", where={"province": "32"}, links=links)
    parsed = sqlglot.parse_one(sql, read="spark")
    # the joined plan self-joins on enterprise_id; the linked one reads the stored link columns
    joins_on_enterprise = [j for j in parsed.find_all(sqlglot.exp.Join) if "enterprise_id" in j.sql()]
    assert bool(joins_on_enterprise) is not links
    src = next(c for c in parsed.find_all(sqlglot.exp.CTE) if c.alias == "src").sql()
    assert ("in_next" in src and "next_size_bps_workers" in src) is links  # read from the table
    assert "read_parquet" not in sql and "MATERIALIZED" not in sql  # DuckDB-only words stay out


@pytest.mark.parametrize("links", [True, False])
def test_duckdb_sql_runs_on_an_empty_table(links):
    import duckdb

    from lumbung.indicators.schema import SCHEMA, STORED_SCHEMA

    con = duckdb.connect()
    con.register("empty", (STORED_SCHEMA if links else SCHEMA).empty_table())
    con.execute("CREATE VIEW reports AS SELECT * FROM empty")
    rows = con.execute(to_sql(list(catalogue()), by=["year", "size_class"], years=[2023], links=links)).fetchall()
    assert rows == []


def test_every_indicator_is_documented():
    text = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    missing = [i for i in catalogue() if f"`{i}`" not in text]
    assert not missing, f"not in docs/indicators.md: {missing}"


def test_pure_package_does_not_import_django():
    code = ("import sys, lumbung.indicators as m, lumbung.indicators.engine, lumbung.indicators.sqlgen, "
            "lumbung.indicators.published, lumbung.indicators.analytics, lumbung.indicators.commands; "
            "assert not any(k == 'django' or k.startswith('django.') for k in sys.modules), 'django imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_spark_sql_means_the_same(tmp_path):
    """The Spark text (linked and joined plans), read back into DuckDB, gives the engine's numbers."""
    import duckdb

    from lumbung.indicators import compute
    from lumbung.indicators.schema import partition_path
    from lumbung.indicators.testing import write_fixture

    write_fixture(tmp_path)
    ids = ["firms", "va_per_worker", "share_output", "formal_credit_rate", "entry_rate", "exit_rate",
           "graduation_rate", "employment_growth"]
    con = duckdb.connect()
    files = ", ".join(f"'{partition_path(y, tmp_path)}'" for y in (2021, 2022, 2023))
    con.execute(f"CREATE VIEW reports AS SELECT * FROM read_parquet([{files}])")
    engine = compute(ids, by=["province", "year"], years=[2022, 2023], home=tmp_path)
    for links in (True, False):
        spark = to_sql(ids, by=["province", "year"], years=[2022, 2023], dialect="spark",
                       available_years=[2021, 2022, 2023], links=links)
        _same_numbers(con.execute(sqlglot.transpile(spark, read="spark", write="duckdb")[0]).df(), engine)


def _same_numbers(wide, engine):
    import pandas as pd

    for row in engine.itertuples():
        cell = wide[(wide.dim_province == row.province) & (wide.dim_year == row.year)]
        assert len(cell) == 1
        assert float(cell[f"{row.indicator}__num"].iloc[0]) == pytest.approx(row.numerator)
        if not pd.isna(row.denominator):
            assert float(cell[f"{row.indicator}__den"].iloc[0]) == pytest.approx(row.denominator)
