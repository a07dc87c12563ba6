from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues() -> list[Path]:
    """The project's own catalogues: the shared one and each app's (never the virtualenv's)."""
    base = Path(settings.BASE_DIR)
    return sorted(
        [*base.glob("locale/*/LC_MESSAGES/*.po"), *base.glob("tandem/**/locale/*/LC_MESSAGES/*.po")]
    )


class Command(BaseCommand):
    """Compiles every .po catalogue of the project to .mo with polib (no GNU gettext needed)."""

    help = "Compile the project's translation catalogues."
    # A build step (`make install`, the container image): runs without a secret key or database.
    requires_system_checks = []

    def handle(self, *args, **options):
        compiled = 0
        for po_path in catalogues():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            compiled += 1
        self.stdout.write(f"{compiled} catalogue(s) compiled.")
