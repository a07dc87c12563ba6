"""Answers staff record on a person's behalf, and the person's own status page."""

from datetime import timedelta

from django.utils import timezone

from tandem.matching.models import Answer, ProposalStatus
from tandem.matching.tests.factories import enrol, person, program_for, proposal
from tandem.mentorships.models import Agreement, IntroductionMeeting, Mentorship, MentorshipStatus
from tandem.participants.models import OnBehalf


def _published(home):
    program = program_for(home, slug="cmp")
    mentee, mentor = person(home, "mentee"), person(home, "mentor")
    enrol(program, mentee)
    enrol(program, mentor)
    return proposal(
        program,
        mentee,
        mentor,
        status=ProposalStatus.PUBLISHED,
        published_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=10),
    )


def test_staff_record_a_phone_answer_and_the_proposal_says_so(client, home, elsewhere, no_mfa):
    published = _published(home)
    url = f"/en/mentoring/person/{published.mentor_id}/on-behalf/"
    client.force_login(elsewhere.staff)
    assert client.get(url).status_code == 404
    client.force_login(home.staff)
    response = client.post(
        url,
        {
            "action": "answer",
            "target": published.pk,
            f"p{published.pk}-answer": Answer.DECLINED,
            f"p{published.pk}-channel": "phone",
        },
    )
    assert "needed when they decline" in response.content.decode() or response.status_code == 200
    published.refresh_from_db()
    assert published.mentor_answer == ""  # a decline without its reason is refused
    response = client.post(
        url,
        {
            "action": "answer",
            "target": published.pk,
            f"p{published.pk}-answer": Answer.ACCEPTED,
            f"p{published.pk}-channel": "phone",
        },
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.mentor_answer == Answer.ACCEPTED
    note = OnBehalf.objects.get()
    assert note.recorded_by == home.staff and note.participant_id == published.mentor_id
    page = client.get(f"/en/matching/proposals/{published.pk}/").content.decode()
    assert "recorded by" in page and "on their behalf, by phone, on" in page


def test_staff_record_an_acknowledgement_that_starts_the_mentorship(client, home, no_mfa):
    published = _published(home)
    mentorship = Mentorship.objects.create(
        program=published.program,
        mentor=published.mentor,
        mentee=published.mentee,
        proposal=published,
        mentor_slot=1,
        mentor_capacity=1,
    )
    IntroductionMeeting.objects.create(
        mentorship=mentorship,
        starts_at=timezone.now(),
        held_at=timezone.now(),
        mode="virtual",
    )
    Agreement.objects.create(
        mentorship=mentorship,
        starts_on=timezone.localdate(),
        expected_end_on=timezone.localdate() + timedelta(days=90),
        goals="Goals",
        confidentiality="Kept",
    )
    client.force_login(home.staff)
    for someone in (mentorship.mentee_id, mentorship.mentor_id):
        response = client.post(
            f"/fr/mentoring/person/{someone}/on-behalf/",
            {
                "action": "acknowledge",
                "target": mentorship.pk,
                f"a{mentorship.pk}-channel": "paper",
            },
        )
        assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE
    page = client.get(f"/fr/mentorships/{mentorship.pk}/").content.decode()
    assert page.count("on their behalf") + page.count("en son nom") == 2


def test_a_person_sees_their_own_status_and_nobody_elses(client, home, elsewhere):
    published = _published(home)
    published.mentee.user = home.mentee_user
    published.mentee.save(update_fields=["user"])
    client.force_login(home.mentee_user)
    page = client.get("/en/outcomes/me/").content.decode()
    assert published.program.name in page and "Waiting for answers" in page
    assert f"/matching/proposals/{published.pk}/" in page
    client.force_login(elsewhere.mentee_user)
    assert (
        f"/matching/proposals/{published.pk}/"
        not in client.get("/fr/outcomes/me/").content.decode()
    )
