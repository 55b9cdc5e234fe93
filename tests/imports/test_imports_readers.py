"""Reading CSV (encodings, separators, quotes), XLSX and Parquet into text cells with file lines."""

from __future__ import annotations

import csv
import io

import openpyxl
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumbung.imports.readers import LINE, read_path, record_layout
from lumbung.imports.results import UnusableFile


def _cells(path):
    raw = read_path(path)
    return raw.frame.to_dicts(), raw.ragged


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_encodings_and_separators(tmp_path, encoding, separator):
    # "Café Kopi Tubruk – Bu Édith" uses é and an en dash: both exist in Windows-1252.
    path = tmp_path / "f.csv"
    text = separator.join(["nama_usaha", "kbli"]) + "\n" + separator.join(["Café Kopi – Bu Édith", "10792"]) + "\n"
    path.write_bytes(text.encode(encoding))
    rows, ragged = _cells(path)
    assert rows == [{LINE: 2, "nama_usaha": "Café Kopi – Bu Édith", "kbli": "10792"}]
    assert ragged == []


def test_bom_is_not_part_of_the_first_header(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffsource_id;name\nA;B\n".encode("utf-8"))
    assert read_path(path).frame.columns == [LINE, "source_id", "name"]


def test_undecodable_text_is_unusable(tmp_path):
    path = tmp_path / "bad.csv"
    # 0x81 and 0x8D are undefined in Windows-1252 and invalid as UTF-8 starts.
    path.write_bytes(b"name,kbli\n\x81\x8d,10792\n")
    with pytest.raises(UnusableFile, match="neither UTF-8 nor Windows-1252"):
        read_path(path)


@pytest.mark.parametrize("name,content,message", [
    ("data.json", b"{}", "unknown file format"),
    ("empty.csv", b"", "empty"),
    ("binary.csv", b"PK\x03\x04\x00\x00", "not a text file"),
    ("fake.xlsx", b"name,kbli\n", "not a readable .xlsx"),
    ("fake.parquet", b"name,kbli\n", "not a readable Parquet"),
])
def test_unusable_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnusableFile, match=message):
        read_path(path)


def test_lines_follow_the_file_with_quoted_line_breaks_and_blank_lines(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('name,kbli\n"Tahu\nSumedang",10792\n\nKerupuk,10794\n"Batik ""Asli""",13134\n', encoding="utf-8")
    rows, _ = _cells(path)
    assert [(r[LINE], r["name"]) for r in rows] == [(2, "Tahu\nSumedang"), (5, "Kerupuk"), (6, 'Batik "Asli"')]


def test_rows_with_too_many_or_too_few_fields_are_reported_not_shifted(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n", encoding="utf-8")
    rows, ragged = _cells(path)
    assert [r[LINE] for r in rows] == [2, 5]
    assert ragged == [(3, 2, 3), (4, 4, 3)]


def test_windows_line_endings(tmp_path):
    path = tmp_path / "crlf.csv"
    path.write_bytes(b'name,kbli\r\n"A\r\nB",10792\r\n\r\nC,10794\r\n')
    rows, ragged = _cells(path)
    assert [(r[LINE], r["kbli"]) for r in rows] == [(2, "10792"), (5, "10794")]
    assert ragged == []


def test_spaces_are_trimmed_and_empty_cells_are_missing(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("a,b\n  x  ,   \n", encoding="utf-8")
    assert _cells(path)[0] == [{LINE: 2, "a": "x", "b": None}]


# A lone "\r" is left out: the csv module counts it as a line break, Lumbung counts "\n" only.
_cell = st.text(alphabet=st.sampled_from(list('ab,;"\n ')), max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_cell, min_size=1, max_size=4), min_size=1, max_size=8))
def test_record_layout_agrees_with_the_csv_module(records):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(records)
    data = buffer.getvalue().encode("utf-8")
    lines, fields = record_layout(data, ",", block=7)
    reader = csv.reader(io.StringIO(buffer.getvalue(), newline=""))
    expected_lines, expected_fields, previous = [], [], 0
    for record in reader:
        expected_lines.append(previous + 1)
        previous = reader.line_num
        expected_fields.append(len(record) if record else 0)
    assert list(lines) == expected_lines
    # csv.writer writes a lone empty cell as "" (quoted), so "blank" only happens for [] records.
    assert list(fields) == expected_fields


def test_xlsx_first_sheet_with_numbers_as_cells(tmp_path):
    path = tmp_path / "w.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nama Usaha", "KBLI", "tenaga_kerja", "omzet", "trained"])
    sheet.append(["Tahu", 1111, 3.0, 1500000.5, True])
    sheet.append([None, None, None, None, None])
    sheet.append(["Kerupuk", "10794", 2, None, False])
    book.create_sheet("notes").append(["ignored"])
    book.save(path)
    rows, _ = _cells(path)
    assert rows == [
        {LINE: 2, "Nama Usaha": "Tahu", "KBLI": "1111", "tenaga_kerja": "3", "omzet": "1500000.5", "trained": "1"},
        {LINE: 4, "Nama Usaha": "Kerupuk", "KBLI": "10794", "tenaga_kerja": "2", "omzet": None, "trained": "0"},
    ]


def test_parquet_typed_columns_become_text(tmp_path):
    path = tmp_path / "p.parquet"
    table = pa.table({"name": ["A", "B"], "workers": pa.array([3, None], pa.int64()),
                      "sales": pa.array([2.0, 2.5]), "trained": pa.array([True, None])})
    pq.write_table(table, path)
    frame = read_path(path).frame
    assert frame.to_dicts() == [
        {LINE: 2, "name": "A", "workers": "3", "sales": "2", "trained": "1"},
        {LINE: 3, "name": "B", "workers": None, "sales": "2.5", "trained": None},
    ]
    assert frame.schema[LINE] == pl.Int64


# -- issue 8.3: every column entirely empty in turn, header only, one row: every format -----------

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from fuzz_corpus import run, violations, write_rows  # noqa: E402
from imports_samples import row  # noqa: E402

from lumbung.imports.pipeline import check  # noqa: E402
from lumbung.imports.sidt import COLUMNS as SIDT_COLUMNS  # noqa: E402
from lumbung.vocabulary import TEMPLATE_COLUMNS, TEMPLATE_FIELDS  # noqa: E402

FORMAT_SUFFIXES = (".csv", ".xlsx", ".parquet")
REQUIRED = {f.name for f in TEMPLATE_FIELDS if f.required}


def _template_rows(count: int, **values) -> list[list[str | None]]:
    out = []
    for index in range(count):
        cells = row(source_id=f"E{index}", nib=f"{1234567890000 + index:013d}", **values)
        out.append([cells[c] or None for c in TEMPLATE_COLUMNS])
    return out


def _accounted(path, fmt="template", lines=None):
    """Read and check ``path``: usable, every row stored or reported, stored values as in the file."""
    outcome = run(path, fmt)
    assert outcome.unusable is None, outcome.unusable
    assert violations(outcome, format=fmt) == []
    if lines is not None:
        assert set(outcome.stored) | outcome.reported == set(lines)
    return outcome


@pytest.mark.parametrize("suffix", FORMAT_SUFFIXES)
@pytest.mark.parametrize("column", TEMPLATE_COLUMNS)
def test_a_column_left_entirely_empty(tmp_path, suffix, column):
    rows = _template_rows(2)
    index = TEMPLATE_COLUMNS.index(column)
    for values in rows:
        values[index] = None
    path = write_rows(tmp_path / f"empty{suffix}", list(TEMPLATE_COLUMNS), rows)
    assert all(dtype == pl.String for name, dtype in read_path(path).frame.schema.items() if name != LINE)
    outcome = _accounted(path, lines=[2, 3])
    if column in REQUIRED:
        assert outcome.reported == {2, 3} and not outcome.stored
    elif column in ("source_id", "nib"):
        assert set(outcome.stored) == {2, 3}  # the other one recognises the enterprise
    else:
        assert set(outcome.stored) == {2, 3} and all(v[column] is None for v in outcome.stored.values())


@pytest.mark.parametrize("suffix", FORMAT_SUFFIXES)
@pytest.mark.parametrize("columns", [list(TEMPLATE_COLUMNS), [c for c in TEMPLATE_COLUMNS if c != "nib"],
                                     ["source_id", "name", "region_code", "kbli", "year"]],
                         ids=["all", "without-nib", "required-only"])
def test_a_header_only_file_imports_nothing_and_does_not_fail(tmp_path, suffix, columns):
    path = write_rows(tmp_path / f"header{suffix}", columns, [])
    outcome = _accounted(path, lines=[])
    assert outcome.stored == {} and outcome.reported == set()


@pytest.mark.parametrize("suffix", FORMAT_SUFFIXES)
def test_a_single_row(tmp_path, suffix):
    path = write_rows(tmp_path / f"one{suffix}", list(TEMPLATE_COLUMNS), _template_rows(1))
    outcome = _accounted(path, lines=[2])
    assert set(outcome.stored) == {2} and outcome.stored[2]["sales"] == 120_000_000


def _sidt_rows(count: int, **values) -> list[list[str | None]]:
    from test_imports_sidt import sidt_row  # noqa: PLC0415 - the SIDT tests' valid row (they need the database)

    return [[sidt_row(id_data_badan_usaha=f"S{i}", nib="", **values)[c] or None for c in SIDT_COLUMNS]
            for i in range(count)]


@pytest.mark.parametrize("suffix", FORMAT_SUFFIXES)
@pytest.mark.parametrize("column", SIDT_COLUMNS)
def test_a_sidt_column_left_entirely_empty(tmp_path, suffix, column):
    rows = _sidt_rows(2)
    index = SIDT_COLUMNS.index(column)
    for values in rows:
        values[index] = None
    path = write_rows(tmp_path / f"sidt{suffix}", list(SIDT_COLUMNS), rows)
    outcome = _accounted(path, "sidt", lines=[2, 3])
    if column in ("id_data_badan_usaha", "nama_usaha", "kode_kbli", "prov_usaha"):
        assert outcome.reported == {2, 3}
    elif column in ("kec_usaha", "kel_usaha", "kab_usaha"):
        assert set(outcome.stored) == {2, 3}  # the region is the deepest level given
        # Each level is matched within the deepest one above it that is given.
        code = outcome.stored[2]["region_code"]
        assert code == ("32.04.05" if column == "kel_usaha" else "32.04.05.2001")


@pytest.mark.parametrize("suffix", FORMAT_SUFFIXES)
def test_sidt_header_only_and_single_row(tmp_path, suffix):
    assert _accounted(write_rows(tmp_path / f"h{suffix}", list(SIDT_COLUMNS), []), "sidt", lines=[]).stored == {}
    one = _accounted(write_rows(tmp_path / f"o{suffix}", list(SIDT_COLUMNS), _sidt_rows(1)), "sidt", lines=[2])
    assert one.stored[2]["workers"] == 4


def test_sidt_rows_with_only_province_and_regency(tmp_path):
    # The file: district and village empty in every row (a Null column joined the lookup).
    rows = _sidt_rows(3, kec_usaha="", kel_usaha="")
    outcome = _accounted(write_rows(tmp_path / "s.csv", list(SIDT_COLUMNS), rows), "sidt", lines=[2, 3, 4])
    assert {v["region_code"] for v in outcome.stored.values()} == {"32.04"}
