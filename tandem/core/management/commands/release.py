"""`manage.py release`: everything a new version needs before it serves, in one idempotent step.

Run it once per deployment (the compose file's `release` service, the systemd unit
`tandem-release.service`), before the web processes and workers start. Each step does nothing
when there is nothing to do, so running it twice is harmless.
"""

from collections.abc import Callable

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tandem.core.sweeps import sweeps_run_at_release


class Command(BaseCommand):
    help = (
        "Prepare a release: migrate, create the cache table, collect static files, compile "
        "translations, load reference data, store what new columns need (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-static",
            action="store_true",
            help="Leave static files alone (the container image collects them at build time).",
        )
        parser.add_argument(
            "--skip-reference",
            action="store_true",
            help="Leave reference data alone (a database that brings its own, e.g. a benchmark).",
        )

    def handle(
        self,
        *args,
        skip_static: bool = False,
        skip_reference: bool = False,
        verbosity: int = 1,
        **options,
    ):
        quiet = {"verbosity": max(verbosity - 1, 0)}
        steps: list[tuple[str, Callable[[], object]]] = [
            ("migrate", lambda: call_command("migrate", interactive=False, **quiet)),
            ("createcachetable", lambda: call_command("createcachetable", **quiet)),
            ("compile_translations", lambda: call_command("compile_translations", **quiet)),
            ("load_reference", lambda: call_command("load_reference", **quiet)),
            # After the migrations: e.g. the mentorships' "needs attention" dates, which every
            # row starts without (the staff home would work them all out until the hourly sweep).
            ("sweeps", lambda: sweeps_run_at_release()),
        ]
        if skip_reference:
            steps = [step for step in steps if step[0] != "load_reference"]
        if not skip_static:
            steps.insert(
                2,
                (
                    "collectstatic",
                    lambda: call_command("collectstatic", interactive=False, **quiet),
                ),
            )
        for name, step in steps:
            step()
            if verbosity:
                self.stdout.write(f"release: {name} done")
        if verbosity:
            self.stdout.write(self.style.SUCCESS("release: ready"))
