"""A mentee with a history in two organizations, for the access request and retention."""

import pytest
from django.test import Client
from django.urls import reverse

from tandem.core.tests.cast import make_organization, make_participant
from tandem.meetings.models import MeetingLog
from tandem.outcomes import services as outcomes
from tandem.participants.services import accommodation_save


@pytest.fixture
def her(lifecycle, home, clock, settings, tmp_path, client: Client, no_mfa):
    """Amina with a history in two organizations: her agency's record with accommodations and
    a view of it, the lead's mentorship with a meeting and a closure, consent choices."""
    settings.MEDIA_ROOT = tmp_path
    mentee = lifecycle.mentorship.mentee
    accommodation_save(
        actor=home.caseworker, participant=mentee, needs="Large print", has_consent=True, share=True
    )
    second = make_participant(
        make_organization("college"),
        user=lifecycle.mentee_user,
        given_name="Amina",
        family_name="Diallo",
        email="amina@example.org",
    )
    MeetingLog.objects.create(
        mentorship=lifecycle.mentorship,
        met_on=clock.now().date(),
        minutes=60,
        mode="virtual",
        topics="Résumé review",
        logged_by=lifecycle.mentor_user,
    )
    outcomes.mentorship_close(
        actor=lifecycle.staff,
        mentorship=lifecycle.mentorship,
        kind="end_of_term",
        ended_on=clock.now().date(),
    )
    outcomes.consent_set(actor=lifecycle.mentee_user, participant=mentee, may_contact=False)
    client.force_login(home.caseworker)
    client.get(reverse("participants:detail", args=[mentee.pk]))
    client.logout()
    return {"mentee": mentee, "second": second}
