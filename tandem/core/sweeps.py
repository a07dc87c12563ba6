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

A sweep can have a long way to go (a platform back after days down, thousands of follow-ups
due at once). It must not hold a stopping worker: every loop of a sweep over its items goes
through `sweeps.each(items)`, which stops yielding once the worker was asked to stop (SIGTERM,
`request_stop`). What was done is committed item by item; the sweep returns what it did, the
remaining sweeps are skipped, and the next sweep is queued to run at once, so that another worker
(or this one, restarted) carries on where it stopped. Each item's own guard (a conditional update,
a row lock) keeps it from being done twice.
"""

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
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

# Set by the worker's SIGTERM/SIGINT handler (manage.py tandem_worker), read between items.
_STOP = threading.Event()


def request_stop() -> None:
    """The worker was asked to stop: sweeps finish the item in hand and return."""
    _STOP.set()


def stop_cleared() -> None:
    """A worker (re)starting in this process runs sweeps to the end again."""
    _STOP.clear()


def stop_requested() -> bool:
    return _STOP.is_set()


def each[T](items: Iterable[T]) -> Iterator[T]:
    """The items of a sweep's loop, until the worker is asked to stop (see the module's text)."""
    for item in items:
        if _STOP.is_set():
            logger.warning("sweep stopped early: the worker is shutting down")
            return
        yield item


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
        if _STOP.is_set():
            break  # the rest waits for the next run, queued at once (sweep_task)
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


def _schedule_lock() -> None:
    """Serialises the check-then-enqueue of the next sweep (inside the caller's transaction):
    SQLite's immediate transactions already do; PostgreSQL takes an advisory lock."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SCHEDULE_LOCK])


def sweeps_ensure_scheduled(*, start: bool = False) -> bool:
    """Enqueues the next sweep, an interval from now, unless one is already waiting. True when
    it enqueued one (or, at a start, brought one forward).

    `start` is a worker starting (`manage.py tandem_worker`): on a new installation nothing
    else would run the first sweep, and a sweep waiting an hour ahead (queued when a follow-up
    was scheduled) would leave a restarted platform an hour without one. So, unless a sweep
    started within the last interval, the first one runs at once: the waiting one is brought
    forward, or one is enqueued. Starting again is harmless (a sweep has then just run), and
    several workers starting together act once: the check and the write hold a lock (SQLite's
    immediate transactions serialise writers; PostgreSQL takes a transaction-level advisory
    lock).
    """
    from django_tasks_db.models import DBTaskResult

    if not can_defer():
        return False
    now = timezone.now()
    sweeps = DBTaskResult.objects.filter(task_path=sweep_task.module_path)
    with transaction.atomic():
        _schedule_lock()
        waiting = sweeps.filter(status="READY")
        if start and not sweeps.filter(started_at__gte=now - SWEEP_INTERVAL).exists():
            if waiting.exists():
                return bool(waiting.update(run_after=now))
            sweep_task.using(run_after=now).enqueue()
            return True
        if waiting.exists():
            return False
        sweep_task.using(run_after=now + SWEEP_INTERVAL).enqueue()
    return True


def sweeps_resume_soon() -> None:
    """A sweep cut short by a stopping worker: the next one runs at once (another worker takes
    it now; otherwise the next worker to start), not an interval later."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    with transaction.atomic():
        _schedule_lock()
        waiting = DBTaskResult.objects.filter(task_path=sweep_task.module_path, status="READY")
        if not waiting.update(run_after=now):
            sweep_task.using(run_after=now).enqueue()


def serves_sweeps(queue_names: list[str]) -> bool:
    """Whether a worker reading these queues runs the sweep (a "reports"-only worker does not
    start the sweeps)."""
    return "*" in queue_names or sweep_task.queue_name in queue_names


@task()
def sweep_task() -> dict[str, SweepResult]:
    try:
        return sweeps_run_now()
    finally:
        # The next run is queued even when a sweep failed; at once when this one was cut short.
        if _STOP.is_set() and can_defer():
            sweeps_resume_soon()
        else:
            sweeps_ensure_scheduled()
