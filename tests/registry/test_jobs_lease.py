"""Loose ends of the background jobs (lumbung.jobs): a task left RUNNING by a crashed worker is
claimed again once its heartbeat is stale, counted, and given up after its attempts; running the
import again is safe; finished jobs' files are removed after the retention period. The clock is
passed in: nothing waits on the wall clock."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from workspace_samples import upload_rows, write_csv

from lumbung.cli import main
from lumbung.jobs import files
from lumbung.jobs.models import Job, TaskRecord
from lumbung.jobs.worker import GAVE_UP, Heartbeat, beat, claim, execute
from lumbung.registry import uploads as job_imports
from lumbung.registry.models import AnnualReport, AuditEntry, Enterprise

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0)
MINUTE = timedelta(minutes=1)


def _job(tmp_path, make_user, name="officer_lease"):
    path = write_csv(tmp_path / "data.csv", upload_rows())
    upload = SimpleUploadedFile("data.csv", path.read_bytes(), content_type="text/csv")
    return job_imports.start_import(make_user(name, "officer", regions=["32.04"]), upload)


def _registry() -> list[tuple]:
    firms = sorted(Enterprise.objects.values_list("source_id", "name", "region_code", "kbli"))
    reports = sorted(AnnualReport.objects.values_list("enterprise__source_id", "year", "workers", "output"))
    return [*firms, *reports]


def test_a_task_whose_worker_stopped_beating_is_claimed_again(tmp_path, make_user):
    job = _job(tmp_path, make_user)
    crashed = claim("crashed", now=T0)  # claimed, then the worker died without a word
    assert crashed.status == "RUNNING" and crashed.attempts == 1 and crashed.heartbeat_at == T0
    assert claim("alive", now=T0 + 9 * MINUTE) is None  # the lease (10 minutes) still holds
    again = claim("alive", now=T0 + 11 * MINUTE)
    assert again.pk == crashed.pk and again.worker_id == "alive" and again.attempts == 2
    execute(again)
    job.refresh_from_db()
    assert job.status == "done" and TaskRecord.objects.get().status == "SUCCESSFUL"


def test_a_beating_worker_keeps_its_task(tmp_path, make_user):
    _job(tmp_path, make_user)
    record = claim("busy", now=T0)
    assert beat(record.pk, "busy", T0 + 8 * MINUTE)
    assert claim("other", now=T0 + 15 * MINUTE) is None  # 7 minutes since the last beat
    assert not beat(record.pk, "other", T0 + 16 * MINUTE)  # only the holder beats
    assert claim("other", now=T0 + 19 * MINUTE).worker_id == "other"


def test_the_heartbeat_loop_beats_until_stopped(tmp_path, make_user):
    _job(tmp_path, make_user)
    record = claim("busy", now=T0)
    pauses = iter([False, False, True])  # two pauses end with a beat, then the task finishes
    heartbeat = Heartbeat(record.pk, "busy", every=120, clock=lambda: T0 + 4 * MINUTE, wait=lambda s: next(pauses))
    heartbeat.loop()
    record.refresh_from_db()
    assert record.heartbeat_at == T0 + 4 * MINUTE and record.status == "RUNNING"


def test_a_task_is_given_up_after_its_attempts(tmp_path, make_user, monkeypatch):
    monkeypatch.setenv("LUMBUNG_JOBS_MAX_ATTEMPTS", "2")
    job = _job(tmp_path, make_user)
    claim("first", now=T0)
    claim("second", now=T0 + 11 * MINUTE)
    assert claim("third", now=T0 + 22 * MINUTE) is None
    record = TaskRecord.objects.get()
    assert record.status == "FAILED" and record.attempts == 2 and record.errors[0]["exception_class_path"] == GAVE_UP
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at == T0 + 22 * MINUTE
    assert "2" in job.message and ("attempts" in job.message or "percobaan" in job.message)


def test_a_worker_that_lost_its_task_stores_nothing(tmp_path, make_user):
    _job(tmp_path, make_user)
    slow = claim("slow", now=T0)
    taker = claim("taker", now=T0 + 11 * MINUTE)
    execute(taker)
    slow.return_value = None
    execute(slow)  # the slow worker comes back after the other finished
    assert TaskRecord.objects.get().worker_id == "taker"


def test_running_a_crashed_import_again_is_safe(tmp_path, make_user):
    """The worker died after the import wrote its rows but before the job was marked done: the
    second attempt writes nothing new (every row unchanged) and the registry is the same."""
    job = _job(tmp_path, make_user)
    crashed = claim("crashed", now=T0)
    job_imports.run_import.call(job.pk)  # the work of the first attempt ...
    Job.objects.filter(pk=job.pk).update(status="running", finished_at=None, summary="")  # ... its end lost
    after_first, audited = _registry(), AuditEntry.objects.count()
    assert len(after_first) == 6
    execute(claim("alive", now=T0 + 11 * MINUTE))
    job.refresh_from_db()
    assert job.status == "done" and _registry() == after_first
    assert job.summary.endswith("usaha: 0 dibuat, 0 diubah, 3 tetap; laporan: 0 dibuat, 0 diubah, 3 tetap")
    assert AuditEntry.objects.count() == audited  # an unchanged row leaves no audit entry
    assert crashed.pk == TaskRecord.objects.get().pk and TaskRecord.objects.get().attempts == 2


# ---------------------------------------------------------------- cleaning the jobs' files

def _finished(tmp_path, make_user, name, days_ago, status="done"):
    job = _job(tmp_path, make_user, name)
    folder = files.jobs_folder() / str(job.pk)
    (folder / "errors.csv").write_text("line,column,value,reason\n", encoding="utf-8")
    Job.objects.filter(pk=job.pk).update(status=status, finished_at=None if status == "running" else
                                         T0 - days_ago * timedelta(days=1), errors_file=f"{job.pk}/errors.csv")
    return Job.objects.get(pk=job.pk), folder


def test_clean_removes_finished_jobs_files_after_the_retention(tmp_path, make_user):
    old, old_folder = _finished(tmp_path, make_user, "lama", 40)
    failed, failed_folder = _finished(tmp_path, make_user, "gagal", 31, status="failed")
    recent, recent_folder = _finished(tmp_path, make_user, "baru", 5)
    running, running_folder = _finished(tmp_path, make_user, "jalan", 0, status="running")
    orphan = files.jobs_folder() / "9999"
    orphan.mkdir()
    (orphan / "data.csv").write_text("x\n", encoding="utf-8")
    os.utime(orphan / "data.csv", (T0.timestamp() - 40 * 86400,) * 2)
    os.utime(orphan, (T0.timestamp() - 40 * 86400,) * 2)
    cleaned = files.clean(30, now=T0)
    assert (cleaned.jobs, cleaned.orphans) == (2, 1) and cleaned.bytes > 0
    assert not old_folder.exists() and not failed_folder.exists() and not orphan.exists()
    assert recent_folder.exists() and running_folder.exists()
    old.refresh_from_db()
    assert old.input_file == old.errors_file == "" and job_imports.errors_path(old) is None
    assert Job.objects.count() == 4  # the jobs stay listed
    assert files.clean(30, now=T0).jobs == 0  # nothing left to clean


def test_clean_command_uses_the_setting(tmp_path, make_user, monkeypatch):
    _old, folder = _finished(tmp_path, make_user, "lama", 40)
    monkeypatch.setenv("LUMBUNG_JOBS_KEEP_DAYS", "60")
    result = CliRunner().invoke(main, ["jobs", "clean"])
    assert result.exit_code == 0, result.output
    assert folder.exists() and result.output.startswith("0 finished jobs")
    result = CliRunner().invoke(main, ["jobs", "clean", "--older-than", "30"])
    assert result.exit_code == 0 and not folder.exists() and result.output.startswith("1 finished jobs")
