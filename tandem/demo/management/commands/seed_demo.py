import os

from django.conf import settings
from django.core.management.base import BaseCommand

from tandem.demo.network import DEMO_PASSWORD, LOGINS, demo_is_loaded, demo_load


class Command(BaseCommand):
    help = "Load the demo network if the database has none, then print one login per role."

    def handle(self, *args, **options):
        if os.environ.get("TANDEM_DEMO", "1") == "0":
            self._empty_platform()
            return
        if demo_is_loaded():
            self.stdout.write("Demo network already loaded.")
        else:
            demo_load()
            self.stdout.write(self.style.SUCCESS("Demo network loaded."))
        self.stdout.write("")
        self.stdout.write(f"Tandem is at {settings.SITE_URL}  (French: {settings.SITE_URL}/fr/)")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        width = max(len(login.email) for login in LOGINS)
        for login in LOGINS:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.role_label}")
        self.stdout.write("")

    def _empty_platform(self) -> None:
        """`make run DEMO=0`: no demo; say how the first platform admin gets an account."""
        from tandem.accounts.models import User

        self.stdout.write("")
        self.stdout.write(f"Tandem is at {settings.SITE_URL}  (French: {settings.SITE_URL}/fr/)")
        if demo_is_loaded():
            self.stdout.write(
                "This database holds the demo network. To start empty, stop Tandem and move "
                "var/tandem.sqlite3 away (or set TANDEM_SQLITE_PATH), then run make run DEMO=0."
            )
        elif User.objects.filter(is_superuser=True, is_active=True).exists():
            self.stdout.write("Platform admins can sign in; the demo is not loaded.")
        else:
            self.stdout.write("This platform has no admin yet. In another terminal, run:")
            self.stdout.write(
                "  TANDEM_DEBUG=1 .venv/bin/python manage.py create_platform_admin "
                "--email you@example.org"
            )
            self.stdout.write("and open the link it prints (mail goes to var/mail/).")
        self.stdout.write("")
