"""Accommodation details are the most sensitive data in Tandem: the attacker tests. Only the
person, their job developer and — when the person shared them for that opportunity — the people
of the employer itself read them; everyone else gets a 404 or a page without them."""

import pytest

from tandem.core.tests.cast import make_member, make_participant, make_user
from tandem.opportunities.models import Application
from tandem.opportunities.tests.factories import (
    make_application,
    make_employer,
    make_hub,
    make_opportunity,
)
from tandem.organizations.models import Role

pytestmark = pytest.mark.django_db

SECRET = "Needs a screen reader and extra time"


@pytest.fixture
def shared(board, home):
    return make_application(
        board["opportunity"],
        home.mentee,
        referred_by=home.caseworker,
        shares_accommodations=True,
        accommodations_needed=";accessible_documents;",
        accommodation_note=SECRET,
    )


def _page(client, user, application):
    client.force_login(user)
    return client.get(f"/en/opportunities/applications/{application.pk}/")


def test_the_person_their_job_developer_and_the_employer_read_what_was_shared(
    client, shared, board, home, no_mfa
):
    for user in (home.mentee_user, home.caseworker, board["employer_person"]):
        response = _page(client, user, shared)
        assert response.status_code == 200
        assert SECRET in response.content.decode(), user


def test_outsiders_get_404(client, shared, elsewhere, no_mfa):
    other_employer = make_employer("other-employer")
    other_people = make_member(other_employer, Role.EMPLOYER_PARTNER, email="hr@other.example.org")
    outsiders = [
        elsewhere.caseworker,
        elsewhere.staff,
        elsewhere.admin,
        elsewhere.mentee_user,
        other_people,
        make_user("anyone@example.org"),
    ]
    for user in outsiders:
        assert _page(client, user, shared).status_code == 404, user.email


def test_the_employer_reads_nothing_the_person_did_not_share(client, board, home, no_mfa):
    from django.utils import timezone

    from tandem.participants.models import Accommodation

    # What the person's record holds stays on the record.
    Accommodation.objects.create(
        participant=home.mentee,
        needs=SECRET,
        has_consent=True,
        share_with_programs=True,
        consent_at=timezone.now(),
    )
    application = make_application(board["opportunity"], home.mentee, referred_by=home.caseworker)
    page = _page(client, board["employer_person"], application).content.decode()
    assert "Not shared" in page and SECRET not in page


def test_a_hub_that_runs_the_opportunity_sees_that_something_was_shared_not_what(
    client, shared, no_mfa
):
    hub = make_hub("hub-on")
    staff = make_member(hub, Role.PROGRAM_STAFF, email="staff@hub.example.org")
    response = _page(client, staff, shared)
    body = response.content.decode()
    assert response.status_code == 200
    assert SECRET not in body and "Shared with the employer only" in body


def test_the_employer_cannot_read_the_persons_client_record(client, shared, board, home, no_mfa):
    client.force_login(board["employer_person"])
    assert client.get(f"/en/participants/{home.mentee.pk}/").status_code == 404


def test_the_audit_trail_never_holds_the_needs(shared, board, home):
    from tandem.core.models import AuditEvent
    from tandem.opportunities import services

    application = services.application_submit(
        actor=home.caseworker,
        opportunity=make_opportunity(board["employer"], title_en="Second"),
        participant=make_participant(home.organization),
        shares_accommodations=True,
        accommodations_needed=["captions"],
        accommodation_note=SECRET,
    )
    assert Application.objects.get(pk=application.pk).accommodation_note == SECRET
    for event in AuditEvent.objects.all():
        assert SECRET not in str(event.data)
    from auditlog.models import LogEntry

    assert not LogEntry.objects.filter(changes_text__contains=SECRET).exists()
    assert not any(SECRET in str(entry.changes) for entry in LogEntry.objects.all())


def test_an_employer_cannot_decide_on_another_employers_application(client, shared, no_mfa):
    other_employer = make_employer("other-employer")
    other_people = make_member(other_employer, Role.EMPLOYER_PARTNER, email="hr@other.example.org")
    client.force_login(other_people)
    response = client.post(
        f"/en/opportunities/applications/{shared.pk}/decide/", {"decision": "accept"}
    )
    assert response.status_code == 404
    shared.refresh_from_db()
    assert shared.status == "submitted"


def test_the_employer_is_told_of_an_application_in_its_language_without_the_needs(
    client, board, home, no_mfa, immediate_tasks, django_capture_on_commit_callbacks
):
    from django.core import mail

    board["employer_person"].preferred_language = "fr"
    board["employer_person"].save()
    client.force_login(home.caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/opportunities/{board['opportunity'].pk}/apply/",
            {
                "participant": home.mentee.pk,
                "shares_accommodations": "on",
                "accommodations_needed": ["accessible_documents"],
                "accommodation_note": SECRET,
            },
        )
    [told] = [m for m in mail.outbox if board["employer_person"].email in m.to]
    assert told.subject.startswith("Nouvelle candidature")
    assert SECRET not in told.body and "lecteur" not in told.body
    assert home.mentee.full_name in told.body
