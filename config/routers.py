"""Reads of reports from a PostgreSQL replica, when one is configured (TANDEM_DB_REPLICA_HOST).

Reports read a whole network's figures: the heaviest queries the application makes, and the only
ones that tolerate a second or two of replication lag. Code that builds a report wraps its reads
in `reading_reports()`; every other read and every write stays on the primary, so a person always
sees what they have just saved.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_reports = ContextVar("tandem_reading_reports", default=False)


@contextmanager
def reading_reports() -> Iterator[None]:
    token = _reports.set(True)
    try:
        yield
    finally:
        _reports.reset(token)


def report_database() -> str:
    """The alias report reads should use right now ("replica" inside `reading_reports()`)."""
    configured = "replica" in settings.DATABASES and ROUTER in settings.DATABASE_ROUTERS
    return "replica" if _reports.get() and configured else "default"


ROUTER = "config.routers.ReportReplicaRouter"  # settings.py installs both or neither


class ReportReplicaRouter:
    def db_for_read(self, model, **hints):
        return report_database()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
