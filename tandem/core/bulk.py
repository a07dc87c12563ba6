"""Writing many new rows at once: PostgreSQL's COPY where there is one, `bulk_create` elsewhere.

`bulk_create` on PostgreSQL binds every value of every row into one statement in Python (with
client-side binding, as Django sets psycopg up), after building a model instance per row: 5,000
proposals with their explanations in JSON took 2-3 s of a matching run (benchmarks/desk.py).
Here each row is a mapping of field names to values, and COPY sends the rows as a stream the
server parses. Like `bulk_create`, it sends no signal and calls no `save()`; the database
numbers the rows, and nothing is returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.db import connections, models, router
from django.utils import timezone


def insert_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """Inserts each row (field name or attname -> value) as a new record; a field a row leaves
    out gets its default, and `auto_now`/`auto_now_add` fields the current time, as `save()`
    would. Returns how many rows. Call it inside the transaction that must hold them."""
    # Not the database's own values: a serial key, generated columns (COPY refuses those).
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.generated and not (f.primary_key and f.db_returning)
    ]
    now = timezone.now()

    def value(field: models.Field, row: Mapping[str, Any]) -> Any:
        for key in (field.attname, field.name):
            if key in row:
                return row[key]
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        return field.get_default()

    alias = router.db_for_write(model)
    connection = connections[alias]
    rows = list(rows)
    if connection.vendor != "postgresql" or not rows:
        objs = [model(**{f.attname: value(f, row) for f in fields}) for row in rows]
        model._default_manager.using(alias).bulk_create(objs, batch_size=1000)
        return len(rows)
    table = connection.ops.quote_name(model._meta.db_table)
    # A concrete field always has its column (the stubs allow None for the others).
    columns = ", ".join(connection.ops.quote_name(cast(str, f.column)) for f in fields)
    with connection.cursor() as cursor:
        # The driver's own cursor (Django's wrapper has no copy()); each value is prepared as
        # for a query parameter (JSON fields become Jsonb).
        driver = cursor.cursor
        with driver.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([f.get_db_prep_save(value(f, row), connection) for f in fields])
    return len(rows)
