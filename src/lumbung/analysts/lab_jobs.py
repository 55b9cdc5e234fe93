"""A policy-lab run as a background job, through the same queue and worker as the officers'
imports (lumbung.jobs): :func:`start_lab` creates the :class:`~lumbung.jobs.models.Job` and
enqueues :func:`run_lab_job`; the worker runs it through :func:`lumbung.lab.web.run_lab` (pure,
no Django), feeding the lab's progress (runs done) into the job. The outputs are written under
``<LUMBUNG_HOME>/jobs/<id>/lab/``. The population is synthetic (``firms`` drawn with ``seed``):
no registry record goes into a run, so its figures need no disclosure control."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from lumbung.errors import UserError
from lumbung.jobs.models import Job
from lumbung.lab import web
from lumbung.lab.program_map import map_program
from lumbung.lab.scenarios import BASELINE, load
from lumbung.programs.models import Program
from lumbung.registry.uploads import job_folder

log = logging.getLogger(__name__)
def language() -> str:
    lang = translation.get_language() or settings.LANGUAGE_CODE
    return "en" if lang.startswith("en") else "id"


def mapping_of(program: Program):
    """The program's lab intervention in the reader's language (UserError when its type has none)."""
    return map_program(program.slug, program.type, program.eligibility, program.max_amount, translate=_,
                       lang=language())


def start_lab(user, params: dict, title: str) -> Job:
    """Queue a lab run of ``params`` (scenario or program, firms, runs, years, seed), checked by
    the form; the job and its task commit together."""
    params = {**params, "language": language()}
    with transaction.atomic():
        job = Job.objects.create(kind="lab", user=user, name=title[:255], params=params,
                                 total=params["runs"] * (1 if params.get("scenario") == BASELINE else 2))
        job_folder(job)
        result = run_lab_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=result.id)
        job.task_id = result.id
    return job


class _Progress:
    """``progress(done, total)`` for the lab: runs done, written onto the job row."""

    def __init__(self, job_id: int):
        self.job_id = job_id

    def __call__(self, done: int, total: int) -> None:
        Job.objects.filter(pk=self.job_id).update(done=done, total=total)


def scenario_of(params: dict):
    """The Scenario a job runs: a shipped scenario by name, or a program of the catalogue mapped."""
    if params.get("program"):
        program = Program.objects.filter(slug=params["program"]).first()
        if program is None:
            raise UserError(_("The program {slug} is no longer in the catalogue.").format(slug=params["program"]))
        return mapping_of(program).scenario(title=program.name)
    return load(params["scenario"])


@task()
def run_lab_job(job_id: int) -> dict:
    """Run the job's lab scenario; the outcome is written onto the job (a bad request is its
    message; a defect is logged, the job says so and no traceback reaches the page)."""
    job = Job.objects.get(pk=job_id)
    if job.finished:
        return {"status": job.status}
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        return _run(job)


def _run(job: Job) -> dict:
    Job.objects.filter(pk=job.pk).update(status="running")
    p = job.params
    try:
        web.run_lab(scenario_of(p), firms=p["firms"], runs=p["runs"], years=p["years"], seed=p["seed"],
                    out=job.lab_folder, lang=p.get("language", "id"), progress=_Progress(job.pk))
    except UserError as error:
        _finish(job, "failed", message=str(error))
        return {"status": "failed"}
    except Exception:
        log.exception("lab job %s failed", job.pk)
        _finish(job, "failed", message=_("The lab run stopped because of an error in Lumbung. The administrator "
                                         "can find it in the log."))
        raise
    _finish(job, "done", summary=_("{runs} runs of {firms} firms over {years} years, against the baseline.").format(
        runs=p["runs"], firms=p["firms"], years=p["years"]))
    return {"status": "done"}


def _finish(job: Job, status: str, **fields) -> None:
    fields.setdefault("message", "")
    Job.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **fields)

