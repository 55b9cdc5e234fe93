"""Columnar validation: each kind of bad cell gives its reason; accepted spellings give stored codes."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from click.testing import CliRunner
from imports_samples import NIK, row, write_csv

from lumbung.cli import main
from lumbung.imports.readers import LINE
from lumbung.imports.validate import HIDDEN, NIK_MASKED, split_valid, validate
from lumbung.vocabulary import TEMPLATE_COLUMNS

YEAR = dt.date.today().year


def _frame(*rows: dict) -> pl.DataFrame:
    """Rows as the readers hand them over: text cells, an empty cell as null, the line number."""
    frame = pl.DataFrame([{LINE: i + 2, **r} for i, r in enumerate(rows)]).with_columns(pl.col(LINE).cast(pl.Int64))
    return frame.with_columns([pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
                               for c in frame.columns if c != LINE])


def _check(*rows: dict):
    return validate(_frame(*rows))


def _reasons(**cells) -> dict[str, str]:
    errors = _check(row(**cells)).errors
    return {c: r for c, r in errors.select("column", "reason").iter_rows()}


def test_a_good_row_has_no_errors_and_typed_values():
    checked = _check(row())
    assert checked.errors.height == 0
    typed = checked.typed.to_dicts()[0]
    assert typed["owner_gender"] == "F"  # P = perempuan
    assert typed["reported_scale"] == "micro"  # mikro
    assert typed["region_code"] == "32.04"  # undotted accepted, stored dotted
    assert typed["indonesian_owned"] is True and typed["trained"] is False and typed["online_sales"] is True
    assert typed["workers"] == 3 and typed["sales"] == 120_000_000
    assert typed["investment"] is None  # a missing value stays missing, not 0
    assert typed[NIK_MASKED] is False and typed["owner_nik"] == NIK


@pytest.mark.parametrize("cells,column,reason", [
    ({"kbli": "10798"}, "kbli", "kbli 10798 is not a KBLI 2020 subclass"),
    ({"kbli": "1079"}, "kbli", "kbli 1079 is not a KBLI 2020 subclass"),  # a class, and 01079 is no subclass
    ({"workers": "0"}, "workers", "workers must be a whole number of at least 1"),
    ({"workers": "2.5"}, "workers", "workers must be a whole number of at least 1"),
    ({"workers": "-3"}, "workers", "workers must be a whole number of at least 1"),
    ({"workers": "2000000"}, "workers", "workers 2000000 is more than 1,000,000"),
    ({"workers_paid": "x"}, "workers_paid", "workers_paid must be a whole number of at least 0"),
    ({"region_code": "32.99"}, "region_code", "region 32.99 does not exist"),
    ({"region_code": "Bandung"}, "region_code", "region Bandung is not a region code such as 32.04 or 3204"),
    ({"sales": "-5"}, "sales", "sales must not be negative"),
    ({"sales": "1500000.50"}, "sales", "sales 1500000.50 is not whole rupiah"),
    ({"sales": "1.500.000"}, "sales", "sales 1.500.000 is not whole rupiah"),
    ({"sales": "Rp 100"}, "sales", "sales Rp 100 is not whole rupiah"),
    ({"sales": "1" * 19}, "sales", "is too large"),
    ({"trained": "maybe"}, "trained", "trained maybe is not yes or no"),
    ({"owner_gender": "X"}, "owner_gender", "owner_gender X is not one of: F, M"),
    ({"legal_status": "pt"}, "legal_status", "legal_status pt is not one of: none, notary_deed, legal_entity"),
    ({"reported_scale": "giant"}, "reported_scale", "reported_scale giant is not one of"),
    ({"year": "23"}, "year", f"year 23 is not a year between 1975 and {YEAR}"),
    ({"year": str(YEAR + 1)}, "year", f"year {YEAR + 1} is not a year between 1975 and {YEAR}"),
    ({"year": "1974"}, "year", f"year 1974 is not a year between 1975 and {YEAR}"),
    ({"nib": "12345"}, "nib", "nib 12345 is not 13 digits"),
    ({"name": ""}, "name", "name is required"),
    ({"kbli": ""}, "kbli", "kbli is required"),
    ({"region_code": ""}, "region_code", "region_code is required"),
    ({"source_id": "", "nib": ""}, "source_id", "source_id or nib is needed"),
    ({"workers_paid": "4"}, "workers_paid", "workers_paid 4 is more than workers 3"),
    ({"workers_female": "5"}, "workers_female", "workers_female 5 is more than workers 3"),
    ({"founded_year": "2024"}, "founded_year", "founded_year 2024 is after the report year 2023"),
    ({"name": "x" * 256}, "name", "name is longer than 255 characters"),
])
def test_bad_cells_are_explained(cells, column, reason):
    reasons = _reasons(**cells)
    assert list(reasons) == [column]
    assert reason in reasons[column]


def test_a_bad_nik_is_never_repeated():
    errors = _check(row(owner_nik="320401550790000")).errors  # 15 digits
    assert errors.select("column", "value").rows() == [("owner_nik", HIDDEN)]
    assert "320401550790000" not in errors["reason"][0]


def test_masked_nik_means_not_given():
    typed = _check(row(owner_nik="3204********0001")).typed.to_dicts()[0]
    assert typed["owner_nik"] is None and typed[NIK_MASKED] is True


@pytest.mark.parametrize("text,value", [("1", True), ("true", True), ("YA", True), ("y", True), ("yes", True),
                                        ("0", False), ("False", False), ("tidak", False), ("n", False)])
def test_yes_no_words(text, value):
    assert _check(row(trained=text)).typed["trained"].to_list() == [value]


@pytest.mark.parametrize("column,text,code", [
    ("owner_gender", "L", "M"), ("owner_gender", "laki-laki", "M"), ("owner_gender", "Perempuan", "F"),
    ("owner_gender", "f", "F"), ("legal_status", "Akta Notaris", "notary_deed"),
    ("legal_status", "badan hukum", "legal_entity"), ("reported_scale", "Kecil", "small"),
    ("reported_scale", "MENENGAH", "medium"), ("reported_scale", "besar", "large"), ("reported_scale", "small", "small"),
    ("legal_form", "PT Perorangan", "pt_perorangan"), ("legal_form", "CV", "cv"),
])
def test_choice_spellings(column, text, code):
    assert _check(row(**{column: text})).typed[column].to_list() == [code]


def test_a_leading_zero_lost_by_a_spreadsheet_is_restored():
    # 01111 = Pertanian jagung (KBLI 2020): Excel turns it into 1111.
    assert _check(row(kbli="1111")).typed["kbli"].to_list() == ["01111"]


def test_errors_of_one_row_are_all_listed_and_other_rows_pass():
    checked = _check(row(), row(source_id="B", nib="", kbli="10798", workers="0"), row(source_id="C", nib=""))
    assert sorted(checked.errors.select("line", "column").rows()) == [(3, "kbli"), (3, "workers")]


# -- a NIK typed into another column is never echoed (issue 8, point 11) ---------------------------------

STRAY_NIK = "3204015507900001"


def test_a_nik_in_the_nib_column_is_masked_in_value_and_reason():
    errors = _check(row(nib=STRAY_NIK)).errors
    assert errors.select("column", "value").rows() == [("nib", "3204********0001")]
    assert STRAY_NIK not in errors["reason"][0] and "3204********0001" in errors["reason"][0]


@pytest.mark.django_db
def test_errors_file_and_stderr_mask_a_nik_in_any_column(tmp_path):
    spaced = "3204 0155 0790 0001"
    path = write_csv(tmp_path / "n.csv", [row(nib=STRAY_NIK), row(source_id="B", nib="", region_code=STRAY_NIK),
                                          row(source_id="C", nib="", workers=spaced)])
    errors = tmp_path / "errors.csv"
    with_file = CliRunner().invoke(main, ["import", str(path), "--errors", str(errors)], catch_exceptions=False)
    to_stderr = CliRunner().invoke(main, ["import", str(path)], catch_exceptions=False)
    written = errors.read_text(encoding="utf-8")
    assert written.count("3204********0001") == 5  # 3 values, 2 reasons (the workers reason names no value)
    for text in (written, with_file.output, to_stderr.output):
        assert STRAY_NIK not in text and spaced not in text and "01550790" not in text
    assert "3204********0001" in to_stderr.output


def test_check_returns_the_rows_that_break_no_rule_and_the_errors():
    valid, errors = split_valid(_frame(row(), row(source_id="B", workers="0")))
    assert valid[LINE].to_list() == [2] and valid["workers"].to_list() == [3]
    assert errors.select("line", "column").rows() == [(3, "workers")]


@pytest.mark.parametrize("column", TEMPLATE_COLUMNS)
def test_a_column_left_entirely_empty_is_missing_values_not_a_crash(column):
    frame = _frame(row(), row(source_id="B")).with_columns(pl.lit(None).alias(column))  # dtype Null
    errors = validate(frame).errors
    required = column in ("name", "region_code", "kbli", "year")
    expected = {(2, column), (3, column)} if required else set()
    if column == "source_id":  # row 3 has no source_id of its own; both still have a nib
        expected = set()
    assert set(errors.select("line", "column").rows()) == expected


def test_a_header_only_frame_has_no_rows_and_no_errors():
    checked = validate(_frame(row()).head(0))
    assert checked.typed.height == 0 and checked.errors.height == 0
