"""The connector reminders run in the periodic sweep (tandem/core/sweeps.py, registered in
apps.py); this task runs them alone (a worker picks it up like any other)."""

from django.tasks import task

from tandem.connectors.reminders import reminders_send_due


@task()
def reminders_send_task() -> int:
    return reminders_send_due()
