"""The officers' upload as a background job (lumbung.jobs runs it): the file is saved in the data folder
(``<LUMBUNG_HOME>/jobs/<id>/``), a :class:`~lumbung.jobs.models.Job` row is created and the task
:func:`run_import` is enqueued; the worker runs it through the same function as ``lumbung import``
(:func:`lumbung.registry.importer.import_file`), limited to the uploader's regions, and writes the
progress, the summary line and the errors file onto the job."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from lumbung.errors import UserError
from lumbung.imports.pipeline import FORMATS
from lumbung.jobs.files import jobs_folder
from lumbung.jobs.models import Job
from lumbung.registry import audit
from lumbung.registry.access import SEE_ALL, region_codes_of
from lumbung.registry.importer import import_file

log = logging.getLogger(__name__)

#: File types the import reads (lumbung.imports.readers).
SUFFIXES = (".csv", ".xlsx", ".parquet")
#: Progress is written to the job at most this often (rows), besides every batch.
ERRORS_NAME = "errors.csv"


def job_folder(job: Job) -> Path:
    path = jobs_folder() / str(job.pk)
    path.mkdir(exist_ok=True)
    return path


def safe_name(name: str) -> str:
    """The uploaded file's base name with only plain characters (never a path)."""
    base = Path(name or "upload").name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("._") or "upload"
    return stem[:100] + suffix


def scope_of(user) -> tuple[str, ...] | None:
    """The regions ``user`` may import into: None (everywhere) for who sees every enterprise."""
    if user.has_perm(SEE_ALL):
        return None
    return tuple(sorted(region_codes_of(user)))


def start_import(user, upload, format: str = "template", blank: str = "keeps") -> Job:
    """Save ``upload`` (a Django UploadedFile) and queue its import; UserError for a file type or
    format the import does not read."""
    name = safe_name(upload.name)
    if Path(name).suffix not in SUFFIXES:
        raise UserError(_("Upload a .csv, .xlsx or .parquet file."))
    if format not in FORMATS:
        raise UserError(_("Unknown import format; choose template or sidt."))
    if blank not in ("keeps", "clears"):
        raise UserError(_("An empty cell either keeps or clears a stored value."))
    with transaction.atomic():
        job = Job.objects.create(kind="import", user=user, name=name, params={
            "format": format, "blank": blank, "language": translation.get_language() or settings.LANGUAGE_CODE})
        path = job_folder(job) / name
        with open(path, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        job.input_file = f"{job.pk}/{name}"
        job.save(update_fields=["input_file"])
        # The task row lives in the same database: it commits with the job, or neither does.
        _enqueue(job)
    return job


def _enqueue(job: Job) -> None:
    result = run_import.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=result.id)
    job.task_id = result.id


class _Progress:
    """``progress(done, total)`` for import_file: writes the counts onto the job row."""

    def __init__(self, job_id: int):
        self.job_id = job_id

    def __call__(self, done: int, total: int) -> None:
        Job.objects.filter(pk=self.job_id).update(done=done, total=total)


@task()
def run_import(job_id: int) -> dict:
    """Import the job's file as its user; the outcome is written onto the job (never raised to
    the page: a bad file is the job's message, a defect is logged and the job says so). The
    summary is in the language the uploader used; the row errors come from the import itself, in
    the worker's language (LUMBUNG_LANGUAGE, as for ``lumbung import``)."""
    job = Job.objects.select_related("user").get(pk=job_id)
    if job.finished:
        return {"status": job.status}
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        return _run_import(job)


def _run_import(job: Job) -> dict:
    Job.objects.filter(pk=job.pk).update(status="running")
    folder = job_folder(job)
    errors_path = folder / ERRORS_NAME
    try:
        with audit.context(actor=job.user, source=f"upload:{job.name}"):
            result = import_file(jobs_folder() / job.input_file, format=job.params.get("format", "template"),
                                 errors_path=errors_path, source=job.params.get("source"),
                                 progress=_Progress(job.pk), blank=job.params.get("blank", "keeps"),
                                 scope=scope_of(job.user))
    except UserError as error:
        _finish(job, "failed", message=str(error))
        return {"status": "failed"}
    except Exception:
        log.exception("import job %s failed", job.pk)
        _finish(job, "failed", message=_("The import stopped because of an error in Lumbung; nothing more "
                                         "was stored. The administrator can find it in the log."))
        raise
    counts = result.counts
    summary = _("{imported} imported, {rejected} rejected; enterprises: {c} created, {u} updated, {s} unchanged; "
                "reports: {rc} created, {ru} updated, {rs} unchanged").format(
        imported=result.imported, rejected=result.rejected, c=counts.get("enterprises_created", 0),
        u=counts.get("enterprises_updated", 0), s=counts.get("enterprises_unchanged", 0),
        rc=counts.get("reports_created", 0), ru=counts.get("reports_updated", 0), rs=counts.get("reports_unchanged", 0))
    _finish(job, "done", summary=summary, message="\n".join(result.summary), rejected=result.rejected,
            errors_file=f"{job.pk}/{ERRORS_NAME}" if result.errors else "")
    return {"status": "done", "imported": result.imported, "rejected": result.rejected}


def _finish(job: Job, status: str, **fields) -> None:
    fields.setdefault("message", "")
    if status == "done":
        total = Job.objects.filter(pk=job.pk).values_list("total", flat=True).first()
        fields["done"] = total or 0
    Job.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **fields)


def errors_path(job: Job) -> Path | None:
    """The job's errors file on disk, or None when it has none."""
    if not job.errors_file:
        return None
    path = (jobs_folder() / job.errors_file).resolve()
    if jobs_folder().resolve() not in path.parents or not path.exists():
        return None
    return path
