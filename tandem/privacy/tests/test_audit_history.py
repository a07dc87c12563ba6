"""The audit history keeps nothing that was erased: sensitive values never enter the field
diffs, those written before are scrubbed, and an anonymised person's trail is emptied."""

import json

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from tandem.core import audit
from tandem.core.models import AuditEvent
from tandem.participants.models import Accommodation, Participant

NEEDS = "Sign-language interpreter (ASL) and a quiet room; chronic fatigue"


def whole_trail() -> str:
    """Everything the audit history holds, as one text to search."""
    entries = LogEntry.objects.values(
        "object_repr", "changes", "changes_text", "serialized_data", "additional_data"
    )
    events = AuditEvent.objects.values("data")
    return json.dumps([*entries, *events], default=str)


@pytest.mark.django_db
def test_withdrawn_accommodation_needs_are_nowhere_in_the_audit_log(client: Client, home, no_mfa):
    client.force_login(home.caseworker)
    url = reverse("participants:accommodations", args=[home.mentee.pk])
    client.post(url, {"needs": NEEDS, "has_consent": "on", "share": "on"})
    client.post(url, {"needs": NEEDS + " (updated)", "has_consent": "on"})
    assert Accommodation.objects.filter(participant=home.mentee).exists()
    # The person withdraws consent: the record is erased...
    client.post(url, {"needs": "", "has_consent": ""})
    assert not Accommodation.objects.filter(participant=home.mentee).exists()
    # ...and the audit log still says that something was recorded and erased, never what.
    kind = ContentType.objects.get_for_model(Accommodation)
    actions = set(LogEntry.objects.filter(content_type=kind).values_list("action", flat=True))
    assert {LogEntry.Action.CREATE, LogEntry.Action.DELETE} <= actions
    assert "Sign-language" not in whole_trail()
    assert "fatigue" not in whole_trail()


@pytest.mark.django_db
def test_immigration_status_and_case_notes_stay_out_of_the_field_diffs(home):
    home.mentee.immigration_status = "refugee_claimant"
    home.mentee.save()
    assert "refugee_claimant" not in whole_trail()
    declared = audit.sensitive_fields()
    assert declared["participants.accommodation"] == ("needs",)
    assert {"meetings.casemeeting", "meetings.checkin", "programs.intakemeeting"} <= set(declared)
    assert {"referrals.referral", "circles.circlenote", "mentorships.introductionmeeting"} <= set(
        declared
    )


@pytest.mark.django_db
def test_values_written_before_the_fix_are_scrubbed(home):
    """The data migration's function, on an entry as the old registration wrote it."""
    kind = ContentType.objects.get_for_model(Accommodation)
    old = LogEntry.objects.create(
        content_type=kind,
        object_pk="1",
        object_id=1,
        object_repr=str(home.mentee),
        action=LogEntry.Action.CREATE,
        changes={"needs": [None, NEEDS], "share_with_programs": [None, "True"]},
        changes_text="needs: " + NEEDS,
    )
    assert audit.scrub_sensitive_values() == 1
    old.refresh_from_db()
    assert old.changes == {"share_with_programs": [None, "True"]}
    assert NEEDS not in whole_trail()
    assert audit.scrub_sensitive_values() == 0  # idempotent


@pytest.mark.django_db
def test_erasing_a_person_empties_their_trail_and_keeps_that_it_happened(home):
    home.mentee.given_name = "Amina"
    home.mentee.save()
    kept = LogEntry.objects.filter(object_pk=str(home.mentee.pk)).count()
    assert "Amina" in whole_trail()
    audit.scrub_records([home.mentee])
    assert "Amina" not in whole_trail()
    assert LogEntry.objects.filter(object_pk=str(home.mentee.pk)).count() == kept
    assert Participant.objects.filter(pk=home.mentee.pk).exists()
