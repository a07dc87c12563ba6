"""Writing many new rows at once: PostgreSQL's COPY where there is one, `bulk_create` elsewhere.

`bulk_create` on PostgreSQL binds every value of every row into one statement in Python (with
client-side binding, as Django sets psycopg up): 5,000 proposals with their explanations in JSON
took 2-3 s of a matching run (benchmarks/desk.py). COPY sends the rows as a stream the server
parses, in a fraction of that. Like `bulk_create`, it sends no signal and calls no `save()`;
unlike it, the objects do not get their primary keys back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, models, router


def insert_rows(model: type[models.Model], objs: Iterable[models.Model]) -> int:
    """Inserts the objects as new rows (defaults and `auto_now_add` applied, as `save()` would);
    returns how many. Call it inside the transaction that must hold them."""
    objs = list(objs)
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql" or not objs:
        model._default_manager.using(alias).bulk_create(objs, batch_size=1000)
        return len(objs)
    # Not the database's own values: a serial key, generated columns (COPY refuses those).
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.generated and not (f.primary_key and f.db_returning)
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        # The driver's own cursor (Django's wrapper has no copy()); psycopg adapts each value
        # as it would a query parameter (JSON fields arrive as Jsonb).
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for obj in objs:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
                )
    return len(objs)
