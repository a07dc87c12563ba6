"""Confirmation under the capacity guard, the introduction meeting and its invitations, the
agreement and each person's acknowledgement."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tandem.core.tests.cast import make_user
from tandem.matching.models import ProposalStatus
from tandem.matching.tests.factories import enrol, person, program_for, proposal
from tandem.mentorships import services
from tandem.mentorships.models import Mentorship, MentorshipStatus

pytestmark = pytest.mark.django_db


def accepted(program, mentee, mentor):
    return proposal(program, mentee, mentor, status=ProposalStatus.ACCEPTED)


@pytest.fixture
def program(home):
    return program_for(home)


@pytest.fixture
def pair(home, program):
    mentee = person(home, "mentee", preferred_language="fr", given_name="Amina")
    mentor = person(home, "mentor", given_name="Daniel")
    mentee.user = make_user("amina@example.org", language="fr")
    mentor.user = make_user("daniel@example.org")
    mentee.save()
    mentor.save()
    for someone in (mentee, mentor):
        enrol(program, someone)
    return mentee, mentor


def test_confirming_takes_the_lowest_free_place_of_the_mentor(home, program):
    mentor = person(home, "mentor", capacity=2)
    first, second, third = (person(home, "mentee") for _ in range(3))
    a = services.mentorship_confirm(actor=home.staff, proposal=accepted(program, first, mentor))
    b = services.mentorship_confirm(actor=home.staff, proposal=accepted(program, second, mentor))
    assert (a.mentor_slot, b.mentor_slot) == (1, 2)
    with pytest.raises(services.MentorFullError, match="no room left"):
        services.mentorship_confirm(actor=home.staff, proposal=accepted(program, third, mentor))
    # A place freed by a mentorship that ended is taken again.
    a.status = MentorshipStatus.COMPLETED
    a.save(update_fields=["status"])
    again = services.mentorship_confirm(
        actor=home.staff, proposal=accepted(program, person(home, "mentee"), mentor)
    )
    assert again.mentor_slot == 1


def test_a_full_mentor_gives_a_message_not_a_server_error(home, program, client, no_mfa):
    mentor = person(home, "mentor", capacity=1)
    services.mentorship_confirm(
        actor=home.staff, proposal=accepted(program, person(home, "mentee"), mentor)
    )
    late = accepted(program, person(home, "mentee"), mentor)
    client.force_login(home.staff)
    response = client.post(reverse("matching:proposal_confirm", args=[late.pk]), follow=True)
    assert response.status_code == 200
    assert "This mentor has no room left" in response.content.decode()


def test_the_database_refuses_a_second_active_mentorship_on_one_place(home, program):
    from django.db import IntegrityError, transaction

    mentor = person(home, "mentor", capacity=1)
    services.mentorship_confirm(
        actor=home.staff, proposal=accepted(program, person(home, "mentee"), mentor)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(
            program=program,
            mentor=mentor,
            mentee=person(home, "mentee"),
            mentor_slot=1,
            mentor_capacity=1,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(
            program=program,
            mentor=mentor,
            mentee=person(home, "mentee"),
            mentor_slot=2,
            mentor_capacity=1,
        )


def test_a_mentee_never_has_two_active_mentorships_in_one_program(home, program):
    mentee = person(home, "mentee")
    services.mentorship_confirm(
        actor=home.staff, proposal=accepted(program, mentee, person(home, "mentor"))
    )
    second = proposal(program, mentee, person(home, "mentor"), status=ProposalStatus.ACCEPTED)
    with pytest.raises(services.MentorshipError, match="already has an active mentorship"):
        services.mentorship_confirm(actor=home.staff, proposal=second)


def test_the_introduction_meeting_sends_an_ics_invitation_in_each_language(
    home, program, pair, django_capture_on_commit_callbacks
):
    mentee, mentor = pair
    mentorship = services.mentorship_confirm(
        actor=home.staff, proposal=accepted(program, mentee, mentor)
    )
    starts = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_schedule(
            actor=home.staff,
            mentorship=mentorship,
            starts_at=starts,
            duration_minutes=45,
            mode="virtual",
            link="https://meet.example.org/abc",
        )
    from django_tasks_db.models import DBTaskResult

    payloads = [
        r.args_kwargs["args"][0]
        for r in DBTaskResult.objects.filter(task_path__endswith="deliver_mail")
    ]
    invitations = {p["to"][0]: p for p in payloads if p.get("attachments")}
    assert set(invitations) == {mentee.email, mentor.email, home.staff.email}
    french = invitations[mentee.email]["attachments"][0]
    # Named in each recipient's language, as the download is.
    assert french[0] == "rencontre-de-presentation.ics" and french[2] == "text/calendar"
    assert invitations[mentor.email]["attachments"][0][0] == "introduction-meeting.ics"
    event = Calendar.from_ical(french[1]).walk("VEVENT")[0]
    assert str(event["summary"]).startswith("Rencontre de présentation")
    assert str(event["uid"]) == f"{meeting.uid}@tandem"
    assert event["dtstart"].dt == starts.replace(microsecond=0) or event["dtstart"].dt == starts
    english = Calendar.from_ical(invitations[mentor.email]["attachments"][0][1])
    assert str(english.walk("VEVENT")[0]["summary"]).startswith("Introduction meeting")
    # Moving the meeting keeps the event and raises its sequence.
    moved = services.meeting_schedule(
        actor=home.staff,
        mentorship=mentorship,
        starts_at=starts + timedelta(days=1),
        duration_minutes=45,
        mode="phone",
        phone="613-555-0100",
    )
    assert moved.uid == meeting.uid and moved.sequence == 1


def test_the_agreement_starts_the_mentorship_once_both_acknowledge(
    home, program, pair, client, no_mfa
):
    mentee, mentor = pair
    mentorship = services.mentorship_confirm(
        actor=home.staff, proposal=accepted(program, mentee, mentor)
    )
    client.force_login(home.staff)
    url = reverse("mentorships:detail", args=[mentorship.pk])
    client.post(
        url,
        {
            "action": "schedule",
            "starts_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 45,
            "mode": "in_person",
            "place": "Capital Welcome Centre, 200 Elgin",
        },
    )
    client.post(url, {"action": "record", "proceed": "yes", "notes": "Good start"})
    page = client.get(url)
    form = page.context["agreement_form"]
    assert form.initial["minutes_per_week"] == 60
    assert (form.initial["expected_end_on"] - form.initial["starts_on"]).days == 13 * 7
    data = {
        "action": "agreement",
        "starts_on": form.initial["starts_on"].isoformat(),
        "expected_end_on": form.initial["expected_end_on"].isoformat(),
        "minutes_per_week": 60,
        "hours_target": "",
        "goals": "Land an engineering role",
        "confidentiality": form.initial["confidentiality"],
    }
    assert client.post(url, data).status_code == 302
    for user in (mentee.user, mentor.user):
        mentorship.refresh_from_db()
        assert mentorship.status == MentorshipStatus.INTRODUCTION
        client.force_login(user)
        assert "I have read the agreement" in client.get(url).content.decode() or (
            "J’ai lu" in client.get(url).content.decode()
        )
        client.post(url, {"action": "acknowledge"})
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert mentorship.started_on == form.initial["starts_on"]
    # The mentor and the mentee cannot use the staff's actions.
    assert client.post(url, {"action": "record", "proceed": "no"}).status_code == 404
    ics = client.get(reverse("mentorships:meeting_ics", args=[mentorship.pk]))
    assert ics["Content-Type"].startswith("text/calendar")


def test_a_meeting_that_does_not_go_on_frees_the_mentors_place(home, program, pair):
    mentee, mentor = pair
    mentorship = services.mentorship_confirm(
        actor=home.staff, proposal=accepted(program, mentee, mentor)
    )
    services.meeting_schedule(
        actor=home.staff,
        mentorship=mentorship,
        starts_at=timezone.now(),
        duration_minutes=30,
        mode="phone",
        phone="613-555-0100",
    )
    services.meeting_record(actor=home.staff, mentorship=mentorship, proceed=False)
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.CANCELLED
    again = services.mentorship_confirm(
        actor=home.staff, proposal=accepted(program, person(home, "mentee"), mentor)
    )
    assert again.mentor_slot == 1
