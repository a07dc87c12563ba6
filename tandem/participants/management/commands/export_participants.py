from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tandem.organizations.models import Organization
from tandem.participants.csvformat import csv_lines
from tandem.participants.selectors import participants_for_export


class Command(BaseCommand):
    help = "Export an organization's participants to a CSV file (docs/participants-csv.md)."

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="the organization's slug")
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args, organization: str, out: Path, **options):
        out = Path(out)
        found = Organization.objects.filter(slug=organization).first()
        if found is None:
            raise CommandError(f"No organization with slug {organization!r}.")
        count = -1
        with out.open("w", encoding="utf-8", newline="") as handle:
            for line in csv_lines(
                participants_for_export(organization=found).iterator(chunk_size=2000)
            ):
                handle.write(line)
                count += 1
        self.stdout.write(f"{count} participants written to {out}.")
