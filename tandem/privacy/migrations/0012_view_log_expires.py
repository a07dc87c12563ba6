"""The view log stays append-only, except that the retention sweep may delete, inside its own
transaction, entries older than two years (tandem/privacy/retention.py, VIEWS_MINIMUM_MONTHS):
the floor is in the database, so no code path can delete a newer entry."""

from django.db import migrations

from tandem.core.appendonly import sqlite_delete_trigger

TABLE = "privacy_recordview"
MINIMUM_MONTHS = 24  # as it was when this migration was written

PG_EXPIRES = f"""
CREATE OR REPLACE FUNCTION privacy_recordview_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('tandem.expiring_views', true) = 'on'
       AND OLD.at < now() - interval '{MINIMUM_MONTHS} months' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'privacy_recordview is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
PG_NEVER = """
CREATE OR REPLACE FUNCTION privacy_recordview_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'privacy_recordview is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def expires(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_EXPIRES, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")
        schema_editor.execute(sqlite_delete_trigger(TABLE, expires_after_months=MINIMUM_MONTHS))


def never(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_NEVER, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")
        schema_editor.execute(sqlite_delete_trigger(TABLE))


class Migration(migrations.Migration):
    dependencies = [("privacy", "0011_retention_kinds_registered")]

    operations = [migrations.RunPython(expires, never)]
