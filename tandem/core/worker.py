"""The task worker's resilience: heartbeats, leases on RUNNING tasks, transient database errors.

django-tasks-db's worker claims a task by marking it RUNNING; a worker killed with `kill -9` (or a
host that dies) left it RUNNING forever, so the mail was never sent. Here every worker writes a
heartbeat every TANDEM_WORKER_HEARTBEAT_SECONDS from a thread of its own (so a long task keeps it
fresh), and any worker puts back in the queue a RUNNING task whose worker has been silent for
TANDEM_TASK_LEASE_SECONDS. A task that has lost its worker TANDEM_TASK_MAX_CLAIMS times is
recorded as failed rather than handed to the next worker to kill.

Tasks therefore run at least once: each of ours is written to be harmless when run again after an
interruption (they reload their records and skip what is already done).
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from tandem.core.models import WorkerHeartbeat

logger = logging.getLogger("tandem.worker")


class WorkerLost(Exception):
    """Recorded as a task's error when it lost its worker too many times."""


def beat(worker_id: str, *, queues: str, started_at, tasks_run: int) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "queues": queues[:255],
            "started_at": started_at,
            "seen_at": timezone.now(),
            "tasks_run": tasks_run,
        },
    )


def requeue_lost_tasks(*, exclude_worker: str | None = None) -> int:
    """Puts back RUNNING tasks whose worker is silent; returns how many were put back or failed.

    `exclude_worker` is the caller's own id when it is running a task, so that a worker never
    takes back its own task mid-run.
    """
    lease = timedelta(seconds=settings.TANDEM_TASK_LEASE_SECONDS)
    now = timezone.now()
    alive = set(WorkerHeartbeat.objects.alive().values_list("worker_id", flat=True))
    if exclude_worker:
        alive.add(exclude_worker)
    handled = 0
    with transaction.atomic():
        stale = DBTaskResult.objects.running().filter(started_at__lt=now - lease)
        for task in stale.select_for_update(skip_locked=True):
            last = task.worker_ids[-1] if task.worker_ids else None
            if last in alive:
                continue
            handled += 1
            if len(task.worker_ids) >= settings.TANDEM_TASK_MAX_CLAIMS:
                logger.error("Task %s (%s) lost its worker too often", task.id, task.task_path)
                task.set_failed(WorkerLost(f"lost its worker {len(task.worker_ids)} times"))
                continue
            logger.warning(
                "Task %s (%s) lost worker %s: back in the queue", task.id, task.task_path, last
            )
            task.status = "READY"
            task.started_at = None
            task.save(update_fields=["status", "started_at"])
    return handled


def requeue_own_tasks(worker_id: str) -> int:
    """After a database error interrupted this worker, its RUNNING tasks go back in the queue."""
    mine = [
        task.pk
        for task in DBTaskResult.objects.running().only("id", "worker_ids")
        if task.worker_ids and task.worker_ids[-1] == worker_id
    ]
    return DBTaskResult.objects.filter(pk__in=mine, status="RUNNING").update(
        status="READY", started_at=None
    )


def oldest_ready_age() -> float:
    """Seconds the oldest runnable task has waited (0 when the queue is empty)."""
    now = timezone.now()
    ready = DBTaskResult.objects.ready()
    asap = ready.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"]
    due = ready.exclude(run_after=get_date_max()).aggregate(at=Min("run_after"))["at"]
    moments = [moment for moment in (asap, due) if moment is not None]
    if not moments:
        return 0.0
    return max((now - min(moments)).total_seconds(), 0.0)


class Heart(threading.Thread):
    """Writes the heartbeat and looks for lost tasks while the main thread runs tasks."""

    def __init__(self, worker) -> None:
        super().__init__(name="tandem-heartbeat", daemon=True)
        self.worker = worker
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = settings.TANDEM_WORKER_HEARTBEAT_SECONDS
        try:
            while not self.stopped.wait(interval):
                try:
                    self.worker.beat()
                    requeue_lost_tasks(
                        exclude_worker=self.worker.worker_id if self.worker.running_task else None
                    )
                except Exception:  # noqa: BLE001 - a missed beat is retried, never fatal
                    logger.warning("Heartbeat not written; trying again", exc_info=True)
                    connection.close()
        finally:
            connection.close()
