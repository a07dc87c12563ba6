from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.organizations.models import Organization
from tandem.participants.labels import problem_text
from tandem.participants.services import import_job_create, import_job_run


class Command(BaseCommand):
    """Imports a participants CSV for one organization, all or nothing (see docs)."""

    help = "Import participants from a CSV file (docs/participants-csv.md)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--organization", required=True, help="the organization's slug")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--by", help="e-mail address of the person importing (audit trail)")
        parser.add_argument("--language", default="en", choices=["en", "fr"])

    def handle(self, *args, path: Path, organization: str, dry_run: bool, by, language, **options):
        translation.activate(language)
        path = Path(path)
        found = Organization.objects.filter(slug=organization).first()
        if found is None:
            raise CommandError(f"No organization with slug {organization!r}.")
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        actor = User.objects.filter(email=by.lower()).first() if by else None
        if by and actor is None:
            raise CommandError(f"No person with e-mail address {by!r}.")
        # Runs here, not on the queue: the command waits for the result.
        with path.open("rb") as handle:
            job = import_job_create(
                actor=actor,
                organization=found,
                upload=File(handle, name=path.name),
                dry_run=dry_run,
                queue=False,
            )
        job = import_job_run(job_id=job.pk)
        for warning in job.warnings:
            self.stderr.write(
                _("line %(line)s, column %(column)s: %(reason)s")
                % {
                    "line": warning["line"],
                    "column": warning["column"],
                    "reason": problem_text(warning),
                }
            )
        if job.errors:
            for error in job.errors:
                self.stderr.write(
                    _("line %(line)s, column %(column)s: %(reason)s")
                    % {
                        "line": error["line"],
                        "column": error["column"],
                        "reason": problem_text(error),
                    }
                )
            raise CommandError(
                _("%(count)s problem(s) found: nothing was imported.") % {"count": len(job.errors)}
            )
        summary = _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": job.created_count,
            "updated": job.updated_count,
            "unchanged": job.unchanged_count,
        }
        if dry_run:
            summary = _("Dry run, nothing written: %(summary)s") % {"summary": summary}
        self.stdout.write(summary)
