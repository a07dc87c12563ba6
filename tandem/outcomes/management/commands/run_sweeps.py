from django.core.management.base import BaseCommand

from tandem.outcomes.tasks import sweeps_ensure_scheduled, sweeps_run_now


class Command(BaseCommand):
    help = (
        "Send every follow-up and reminder that is due (idempotent), and make sure the periodic "
        "sweep is waiting in the task queue."
    )

    def handle(self, *args, **options):
        result = sweeps_run_now()
        scheduled = sweeps_ensure_scheduled()
        self.stdout.write(
            f"follow-ups sent: {result['follow_ups']}, reminders sent: {result['reminders']}, "
            f"next sweep {'enqueued' if scheduled else 'already waiting'}"
        )
