"""Django's `flush`, with the append-only tables' SQLite guard lifted while it empties them
(tandem/core/appendonly.py): the same thing PostgreSQL's TRUNCATE does past a row trigger."""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from tandem.core.appendonly import flushing


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with flushing():
            super().handle(**options)
