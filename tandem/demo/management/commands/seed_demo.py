from django.conf import settings
from django.core.management.base import BaseCommand

from tandem.demo.network import DEMO_PASSWORD, LOGINS, demo_is_loaded, demo_load


class Command(BaseCommand):
    help = "Load the demo network if the database has none, then print one login per role."

    def handle(self, *args, **options):
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
