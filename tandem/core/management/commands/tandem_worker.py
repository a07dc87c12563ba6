"""`manage.py tandem_worker`: django-tasks-db's worker, made to survive faults (core/worker.py).

Takes every option of `db_worker`. Differences: a heartbeat and leases (a killed worker's task is
run again), transient database errors (a SQLite write lock, a PostgreSQL restart) wait and retry
instead of ending the process, and verbosity 1 prints only warnings and errors (2 adds a line per
task, 3 debug).
"""

import logging
import time

from django.db import close_old_connections, connections
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone
from django_tasks_db.compat import TASKS_LOGGER
from django_tasks_db.management.commands import db_worker

from tandem.core import worker as resilience
from tandem.core.models import WorkerHeartbeat

logger = logging.getLogger("tandem.worker")

TRANSIENT = (OperationalError, InterfaceError)
MAX_BACKOFF_SECONDS = 30


class ResilientWorker(db_worker.Worker):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.started_at = timezone.now()
        self.last_beat = 0.0

    def beat(self) -> None:
        resilience.beat(
            self.worker_id,
            queues=",".join(self.queue_names),
            started_at=self.started_at,
            tasks_run=self._run_tasks,
        )
        self.last_beat = time.monotonic()

    def run_task(self, db_task_result) -> None:
        super().run_task(db_task_result)
        # A beat between tasks too: in --batch mode (tests, drills) there is no heartbeat thread.
        if time.monotonic() - self.last_beat > 1:
            self.beat()

    def run(self) -> None:
        heart = None if self.batch else resilience.Heart(self)
        failures = 0
        try:
            while True:
                try:
                    self.beat()
                    resilience.requeue_lost_tasks()
                    if heart is not None and not heart.is_alive():
                        heart.start()
                    super().run()
                    return  # --batch or --max-tasks finished, or a signal asked to stop
                except TRANSIENT as error:
                    if not self.running:
                        return
                    failures += 1
                    delay = min(2**failures, MAX_BACKOFF_SECONDS)
                    logger.warning(
                        "Database unavailable (%s); worker waits %s s and tries again", error, delay
                    )
                    self.startup_delay = False
                    connections.close_all()
                    time.sleep(delay)
                    try:
                        resilience.requeue_own_tasks(self.worker_id)
                    except TRANSIENT:
                        pass  # still down: the next round tries again, and leases cover the rest
                else:
                    failures = 0
        finally:
            if heart is not None:
                heart.stopped.set()
            try:
                close_old_connections()
                WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
            except TRANSIENT:
                pass


class Command(db_worker.Command):
    help = "Run the background worker (django-tasks-db, with heartbeats, leases and retries)"

    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        # Quiet unless something fails: at verbosity 1 only failed tasks (ERROR) and our own
        # warnings (a retry, a lost worker); the per-task and start/stop lines from verbosity 2.
        level = {0: logging.CRITICAL, 1: logging.ERROR, 2: logging.INFO}.get(
            verbosity, logging.DEBUG
        )
        for name in (TASKS_LOGGER, "django_tasks_db"):
            logging.getLogger(name).setLevel(level)

    def handle(self, *args, **options) -> None:
        original = db_worker.Worker
        db_worker.Worker = ResilientWorker
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original
