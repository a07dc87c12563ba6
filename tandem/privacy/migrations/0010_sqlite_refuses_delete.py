"""On SQLite the view log now refuses DELETE too (it refused UPDATE only), except while
`manage.py flush` empties the tables (tandem/core/appendonly.py), like PostgreSQL's TRUNCATE."""

from django.db import migrations

from tandem.core.appendonly import sqlite_delete_trigger

TABLE = "privacy_recordview"


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(sqlite_delete_trigger(TABLE))


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0009_view_kinds_registered")]

    operations = [migrations.RunPython(add_trigger, drop_trigger)]
