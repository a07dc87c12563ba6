"""What the race tests share (PostgreSQL): contenders released together, and a constraint taken
away for a negative control.

A race test runs the real service from several threads, each on its own database connection;
its negative control runs the same service with the guard removed and must then break the rule
(overbook a mentor, overfill a group), which proves the guard is what holds.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections, models


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
