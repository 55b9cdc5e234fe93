"""A django-tasks backend that keeps tasks in the database (:class:`~lumbung.jobs.models.TaskRecord`),
so background work needs no extra service on SQLite or PostgreSQL; ``lumbung worker``
(:mod:`lumbung.jobs.worker`) runs them. django-tasks 0.12 moved its own database backend to a
separate package (django-tasks-db) that this project does not install; this is the same idea in
a few lines over the backend interface (``BaseTaskBackend.enqueue`` / ``get_result``)."""

from __future__ import annotations

import uuid

from django.utils.module_loading import import_string
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskError, TaskResult, TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks.signals import task_enqueued
from django_tasks.utils import normalize_json

from lumbung.jobs.models import TaskRecord


class DatabaseBackend(BaseTaskBackend):
    supports_defer = False
    supports_get_result = True
    supports_priority = True

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        record = TaskRecord.objects.create(task_path=task.module_path, args=normalize_json(list(args)),
                                           kwargs=normalize_json(dict(kwargs)), queue_name=task.queue_name,
                                           backend_name=self.alias, priority=task.priority)
        result = to_result(record, task)
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult:
        try:
            record = TaskRecord.objects.get(pk=uuid.UUID(str(result_id)))
        except (ValueError, TaskRecord.DoesNotExist):
            raise TaskResultDoesNotExist(result_id) from None
        return to_result(record)


def to_result(record: TaskRecord, task: Task | None = None) -> TaskResult:
    task = task or import_string(record.task_path)
    result = TaskResult(task=task, id=str(record.pk), status=TaskResultStatus(record.status),
                        enqueued_at=record.enqueued_at, started_at=record.started_at,
                        last_attempted_at=record.started_at, finished_at=record.finished_at,
                        args=record.args, kwargs=record.kwargs, backend=record.backend_name,
                        errors=[TaskError(**e) for e in record.errors],
                        worker_ids=[record.worker_id] if record.worker_id else [])
    object.__setattr__(result, "_return_value", record.return_value)
    return result
