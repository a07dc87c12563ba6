from django.core.management.base import BaseCommand

from tandem.reference.services import reference_is_loaded, reference_load


class Command(BaseCommand):
    help = "Load NOC 2021, NAICS 2022 and postal-area reference data (skipped if already loaded)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Reload even if data is present.")

    def handle(self, *args, force: bool = False, **options):
        if reference_is_loaded() and not force:
            self.stdout.write("Reference data already loaded.")
            return
        counts = reference_load()
        self.stdout.write(
            ", ".join(f"{count} {name}" for name, count in counts.items()) + " loaded."
        )
