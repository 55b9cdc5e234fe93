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
