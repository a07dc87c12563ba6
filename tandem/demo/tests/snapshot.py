"""A copy of the test database's rows, taken once and put back before each test of the demo.

Loading the demo network goes through every area's services (a few seconds, more on a busy
machine); the tests that use it (the browser flows, the demo's own tests) need it fresh for each
test, since they change it. Each test process therefore loads it once, keeps a copy of every
table, and each test after the first gets the copy back in a fraction of a second, with the same
primary keys:

- SQLite (the test database lives in memory): SQLite's own backup API copies the whole database,
  page by page, into a second in-memory database and back;
- PostgreSQL: `COPY ... TO STDOUT` of every table, then `TRUNCATE` and `COPY ... FROM STDIN`, and
  the sequences moved past the highest key (foreign keys are deferred to the commit, so the order
  of the tables does not matter).
"""

import sqlite3
from dataclasses import dataclass, field

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


@dataclass
class Snapshot:
    vendor: str
    sqlite: sqlite3.Connection | None = None
    tables: dict[str, bytes] = field(default_factory=dict)


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def snapshot_take() -> Snapshot:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        return Snapshot("sqlite", sqlite=copy)
    snapshot = Snapshot(connection.vendor)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table in _tables():
            name = connection.ops.quote_name(table)
            with raw.copy(f"COPY {name} TO STDOUT") as copy:
                snapshot.tables[table] = b"".join(bytes(block) for block in copy)
    return snapshot


def snapshot_restore(snapshot: Snapshot) -> None:
    connection.ensure_connection()
    if snapshot.vendor == "sqlite":
        assert snapshot.sqlite is not None
        snapshot.sqlite.backup(connection.connection)
        return
    tables = list(snapshot.tables)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE"
        )
        raw = cursor.cursor
        for table, data in snapshot.tables.items():
            if data:
                name = connection.ops.quote_name(table)
                with raw.copy(f"COPY {name} FROM STDIN") as copy:
                    copy.write(data)
        # Only models whose table exists: a test module may declare a model of its own (e.g.
        # core/tests/test_fulltext.py's Note) whose table lives only while that module runs.
        existing = [m for m in apps.get_models() if m._meta.db_table in snapshot.tables]
        for statement in connection.ops.sequence_reset_sql(no_style(), existing):
            cursor.execute(statement)
