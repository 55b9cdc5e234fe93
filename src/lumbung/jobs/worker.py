"""The worker that runs tasks queued by :class:`lumbung.jobs.backend.DatabaseBackend`
(``lumbung worker``). Each task is claimed by one conditional UPDATE (status READY -> RUNNING),
so several workers never run the same task, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import TaskContext
from django_tasks.utils import get_exception_traceback, get_module_path, get_random_id, normalize_json

from lumbung.jobs.backend import to_result
from lumbung.jobs.models import TaskRecord

log = logging.getLogger(__name__)


def claim(worker_id: str, queues: tuple[str, ...] = ("default",)) -> TaskRecord | None:
    """The next ready task, marked running for ``worker_id``; None when none is waiting."""
    for record in TaskRecord.objects.filter(status="READY", queue_name__in=queues).order_by(
            "-priority", "enqueued_at")[:10]:
        taken = TaskRecord.objects.filter(pk=record.pk, status="READY").update(
            status="RUNNING", started_at=timezone.now(), worker_id=worker_id)
        if taken:
            record.refresh_from_db()
            return record
    return None


def execute(record: TaskRecord) -> TaskRecord:
    """Run one claimed task and store how it ended (a traceback goes to the log and the record,
    never to a page)."""
    try:
        task = import_string(record.task_path)
        if task.takes_context:
            value = task.call(TaskContext(task_result=to_result(record, task)), *record.args, **record.kwargs)
        else:
            value = task.call(*record.args, **record.kwargs)
        record.return_value, record.status = normalize_json(value), "SUCCESSFUL"
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # noqa: BLE001 - a failing task must not stop the worker
        log.exception("task %s (%s) failed", record.pk, record.task_path)
        record.errors = [{"exception_class_path": get_module_path(type(error)),
                          "traceback": get_exception_traceback(error)}]
        record.status = "FAILED"
    record.finished_at = timezone.now()
    record.save(update_fields=["return_value", "status", "errors", "finished_at"])
    return record


def run_pending(worker_id: str | None = None, queues: tuple[str, ...] = ("default",)) -> int:
    """Run every task waiting now, one after another; the number run (tests and ``--once``)."""
    worker_id = worker_id or get_random_id()
    count = 0
    while (record := claim(worker_id, queues)) is not None:
        execute(record)
        count += 1
    return count


def run_worker(interval: float = 1.0, once: bool = False, stop: threading.Event | None = None,
               queues: tuple[str, ...] = ("default",), echo=None) -> int:
    """Poll for tasks every ``interval`` seconds until ``stop`` is set (or once); tasks run."""
    worker_id, total = get_random_id(), 0
    if echo:
        echo(f"worker {worker_id} waiting for tasks (queues: {', '.join(queues)})")
    while True:
        total += run_pending(worker_id, queues)
        if once or (stop is not None and stop.is_set()):
            return total
        if stop is not None:
            stop.wait(interval)
        else:
            time.sleep(interval)
        close_old_connections()  # a long-running worker drops connections the database has closed
