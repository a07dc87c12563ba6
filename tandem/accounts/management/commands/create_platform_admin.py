from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from tandem.accounts.services import InvitationError, invitation_days, platform_admin_invite


class Command(BaseCommand):
    help = (
        "Prints a one-time link that creates a platform admin's account (the first one of a new "
        "network, or another). The link works once and expires."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="the admin's e-mail address")
        parser.add_argument(
            "--language", default="en", choices=[code for code, _name in settings.LANGUAGES]
        )

    def handle(self, *args, email: str, language: str, **options):
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"Not an e-mail address: {email}") from error
        try:
            link = platform_admin_invite(actor=None, email=email, language=language)
        except InvitationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Open this link to set the password of {email} (works once, for "
            f"{invitation_days()} days):"
        )
        self.stdout.write(link)
