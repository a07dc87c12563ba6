"""`manage.py tandem_worker`: django-tasks-db's worker, made to survive faults (core/worker.py).

Takes every option of `db_worker`. Differences: a heartbeat and leases (a killed worker's task is
run again), transient database errors (a SQLite write lock, a PostgreSQL restart) wait and retry
instead of ending the process, verbosity 1 prints only warnings and errors (2 adds a line per
task, 3 debug), and a worker that stays up (not --batch) starts the periodic sweeps: the first
sweep runs as the worker starts unless one started within the hour (core/sweeps.py).

Stopping: the first SIGTERM (or Ctrl+C) lets the task in hand finish, as django-tasks-db does, and
also tells a running sweep to stop after the item in hand (sweeps.request_stop): a sweep with
thousands of mails due no longer keeps a stopping worker for minutes (systemd and compose would
kill it mid-item). The rest of the sweep is queued to run at once. A second signal ends the task.
"""

import logging
import time
from functools import partial
from types import FrameType

from django.db import close_old_connections, connections
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone
from django_tasks_db.compat import TASKS_LOGGER, TaskContext, task_finished, task_started
from django_tasks_db.management.commands import db_worker

from tandem.core import sweeps
from tandem.core import worker as resilience
from tandem.core.models import WorkerHeartbeat

logger = logging.getLogger("tandem.worker")

TRANSIENT = (OperationalError, InterfaceError)
MAX_BACKOFF_SECONDS = 30
RECORD_PATIENCE_SECONDS = 600


class ResilientWorker(db_worker.Worker):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.started_at = timezone.now()
        self.last_beat = 0.0
        self.sweeps_started = False
        sweeps.stop_cleared()  # a worker started again in the same process (tests) sweeps fully

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        sweeps.request_stop()  # a long sweep returns after the item in hand (core/sweeps.py)
        super().shutdown(signum, frame)

    def beat(self) -> None:
        resilience.beat(
            self.worker_id,
            queues=",".join(self.queue_names),
            started_at=self.started_at,
            tasks_run=self._run_tasks,
        )
        self.last_beat = time.monotonic()

    def run_task(self, db_task_result) -> None:
        """django-tasks-db's run_task, but the outcome is recorded patiently.

        The library tries to record a result three times in 0.3 s; when the database is away
        longer (a PostgreSQL restart), the task went back to the queue and ran a second time
        (a mail sent twice). Here the worker waits for the database to come back and records
        the outcome of the run that happened.
        """
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = task.get_backend()
            task_started.send(sender=backend_type, task_result=task_result)
            try:
                if task.takes_context:
                    value = task.call(
                        TaskContext(task_result=task_result),
                        *task_result.args,
                        **task_result.kwargs,
                    )
                else:
                    value = task.call(*task_result.args, **task_result.kwargs)
            except (KeyboardInterrupt, SystemExit) as error:
                self._patiently(partial(db_task_result.set_failed, error))
                raise
            except Exception as error:  # noqa: BLE001 - the task's failure is its result
                self._patiently(partial(db_task_result.set_failed, error))
            else:
                try:
                    self._patiently(partial(db_task_result.set_successful, value))
                except TRANSIENT:
                    raise
                except Exception as error:  # noqa: BLE001 - e.g. a value JSON cannot hold
                    self._patiently(partial(db_task_result.set_failed, error))
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        finally:
            self.running_task = False
            self._run_tasks += 1
        # A beat between tasks too: in --batch mode (tests, drills) there is no heartbeat thread.
        if time.monotonic() - self.last_beat > 1:
            self.beat()

    def start_sweeps(self) -> None:
        """A worker that stays up starts the periodic sweeps: the first runs at once unless one
        started within the hour (sweeps.sweeps_ensure_scheduled, idempotent). A --batch
        worker only empties the queue (tests, drills, one-off runs) and leaves the sweeps to
        the workers that stay up."""
        if self.batch or self.sweeps_started or not sweeps.serves_sweeps(self.queue_names):
            return
        sweeps.sweeps_ensure_scheduled(start=True)
        self.sweeps_started = True

    def _patiently(self, record) -> None:
        """Retries a write through transient database errors for up to RECORD_PATIENCE."""
        deadline = time.monotonic() + RECORD_PATIENCE_SECONDS
        delay = 0.5
        while True:
            try:
                return record()
            except TRANSIENT:
                if time.monotonic() > deadline:
                    raise  # the lease puts the task back; it runs again
                logger.warning("Database unavailable; recording the task's outcome in %s s", delay)
                connections.close_all()
                time.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)

    def run(self) -> None:
        heart = None if self.batch else resilience.Heart(self)
        failures = 0
        try:
            while True:
                try:
                    self.beat()
                    resilience.requeue_lost_tasks()
                    self.start_sweeps()
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
            sweeps.stop_cleared()
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
        db_worker.Worker = ResilientWorker  # type: ignore[misc]  # the command builds it by name
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
