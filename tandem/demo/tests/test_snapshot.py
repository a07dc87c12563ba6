"""The copy that the tests' demo network is put back from (snapshot.py): what was there
comes back, what a test added goes, and new rows still get fresh keys."""

from tandem.core.tests.cast import make_organization, make_user
from tandem.demo.tests.snapshot import snapshot_restore, snapshot_take
from tandem.organizations.models import Organization


def test_a_restored_snapshot_is_the_database_as_it_was(transactional_db):
    kept = make_organization("kept")
    make_user("kept@example.org")
    snapshot = snapshot_take()

    kept.name_en = "Changed by a test"
    kept.save()
    make_organization("added-by-a-test")
    Organization.objects.filter(slug="kept").update(slug="renamed")

    snapshot_restore(snapshot)
    assert list(Organization.objects.values_list("pk", "slug", "name_en")) == [
        (kept.pk, "kept", "kept (EN)")
    ]
    assert make_user("new@example.org").pk  # the key sequence moved past the restored rows
    newer = make_organization("newer")
    assert newer.pk > kept.pk

    snapshot_restore(snapshot)  # a second time, from the same copy
    assert list(Organization.objects.values_list("slug", flat=True)) == ["kept"]
