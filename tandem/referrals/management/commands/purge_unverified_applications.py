from django.core.management.base import BaseCommand

from tandem.referrals.services import VERIFICATION_DAYS, applications_purge_unverified


class Command(BaseCommand):
    help = "Erase public applications whose e-mail address was never confirmed (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=VERIFICATION_DAYS)

    def handle(self, *args, days: int, **options):
        count = applications_purge_unverified(older_than_days=days)
        self.stdout.write(f"{count} unverified application(s) erased.")
