"""Background work after closure. There is no cron: the sweep re-enqueues itself.

Two mechanisms meet so that nothing is lost and nothing is sent twice:
- at closure each follow-up is enqueued for its own day (`run_after`);
- the sweep, every SWEEP_INTERVAL, sends every follow-up and reminder that is due and unsent.
A worker that was down runs both when it comes back; the conditional update in
`services.followup_send` and the unique reminder rows make whichever runs second a no-op.
"""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from tandem.outcomes import services

SWEEP_INTERVAL = timedelta(hours=1)


@task()
def followup_send_task(follow_up_id: int) -> bool:
    return services.followup_send(follow_up_id=follow_up_id)


def sweeps_run_now() -> dict[str, int]:
    from tandem.connectors.reminders import reminders_send_due as connector_reminders
    from tandem.meetings.services import reminders_send_due

    now = timezone.now()
    return {
        "follow_ups": services.followups_send_due(now=now),
        "reminders": reminders_send_due(now=now),
        "connector_reminders": connector_reminders(now=now),
    }


def can_defer() -> bool:
    """False with a backend that runs tasks at once (some tests): nothing can wait for its day."""
    from django.tasks import default_task_backend

    return default_task_backend.supports_defer


def sweeps_ensure_scheduled() -> bool:
    """Enqueues the next sweep unless one is already waiting. True when it enqueued one."""
    from django_tasks_db.models import DBTaskResult

    if not can_defer():
        return False
    waiting = DBTaskResult.objects.filter(task_path=sweep_task.module_path, status="READY").exists()
    if waiting:
        return False
    sweep_task.using(run_after=timezone.now() + SWEEP_INTERVAL).enqueue()
    return True


@task()
def sweep_task() -> dict[str, int]:
    result = sweeps_run_now()
    sweeps_ensure_scheduled()
    return result
