"""Importing template files into the registry: stored rows, rejected rows, upserts and the audit trail."""

from __future__ import annotations

import csv

import pytest
from imports_samples import NIK, NIK_MASKED, OTHER_NIK, row, write_csv

from lumbung.imports import UnusableFile
from lumbung.registry.importer import import_file

pytestmark = pytest.mark.django_db


def _models():
    from lumbung.registry.models import AnnualReport, AuditEntry, Enterprise

    return Enterprise, AnnualReport, AuditEntry


def _snapshot():
    """Everything an import may change, without ids and timestamps."""
    Enterprise, AnnualReport, AuditEntry = _models()
    enterprises = sorted(Enterprise.objects.values_list(
        "source", "source_id", "nib", "name", "owner_name", "owner_gender", "owner_nik_digest", "founded_year",
        "region_code", "kbli", "legal_status", "legal_form", "indonesian_owned", "independent", "reported_scale"),
        key=str)
    reports = sorted(AnnualReport.objects.values_list("enterprise__source_id", "year", "workers", "sales",
                                                      "investment", "trained"), key=str)
    return enterprises, reports, AuditEntry.objects.count()


def test_good_rows_are_stored_and_bad_rows_explained(tmp_path):
    Enterprise, AnnualReport, _ = _models()
    path = write_csv(tmp_path / "a.csv", [
        row(), row(year="2024", workers="4", sales="150000000"),
        row(source_id="B1", nib="", kbli="10798"),  # line 4: bad KBLI
        row(source_id="C1", nib="", workers="0", region_code="32.99"),  # line 5: two errors
        row(source_id="D1", nib="", investment=""),
    ])
    errors = tmp_path / "errors.csv"
    result = import_file(path, errors_path=errors)
    assert (result.imported, result.rejected) == (3, 2)
    assert sorted(Enterprise.objects.values_list("source_id", flat=True)) == ["A1", "D1"]
    assert AnnualReport.objects.count() == 3
    a1 = Enterprise.objects.get(source_id="A1")
    assert (a1.source, a1.region_code, a1.owner_gender, a1.reported_scale) == ("template", "32.04", "F", "micro")
    assert a1.owner_nik_masked == NIK_MASKED and NIK not in (a1.owner_nik_token or "")
    assert AnnualReport.objects.get(enterprise=a1, year=2023).investment is None  # missing stays missing
    with open(errors, encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["line", "column", "value", "reason"]
    assert lines[1:] == [
        ["4", "kbli", "10798", "kbli 10798 is not a KBLI 2020 subclass"],
        ["5", "region_code", "32.99", "region 32.99 does not exist"],
        ["5", "workers", "0", "workers must be a whole number of at least 1"],
    ]


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "a.csv", [row(), row(year="2024"), row(source_id="B1", nib="", name="Kerupuk")])
    first = import_file(path)
    before = _snapshot()
    again = import_file(path)
    assert _snapshot() == before  # no new audit entries either
    assert (again.imported, again.rejected) == (first.imported, 0) == (3, 0)
    assert again.counts["enterprises_unchanged"] == 2 and again.counts["reports_unchanged"] == 3
    assert again.counts["audit_entries"] == 0


def test_a_newer_file_updates_and_leaves_an_audit_trail(tmp_path):
    Enterprise, AnnualReport, AuditEntry = _models()
    import_file(write_csv(tmp_path / "2023.csv", [row()]))
    a1 = Enterprise.objects.get(source_id="A1")
    created = AuditEntry.objects.get(model="enterprise", object_id=a1.pk)
    assert created.action == "create" and created.source == "import:2023.csv"
    assert created.changes == {}  # the values are in the record and the file; later changes list old and new

    # The enterprise's columns come from its latest year's row (2024 here).
    newer = write_csv(tmp_path / "2024.csv", [row(sales="130000000"),
                                              row(year="2024", workers="6", name="Tahu Bu Sari", reported_scale="kecil")])
    result = import_file(newer)
    assert result.counts["enterprises_updated"] == 1 and result.counts["reports_created"] == 1
    a1.refresh_from_db()
    assert (a1.name, a1.reported_scale) == ("Tahu Bu Sari", "small")
    update = AuditEntry.objects.get(model="enterprise", object_id=a1.pk, action="update")
    assert update.source == "import:2024.csv"
    assert update.changes == {"name": ["Tahu Sumedang Bu Sari", "Tahu Bu Sari"], "reported_scale": ["micro", "small"]}
    report_2023 = AnnualReport.objects.get(enterprise=a1, year=2023)
    assert AuditEntry.objects.get(model="annualreport", object_id=report_2023.pk).changes == {
        "sales": [120000000, 130000000]}
    report_2024 = AnnualReport.objects.get(enterprise=a1, year=2024)
    new_report = AuditEntry.objects.get(model="annualreport", object_id=report_2024.pk)
    assert new_report.action == "create" and new_report.changes["workers"] == [None, 6]


def test_masked_nik_keeps_the_stored_one_and_a_new_nik_replaces_it(tmp_path):
    Enterprise, _, AuditEntry = _models()
    import_file(write_csv(tmp_path / "a.csv", [row()]))
    digest = Enterprise.objects.get().owner_nik_digest
    import_file(write_csv(tmp_path / "masked.csv", [row(owner_nik=NIK_MASKED)]))
    assert Enterprise.objects.get().owner_nik_digest == digest
    assert not AuditEntry.objects.filter(action="update").exists()
    import_file(write_csv(tmp_path / "other.csv", [row(owner_nik=OTHER_NIK)]))
    enterprise = Enterprise.objects.get()
    assert enterprise.owner_nik_masked == "3273********0003"
    assert AuditEntry.objects.get(action="update").changes == {"owner_nik": [NIK_MASKED, "3273********0003"]}
    for entry in AuditEntry.objects.all():  # the NIK itself is never in the trail
        assert NIK not in str(entry.changes) and OTHER_NIK not in str(entry.changes)


def test_rows_matched_by_nib_when_there_is_no_source_id(tmp_path):
    Enterprise, AnnualReport, _ = _models()
    import_file(write_csv(tmp_path / "a.csv", [row(source_id="", name="Old")]))
    import_file(write_csv(tmp_path / "b.csv", [row(source_id="", name="New", year="2024")]))
    assert list(Enterprise.objects.values_list("name", "source_id")) == [("New", None)]
    assert AnnualReport.objects.count() == 2


def test_a_rejected_row_changes_nothing_stored(tmp_path):
    import_file(write_csv(tmp_path / "a.csv", [row()]))
    before = _snapshot()
    result = import_file(write_csv(tmp_path / "b.csv", [row(name="Changed", workers="0")]))
    assert (result.imported, result.rejected) == (0, 1)
    assert _snapshot() == before


def test_two_rows_for_one_enterprise_and_year_keep_the_first(tmp_path):
    _, AnnualReport, _ = _models()
    result = import_file(write_csv(tmp_path / "d.csv", [row(workers="3"), row(workers="9")]))
    assert (result.imported, result.rejected) == (1, 1)
    assert AnnualReport.objects.get().workers == 3
    error = result.errors[0]
    assert (error.line, error.column) == (3, "year") and "already on line 2" in error.reason


def test_one_nib_for_two_enterprises_in_a_template_file_is_rejected(tmp_path):
    Enterprise, _, _ = _models()
    result = import_file(write_csv(tmp_path / "n.csv", [row(), row(source_id="B1", name="Other")]))
    assert (result.imported, result.rejected) == (1, 1)
    assert result.errors[0].line == 3 and "also given to another enterprise, first on line 2" in result.errors[0].reason
    assert list(Enterprise.objects.values_list("source_id", flat=True)) == ["A1"]


def test_a_nib_held_by_another_enterprise_in_the_registry_is_rejected(tmp_path):
    Enterprise, _, _ = _models()
    import_file(write_csv(tmp_path / "a.csv", [row()]))
    result = import_file(write_csv(tmp_path / "b.csv", [row(source_id="Z9", name="Other")]))
    assert result.rejected == 1
    assert result.errors[0].reason == "nib 1234567890123 already belongs to another enterprise (source template, source_id A1)"
    assert Enterprise.objects.count() == 1


def test_dry_run_reports_the_same_and_stores_nothing(tmp_path):
    Enterprise, _, AuditEntry = _models()
    path = write_csv(tmp_path / "a.csv", [row(), row(source_id="B1", nib="", kbli="10798")])
    result = import_file(path, dry_run=True)
    assert (result.imported, result.rejected, result.dry_run) == (1, 1, True)
    assert Enterprise.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_small_batches_keep_each_enterprise_whole(tmp_path):
    _, AnnualReport, _ = _models()
    rows = [row(source_id=f"E{i}", nib="", year=str(year)) for i in range(7) for year in (2021, 2022, 2023)]
    result = import_file(write_csv(tmp_path / "b.csv", rows), batch_size=2)
    assert result.imported == 21 and AnnualReport.objects.count() == 21


def test_aliases_and_source_name(tmp_path):
    Enterprise, _, _ = _models()
    header = ["ID_Sumber", "Nama Usaha", "kode_wilayah", "KODE_KBLI", "Tahun", "Tenaga Kerja", "omzet", "aset",
              "modal_usaha"]
    path = tmp_path / "alias.csv"
    path.write_text(";".join(header) + "\nX1;Kerupuk;32.73;10794;2023;0;5;6;7\n"
                    "X2;Kerupuk 2;32.73;10794;2023;2;5;6;7\n", encoding="utf-8")
    result = import_file(path, source="dinas-bandung")
    assert result.rejected == 1
    assert (result.errors[0].column, result.errors[0].reason) == (
        "Tenaga Kerja", "Tenaga Kerja must be a whole number of at least 1")
    enterprise = Enterprise.objects.get()
    assert (enterprise.source, enterprise.source_id, enterprise.region_code) == ("dinas-bandung", "X2", "32.73")
    report = enterprise.reports.get()
    assert (report.workers, report.sales, report.net_assets, report.business_capital) == (2, 5, 6, 7)


@pytest.mark.parametrize("header,message", [
    (["source_id", "name", "kbli", "year"], "required columns missing: region_code"),
    (["name", "region_code", "kbli", "year"], "required columns missing: source_id or nib"),
    (["nama_usaha", "name", "region_code", "kbli", "year", "nib"], "both mean name"),
])
def test_files_without_required_columns_are_unusable(tmp_path, header, message):
    Enterprise, _, _ = _models()
    path = write_csv(tmp_path / "h.csv", [], header=header)
    path.write_text(path.read_text() + ",".join("x" for _ in header) + "\n")
    with pytest.raises(UnusableFile, match=message):
        import_file(path)
    assert Enterprise.objects.count() == 0


def test_xlsx_template_filled_in_imports(tmp_path):
    import openpyxl

    from lumbung.imports import write_template

    Enterprise, _, _ = _models()
    path = write_template(tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["data", "kolom"]
    sheet = book["data"]
    assert sheet["A1"].font.bold
    header = [c.value for c in sheet[1]]
    values = row()
    sheet.append([int(values[c]) if c in ("workers", "sales", "year") else values[c] for c in header])
    book.save(path)
    result = import_file(path)
    assert (result.imported, result.rejected) == (1, 0)
    assert Enterprise.objects.get().reports.get().sales == 120_000_000


def test_a_synthetic_population_imports_as_a_table():
    """The synthetic population (lumbung.synthetic) goes through the same path: every row valid."""
    from lumbung import synthetic
    from lumbung.registry.importer import import_table

    Enterprise, AnnualReport, _ = _models()
    table = synthetic.generate(firms=60, years=2, seed=3)
    result = import_table(table, name="synthetic")
    assert (result.imported, result.rejected) == (table.num_rows, 0)
    assert AnnualReport.objects.count() == table.num_rows
    assert Enterprise.objects.count() == len(set(table.column("source_id").to_pylist()))


def test_a_row_with_an_unquoted_separator_is_rejected_not_shifted(tmp_path):
    Enterprise, _, _ = _models()
    path = write_csv(tmp_path / "a.csv", [row(), row(source_id="B1", nib="")])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("Tahu Sumedang Bu Sari", "Tahu, Sumedang")  # one field too many
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_file(path)
    assert (result.imported, result.rejected) == (1, 1)
    assert result.errors[0].line == 3 and "33 fields but the header has 32" in result.errors[0].reason
    assert list(Enterprise.objects.values_list("source_id", flat=True)) == ["A1"]


def test_an_enterprise_known_by_nib_only_gets_its_source_id_from_a_later_file(tmp_path):
    Enterprise, AnnualReport, AuditEntry = _models()
    import_file(write_csv(tmp_path / "a.csv", [row(source_id="")]))
    result = import_file(write_csv(tmp_path / "b.csv", [row(source_id="A1", year="2024")]))
    assert result.rejected == 0
    assert list(Enterprise.objects.values_list("source_id", "nib")) == [("A1", "1234567890123")]
    assert AnnualReport.objects.count() == 2
    assert AuditEntry.objects.get(action="update").changes == {"source_id": [None, "A1"]}


def test_the_region_level_columns_follow_every_import_write(tmp_path):
    """province_code and regency_code (generated by the database, registry 0006) on the insert path
    (COPY on PostgreSQL) and the update path (a staging table on PostgreSQL)."""
    Enterprise, _, _ = _models()
    import_file(write_csv(tmp_path / "a.csv", [row(), row(source_id="A2", nib="1234567890124", region_code="35")]))
    assert sorted(Enterprise.objects.values_list("source_id", "province_code", "regency_code")) == [
        ("A1", "32", "32.04"), ("A2", "35", None)]
    import_file(write_csv(tmp_path / "b.csv", [row(region_code="3273", year="2024")]))
    assert Enterprise.objects.values_list("province_code", "regency_code").get(source_id="A1") == ("32", "32.73")
