from django.core.management.base import BaseCommand

from tandem.core.sweeps import describe, sweeps_ensure_scheduled, sweeps_run_now


class Command(BaseCommand):
    help = (
        "Run every periodic sweep now (follow-ups, reminders, proposal expiry, ...: each is "
        "idempotent), and make sure the next sweep is waiting in the task queue."
    )

    def handle(self, *args, **options) -> None:
        results = sweeps_run_now()
        scheduled = sweeps_ensure_scheduled()
        self.stdout.write(
            f"{describe(results)}, next sweep {'enqueued' if scheduled else 'already waiting'}"
        )
