"""Reminders run in the periodic sweep (registered in apps.py); this task runs them alone."""

from django.tasks import task

from tandem.meetings.services import reminders_send_due


@task()
def reminders_send_task() -> int:
    return reminders_send_due()
