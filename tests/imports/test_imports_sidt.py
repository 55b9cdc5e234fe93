"""The SIDT-KUMKM export with the messy cases of real exports: every row stored or explained."""

from __future__ import annotations

import csv

import pytest

from lumbung.imports import UnusableFile
from lumbung.imports.sidt import COLUMNS
from lumbung.registry.importer import import_file

pytestmark = pytest.mark.django_db


def sidt_row(**values) -> dict:
    base = {c: "" for c in COLUMNS}
    base.update({
        "id_data_badan_usaha": "S1", "nik_pengusaha": "3204015507900001", "nama_pengusaha": "Sari",
        "nib": "9120001234561", "jenis_kelamin": "P", "nama_usaha": "Tahu Sari", "kode_kbli": "10792",
        "kategori_kbli": "C", "status_badan_usaha": "Perorangan", "skala_usaha": "Usaha Mikro",
        "modal_pendirian": "5000000", "tahun_mulai_operasi": "2015", "omzet_tahunan": "50000000",
        "asset": "10000000", "prov_usaha": "JAWA BARAT", "kab_usaha": "KAB. BANDUNG", "kec_usaha": "CILEUNYI",
        "kel_usaha": "CILEUNYI KULON", "tk_dibayar_laki": "1", "tk_dibayar_perempuan": "2",
        "tk_dibayar_disabil_laki": "0", "tk_dibayar_disabil_perempuan": "1", "tk_not_dibayar_laki": "1",
        "tk_not_dibayar_perempuan": "0", "tk_not_dibayar_disabil_laki": "0", "tk_not_dibayar_disabil_perempua": "0",
        "pulled_at": "2024-06-30 23:00:00", "updated_at": "2024-03-05 10:00:00", "source_page": "1",
    })
    base.update(values)
    return base


# line -> row; the comment says what the importer must do with it.
ROWS = {
    2: sidt_row(),  # stored: 32.04.05.2001, 2024, workers 4, paid 3, female 2
    3: sidt_row(id_data_badan_usaha="S2", nib="", kab_usaha="KOTA BANDUNG", kec_usaha="", kel_usaha=""),  # empty NIB
    4: sidt_row(id_data_badan_usaha="S3", nib="9120009999991"),  # keeps the shared NIB (first)
    5: sidt_row(id_data_badan_usaha="S4", nib="9120009999991"),  # stored without the NIB, with a note
    6: sidt_row(id_data_badan_usaha="S5", nib="", kode_kbli=""),  # rejected: KBLI missing
    7: sidt_row(id_data_badan_usaha="S6", nib="", kode_kbli="107"),  # rejected: not 5 digits
    8: sidt_row(id_data_badan_usaha="S7", nib="", kode_kbli="1111"),  # stored as 01111 (zero lost)
    9: sidt_row(id_data_badan_usaha="S8", nib="", **{c: "" for c in COLUMNS if c.startswith("tk_")}),  # unknown
    10: sidt_row(id_data_badan_usaha="S9", nib="", tk_not_dibayar_perempuan=""),  # total unknown, paid known
    11: sidt_row(id_data_badan_usaha="S10", nib="", tk_dibayar_disabil_laki="3"),  # rejected: 3 > 1
    12: sidt_row(id_data_badan_usaha="S11", nib="", kel_usaha="ANTAH BERANTAH"),  # rejected: unknown village
    13: sidt_row(id_data_badan_usaha="S12", nib="", updated_at="", pulled_at="2023-12-01"),  # year 2023
    14: sidt_row(id_data_badan_usaha="S13", nib="", updated_at="", pulled_at=""),  # rejected: no year
    15: sidt_row(id_data_badan_usaha="S14", nib="", status_badan_usaha="PT", skala_usaha="Kecil"),
    16: sidt_row(id_data_badan_usaha="S15", nib="", status_badan_usaha="Persekutuan Aneh"),  # rejected
    17: sidt_row(id_data_badan_usaha="S16", nib="-", **{c: "0" for c in COLUMNS if c.startswith("tk_")}),  # note
}
REJECTED = {6: "kode_kbli", 7: "kode_kbli", 11: "tk_dibayar_disabil_laki", 12: "kel_usaha", 14: "updated_at",
            16: "status_badan_usaha"}


def _write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for line in sorted(rows):
            writer.writerow(rows[line])
    return path


def test_every_row_is_stored_or_explained(tmp_path):
    from lumbung.registry.models import Enterprise

    result = import_file(_write(tmp_path / "sidt.csv", ROWS), format="sidt", errors_path=tmp_path / "e.csv")
    rejected = {e.line: e.column for e in result.errors if not e.note}
    assert rejected == REJECTED
    stored = set(Enterprise.objects.filter(source="sidt").values_list("source_id", flat=True))
    stored_lines = {line for line, r in ROWS.items() if r["id_data_badan_usaha"] in stored}
    assert stored_lines | set(rejected) == set(ROWS) and not stored_lines & set(rejected)
    assert (result.imported, result.rejected) == (len(ROWS) - len(REJECTED), len(REJECTED))
    assert {e.line for e in result.notes} == {5, 17}
    with open(tmp_path / "e.csv", encoding="utf-8") as handle:
        assert len(list(csv.reader(handle))) == 1 + len(result.errors)


def test_sidt_values_are_mapped(tmp_path):
    from lumbung.registry.models import AnnualReport, Enterprise

    import_file(_write(tmp_path / "sidt.csv", ROWS), format="sidt")
    first = Enterprise.objects.get(source_id="S1")
    assert (first.nib, first.region_code, first.kbli, first.owner_gender, first.legal_form, first.legal_status,
            first.reported_scale, first.founded_year) == (
        "9120001234561", "32.04.05.2001", "10792", "F", "perorangan", "none", "micro", 2015)
    report = AnnualReport.objects.get(enterprise=first)
    assert (report.year, report.workers, report.workers_paid, report.workers_female) == (2024, 4, 3, 2)
    assert (report.sales, report.net_assets, report.business_capital) == (50_000_000, 10_000_000, 5_000_000)
    assert Enterprise.objects.get(source_id="S2").region_code == "32.73" and Enterprise.objects.get(
        source_id="S2").nib is None
    assert Enterprise.objects.get(source_id="S3").nib == "9120009999991"
    assert Enterprise.objects.get(source_id="S4").nib is None
    assert Enterprise.objects.get(source_id="S7").kbli == "01111"
    unknown = AnnualReport.objects.get(enterprise__source_id="S8")
    assert (unknown.workers, unknown.workers_paid, unknown.workers_female) == (None, None, None)
    partial = AnnualReport.objects.get(enterprise__source_id="S9")
    assert (partial.workers, partial.workers_paid, partial.workers_female) == (None, 3, None)
    assert AnnualReport.objects.get(enterprise__source_id="S12").year == 2023
    pt = Enterprise.objects.get(source_id="S14")
    assert (pt.legal_form, pt.legal_status, pt.reported_scale) == ("pt", "legal_entity", "small")
    assert AnnualReport.objects.get(enterprise__source_id="S16").workers is None


def test_summary_shows_both_readings_of_the_disability_columns(tmp_path):
    rows = {2: sidt_row(), 3: sidt_row(id_data_badan_usaha="S2", nib="", tk_not_dibayar_disabil_laki="1")}
    result = import_file(_write(tmp_path / "s.csv", rows), format="sidt")
    # Row 2: 1+2+1+0 = 4 workers, 1 with a disability; row 3: 4 workers, 2 with a disability.
    # Subset reading: 8 in all; additional reading: 8 + 3 = 11, +37.5 %.
    assert result.summary == ["SIDT workforce: 8 workers with the disability columns read as part of the men and "
                              "women columns (used); 11 if they were additional (+37.5%)"]


def test_reimporting_a_sidt_file_changes_nothing(tmp_path):
    from lumbung.registry.models import AuditEntry

    path = _write(tmp_path / "sidt.csv", ROWS)
    import_file(path, format="sidt")
    entries = AuditEntry.objects.count()
    again = import_file(path, format="sidt")
    assert AuditEntry.objects.count() == entries and again.counts["enterprises_created"] == 0


def test_a_file_that_is_not_a_sidt_export_is_unusable(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("nama_usaha,kode_kbli\nA,10792\n", encoding="utf-8")
    with pytest.raises(UnusableFile, match="required columns missing: id_data_badan_usaha, prov_usaha, "
                                           "updated_at or pulled_at"):
        import_file(path, format="sidt")


@pytest.mark.parametrize("updated,pulled,year", [
    ("2024-03-05 10:00:00", "", 2024), ("2024-03-05T10:00:00Z", "", 2024), ("05/03/2024", "", 2024),
    ("12/31/2023", "", 2023), ("5-3-2024", "", 2024), ("05.03.2024 10:00", "", 2024), ("20240305", "", 2024),
    ("5 Maret 2024", "", 2024), ("", "2023-12-01", 2023), ("belum", "2023-12-01", 2023),
    ("２０２４-０３-０５", "", 2024), ("٢٠٢٤-٠٣-٠٥", "", 2024),
])
def test_report_years_from_dates_in_many_formats(tmp_path, updated, pulled, year):
    from lumbung.registry.models import AnnualReport

    result = import_file(_write(tmp_path / "d.csv", {2: sidt_row(updated_at=updated, pulled_at=pulled)}), format="sidt")
    assert (result.imported, result.rejected) == (1, 0)
    assert AnnualReport.objects.get().year == year


@pytest.mark.parametrize("updated,pulled,column", [
    ("2024-13-45", "2023-12-01", "updated_at"), ("2023-02-30 10:00", "", "updated_at"), ("31/31/2024", "", "updated_at"),
    ("20241399", "", "updated_at"), ("", "2023-00-10", "pulled_at"), ("", "", "updated_at"), ("belum", "", "updated_at"),
])
def test_impossible_or_missing_dates_are_reported_not_read_as_a_year(tmp_path, updated, pulled, column):
    result = import_file(_write(tmp_path / "d.csv", {2: sidt_row(updated_at=updated, pulled_at=pulled)}), format="sidt")
    assert (result.imported, result.rejected) == (0, 1)
    assert [(e.line, e.column) for e in result.errors] == [(2, column)]


def test_unicode_digits_in_sidt_counts_and_money(tmp_path):
    from lumbung.registry.models import AnnualReport

    row = sidt_row(tk_dibayar_laki="３", tk_dibayar_perempuan="٢", omzet_tahunan="５００００", nik_pengusaha="３２０４０１５５０７９００００１")
    result = import_file(_write(tmp_path / "u.csv", {2: row}), format="sidt")
    assert (result.imported, result.rejected) == (1, 0)
    report = AnnualReport.objects.get()
    assert (report.workers, report.workers_paid, report.sales) == (3 + 2 + 1 + 0, 5, 50_000)


@pytest.mark.parametrize("empty", [("kec_usaha", "kel_usaha"), ("kab_usaha", "kec_usaha", "kel_usaha")])
def test_rows_without_district_and_village_are_stored_at_the_deepest_level_given(tmp_path, empty):
    from lumbung.registry.models import Enterprise

    rows = {line: sidt_row(id_data_badan_usaha=f"S{line}", nib="", **dict.fromkeys(empty, "")) for line in (2, 3)}
    result = import_file(_write(tmp_path / "r.csv", rows), format="sidt")
    assert (result.imported, result.rejected) == (2, 0)
    assert set(Enterprise.objects.values_list("region_code", flat=True)) == {"32.04" if len(empty) == 2 else "32"}


@pytest.mark.parametrize(("language", "reason"), [
    ("en", "regency or city 'KAB. ANTAH' not found in 32 (or the name fits several)"),
    ("id", "kabupaten/kota 'KAB. ANTAH' tidak ditemukan di 32 (atau nama itu cocok dengan lebih dari satu wilayah)"),
])
def test_an_unknown_region_is_named_in_the_language_of_the_import(tmp_path, monkeypatch, language, reason):
    """The word naming the level (province, regency or city, ...) is translated when the row is
    rejected, in the import's language, like the rest of the sentence: not once when the module was
    imported (this module imported it, in English, before the language was set)."""
    from lumbung.imports import sidt

    monkeypatch.setenv("LUMBUNG_LANGUAGE", language)
    rows = {2: sidt_row(kab_usaha="KAB. ANTAH", kec_usaha="", kel_usaha="")}
    result = import_file(_write(tmp_path / "r.csv", rows), format="sidt")
    assert [(e.line, e.column, e.reason) for e in result.errors] == [(2, "kab_usaha", reason)]
    # the one-row path words it the same
    assert sidt.match_region(("JAWA BARAT", "KAB. ANTAH", None, None)) == (None, "kab_usaha", reason)
