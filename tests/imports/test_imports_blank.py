"""An empty cell never erases a stored value unless the import is told ``blank="clears"``; a file that
Lumbung exported re-imports onto the records it came from, whatever the import's source (issue 8.1:
an export re-imported erased every stored NIK, or duplicated every enterprise). Every field of the
vocabulary is tried, on whichever database the suite runs on (SQLite, or PostgreSQL with
LUMBUNG_DATABASE_URL)."""

from __future__ import annotations

import pytest
from imports_samples import NIK_MASKED, row, write_csv

from lumbung import vocabulary as F
from lumbung.registry.export import export
from lumbung.registry.importer import import_file

pytestmark = pytest.mark.django_db

#: Every cell filled, so that a blank one has something to erase.
FULL = row(investment="5000000", imported_inputs="1000000", credit_bank="3000000", credit_informal="200000",
           exports="900000")
ENTERPRISE_STORED = [c for c in F.ENTERPRISE_COLUMNS if c != "owner_nik"] + ["owner_nik_digest", "source"]
REPORT_STORED = [c for c in F.REPORT_COLUMNS]


def _models():
    from lumbung.registry.models import AnnualReport, AuditEntry, Enterprise

    return Enterprise, AnnualReport, AuditEntry


def _stored() -> tuple[list, list]:
    Enterprise, AnnualReport, _ = _models()
    enterprises = sorted(Enterprise.objects.values_list(*ENTERPRISE_STORED), key=str)
    reports = sorted(AnnualReport.objects.values_list("enterprise__name", *REPORT_STORED), key=str)
    return enterprises, reports


def _value(name: str):
    Enterprise, AnnualReport, _ = _models()
    if name in F.REPORT_COLUMNS:
        return getattr(AnnualReport.objects.get(), name)
    return getattr(Enterprise.objects.get(), "owner_nik_digest" if name == "owner_nik" else name)


@pytest.mark.parametrize("name", F.TEMPLATE_COLUMNS)
def test_an_empty_cell_keeps_the_stored_value(tmp_path, name):
    _, _, AuditEntry = _models()
    import_file(write_csv(tmp_path / "full.csv", [FULL]), source="dinas")
    before, entries = _stored(), AuditEntry.objects.count()
    assert _value(name) is not None and _value(name) != ""
    result = import_file(write_csv(tmp_path / "blank.csv", [{**FULL, name: ""}]), source="dinas")
    assert _stored() == before
    assert AuditEntry.objects.count() == entries  # nothing changed, nothing to audit
    assert result.rejected == (1 if F.BY_NAME[name].required else 0)


@pytest.mark.parametrize("name", [f.name for f in F.TEMPLATE_FIELDS if not f.required])
def test_blank_clears_erases_the_value_and_audits_it(tmp_path, name):
    Enterprise, AnnualReport, AuditEntry = _models()
    import_file(write_csv(tmp_path / "full.csv", [FULL]), source="dinas")
    before = _value(name)
    enterprises, reports = _stored()
    result = import_file(write_csv(tmp_path / "blank.csv", [{**FULL, name: ""}]), source="dinas", blank="clears")
    assert result.rejected == 0
    assert _value(name) in ((None, "") if name == "owner_name" else (None,))
    after_ents, after_reports = _stored()
    changed_ent = [c for c, old, new in zip(ENTERPRISE_STORED, enterprises[0], after_ents[0], strict=True) if old != new]
    changed_rep = [c for c, old, new in zip(["name", *REPORT_STORED], reports[0], after_reports[0], strict=True)
                   if old != new]
    assert changed_ent + changed_rep == ["owner_nik_digest" if name == "owner_nik" else name]
    update = AuditEntry.objects.get(action="update")
    assert update.source == "import:blank.csv (blank clears)"
    expected_old = NIK_MASKED if name == "owner_nik" else before
    assert update.changes == {name: [expected_old, "" if name == "owner_name" else None]}


@pytest.mark.parametrize("source", ["dinas", None, "another-system"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_an_export_reimports_onto_the_same_records_whatever_the_source(tmp_path, source, suffix):
    """The file of issue 8.1: every field filled, NIKs stored, several sources, a record that has
    neither source ID nor NIB; re-imported it changes nothing, with blanks keeping or clearing."""
    Enterprise, AnnualReport, AuditEntry = _models()
    import_file(write_csv(tmp_path / "a.csv", [FULL, {**FULL, "year": "2024"}]), source="dinas")
    import_file(write_csv(tmp_path / "b.csv", [{**FULL, "source_id": "A1", "nib": "", "owner_nik": ""}]),
                source="sidt-2024")
    manual = Enterprise.objects.create(name="Tempe Pak Darto", region_code="34.71", kbli="10793")
    AnnualReport.objects.create(enterprise=manual, year=2022, workers=2)
    before, entries = _stored(), AuditEntry.objects.count()
    assert Enterprise.objects.exclude(owner_nik_digest=None).count() == 1
    out = tmp_path / f"export{suffix}"
    assert export(out) == 4
    for blank in ("keeps", "clears"):
        result = import_file(out, source=source, blank=blank)
        assert (result.imported, result.rejected) == (4, 0)
        assert result.counts["enterprises_created"] == 0 and result.counts["reports_created"] == 0
        assert _stored() == before, blank  # NIK digests included
        assert AuditEntry.objects.count() == entries, blank


def test_an_export_into_an_empty_registry_keeps_each_records_source(tmp_path):
    Enterprise, _, _ = _models()
    import_file(write_csv(tmp_path / "a.csv", [FULL]), source="dinas")
    import_file(write_csv(tmp_path / "b.csv", [{**FULL, "source_id": "A1", "nib": ""}]), source="sidt-2024")
    out = tmp_path / "export.csv"
    export(out)
    Enterprise.objects.all().delete()
    assert import_file(out, source="whatever").rejected == 0
    assert sorted(Enterprise.objects.values_list("source", "source_id")) == [("dinas", "A1"), ("sidt-2024", "A1")]


def test_the_same_source_id_in_two_sources_is_two_enterprises(tmp_path):
    Enterprise, _, _ = _models()
    import_file(write_csv(tmp_path / "a.csv", [FULL]), source="dinas")
    import_file(write_csv(tmp_path / "b.csv", [{**FULL, "nib": "", "name": "Lain"}]), source="sidt-2024")
    assert sorted(Enterprise.objects.values_list("source", "name")) == [
        ("dinas", "Tahu Sumedang Bu Sari"), ("sidt-2024", "Lain")]


def test_a_source_longer_than_the_registry_holds_is_refused(tmp_path):
    from lumbung.errors import UserError

    Enterprise, _, _ = _models()
    path = write_csv(tmp_path / "a.csv", [{**FULL, F.SOURCE_COLUMN: "x" * 65}, {**FULL, "source_id": "B", "nib": ""}],
                     columns=(*F.TEMPLATE_COLUMNS, F.SOURCE_COLUMN))
    result = import_file(path)
    assert (result.imported, result.rejected) == (1, 1)
    assert (result.errors[0].line, result.errors[0].column) == (2, F.SOURCE_COLUMN)
    assert list(Enterprise.objects.values_list("source_id", flat=True)) == ["B"]
    with pytest.raises(UserError, match="at most 64"):
        import_file(path, source="y" * 65)
