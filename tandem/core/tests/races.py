"""What the race tests share (PostgreSQL): contenders released together (as services, or as
people posting pages), and the guards taken away for a negative control.

A race test runs the real service from several threads, each on its own database connection;
its negative control runs the same service with the guard removed and must then break the rule
(overbook a mentor, overfill a group), which proves the guard is what holds. A numbered-place
guard (mentor slots, group seats, opportunity and gathering places) has two parts, a row lock
and a unique index: `without_row_locks` and `dropped_constraint` take them away, and
`each_counts_first` makes the worst interleaving certain (every contender counts the free places
before anyone writes).

    pytestmark = races.MARKS
"""

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections, models
from django.db.models.query import QuerySet
from django.http import HttpResponse
from django.test import Client

from tandem.accounts.models import User

# Row-level races need PostgreSQL (SQLite locks the whole database), and rows other connections
# can see (a transaction per test would hide them).
MARKS = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="row-level races need PostgreSQL",
    ),
]


def race(work: Callable[[int], Any], count: int) -> list[Any]:
    """Runs `work(index)` in `count` threads released at once by a barrier; returns each
    result, or the exception it raised (so that the test reports it)."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # reported by the test, not lost in the thread
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@contextmanager
def dropped_constraint(model: type[models.Model], name: str) -> Iterator[None]:
    """Drops the model's constraint `name` from the database for the block, then puts it back.

    The rows are deleted first: those the block wrote without the guard (two mentees in one
    slot) would stop the constraint from being created again."""
    constraint = next(c for c in model._meta.constraints if c.name == name)
    with connection.schema_editor() as editor:
        editor.remove_constraint(model, constraint)
    try:
        yield
    finally:
        model._default_manager.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(model, constraint)


def signed_in(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client


def pages_at_once(
    clients: Sequence[Client], send: Callable[[Client, int], HttpResponse]
) -> list[str]:
    """Each client sends `send(client, index)` (a form posted, following its redirect), all
    released at once; every answer must be a page, a loser's too (never a 500). The pages."""

    def one(index: int) -> tuple[int, str]:
        response = send(clients[index], index)
        return response.status_code, response.content.decode()

    results = race(one, len(clients))
    assert all(isinstance(result, tuple) for result in results), results
    assert {status for status, _page in results} == {200}, "a loser must never get a 500"
    return [page for _status, page in results]


def without_row_locks(monkeypatch: pytest.MonkeyPatch) -> None:
    """`select_for_update` made a no-op for the test: every contender reads unlocked rows."""
    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, *args, **kwargs: self)


def each_counts_first(
    monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str, contenders: int
) -> None:
    """`module.name` (the service's count of what is free or taken) made to wait, once it has
    counted, until every contender has counted: the worst interleaving, made certain."""
    real = getattr(module, name)
    counted = threading.Barrier(contenders)

    def count_then_wait(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        counted.wait(30)
        return found

    monkeypatch.setattr(module, name, count_then_wait)
