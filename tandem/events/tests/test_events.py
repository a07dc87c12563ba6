"""Events: staff create them in both languages, invite, people register, staff record attendance."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tandem.core.tests.cast import make_participant, make_user
from tandem.events import selectors, services
from tandem.events.models import Event, Participation
from tandem.events.tests.factories import make_event
from tandem.programs.models import Enrolment
from tandem.programs.tests.factories import make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(home):
    program = make_program(home.organization, home.staff)
    Enrolment.objects.create(program=program, participant=home.mentee, side="mentee")
    return program


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_staff_create_an_event_in_both_languages(client: Client, home, program, no_mfa):
    client.force_login(home.staff)
    starts = timezone.localtime() + timedelta(days=3)
    response = client.post(
        f"/en/events/program/{program.pk}/new/",
        {
            "kind": "mock_interview",
            "title_en": "Mock interviews",
            "title_fr": "Entrevues simulées",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "mode": "virtual",
            "link": "https://meet.example.org/abc",
            "capacity": "10",
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert client.get(f"/fr/events/{event.pk}/").content.decode().count("Entrevues simulées") >= 1
    assert "Mock interviews" in client.get(f"/en/events/{event.pk}/").content.decode()


def test_an_event_that_ends_before_it_starts_is_refused(client: Client, home, program, no_mfa):
    client.force_login(home.staff)
    starts = timezone.localtime() + timedelta(days=3)
    response = client.post(
        f"/en/events/program/{program.pk}/new/",
        {
            "kind": "panel",
            "title_en": "Panel",
            "title_fr": "Panel",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "mode": "in_person",
        },
    )
    assert response.status_code == 200
    assert "An event ends after it starts." in response.content.decode()
    assert not Event.objects.exists()


def test_invitations_go_out_in_each_persons_language_and_only_once(
    client: Client, home, program, no_mfa, immediate_tasks, django_capture_on_commit_callbacks
):
    french = make_participant(home.organization, preferred_language="fr")
    Enrolment.objects.create(program=program, participant=french, side="mentee")
    event = make_event(program, home.staff)
    client.force_login(home.staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/events/{event.pk}/invite/", {"participants": [home.mentee.pk, french.pk]})
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[french.email] == "Invitation\u00a0: Soirée de réseautage"
    assert subjects[home.mentee.email] == "You are invited: Networking evening"
    french_mail = next(m for m in mail.outbox if m.to == [french.email])
    (name, ics, mimetype) = french_mail.attachments[0]
    assert (name, mimetype) == ("evenement.ics", "text/calendar")  # in her language
    english_mail = next(m for m in mail.outbox if m.to == [home.mentee.email])
    assert english_mail.attachments[0][0] == "event.ics"
    assert "SUMMARY:Soirée de réseautage" in ics
    with django_capture_on_commit_callbacks(execute=True):
        services.event_invite(actor=home.staff, event=event, participants=[french])
    assert len(mail.outbox) == 2


def test_an_invited_person_registers_and_cancels_from_their_page(
    client: Client, home, program, no_mfa
):
    event = make_event(program, home.staff)
    services.event_invite(actor=home.staff, event=event, participants=[home.mentee])
    client.force_login(home.mentee_user)
    assert "Networking evening" in client.get("/en/events/").content.decode()
    client.post(f"/en/events/{event.pk}/register/", {"action": "register"})
    assert Participation.objects.get().is_registered
    client.post(f"/en/events/{event.pk}/register/", {"action": "cancel"})
    assert not Participation.objects.get().is_registered


def test_an_invitation_only_event_refuses_people_not_invited_and_a_full_event_refuses_more(
    home, program
):
    event = make_event(program, home.staff, capacity=1, is_open=False)
    with pytest.raises(services.EventError, match="invitation only"):
        services.event_register(actor=home.mentee_user, event=event, participant=home.mentee)
    other = make_participant(home.organization)
    Enrolment.objects.create(program=program, participant=other, side="mentor")
    services.event_update(actor=home.staff, event=event, is_open=True)
    services.event_register(actor=home.staff, event=event, participant=other)
    with pytest.raises(services.EventError, match="full"):
        services.event_register(actor=home.mentee_user, event=event, participant=home.mentee)


def test_attendance_counts_as_events_attended(client: Client, home, program, no_mfa):
    event = make_event(program, home.staff, is_open=True)
    second = make_event(program, home.staff, is_open=True, title_en="Panel")
    services.event_register(actor=home.staff, event=event, participant=home.mentee)
    client.force_login(home.staff)
    client.post(f"/en/events/{event.pk}/attendance/", {"present": [home.mentee.pk]})
    services.event_attendance_record(
        actor=home.staff, event=second, present=[], absent=[home.mentee]
    )
    assert selectors.events_attended_count(participant=home.mentee) == 1
    assert Participation.objects.get(event=second).get_status_display() == "Did not attend"


def test_outsiders_and_other_participants_get_404(client: Client, home, elsewhere, program, no_mfa):
    event = make_event(program, home.staff)
    stranger = make_user("stranger@example.org")
    make_participant(elsewhere.organization, user=stranger)
    for user in (elsewhere.staff, elsewhere.mentee_user, stranger, home.funder):
        client.force_login(user)
        assert client.get(f"/en/events/{event.pk}/").status_code == 404
        assert client.post(f"/en/events/{event.pk}/register/").status_code == 404
    # An enrolled mentee sees an invitation-only event only once invited.
    client.force_login(home.mentee_user)
    assert client.get(f"/en/events/{event.pk}/").status_code == 404
    services.event_invite(actor=home.staff, event=event, participants=[home.mentee])
    assert client.get(f"/en/events/{event.pk}/").status_code == 200
    assert client.get(f"/en/events/{event.pk}/edit/").status_code == 404


def test_the_staff_event_list_makes_a_constant_number_of_queries(
    client: Client, home, program, no_mfa, django_assert_max_num_queries
):
    for index in range(5):
        make_event(program, home.staff, title_en=f"Event {index}")
    client.force_login(home.staff)
    with django_assert_max_num_queries(20):
        response = client.get("/en/events/")
    assert response.content.decode().count("Event ") >= 5


def test_two_people_of_the_same_name_are_told_apart_on_the_guest_lists(
    client: Client, home, elsewhere, program, no_mfa
):
    """Two "Ana Diallo" (a mentee of another agency, a mentor of the program's) were listed the
    same way to invite and to mark present."""
    from tandem.core.tests.html import parse
    from tandem.referrals.models import Referral, ReferralStatus

    twins = [
        make_participant(elsewhere.organization, given_name="Ana", family_name="Diallo"),
        make_participant(home.organization, role="mentor", given_name="Ana", family_name="Diallo"),
    ]
    for person in twins:
        Enrolment.objects.create(program=program, participant=person, side=person.role)
    Referral.objects.create(participant=twins[0], program=program, status=ReferralStatus.ACCEPTED)
    event = make_event(program, home.staff)
    client.force_login(home.staff)
    page = client.get(f"/en/events/{event.pk}/").content.decode()
    labels = [line.strip() for line in parse(page).forms[-1].text.splitlines() if "Ana" in line]
    assert len(labels) == 2 and labels[0] != labels[1], labels
    assert any("Mentee" in label and elsewhere.organization.name in label for label in labels)
    assert any("Mentor" in label and home.organization.name in label for label in labels)
    services.event_invite(actor=home.staff, event=event, participants=twins)
    page = client.get(f"/en/events/{event.pk}/").content.decode()
    present = [f for f in parse(page).forms if "present" in f.radios][0]
    labels = [line.strip() for line in present.text.splitlines() if "Ana" in line]
    assert len(set(labels)) == 2, labels


def test_a_client_whose_referral_was_returned_is_not_offered_as_a_guest(home, elsewhere, program):
    from tandem.referrals.models import Referral, ReferralStatus

    returned = make_participant(elsewhere.organization)
    Enrolment.objects.create(program=program, participant=returned, side="mentee")
    Referral.objects.create(participant=returned, program=program, status=ReferralStatus.RETURNED)
    invitable = set(selectors.invitable_participants(program=program))
    assert home.mentee in invitable and returned not in invitable
