"""Append-only tables on SQLite: a DELETE is refused by a trigger, except while `flush` runs.

PostgreSQL refuses UPDATE and DELETE on an append-only table with a row trigger, and Django
empties tables there with TRUNCATE, which row triggers do not see. SQLite has no TRUNCATE: Django
empties its tables with DELETE (between transactional tests, `manage.py flush`). So an
append-only table's SQLite trigger asks `tandem_flushing()`, a function every SQLite connection
of Tandem has (registered when the connection opens), which answers 1 only inside `flushing()`
(the `flush` command, tandem/core/management/commands/flush.py). Any other DELETE, or one from a
connection that is not Tandem's (the sqlite3 shell: it has no such function), is refused.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

FUNCTION = "tandem_flushing"
# Asked by a table whose old rows a retention sweep may delete (the view log): only inside
# `expiring()`, and only rows older than the table's legal minimum (in the trigger itself).
EXPIRING = "tandem_expiring"

_FLUSHING: ContextVar[bool] = ContextVar("tandem_flushing", default=False)
_EXPIRING: ContextVar[bool] = ContextVar("tandem_expiring", default=False)


def sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: the functions the triggers ask."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 0, lambda: int(_FLUSHING.get()))
        connection.connection.create_function(EXPIRING, 0, lambda: int(_EXPIRING.get()))


@contextmanager
def expiring() -> Iterator[None]:
    """A retention sweep deleting rows past their period (SQLite; PostgreSQL's trigger reads
    a setting of the transaction)."""
    token = _EXPIRING.set(True)
    try:
        yield
    finally:
        _EXPIRING.reset(token)


@contextmanager
def flushing() -> Iterator[None]:
    token = _FLUSHING.set(True)
    try:
        yield
    finally:
        _FLUSHING.reset(token)


def sqlite_delete_trigger(table: str, *, expires_after_months: int | None = None) -> str:
    """The SQLite trigger that refuses DELETE on `table` outside a flush; with
    `expires_after_months`, a retention sweep (`expiring()`) may delete the rows whose `at` is
    older than that, never a newer one."""
    allowed = f"{FUNCTION}()"
    if expires_after_months:
        allowed += f" OR ({EXPIRING}() AND OLD.at < datetime('now', '-{int(expires_after_months)} months'))"
    return (
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"WHEN NOT ({allowed}) "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END;"
    )
