"""The jobs' files under ``<LUMBUNG_HOME>/jobs/<job id>/`` (an upload and its errors file) and
their cleaning (``lumbung jobs clean``): a finished job's folder is removed once the job finished
more than the retention period ago (``LUMBUNG_JOBS_KEEP_DAYS``, or ``--older-than``); the job row
stays (without the links to its files), so the history of who imported what is kept. A
folder whose job no longer exists (its user was deleted) goes by the age of its newest file."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone

from lumbung import conf
from lumbung.jobs.models import Job


def jobs_folder() -> Path:
    path = conf.home() / "jobs"
    path.mkdir(exist_ok=True)
    return path


@dataclass
class Cleaned:
    jobs: int = 0  # finished jobs whose files were removed
    orphans: int = 0  # folders of jobs that no longer exist
    bytes: int = 0


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _newest(folder: Path) -> float:
    return max([folder.stat().st_mtime, *(p.stat().st_mtime for p in folder.rglob("*"))])


def _remove(folder: Path, cleaned: Cleaned) -> None:
    cleaned.bytes += _size(folder)
    shutil.rmtree(folder)


def clean(older_than_days: int | None = None, now: datetime | None = None) -> Cleaned:
    """Remove the files of jobs finished (done or failed) more than ``older_than_days`` days before
    ``now``; running and queued jobs keep theirs, whatever their age."""
    days = conf.number("LUMBUNG_JOBS_KEEP_DAYS") if older_than_days is None else older_than_days
    cutoff = (now or timezone.now()) - timedelta(days=max(0, days))
    root, cleaned = jobs_folder(), Cleaned()
    old = Job.objects.filter(status__in=("done", "failed"), finished_at__lt=cutoff)
    for job in old.exclude(input_file="", errors_file=""):
        folder = root / str(job.pk)
        if folder.is_dir():
            _remove(folder, cleaned)
        Job.objects.filter(pk=job.pk).update(input_file="", errors_file="")
        cleaned.jobs += 1
    known = {str(pk) for pk in Job.objects.values_list("pk", flat=True)}
    for folder in root.iterdir():
        if folder.is_dir() and folder.name.isdigit() and folder.name not in known \
                and _newest(folder) < cutoff.timestamp():
            _remove(folder, cleaned)
            cleaned.orphans += 1
    return cleaned
