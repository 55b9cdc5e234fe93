"""Queued tasks (the django-tasks database backend's table) and the jobs people start (an upload
and its import, a policy-lab run), with their progress, summary line and files."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lumbung import conf

#: Where a lab run's outputs are, inside its job's folder (``<LUMBUNG_HOME>/jobs/<id>/``).
LAB_OUTPUTS = "lab"


class TaskRecord(models.Model):
    """One enqueued django-tasks task, as :class:`lumbung.jobs.backend.DatabaseBackend` stores it."""

    STATUSES = [("READY", "ready"), ("RUNNING", "running"), ("SUCCESSFUL", "successful"), ("FAILED", "failed")]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_path = models.CharField(max_length=255)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    queue_name = models.CharField(max_length=32, default="default")
    backend_name = models.CharField(max_length=32, default="default")
    priority = models.SmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=STATUSES, default="READY", db_index=True)
    enqueued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker_id = models.CharField(max_length=64, blank=True, default="")
    # The lease of a running task (lumbung.jobs.worker): renewed by its worker while it runs; a
    # silent one is claimed again, up to LUMBUNG_JOBS_MAX_ATTEMPTS attempts.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    return_value = models.JSONField(null=True, blank=True)
    errors = models.JSONField(default=list)  # [{"exception_class_path": ..., "traceback": ...}] for the log only

    class Meta:
        indexes = [models.Index(fields=["status", "-priority", "enqueued_at"], name="task_ready_idx")]


class Job(models.Model):
    """What a person started in the background and watches on a page."""

    KINDS = [("import", _("import")), ("lab", _("lab run"))]
    STATUSES = [("queued", _("queued")), ("running", _("running")), ("done", _("done")), ("failed", _("failed"))]
    kind = models.CharField(_("kind"), max_length=16, choices=KINDS)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs",
                             verbose_name=_("user"))
    status = models.CharField(_("status"), max_length=8, choices=STATUSES, default="queued", db_index=True)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True, default="")
    summary = models.TextField(_("summary"), blank=True, default="")
    name = models.CharField(_("file name"), max_length=255, blank=True, default="")
    params = models.JSONField(default=dict)  # e.g. {"format": "template", "blank": "keeps"}
    input_file = models.CharField(max_length=500, blank=True, default="")  # relative to the jobs folder
    errors_file = models.CharField(max_length=500, blank=True, default="")
    rejected = models.PositiveIntegerField(_("rows rejected"), null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"

    @property
    def lab_folder(self) -> Path:
        """The outputs of a lab run (``<LUMBUNG_HOME>/jobs/<id>/lab/``)."""
        return conf.home() / "jobs" / str(self.pk) / LAB_OUTPUTS

    @classmethod
    def latest_lab_run(cls, program: str):
        """The most recent finished lab run of a program (any user's: its population is synthetic)."""
        return cls.objects.filter(kind="lab", status="done", params__program=program).order_by(
            "-finished_at", "-pk").first()

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        if not self.total:
            return 0
        return min(100, int(100 * self.done / self.total))
