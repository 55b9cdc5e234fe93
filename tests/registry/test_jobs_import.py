"""The upload as a background job (lumbung.jobs): the same import as the CLI, run by the worker
from the database queue, limited to the uploader's regions, with progress, summary and errors."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from workspace_samples import row, upload_rows, write_csv

from lumbung.cli import main
from lumbung.errors import UserError
from lumbung.jobs.models import Job, TaskRecord
from lumbung.jobs.worker import run_pending
from lumbung.registry import uploads as job_imports
from lumbung.registry.models import AuditEntry, Enterprise

pytestmark = pytest.mark.django_db


def _upload(tmp_path, rows, name="data.csv"):
    path = write_csv(tmp_path / name, rows)
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


def _errors(job):
    with open(job_imports.errors_path(job), encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_upload_waits_in_the_database_until_the_worker_runs_it(tmp_path, make_user):
    officer = make_user("petugas_job", "officer", regions=["32.04"])
    job = job_imports.start_import(officer, _upload(tmp_path, upload_rows()))
    assert TaskRecord.objects.filter(status="READY").count() == 1
    assert Job.objects.get(pk=job.pk).status == "queued" and Enterprise.objects.count() == 0
    assert run_pending() == 1
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert job.summary.startswith("3 diimpor, 3 ditolak")
    assert job.done == job.total == 3 and job.percent == 100
    assert sorted(Enterprise.objects.values_list("source_id", flat=True)) == ["W1", "W2", "W3"]
    errors = {e["line"]: e for e in _errors(job)}
    assert set(errors) == {"5", "6", "7"}
    assert errors["5"]["column"] == "region_code" and "outside your regions (32.04)" in errors["5"]["reason"]
    assert TaskRecord.objects.get().status == "SUCCESSFUL"
    assert set(AuditEntry.objects.filter(model="enterprise").values_list("actor_name", "source")) == {
        ("petugas_job", "import:data.csv")}


def test_an_officer_cannot_move_another_regions_enterprise_by_import(tmp_path, make_user, make_enterprise):
    make_enterprise(source="template", source_id="W9", region_code="35.29", name="Di Sumenep")
    officer = make_user("petugas_job2", "officer", regions=["32.04"])
    job = job_imports.start_import(officer, _upload(tmp_path, [row(9, region_code="32.04.06"), row(10)]))
    run_pending()
    job.refresh_from_db()
    assert job.status == "done" and job.summary.startswith("1 diimpor, 1 ditolak")
    (error,) = _errors(job)
    assert error["line"] == "2" and "stored in region 35.29" in error["reason"]
    assert Enterprise.objects.get(source_id="W9").region_code == "35.29"


def test_an_administrator_imports_everywhere(tmp_path, make_user):
    admin = make_user("admin_job", "admin")
    job = job_imports.start_import(admin, _upload(tmp_path, [row(1), row(4, region_code="35.29")]))
    run_pending()
    job.refresh_from_db()
    assert job.summary.startswith("2 diimpor, 0 ditolak") and job.errors_file == ""


def test_an_unusable_file_fails_the_job_with_one_sentence(tmp_path, make_user):
    officer = make_user("petugas_job3", "officer", regions=["32.04"])
    upload = SimpleUploadedFile("bad.csv", b"name;something\nx;y\n", content_type="text/csv")
    job = job_imports.start_import(officer, upload)
    run_pending()
    job.refresh_from_db()
    assert job.status == "failed" and "required columns missing" in job.message
    assert "Traceback" not in job.message


def test_a_file_type_the_import_does_not_read_is_refused(make_user):
    officer = make_user("petugas_job4", "officer", regions=["32.04"])
    with pytest.raises(UserError, match="csv"):
        job_imports.start_import(officer, SimpleUploadedFile("x.exe", b"MZ"))
    assert Job.objects.count() == 0


def test_file_names_never_leave_the_job_folder():
    assert job_imports.safe_name("../../etc/passwd.csv") == "passwd.csv"
    assert job_imports.safe_name("data file (1).XLSX") == "data_file_1.xlsx"


def test_worker_command_runs_waiting_jobs_once(tmp_path, make_user):
    officer = make_user("petugas_job5", "officer", regions=["32.04"])
    job = job_imports.start_import(officer, _upload(tmp_path, [row(1)]))
    result = CliRunner().invoke(main, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 tasks run" in result.output
    job.refresh_from_db()
    assert job.status == "done"


def test_worker_command_refuses_a_bad_interval():
    result = CliRunner().invoke(main, ["worker", "--interval", "0"])
    assert result.exit_code == 2 and "interval" in result.output


def test_the_summary_is_in_the_uploaders_language(tmp_path, make_user):
    officer = make_user("petugas_job6", "officer", regions=["32.04"])
    with translation.override("en"):
        job = job_imports.start_import(officer, _upload(tmp_path, [row(1)]))
    run_pending()  # the worker runs in another language
    job.refresh_from_db()
    assert job.summary.startswith("1 imported, 0 rejected"), job.summary
