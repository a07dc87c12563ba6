"""The view log refuses changes in the database itself, and the audit history loses the
sensitive values written before they were kept out of it (core.audit.sensitive)."""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION privacy_recordview_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'privacy_recordview is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
PG_TRIGGER = """
CREATE TRIGGER privacy_recordview_no_change BEFORE UPDATE OR DELETE ON privacy_recordview
FOR EACH ROW EXECUTE FUNCTION privacy_recordview_append_only();
"""
# SQLite (development, tests): updates are refused. Deletes stay possible there because
# Django empties tables with DELETE between transactional tests (PostgreSQL uses TRUNCATE,
# which a row trigger does not see).
SQLITE_TRIGGER = """
CREATE TRIGGER privacy_recordview_no_update BEFORE UPDATE ON privacy_recordview
BEGIN SELECT RAISE(ABORT, 'privacy_recordview is append-only: UPDATE refused'); END;
"""


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        schema_editor.execute(PG_TRIGGER, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS privacy_recordview_no_change ON privacy_recordview"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS privacy_recordview_append_only()")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS privacy_recordview_no_update")


def scrub(apps, schema_editor):
    from tandem.core import audit

    audit.scrub_sensitive_values()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("auditlog", "__latest__"),
    ]

    operations = [
        migrations.RunPython(add_triggers, drop_triggers),
        migrations.RunPython(scrub, migrations.RunPython.noop),
    ]
