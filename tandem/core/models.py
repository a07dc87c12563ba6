from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class WorkerHeartbeatQuerySet(models.QuerySet):
    def alive(self) -> "WorkerHeartbeatQuerySet":
        lease = timedelta(seconds=settings.TANDEM_TASK_LEASE_SECONDS)
        return self.filter(seen_at__gte=timezone.now() - lease)


class WorkerHeartbeat(models.Model):
    """A task worker's sign of life, written every few seconds while it runs (even mid-task).

    A RUNNING task whose worker has stopped writing is put back in the queue (core/worker.py);
    /health/worker and /metrics say how many workers are alive.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    queues = models.CharField(max_length=255)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    tasks_run = models.PositiveIntegerField(default=0)

    objects = WorkerHeartbeatQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} ({self.worker_id})"
