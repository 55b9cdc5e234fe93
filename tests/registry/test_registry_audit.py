"""Audit trail: create, change and delete of enterprises and reports; survives deletion; NIK masked."""

from __future__ import annotations

import json

import pytest
from registry_samples import NIK, NIK_MASKED, NIK_MIDDLE

from lumbung.registry import audit
from lumbung.registry.models import AnnualReport, AuditEntry

pytestmark = pytest.mark.django_db


def _entries(model, object_id):
    return list(AuditEntry.objects.filter(model=model, object_id=object_id).order_by("id"))


def test_create_records_every_given_field(make_enterprise):
    enterprise = make_enterprise(name="Tahu Sumedang", nib="1234567890123", founded_year=1998)
    [entry] = _entries("enterprise", enterprise.pk)
    assert entry.action == "create"
    assert entry.changes["name"] == [None, "Tahu Sumedang"]
    assert entry.changes["nib"] == [None, "1234567890123"]
    assert entry.changes["founded_year"] == [None, 1998]
    assert "owner_name" in entry.changes or enterprise.owner_name == ""
    assert "created_at" not in entry.changes and "id" not in entry.changes
    assert entry.object_repr == "Tahu Sumedang"


def test_change_records_old_and_new_values_only_for_changed_fields(make_enterprise):
    enterprise = make_enterprise(name="Lama", kbli="10792")
    enterprise.name = "Baru"
    enterprise.kbli = "13121"
    enterprise.save()
    entries = _entries("enterprise", enterprise.pk)
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changes == {"name": ["Lama", "Baru"], "kbli": ["10792", "13121"]}


def test_save_without_change_writes_nothing(make_enterprise):
    enterprise = make_enterprise()
    enterprise.save()
    assert len(_entries("enterprise", enterprise.pk)) == 1


def test_delete_is_recorded_and_entries_survive(make_enterprise):
    enterprise = make_enterprise(name="Tutup")
    report = AnnualReport.objects.create(enterprise=enterprise, year=2023, workers=3, sales=120_000_000)
    enterprise_id, report_id = enterprise.pk, report.pk
    enterprise.delete()  # cascades to the report: both deletions are recorded
    entries = _entries("enterprise", enterprise_id)
    assert [e.action for e in entries] == ["create", "delete"]
    assert entries[1].changes["name"] == ["Tutup", None]
    report_entries = _entries("annualreport", report_id)
    assert [e.action for e in report_entries] == ["create", "delete"]
    assert report_entries[1].changes["sales"] == [120_000_000, None]
    assert report_entries[1].changes["enterprise_id"] == [enterprise_id, None]


def test_report_change_keeps_missing_as_null(make_enterprise):
    report = AnnualReport.objects.create(enterprise=make_enterprise(), year=2022, workers=4)
    report.sales = 50_000_000
    report.workers = None
    report.save()
    update = _entries("annualreport", report.pk)[-1]
    assert update.changes == {"sales": [None, 50_000_000], "workers": [4, None]}


def test_context_sets_actor_and_source(make_enterprise, make_user):
    officer = make_user("petugas", "officer", regions=["32.04"])
    with audit.context(actor=officer, source="import:data.csv"):
        enterprise = make_enterprise()
    [entry] = _entries("enterprise", enterprise.pk)
    assert entry.actor == officer and entry.actor_name == "petugas" and entry.source == "import:data.csv"
    later = make_enterprise()
    assert _entries("enterprise", later.pk)[0].source == ""  # the context ended


def test_entry_keeps_actor_name_after_user_deletion(make_enterprise, make_user):
    user = make_user("sementara", "admin")
    with audit.context(actor=user, source="cli"):
        enterprise = make_enterprise()
    user.delete()
    [entry] = _entries("enterprise", enterprise.pk)
    assert entry.actor is None and entry.actor_name == "sementara"


def test_nik_changes_are_masked_never_plain(make_enterprise):
    enterprise = make_enterprise(nik=NIK)
    enterprise.set_owner_nik("3204011203850002")
    enterprise.save()
    enterprise_id = enterprise.pk
    enterprise.delete()
    entries = _entries("enterprise", enterprise_id)
    dump = json.dumps([e.changes for e in AuditEntry.objects.all()])
    assert NIK not in dump and NIK_MIDDLE not in dump and "3204011203850002" not in dump
    assert "owner_nik_token" not in dump and "owner_nik_digest" not in dump
    actions = {e.action: e.changes for e in entries}
    assert actions["create"]["owner_nik"] == [None, NIK_MASKED]
    assert actions["update"]["owner_nik"] == [NIK_MASKED, "3204********0002"]
    assert actions["delete"]["owner_nik"] == ["3204********0002", None]


def test_nik_change_with_same_mask_is_still_recorded(make_enterprise):
    enterprise = make_enterprise(nik=NIK)
    enterprise.set_owner_nik("3204019999990001")  # same first and last four digits
    enterprise.save()
    update = _entries("enterprise", enterprise.pk)[-1]
    assert update.action == "update" and update.changes == {"owner_nik": [NIK_MASKED, NIK_MASKED]}


def test_record_bulk_writes_entries_and_masks_a_passed_nik(make_user):
    analyst = make_user("analis", "analyst")
    with audit.context(actor=analyst, source="import:bulk.parquet"):
        written = audit.record_bulk([
            {"action": "create", "model": "Enterprise", "object_id": 41, "object_repr": "A",
             "changes": {"name": [None, "A"], "owner_nik": [None, NIK], "owner_nik_token": [None, "x"]}},
            {"action": "update", "model": AnnualReport, "object_id": 7, "object_repr": "41/2023",
             "changes": {"workers": [3, 5]}},
        ])
    assert written == 2
    first, second = AuditEntry.objects.order_by("id")
    assert first.model == "enterprise" and first.source == "import:bulk.parquet" and first.actor == analyst
    assert first.changes == {"name": [None, "A"], "owner_nik": [None, NIK_MASKED]}
    assert second.model == "annualreport" and second.changes == {"workers": [3, 5]}


def test_record_bulk_explicit_arguments_win(make_user):
    user = make_user("admin1", "admin")
    audit.record_bulk([{"action": "delete", "model": "registry.enterprise", "object_id": 3, "changes": {}}],
                      actor=user, source="cli:purge")
    entry = AuditEntry.objects.get()
    assert (entry.actor_name, entry.source, entry.model, entry.action) == ("admin1", "cli:purge", "enterprise", "delete")


def test_saving_still_audited_when_the_nik_key_changed(make_enterprise, monkeypatch):
    enterprise = make_enterprise(name="Lama", nik=NIK)
    monkeypatch.setenv("LUMBUNG_NIK_KEY", "a key set after the NIK was stored")
    enterprise.name = "Baru"
    enterprise.save()  # the stored NIK cannot be read now; the change is audited all the same
    update = _entries("enterprise", enterprise.pk)[-1]
    assert update.action == "update" and update.changes == {"name": ["Lama", "Baru"]}
