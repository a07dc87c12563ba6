"""Periodic sweeps: work that falls due with time rather than on a request (follow-ups on their
day, reminders, expiry of unanswered proposals, erasing unconfirmed applications).

There is no cron. One task, `sweep_task`, runs every registered sweep each `SWEEP_INTERVAL` and
enqueues its own next run; `manage.py run_sweeps` runs them at once and makes sure a sweep is
waiting. Each app registers its own sweeps in its `AppConfig.ready()`, so core, which imports no
app, calls them all and no app imports another to reach its sweep:

    sweeps.register("follow_ups", followups_send_due, label="follow-ups sent")

A sweep is `function(*, now: datetime) -> int | Mapping[str, int]` (what it did, for the log and
the command's output). It must be idempotent: the sweep and per-item scheduled tasks may both
reach the same item, and whichever comes second must do nothing. Sweeps run in the order they
were registered (the order of INSTALLED_APPS); one that fails is logged and the others still run.
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone

logger = logging.getLogger(__name__)

SWEEP_INTERVAL = timedelta(hours=1)
# The key of the advisory lock that serialises enqueuing the next sweep on PostgreSQL.
_SCHEDULE_LOCK = 7_346_120_001

type SweepResult = int | Mapping[str, int]


@dataclass(frozen=True)
class Sweep:
    name: str
    run: Callable[..., SweepResult]
    label: str
    # Also run by `manage.py release`: catch-up work a migration leaves (stored figures that a
    # new column starts without), done before the new version serves rather than within the hour.
    at_release: bool = False


_SWEEPS: dict[str, Sweep] = {}


def register(
    name: str, function: Callable[..., SweepResult], *, label: str, at_release: bool = False
) -> None:
    """Adds a sweep (call it from the app's `ready()`); registering the same one again is a
    no-op, another function under a taken name is an error."""
    found = _SWEEPS.get(name)
    if found is not None and found.run is not function:
        raise ValueError(f"sweep {name!r} is already registered by {found.run.__module__}")
    _SWEEPS[name] = Sweep(name, function, label, at_release)


def registered() -> list[Sweep]:
    return list(_SWEEPS.values())


class SweepsFailed(Exception):
    """Some sweeps raised; the others ran. The message names them."""


def sweeps_run_now(*, now: datetime | None = None) -> dict[str, SweepResult]:
    """Runs every sweep once. Each records its events as `audit.SWEEPS`. Raises `SweepsFailed`
    at the end if any raised (each failure is logged with its traceback when it happens)."""
    now = now or timezone.now()
    results: dict[str, SweepResult] = {}
    failed = []
    for sweep in registered():
        try:
            results[sweep.name] = sweep.run(now=now)
        except Exception:
            logger.exception("sweep %s failed", sweep.name)
            failed.append(sweep.name)
    if failed:
        raise SweepsFailed(", ".join(failed))
    return results


def sweeps_run_at_release(*, now: datetime | None = None) -> dict[str, SweepResult]:
    """Runs the sweeps registered `at_release` (no mail goes out from these)."""
    now = now or timezone.now()
    return {sweep.name: sweep.run(now=now) for sweep in registered() if sweep.at_release}


def describe(results: Mapping[str, SweepResult]) -> str:
    """One line for the log or a command: `follow-ups sent: 1, reminders sent: 0, ...`."""
    labels = {sweep.name: sweep.label for sweep in registered()}
    parts = []
    for name, result in results.items():
        value = (
            result
            if isinstance(result, int)
            else ", ".join(f"{k} {v}" for k, v in sorted(result.items())) or "none"
        )
        parts.append(f"{labels.get(name, name)}: {value}")
    return ", ".join(parts)


def can_defer() -> bool:
    """False with a backend that runs tasks at once (some tests): nothing can wait for its day."""
    return bool(default_task_backend.supports_defer)


def sweeps_ensure_scheduled(*, start: bool = False) -> bool:
    """Enqueues the next sweep, an interval from now, unless one is already waiting. True when
    it enqueued one.

    `start` is a worker starting (`manage.py tandem_worker`): on a new installation, or after
    the queue was emptied, nothing would run the first sweep, so a sweep is enqueued to run at
    once unless one is waiting or running (a worker restarted within the hour leaves the
    waiting one alone). Several workers starting together enqueue one: the check and the
    enqueue hold a lock (SQLite's immediate transactions serialise writers; PostgreSQL takes
    a transaction-level advisory lock).
    """
    from django_tasks_db.models import DBTaskResult

    if not can_defer():
        return False
    statuses = ["READY", "RUNNING"] if start else ["READY"]
    with transaction.atomic():
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SCHEDULE_LOCK])
        queued = DBTaskResult.objects.filter(
            task_path=sweep_task.module_path, status__in=statuses
        ).exists()
        if queued:
            return False
        run_after = timezone.now() + (timedelta(0) if start else SWEEP_INTERVAL)
        sweep_task.using(run_after=run_after).enqueue()
    return True


def serves_sweeps(queue_names: list[str]) -> bool:
    """Whether a worker reading these queues runs the sweep (a "reports"-only worker does not
    start the sweeps)."""
    return "*" in queue_names or sweep_task.queue_name in queue_names


@task()
def sweep_task() -> dict[str, SweepResult]:
    try:
        return sweeps_run_now()
    finally:
        sweeps_ensure_scheduled()  # the next run is queued even when a sweep failed
