"""The pages of groups and peer mentors through the HTTP client, each with its outsider."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tandem.circles.models import Circle, CircleMember, PeerMentor, SessionFeedback
from tandem.circles.services.members import circle_member_add
from tandem.circles.services.peers import (
    peer_answer,
    peer_brief,
    peer_conversation_propose,
    peer_invite,
)
from tandem.circles.services.sessions import session_feedback_submit
from tandem.circles.tests.factories import (
    alumnus,
    group_program,
    make_circle,
    move_to_past,
    session_at,
    waiting_mentee,
)
from tandem.core.tests.cast import make_member, make_organization, make_user
from tandem.organizations.models import Membership, Partnership, PartnershipKind, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client: Client, home, no_mfa) -> Client:
    client.force_login(home.staff)
    return client


def test_staff_create_a_group_and_bad_input_is_explained(staff: Client, home):
    program = group_program(home)
    url = f"/en/groups/program/{program.pk}/new/"
    fields = {
        "name_en": "Engineers",
        "name_fr": "Ingénierie",
        "language": "en",
        "mode": "virtual",
        "mentee_capacity": "10",
        "mentor_capacity": "3",
    }
    page = staff.post(url, fields).content.decode()
    assert "Give the group&#x27;s occupation group, its industry or both." in page
    assert "A virtual group needs a link." in page
    assert not Circle.objects.exists()
    fields |= {"occupation_code": "212", "link": "https://meet.example.org/g"}
    from tandem.core.tests.cast import occupation

    occupation("212")
    response = staff.post(url, fields)
    circle = Circle.objects.get()
    assert response["Location"] == f"/en/groups/{circle.pk}/"
    assert "Engineers" in staff.get(f"/en/groups/program/{program.pk}/").content.decode()


def test_staff_form_a_group_from_suggestions_and_take_attendance(staff: Client, home, pool):
    circle = make_circle(home, mentee_capacity=1)
    first = waiting_mentee(home, pool, days=20, given_name="Amina")
    second = waiting_mentee(home, pool, days=10, given_name="Bruno")
    page = staff.get(f"/en/groups/{circle.pk}/").content.decode()
    assert page.index("Amina") < page.index("Bruno")  # waiting longest first
    assert "waiting for 20 days" in page
    response = staff.post(
        f"/en/groups/{circle.pk}/members/",
        {"role": "mentee", "people": [first.pk, second.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 person added" in page
    assert "This group is full: all 1 places for mentees are taken." in page
    assert CircleMember.objects.get(circle=circle).participant == first

    past = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page = staff.post(
        f"/en/groups/{circle.pk}/sessions/new/", {"starts_at": past, "duration_minutes": "90"}
    ).content.decode()
    assert "A session is scheduled in the future: this date has passed." in page
    session = move_to_past(session_at(circle, home))
    response = staff.post(f"/en/groups/sessions/{session.pk}/", {"present": [first.pk]})
    assert response.status_code == 302
    assert session.event.participations.get(participant=first).attended is True


def test_a_member_sees_the_next_session_names_with_consent_and_answers_feedback(
    client: Client, home, pool, no_mfa
):
    circle = make_circle(home)
    other = waiting_mentee(home, pool, given_name="Zora")
    for person in (home.mentee, other):
        circle_member_add(actor=home.staff, circle=circle, participant=person, role="mentee")
    past = move_to_past(session_at(circle, home))
    session_at(circle, home, days=5)
    client.force_login(home.mentee_user)
    page = client.get(f"/en/groups/{circle.pk}/").content.decode()
    assert "Zora" not in page and "A member who keeps their name private" in page
    assert "Staff notes" not in page
    CircleMember.objects.filter(participant=other).update(shows_name=True)
    assert "Zora" in client.get(f"/en/groups/{circle.pk}/").content.decode()
    response = client.post(
        f"/en/groups/sessions/{past.pk}/feedback/", {"usefulness": "very", "topics": "Interviews"}
    )
    assert response.status_code == 302
    assert SessionFeedback.objects.get().topics == "Interviews"
    # Members neither take attendance nor read the staff's pages.
    assert client.get(f"/en/groups/sessions/{past.pk}/").status_code == 404


def test_a_partners_coordinator_runs_the_group_while_a_member_of_the_partner(
    client: Client, home, no_mfa
):
    network = make_organization("pins-network")
    Partnership.objects.create(
        organization=home.organization, partner=network, kind=PartnershipKind.PROGRAM_DELIVERY
    )
    coordinator = make_member(network, Role.NETWORK_LEADER, email="coord@example.org")
    circle = make_circle(home, run_by=network, coordinator=coordinator)
    client.force_login(coordinator)
    assert client.get(f"/en/groups/{circle.pk}/sessions/new/").status_code == 200
    Membership.objects.filter(user=coordinator).update(is_active=False)
    assert client.get(f"/en/groups/{circle.pk}/").status_code == 404


def test_outsiders_get_404_everywhere(client: Client, home, elsewhere, no_mfa):
    circle = make_circle(home)
    client.force_login(elsewhere.staff)
    for url in (f"/en/groups/{circle.pk}/", f"/en/groups/program/{circle.program_id}/"):
        assert client.get(url).status_code == 404
    stranger = make_user("stranger@example.org")
    client.force_login(stranger)
    assert client.get(f"/en/groups/{circle.pk}/").status_code == 404


def test_an_alumnus_accepts_to_be_a_peer_mentor_from_their_page(client: Client, home, no_mfa):
    program = group_program(home, kind="peer")
    user = make_user("alum@example.org", language="fr")
    someone = alumnus(home, user=user, preferred_language="fr")
    client.force_login(home.staff)
    page = client.get(f"/en/groups/program/{program.pk}/peers/").content.decode()
    assert someone.full_name in page
    client.post(f"/en/groups/program/{program.pk}/peers/", {"people": [someone.pk]})
    peer = PeerMentor.objects.get()
    client.force_login(user)
    page = client.get(f"/fr/groups/peers/{peer.pk}/").content.decode()
    assert "Aimeriez-vous devenir mentor pair?" in page
    client.post(f"/fr/groups/peers/{peer.pk}/", {"action": "accept"})
    peer.refresh_from_db()
    assert peer.status == "accepted"


def test_the_programs_figures_hide_small_counts(staff: Client, home, pool, settings):
    settings.TANDEM_SMALL_CELL_THRESHOLD = 5
    circle = make_circle(home)
    for _ in range(2):
        circle_member_add(
            actor=home.staff, circle=circle, participant=waiting_mentee(home, pool), role="mentee"
        )
    move_to_past(session_at(circle, home))
    from tandem.circles.figures import program_figures

    figures = program_figures(circle.program)
    assert (figures.groups_run, figures.sessions_held) == (1, 1)
    assert figures.mentees_served is None  # 2 people: below the threshold
    settings.TANDEM_SMALL_CELL_THRESHOLD = 2
    assert program_figures(circle.program).mentees_served == 2
    page = staff.get(f"/en/groups/program/{circle.program_id}/").content.decode()
    assert "Mentees served while waiting for a match" in page


def test_the_home_page_shows_the_next_session_the_feedback_due_and_the_groups_run(
    client: Client, home, pool, no_mfa
):
    circle = make_circle(home)
    circle_member_add(actor=home.staff, circle=circle, participant=home.mentee, role="mentee")
    past = move_to_past(session_at(circle, home))
    client.force_login(home.mentee_user)
    page = client.get("/en/").content.decode()
    assert "Software group" in page
    assert f"/en/groups/sessions/{past.pk}/feedback/" in page
    client.force_login(home.staff)
    assert "Groups you run" in client.get("/en/").content.decode()


def test_staff_find_and_add_someone_the_suggestions_left_out(staff: Client, home, pool):
    circle = make_circle(home)
    physician = waiting_mentee(home, pool, noc="31102", given_name="Noor")
    page = staff.get(f"/en/groups/{circle.pk}/").content.decode()
    assert "Noor" not in page  # another field: not suggested
    page = staff.get(f"/en/groups/{circle.pk}/?q=noor").content.decode()
    assert f'value="{physician.pk}"' in page
    staff.post(f"/en/groups/{circle.pk}/members/", {"role": "mentee", "people": [physician.pk]})
    assert CircleMember.objects.filter(circle=circle, participant=physician).exists()


def test_staff_move_and_cancel_a_session_end_the_group_and_read_the_feedback(
    staff: Client, home, pool
):
    circle = make_circle(home)
    mentee = waiting_mentee(home, pool, given_name="Amina")
    circle_member_add(actor=home.staff, circle=circle, participant=mentee, role="mentee")
    held = move_to_past(session_at(circle, home, days=1), days=3)
    session_feedback_submit(
        actor=home.staff, session=held, participant=mentee, usefulness="very", topics="Networking"
    )
    coming = session_at(circle, home, days=4)
    page = staff.get(f"/en/groups/sessions/{held.pk}/").content.decode()
    assert "1 answer." in page and "Networking" in page
    assert "Change the date, time or topic" not in page  # it took place
    assert "Networking" in staff.get(f"/en/groups/{circle.pk}/").content.decode()

    edit = f"/en/groups/sessions/{coming.pk}/edit/"
    assert staff.get(edit).status_code == 200
    past = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page = staff.post(edit, {"starts_at": past, "duration_minutes": "60"}).content.decode()
    assert "A session is scheduled in the future: this date has passed." in page
    later = timezone.localtime(coming.event.starts_at + timedelta(days=1))
    response = staff.post(
        edit, {"starts_at": later.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "60"}
    )
    assert response.status_code == 302
    coming.event.refresh_from_db()
    assert coming.event.starts_at == later.replace(second=0, microsecond=0)

    response = staff.post(f"/en/groups/sessions/{coming.pk}/cancel/", follow=True)
    assert "The session was cancelled" in response.content.decode()
    coming.event.refresh_from_db()
    assert coming.event.cancelled_at is not None

    response = staff.post(f"/en/groups/{circle.pk}/end/", {}, follow=True)
    assert "Tick the box to confirm" in response.content.decode()
    response = staff.post(f"/en/groups/{circle.pk}/end/", {"confirm": "yes"}, follow=True)
    page = response.content.decode()
    assert "This group ended on" in page and "Schedule a session" not in page
    # Members cannot do any of it.
    member = Client()
    member.force_login(home.mentee_user)
    for url in (edit, f"/en/groups/sessions/{held.pk}/cancel/", f"/en/groups/{circle.pk}/end/"):
        assert member.post(url, {"confirm": "yes"}).status_code == 404


def test_staff_record_the_conversations_held_with_a_peer_mentor(staff: Client, home, pool):
    program = group_program(home, kind="peer")
    peer = peer_invite(actor=home.staff, program=program, participant=alumnus(home))
    peer = peer_answer(actor=home.staff, peer=peer, accept=True)
    peer = peer_brief(actor=home.staff, peer=peer)
    seeker = waiting_mentee(home, pool, given_name="Bruno")
    conversation = peer_conversation_propose(
        actor=home.staff, peer=peer, mentee=seeker, conversations=1
    )
    url = f"/en/groups/peers/conversations/{conversation.pk}/"
    page = staff.post(url, {"held": "2"}, follow=True).content.decode()
    assert "1 conversation was planned: record at most that many." in page
    assert (
        "Choose how many conversations were held."
        in staff.post(url, {"held": "x"}, follow=True).content.decode()
    )
    page = staff.post(url, {"held": "1"}, follow=True).content.decode()
    assert "What took place was recorded." in page
    conversation.refresh_from_db()
    assert (conversation.status, conversation.held) == ("held", 1)


def test_the_session_page_reads_the_invitations_once_and_ticks_only_this_sessions_attendance(
    staff: Client, home, pool, django_assert_num_queries
):
    """The page read the invitations twice (the attendance already taken, then again for the
    view log), and the first read matched a person who attended any other event."""
    circle = make_circle(home)
    people = [waiting_mentee(home, pool, given_name=name) for name in ("Amina", "Bruno", "Chen")]
    for someone in people:
        circle_member_add(actor=home.staff, circle=circle, participant=someone, role="mentee")
    earlier = move_to_past(session_at(circle, home, days=1), days=8)
    staff.post(f"/en/groups/sessions/{earlier.pk}/", {"present": [p.pk for p in people]})
    held = move_to_past(session_at(circle, home, days=2), days=1)
    staff.post(f"/en/groups/sessions/{held.pk}/", {"present": [people[0].pk]})
    url = f"/en/groups/sessions/{held.pk}/"
    staff.get(url)  # the view log's first entries are written once
    with django_assert_num_queries(14) as captured:
        page = staff.get(url).content.decode()
    reads = [
        q["sql"] for q in captured.captured_queries if 'FROM "events_participation"' in q["sql"]
    ]
    assert len(reads) == 1, reads
    ticked = re.findall(r'<input type="checkbox" name="present" value="(\d+)"[^>]*checked', page)
    assert ticked == [str(people[0].pk)]
