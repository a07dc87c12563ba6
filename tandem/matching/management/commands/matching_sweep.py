from django.core.management.base import BaseCommand

from tandem.matching.services.follow_ups import proposals_sweep


class Command(BaseCommand):
    help = "Send due reminders and expire unanswered proposals (safe to run daily)."

    def handle(self, *args, **options) -> None:
        counts = proposals_sweep()
        self.stdout.write(
            ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due"
        )
