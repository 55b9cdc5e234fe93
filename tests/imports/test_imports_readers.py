"""Reading CSV (encodings, separators, quotes), XLSX and Parquet into text cells with file lines."""

from __future__ import annotations

import csv
import io

import openpyxl
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fuzz_corpus import run, violations, write_rows
from hypothesis import given, settings
from hypothesis import strategies as st
from imports_samples import row

from lumbung.imports.pipeline import check
from lumbung.imports.readers import LINE, read_path, record_layout
from lumbung.imports.results import UnusableFile
from lumbung.imports.sidt import COLUMNS as SIDT_COLUMNS
from lumbung.vocabulary import TEMPLATE_COLUMNS, TEMPLATE_FIELDS


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


# -- issue 8.4: the first fuzz run's findings, one test each ----------------------------------------

def _csv(tmp_path, rows, name="f.csv", columns=TEMPLATE_COLUMNS):
    return write_rows(tmp_path / name, list(columns), rows)


@pytest.mark.parametrize("digits", ["３", "٣", "𝟑"], ids=["full-width", "arabic-indic", "mathematical"])
@pytest.mark.parametrize("suffix", FORMAT_SUFFIXES)
def test_unicode_digits_are_read_as_the_number_they_show(tmp_path, digits, suffix):
    year = "".join(chr(ord(digits) - 3 + int(d)) for d in "2023")
    nik = "".join(chr(ord(digits) - 3 + int(d)) for d in "3204015507900001")
    rows = _template_rows(1, workers=digits, sales=digits + "000", year=year, owner_nik=nik)
    outcome = _accounted(write_rows(tmp_path / f"d{suffix}", list(TEMPLATE_COLUMNS), rows), lines=[2])
    stored = outcome.stored[2]
    assert (stored["workers"], stored["sales"], stored["year"], stored["owner_nik"]) == (
        3, 3000, 2023, "3204015507900001")


def test_superscripts_are_not_digits_and_are_reported(tmp_path):
    outcome = _accounted(_csv(tmp_path, _template_rows(1, workers="³")), lines=[2])
    assert outcome.reported == {2}


def _workbook_bytes(tmp_path) -> bytes:
    return write_rows(tmp_path / "good.xlsx", list(TEMPLATE_COLUMNS), _template_rows(3)).read_bytes()


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9, 0.99])
def test_a_truncated_workbook_is_unusable(tmp_path, cut):
    data = _workbook_bytes(tmp_path)
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[:int(len(data) * cut)])
    with pytest.raises(UnusableFile, match="not a readable .xlsx"):
        read_path(path)


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml",
                                    "xl/_rels/workbook.xml.rels", "[Content_Types].xml"])
@pytest.mark.parametrize("damage", ["cut", "garbage", "missing"])
def test_a_workbook_damaged_inside_is_unusable_or_read(tmp_path, member, damage):
    """A damaged part (the ParseError / IndexError of the first fuzz run) is one clear sentence."""
    import zipfile  # noqa: PLC0415 - only these tests rebuild workbooks

    source = zipfile.ZipFile(io.BytesIO(_workbook_bytes(tmp_path)))
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == member:
                if damage == "missing":
                    continue
                content = content[:len(content) // 2] if damage == "cut" else b"<x>" + bytes(range(256)) + content
            target.writestr(name, content)
    try:
        raw = read_path(path)
    except UnusableFile as error:
        assert "damaged.xlsx" in str(error)
        return
    assert set(raw.frame[LINE].to_list()) <= {2, 3, 4}  # a part calamine does not need: read as it is


def _parquet(tmp_path, **columns):
    base = {c: pa.array([v], pa.string()) for c, v in zip(TEMPLATE_COLUMNS, _template_rows(1)[0], strict=True)}
    base.update(columns)
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table(base), path)
    return path


@pytest.mark.parametrize("column,array", [
    ("name", pa.array([["Tahu", "Tempe"]])),
    ("name", pa.array([{"a": 1}])),
    ("name", pa.array([b"\xff\xfe"], pa.binary())),
    ("sales", pa.array([float("inf")])),
    ("sales", pa.array([1e20])),
    ("sales", pa.array([2 ** 64 - 1], pa.uint64())),
    ("workers", pa.array([2.5])),
], ids=["list", "struct", "binary-not-utf8", "inf", "1e20", "above-2^63", "fraction"])
def test_parquet_values_that_are_not_plain_are_reported_with_line_and_column(tmp_path, column, array):
    outcome = _accounted(_parquet(tmp_path, **{column: array}), lines=[2])
    assert outcome.reported == {2} and outcome.stored == {}
    errors = check(read_path(tmp_path / "p.parquet")).errors
    assert errors.select("line", "column").rows() == [(2, column)]


def test_parquet_typed_values_that_are_plain_are_stored_exactly(tmp_path):
    path = _parquet(tmp_path, sales=pa.array([1.5e15]), workers=pa.array([7], pa.int8()),
                    exports=pa.array([float("nan")]), name=pa.array([b"Tahu \xc3\xa9"], pa.binary()),
                    trained=pa.array([True]), output=pa.array([None], pa.null()))
    outcome = _accounted(path, lines=[2])
    stored = outcome.stored[2]
    assert (stored["sales"], stored["workers"], stored["exports"], stored["name"], stored["trained"],
            stored["output"]) == (1_500_000_000_000_000, 7, None, "Tahu é", True, None)


@pytest.mark.parametrize("suffix", FORMAT_SUFFIXES)
def test_a_column_named_line_is_just_another_column(tmp_path, suffix):
    columns = [*TEMPLATE_COLUMNS, LINE]
    rows = [[*r, "99"] for r in _template_rows(2)]
    outcome = _accounted(write_rows(tmp_path / f"l{suffix}", columns, rows), lines=[2, 3])
    assert set(outcome.stored) == {2, 3}


@pytest.mark.parametrize("suffix", FORMAT_SUFFIXES[:2])
def test_two_columns_with_the_same_name_are_refused(tmp_path, suffix):
    columns = [*TEMPLATE_COLUMNS, "workers"]
    rows = [[*r, "7"] for r in _template_rows(1)]
    with pytest.raises(UnusableFile, match="both named 'workers'"):
        read_path(write_rows(tmp_path / f"dup{suffix}", columns, rows))


def test_cr_only_line_ends_read_every_row(tmp_path):
    path = _csv(tmp_path, _template_rows(7))
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    outcome = _accounted(path, lines=range(2, 9))
    assert set(outcome.stored) == set(range(2, 9))


def test_lone_carriage_returns_count_as_line_breaks(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"name,kbli\nA,10792\rB,10794\nC,10795\n")
    assert [(r[LINE], r["name"]) for r in read_path(path).frame.to_dicts()] == [(2, "A"), (3, "B"), (4, "C")]


def test_a_quote_pair_inside_an_unquoted_value_does_not_hide_a_separator(tmp_path):
    """Tahu "Sumedang, Bu" Sari: the comma is a separator (the quote is not at the start of the
    value), so the row has one field too many and is rejected, never stored shifted."""
    path = _csv(tmp_path, _template_rows(2, output="7000"))
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("Tahu Sumedang Bu Sari", 'Tahu "Sumedang, Bu" Sari')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcome = _accounted(path, lines=[2, 3])
    assert set(outcome.stored) == {2} and outcome.stored[2]["output"] == 7000 and outcome.reported == {3}
    assert read_path(path).ragged == [(3, 33, 32)]


def test_one_latin1_byte_is_reported_on_its_line_and_leaves_utf8_names_alone(tmp_path):
    path = _csv(tmp_path, [*_template_rows(1, name="Café Ñusantara"), *_template_rows(1, owner_name="Édith")])
    data = path.read_bytes().replace(b"F0,", b"F1,", 1)
    path.write_bytes(data.replace("Édith".encode(), b"\xc9dith"))
    outcome = _accounted(path, lines=[2, 3])
    assert outcome.stored[2]["name"] == "Café Ñusantara" and outcome.reported == {3}
    errors = check(read_path(path)).errors
    assert "line 3 holds bytes that are not UTF-8" in errors["reason"][0]


def test_a_file_with_no_utf8_text_is_still_read_as_windows_1252(tmp_path):
    path = _csv(tmp_path, _template_rows(1, name="Café"))
    path.write_bytes(path.read_bytes().decode("utf-8").encode("cp1252"))
    assert _accounted(path, lines=[2]).stored[2]["name"] == "Café"


def test_utf16_text_from_excel_is_read(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes("name\tkbli\nCafé\t10792\n".encode("utf-16"))
    assert read_path(path).frame.to_dicts() == [{LINE: 2, "name": "Café", "kbli": "10792"}]


def test_a_workbook_whose_single_cell_is_on_the_last_row_is_refused_fast(tmp_path):
    import resource  # noqa: PLC0415 - only this test measures memory
    import time  # noqa: PLC0415

    import xlsxwriter  # noqa: PLC0415

    path = tmp_path / "far.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, list(TEMPLATE_COLUMNS))
    sheet.write_string(1_048_575, 0, "x")
    book.close()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with pytest.raises(UnusableFile, match="reaches cell A1048576"):
        read_path(path)
    assert time.perf_counter() - started < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB


def test_excel_error_cells_and_unsaved_formulas_are_reported_not_read_as_empty(tmp_path):
    path = tmp_path / "e.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(TEMPLATE_COLUMNS))
    for values in _template_rows(3):
        sheet.append(values)
    sheet.cell(row=2, column=TEMPLATE_COLUMNS.index("owner_name") + 1).value = "#N/A"  # an error cell
    sheet.cell(row=3, column=TEMPLATE_COLUMNS.index("sales") + 1).value = "=1+1"  # no saved result
    book.save(path)
    outcome = _accounted(path, lines=[2, 3, 4])
    assert outcome.reported == {2, 3} and set(outcome.stored) == {4}
    errors = check(read_path(path)).errors.select("line", "column").rows()
    assert sorted(errors) == [(2, "owner_name"), (3, "sales")]


def test_merged_cells_leave_the_other_cells_empty(tmp_path):
    path = tmp_path / "m.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(TEMPLATE_COLUMNS))
    for values in _template_rows(2):
        sheet.append(values)
    column = TEMPLATE_COLUMNS.index("wages") + 1
    sheet.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
    book.save(path)
    outcome = _accounted(path, lines=[2, 3])
    assert (outcome.stored[2]["wages"], outcome.stored[3]["wages"]) == (12_000_000, None)


def test_columns_that_are_not_read_are_named_in_the_summary(tmp_path):
    columns = [*TEMPLATE_COLUMNS, "catatan"]
    path = write_rows(tmp_path / "c.csv", columns, [[*r, "dicek"] for r in _template_rows(1)])
    assert check(read_path(path)).ignored == ["columns not imported (not template columns): catatan"]


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", FORMAT_SUFFIXES)
def test_imported_and_rejected_add_up_to_what_was_stored_and_reported(tmp_path, suffix):
    from lumbung.registry.importer import import_file  # noqa: PLC0415 - needs the database
    from lumbung.registry.models import AnnualReport  # noqa: PLC0415

    rows = _template_rows(6, year="２０２３", workers="٣")
    rows[1][TEMPLATE_COLUMNS.index("workers")] = "-1"
    rows[2][TEMPLATE_COLUMNS.index("kbli")] = None
    rows.append(list(rows[0]))  # the same enterprise and year again
    result = import_file(write_rows(tmp_path / f"n{suffix}", list(TEMPLATE_COLUMNS), rows))
    stored = AnnualReport.objects.count()
    assert (result.imported, result.rejected) == (stored, 3) == (4, 3)
    assert set(AnnualReport.objects.values_list("workers", flat=True)) == {3}


def test_a_nik_typed_into_an_excel_number_cell_is_reported_not_stored_rounded(tmp_path):
    path = tmp_path / "n.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(TEMPLATE_COLUMNS))
    for values in _template_rows(2):
        sheet.append(values)
    sheet.cell(row=2, column=TEMPLATE_COLUMNS.index("owner_nik") + 1).value = 3204015507900001
    sheet.cell(row=3, column=TEMPLATE_COLUMNS.index("sales") + 1).value = 120000000.0  # a number is fine
    book.save(path)
    outcome = _accounted(path, lines=[2, 3])
    assert outcome.reported == {2} and outcome.stored[3]["sales"] == 120_000_000
    assert check(read_path(path)).errors.select("line", "column").rows() == [(2, "owner_nik")]


def test_a_workbook_with_a_gap_between_blocks_of_rows_is_read(tmp_path):
    import xlsxwriter  # noqa: PLC0415

    path = tmp_path / "gap.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["name", "kbli"])
    sheet.write_row(1, 0, ["Tahu", "10792"])
    sheet.write_row(50_000, 0, ["Tempe", "10793"])
    book.close()
    assert [(r[LINE], r["name"]) for r in read_path(path).frame.to_dicts()] == [(2, "Tahu"), (50_001, "Tempe")]


def test_a_value_in_a_far_column_is_refused(tmp_path):
    import xlsxwriter  # noqa: PLC0415

    path = tmp_path / "wide.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, list(TEMPLATE_COLUMNS))
    for number in range(1, 200):
        sheet.write_row(number, 0, _template_rows(1)[0])
    sheet.write_string(5, 16_383, "x")
    book.close()
    with pytest.raises(UnusableFile, match="reaches cell XFD"):
        read_path(path)
