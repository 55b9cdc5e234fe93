"""Export in the template format; export -> import into an empty registry -> export gives the same file."""

from __future__ import annotations

import csv

import polars as pl
import pytest
from imports_samples import NIK, row, write_csv

from lumbung.registry.export import EXPORT_COLUMNS, export
from lumbung.registry.importer import import_file

pytestmark = pytest.mark.django_db


def _empty_registry():
    from lumbung.registry.models import AuditEntry, Enterprise

    Enterprise.objects.all().delete()
    AuditEntry.objects.all().delete()


def _rows_without_nik():
    return [
        row(owner_nik=""), row(owner_nik="", year="2024", workers="5", trained=""),
        row(source_id="", nib="9120001234562", owner_nik="", name='Batik "Asli", Solo', region_code="33.72"),
        row(source_id="B7", nib="", owner_nik="", owner_name="", legal_form="", independent="", kbli="1111"),
    ]


def test_round_trip_is_byte_for_byte(tmp_path):
    from lumbung.registry.models import AnnualReport, Enterprise

    import_file(write_csv(tmp_path / "in.csv", _rows_without_nik()))
    manual = Enterprise.objects.create(name="Tempe Pak Darto", region_code="34.71", kbli="10793")
    AnnualReport.objects.create(enterprise=manual, year=2022, workers=2)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    assert export(first) == 5
    _empty_registry()
    result = import_file(first)
    assert (result.imported, result.rejected) == (5, 0)
    export(second)
    assert second.read_bytes() == first.read_bytes()
    text = first.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(EXPORT_COLUMNS)
    assert f"lumbung:{manual.pk}," in text  # no source_id and no NIB: recognisable when it comes back


def test_export_never_carries_the_nik_and_round_trips_byte_for_byte(tmp_path):
    from lumbung.registry.models import Enterprise

    import_file(write_csv(tmp_path / "in.csv", [row(), row(year="2024")]))
    assert Enterprise.objects.exclude(owner_nik_token=None).count() == 1  # a NIK is stored
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    export(first)
    exported = pl.read_csv(first, infer_schema=False)
    assert exported["owner_nik"].to_list() == [None, None]
    assert NIK not in first.read_text(encoding="utf-8")
    _empty_registry()
    import_file(first)
    export(second)
    assert second.read_bytes() == first.read_bytes()


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_xlsx_and_parquet_exports_import_back(tmp_path, suffix):
    import_file(write_csv(tmp_path / "in.csv", _rows_without_nik()))
    reference, other, again = tmp_path / "ref.csv", tmp_path / f"out{suffix}", tmp_path / "again.csv"
    export(reference)
    export(other)
    _empty_registry()
    result = import_file(other)
    assert result.rejected == 0
    export(again)
    assert again.read_bytes() == reference.read_bytes()


def test_export_filters_by_year_and_region(tmp_path):
    import_file(write_csv(tmp_path / "in.csv", [
        row(), row(year="2024"), row(source_id="K", nib="", region_code="32.73.01"), row(source_id="J", nib="",
                                                                                         region_code="31.71")]))
    out = tmp_path / "o.csv"
    assert export(out, year=2024) == 1
    assert export(out, region="32") == 3  # 32.04 (two years) and 32.73.01
    assert export(out, region="3273") == 1
    assert export(out, year=2023, region="32.04") == 1
    assert pl.read_csv(out, infer_schema=False)["region_code"].to_list() == ["32.04"]


def test_export_refuses_other_formats(tmp_path):
    with pytest.raises(ValueError, match="csv, .xlsx or .parquet"):
        export(tmp_path / "o.json")


#: OWASP CSV-injection payloads (and a text that starts with the escape quote itself).
PAYLOADS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://example.invalid","klik")', "+62 812 000", "-Tahu-",
            "@SUM(1+1)", "\tTab", "\rCR", "'Kutip", "Tahu Biasa"]


def _payload_registry(payloads):
    from lumbung.registry.models import AnnualReport, Enterprise

    for i, text in enumerate(payloads):
        enterprise = Enterprise.objects.create(name=text, owner_name=text, source="=src" if i == 0 else "template",
                                               source_id=f"-{i}" if i % 2 else f"S{i}", region_code="32.04",
                                               kbli="10792")
        AnnualReport.objects.create(enterprise=enterprise, year=2023, workers=1 + i)


def _cells(path) -> list[str]:
    if path.suffix == ".csv":
        with open(path, encoding="utf-8", newline="") as handle:
            return [cell for line in csv.reader(handle) for cell in line]
    import openpyxl

    sheet = openpyxl.load_workbook(path)["data"]
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)  # no formula cell
    return [cell.value for line in sheet.iter_rows() for cell in line if isinstance(cell.value, str)]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_cells_a_spreadsheet_would_evaluate_are_neutralised_and_come_back_as_they_were(tmp_path, suffix):
    from lumbung.registry.models import Enterprise

    # XML turns a bare carriage return into a line feed (XML 1.0, 2.11), so an XLSX cannot carry one.
    payloads = [p for p in PAYLOADS if suffix == ".csv" or "\r" not in p]
    _payload_registry(payloads)
    stored = sorted(Enterprise.objects.values_list("source", "source_id", "name", "owner_name"))
    reference, out, again = tmp_path / "ref.csv", tmp_path / f"out{suffix}", tmp_path / "again.csv"
    export(reference)
    export(out)
    cells = _cells(out)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    for text in payloads:
        expected = "'" + text if text[0] in "=+-@\t\r'" else text
        assert cells.count(expected) == 2  # name and owner_name
    _empty_registry()
    result = import_file(out, source="other")
    assert (result.imported, result.rejected) == (len(payloads), 0), result.errors
    assert sorted(Enterprise.objects.values_list("source", "source_id", "name", "owner_name")) == stored
    export(again)
    assert again.read_bytes() == reference.read_bytes()
