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

import os
import pickle
import sqlite3
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
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


def snapshot_write(snapshot: Snapshot, path: str) -> None:
    """Keeps the snapshot in a file, for the other test processes of the pass (fixtures.py):
    SQLite's own database file, or PostgreSQL's COPY data. Written beside and renamed, so a
    reader never finds half a file."""
    partial = f"{path}.partial"
    if snapshot.vendor == "sqlite":
        assert snapshot.sqlite is not None
        target = sqlite3.connect(partial)
        try:
            snapshot.sqlite.backup(target)
        finally:
            target.close()
    else:
        with open(partial, "wb") as out:
            pickle.dump(snapshot.tables, out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)


def snapshot_read(path: str, vendor: str) -> Snapshot:
    """The snapshot `snapshot_write` kept."""
    if vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            source.backup(copy)
        finally:
            source.close()
        return Snapshot("sqlite", sqlite=copy)
    with open(path, "rb") as kept:
        # The suite's own file, written by snapshot_write in this run's temporary folder.
        return Snapshot(vendor, tables=pickle.load(kept))  # noqa: S301


def _non_empty(cursor, tables: list[str]) -> list[str]:
    """The tables that hold at least one row, in one round trip."""
    quote = connection.ops.quote_name
    # Table names from Django's introspection, quoted: no input reaches the SQL.
    cursor.execute(
        " UNION ALL ".join(
            f"(SELECT {i} WHERE EXISTS (SELECT 1 FROM {quote(table)}))"  # noqa: S608
            for i, table in enumerate(tables)
        )
    )
    return [tables[i] for (i,) in cursor.fetchall()]


def snapshot_restore(snapshot: Snapshot, *, reset_sequences: bool = True) -> None:
    _restore(snapshot, reset_sequences=reset_sequences)
    # The content types are the snapshot's again, with its keys: a test that flushed
    # (privacy's test_consents and test_viewlog) left the cache holding the keys post_migrate
    # gave them, and an audit entry written with one named a row that is gone.
    ContentType.objects.clear_cache()


def _restore(snapshot: Snapshot, *, reset_sequences: bool) -> None:
    """Puts the snapshot's rows back. PostgreSQL: only the tables that hold rows now or in the
    snapshot are emptied, with DELETE while triggers are off (`session_replication_role`: the
    foreign keys and the append-only triggers; the rows put back are the snapshot's, which held
    together). TRUNCATE cost a few milliseconds a table, empty or not, and CASCADE pulled in
    most of the two hundred; a superuser only (the suite's throwaway server), else TRUNCATE.

    `reset_sequences` moves each sequence back to the snapshot's highest key, so that a test
    sees the same keys whatever ran before it in the process. Without it they only go forward,
    which never collides: a sequence is never behind the rows it numbered."""
    connection.ensure_connection()
    if snapshot.vendor == "sqlite":
        assert snapshot.sqlite is not None
        snapshot.sqlite.backup(connection.connection)
        return
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        holding = {table for table, data in snapshot.tables.items() if data}
        dirty = sorted(holding.union(_non_empty(cursor, _tables())))
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            deletes = "".join(f"DELETE FROM {quote(t)};" for t in dirty)  # noqa: S608
            cursor.execute("SET LOCAL session_replication_role = replica;" + deletes)
        elif dirty:
            cursor.execute("TRUNCATE " + ", ".join(quote(t) for t in dirty) + " CASCADE")
        raw = cursor.cursor
        for table in sorted(holding):
            with raw.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                copy.write(snapshot.tables[table])
        if reset_sequences:
            # Only models whose table exists: a test module may declare a model of its own (e.g.
            # core/tests/test_fulltext.py's Note) whose table lives only while that module runs.
            existing = [m for m in apps.get_models() if m._meta.db_table in snapshot.tables]
            statements = connection.ops.sequence_reset_sql(no_style(), existing)
            if statements:
                cursor.execute("\n".join(statements))  # one round trip, not two hundred
