"""insert_rows: COPY on PostgreSQL, bulk_create on SQLite; the rows read back as saved ones."""

import pytest

from tandem.core.bulk import insert_rows
from tandem.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_inserted_rows_read_back_with_their_json_text_and_defaults():
    before = AuditEvent.objects.count()
    rows = [
        {
            "name": "bulk.check",
            "actor_label": f"person{n}@example.org",
            "target_type": "thing",
            "target_id": str(n),
            # Quotes, a tab, a backslash, a newline and accents: what COPY's text format escapes.
            "data": {"note": 'l\'« été »\t"x"\\y\nz', "n": n, "list": [1, None, True]},
        }
        for n in range(3)
    ]
    assert insert_rows(AuditEvent, rows) == 3
    stored = list(AuditEvent.objects.filter(name="bulk.check").order_by("target_id"))
    assert AuditEvent.objects.count() == before + 3
    assert [e.data for e in stored] == [r["data"] for r in rows]
    assert [e.actor_label for e in stored] == [r["actor_label"] for r in rows]
    # Left out: the default (a callable one too: `at` is timezone.now) and a null foreign key.
    assert all(e.at is not None and e.actor_id is None for e in stored)
    assert len({e.pk for e in stored}) == 3  # the database numbered them


def test_nothing_to_insert_is_fine():
    assert insert_rows(AuditEvent, []) == 0
