from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tandem.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from tandem.core import checks, metrics, sweeps  # noqa: F401 - registers checks and signal handlers
        from tandem.core.appendonly import sqlite_functions
        from tandem.core.taskrows import finished_tasks_purge

        # Core's own sweep: finished task rows (mail and their addresses) go after a few days.
        sweeps.register("task_rows", finished_tasks_purge, label="finished tasks deleted")

        # Append-only tables' SQLite triggers ask a function each connection must have.
        connection_created.connect(sqlite_functions, dispatch_uid="tandem_sqlite_functions")
