"""The worker that runs tasks queued by :class:`lumbung.jobs.backend.DatabaseBackend`
(``lumbung worker``). Each task is claimed by one conditional UPDATE (status READY -> RUNNING),
so several workers never run the same task, on SQLite and PostgreSQL alike.

A worker that crashes (killed, power cut) leaves its task RUNNING. So a running task holds a
lease: its worker writes ``heartbeat_at`` every :func:`beat_seconds` while it runs, and a task
whose heartbeat is older than ``LUMBUNG_JOBS_STALE_MINUTES`` is claimed again by the next worker
that looks, as a new attempt (``attempts`` counts them). After ``LUMBUNG_JOBS_MAX_ATTEMPTS``
attempts it is not run again: it fails with a sentence saying so, and so does its job. Running
an import again is safe: the import is idempotent (docs/workspace.md, "A crashed worker").
Every function takes the clock (``now``) so tests never wait on the wall clock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import DatabaseError, close_old_connections, connection
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks.base import TaskContext
from django_tasks.utils import get_exception_traceback, get_module_path, get_random_id, normalize_json

from lumbung import conf
from lumbung.jobs.backend import to_result
from lumbung.jobs.models import Job, TaskRecord

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
#: The error class recorded when a task is given up after its attempts (no exception of its own).
GAVE_UP = "lumbung.jobs.worker.StaleTask"


def stale_after() -> timedelta:
    """How long a running task's heartbeat may be silent before its worker counts as gone."""
    return timedelta(minutes=max(1, conf.number("LUMBUNG_JOBS_STALE_MINUTES")))


def max_attempts() -> int:
    return max(1, conf.number("LUMBUNG_JOBS_MAX_ATTEMPTS"))


def beat_seconds(stale: timedelta | None = None) -> float:
    """A running task beats five times per stale period: a slow beat or two never loses the lease."""
    return (stale or stale_after()).total_seconds() / 5


def _claimable(now: datetime, stale: timedelta) -> Q:
    silent = Q(heartbeat_at__lt=now - stale) | Q(heartbeat_at__isnull=True, started_at__lt=now - stale)  # claimed before 0002
    return Q(status="READY") | (Q(status="RUNNING") & silent)


def claim(worker_id: str, queues: tuple[str, ...] = ("default",), now: datetime | None = None,
          stale: timedelta | None = None, attempts: int | None = None) -> TaskRecord | None:
    """The next ready task, or a running one whose worker stopped beating, marked running for
    ``worker_id`` (one more attempt); None when none is waiting. A stale task out of attempts is
    given up (:func:`give_up`) instead."""
    now, stale = now or timezone.now(), stale or stale_after()
    attempts = attempts or max_attempts()
    for record in TaskRecord.objects.filter(_claimable(now, stale), queue_name__in=queues).order_by(
            "-priority", "enqueued_at")[:10]:
        same = TaskRecord.objects.filter(pk=record.pk, status=record.status, worker_id=record.worker_id,
                                         heartbeat_at=record.heartbeat_at)  # nobody took it meanwhile
        if record.status == "RUNNING" and record.attempts >= attempts:
            give_up(same, record, now)
            continue
        taken = same.update(status="RUNNING", started_at=now, heartbeat_at=now, worker_id=worker_id,
                            attempts=F("attempts") + 1)
        if taken:
            if record.status == "RUNNING":
                log.warning("task %s: worker %s stopped beating at %s; attempt %s by %s", record.pk,
                            record.worker_id, record.heartbeat_at, record.attempts + 1, worker_id)
            record.refresh_from_db()
            return record
    return None


def give_up(same, record: TaskRecord, now: datetime) -> None:
    """Fail a task whose workers stopped ``record.attempts`` times, and its job, with one sentence."""
    text = _("The task was given up after {n} attempts: each time its worker stopped (crashed or was "
             "killed) before it finished.").format(n=record.attempts)
    error = {"exception_class_path": GAVE_UP, "traceback": text}
    if same.update(status="FAILED", finished_at=now, errors=[error]):
        log.error("task %s (%s): %s", record.pk, record.task_path, text)
        Job.objects.filter(task_id=str(record.pk)).exclude(status__in=("done", "failed")).update(
            status="failed", message=text, finished_at=now)


def beat(record_id, worker_id: str, now: datetime | None = None) -> bool:
    """Renew the lease of a running task; False when another worker holds it now."""
    return bool(TaskRecord.objects.filter(pk=record_id, status="RUNNING", worker_id=worker_id).update(
        heartbeat_at=now or timezone.now()))


class Heartbeat:
    """Beats for one running task every ``every`` seconds in a thread of its own (the task runs in
    the worker's thread). ``wait`` is the pause between beats (``stop.wait``; a test passes its own)."""

    def __init__(self, record_id, worker_id: str, every: float, clock: Clock = timezone.now, wait=None):
        self.record_id, self.worker_id, self.every, self.clock = record_id, worker_id, every, clock
        self.stop = threading.Event()
        self.wait = wait or self.stop.wait
        self.thread: threading.Thread | None = None

    def loop(self) -> None:
        while not self.wait(self.every):
            try:
                if not beat(self.record_id, self.worker_id, self.clock()):
                    return  # the lease was lost (given up, or taken after a long pause): stop beating
            except DatabaseError:  # e.g. SQLite busy under the task's own write: beat next time
                log.warning("task %s: heartbeat not written", self.record_id, exc_info=True)

    def _thread(self) -> None:
        try:
            self.loop()
        finally:
            connection.close()  # the thread's own database connection

    def __enter__(self) -> Heartbeat:
        self.thread = threading.Thread(target=self._thread, name=f"heartbeat-{self.record_id}", daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join()


def execute(record: TaskRecord, clock: Clock = timezone.now) -> TaskRecord:
    """Run one claimed task and store how it ended (a traceback goes to the log and the record,
    never to a page). Nothing is stored when another worker took the task meanwhile."""
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
    record.finished_at = clock()
    stored = TaskRecord.objects.filter(pk=record.pk, status="RUNNING", worker_id=record.worker_id).update(
        return_value=record.return_value, status=record.status, errors=record.errors, finished_at=record.finished_at)
    if not stored:
        log.warning("task %s finished on worker %s after another worker took it", record.pk, record.worker_id)
    return record


def run_pending(worker_id: str | None = None, queues: tuple[str, ...] = ("default",), clock: Clock = timezone.now,
                heartbeat: bool = False) -> int:
    """Run every task waiting now (and every stale one), one after another; the number run (tests
    and ``--once``). ``heartbeat`` beats from a thread while each task runs (the worker does)."""
    worker_id = worker_id or get_random_id()
    count = 0
    while (record := claim(worker_id, queues, now=clock())) is not None:
        if heartbeat:
            with Heartbeat(record.pk, worker_id, beat_seconds(), clock):
                execute(record, clock)
        else:
            execute(record, clock)
        count += 1
    return count


def run_worker(interval: float = 1.0, once: bool = False, stop: threading.Event | None = None,
               queues: tuple[str, ...] = ("default",), echo=None) -> int:
    """Poll for tasks every ``interval`` seconds until ``stop`` is set (or once); tasks run."""
    worker_id, total = get_random_id(), 0
    if echo:
        echo(f"worker {worker_id} waiting for tasks (queues: {', '.join(queues)})")
    while True:
        total += run_pending(worker_id, queues, heartbeat=True)
        if once or (stop is not None and stop.is_set()):
            return total
        if stop is not None:
            stop.wait(interval)
        else:
            time.sleep(interval)
        close_old_connections()  # a long-running worker drops connections the database has closed
