"""Groups and peer mentors through their services: suggestions, the rules a group keeps, sessions
with invitations in each person's language, attendance and feedback."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tandem.circles import selectors
from tandem.circles.models import CircleMember, PeerStatus
from tandem.circles.services.base import CircleError, CircleFullError
from tandem.circles.services.members import _free_seats, circle_member_add, circle_member_remove
from tandem.circles.services.peers import (
    peer_answer,
    peer_brief,
    peer_conversation_propose,
    peer_invite,
)
from tandem.circles.services.sessions import (
    circle_attendance_record,
    circle_session_add,
    circle_sessions_add,
    session_feedback_submit,
    weekly,
)
from tandem.circles.tests.factories import (
    alumnus,
    make_circle,
    move_to_past,
    session_at,
    waiting_mentee,
)
from tandem.events.models import Participation
from tandem.events.selectors import events_attended_count
from tandem.matching.models import ProposalStatus
from tandem.matching.pool import build_pool, engine_id, weight_profile
from tandem.matching.services.base import settings_for
from tandem.matching.tests.factories import person, proposal
from tandem.outcomes.models import ContactConsent
from tandem.programs.models import Enrolment

pytestmark = pytest.mark.django_db


def test_suggestions_are_the_mentees_waiting_longest_in_the_groups_field_and_language(home, pool):
    circle = make_circle(home)
    oldest = waiting_mentee(home, pool, days=40)
    newer = waiting_mentee(home, pool, days=5)
    waiting_mentee(home, pool, days=90, noc="31102")  # a physician: another field
    waiting_mentee(home, pool, days=90, languages="fr", preferred_language="fr")
    offered = waiting_mentee(home, pool, days=60)
    proposal(pool, offered, person(home, "mentor"), status=ProposalStatus.PUBLISHED)

    suggested = selectors.suggested_mentees(circle)

    assert [s.participant for s in suggested] == [oldest, newer]
    assert suggested[0].waiting_days == 40


def test_a_mentee_in_a_group_keeps_her_place_and_waiting_time_in_the_one_to_one_pool(home, pool):
    circle = make_circle(home)
    mentee = waiting_mentee(home, pool, days=30)
    before = Enrolment.objects.get(program=pool, participant=mentee).ready_at

    circle_member_add(actor=home.staff, circle=circle, participant=mentee, role="mentee")

    assert Enrolment.objects.get(program=pool, participant=mentee).ready_at == before
    desk = build_pool(pool, weights=weight_profile(settings_for(pool)))
    assert engine_id(mentee.pk, "mentee") in {p.external_id for p in desk.pool.mentees}
    assert selectors.suggested_mentees(make_circle(home, name_en="Other")) == []  # one group


def test_a_full_group_says_so_in_words(home, pool):
    circle = make_circle(home, mentee_capacity=1)
    circle_member_add(
        actor=home.staff, circle=circle, participant=waiting_mentee(home, pool), role="mentee"
    )
    with pytest.raises(CircleFullError, match="all 1 places for mentees are taken"):
        circle_member_add(
            actor=home.staff, circle=circle, participant=waiting_mentee(home, pool), role="mentee"
        )


def test_a_mentor_who_is_also_a_mentee_cannot_be_both_in_one_group(home, pool):
    circle = make_circle(home)
    mentee = waiting_mentee(home, pool)
    circle_member_add(actor=home.staff, circle=circle, participant=mentee, role="mentee")
    same_person = person(home, "mentor", email=mentee.email)
    with pytest.raises(CircleError, match="is a mentee in this group"):
        circle_member_add(actor=home.staff, circle=circle, participant=same_person, role="mentor")


def test_a_member_cannot_be_in_two_groups_at_the_same_hour(home, pool):
    first, second = make_circle(home), make_circle(home, name_en="Second")
    mentee = waiting_mentee(home, pool)
    circle_member_add(actor=home.staff, circle=first, participant=mentee, role="mentee")
    session_at(first, home, days=3)
    circle_member_add(actor=home.staff, circle=second, participant=mentee, role="mentee")
    with pytest.raises(CircleError, match="meets at the same hour"):
        session_at(second, home, days=3)
    session_at(second, home, days=4)  # another day is fine


def test_a_session_in_the_past_is_refused(home):
    circle = make_circle(home)
    with pytest.raises(CircleError, match="this date has passed"):
        circle_session_add(
            actor=home.staff,
            circle=circle,
            starts_at=timezone.now() - timedelta(hours=1),
            duration_minutes=60,
        )


def test_each_member_is_invited_in_their_language_with_a_calendar_file(
    home, pool, immediate_tasks, django_capture_on_commit_callbacks
):
    circle = make_circle(home)
    french = waiting_mentee(home, pool, preferred_language="fr")
    english = waiting_mentee(home, pool)
    for mentee in (french, english):
        circle_member_add(actor=home.staff, circle=circle, participant=mentee, role="mentee")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session_at(circle, home)
    by_person = {m.to[0]: m for m in mail.outbox}
    assert by_person[french.email].subject.startswith("Invitation\u00a0: Groupe logiciel")
    assert by_person[english.email].subject.startswith("Invitation: Software group: session 1")
    name, ics, mimetype = by_person[french.email].attachments[0]
    assert (name, mimetype) == ("seance-de-groupe.ics", "text/calendar")  # in her language
    assert by_person[english.email].attachments[0][0] == "group-session.ics"
    assert "SUMMARY:Groupe logiciel\u00a0: séance 1" in ics


def test_attendance_counts_as_events_attended_and_feedback_is_given_once(home, pool):
    circle = make_circle(home)
    came, missed = waiting_mentee(home, pool), waiting_mentee(home, pool)
    for mentee in (came, missed):
        circle_member_add(actor=home.staff, circle=circle, participant=mentee, role="mentee")
    session = move_to_past(session_at(circle, home))
    circle_attendance_record(actor=home.staff, session=session, present=[came])
    assert events_attended_count(participant=came) == 1
    assert Participation.objects.get(event=session.event, participant=missed).attended is False
    member = CircleMember.objects.get(circle=circle, participant=came)
    assert selectors.feedback_due(member) == [session]
    session_feedback_submit(
        actor=home.staff, session=session, participant=came, usefulness="very", topics="Networking"
    )
    assert selectors.feedback_due(member) == []
    with pytest.raises(CircleError, match="already answered"):
        session_feedback_submit(
            actor=home.staff, session=session, participant=came, usefulness="not"
        )


def test_a_member_who_leaves_keeps_nothing_of_the_coming_sessions(home, pool):
    circle = make_circle(home)
    mentee = waiting_mentee(home, pool)
    member = circle_member_add(actor=home.staff, circle=circle, participant=mentee, role="mentee")
    session = session_at(circle, home)
    circle_member_remove(actor=home.staff, member=member)
    assert not Participation.objects.get(event=session.event, participant=mentee).is_registered
    # Her seat is free again.
    assert _free_seats(circle.pk, "mentee", 10)[0] == 1


def test_alumni_employed_in_field_who_consented_are_proposed_as_peer_mentors(
    home, immediate_tasks, django_capture_on_commit_callbacks
):
    from tandem.circles.tests.factories import group_program

    peers = group_program(home, kind="peer")
    in_field = alumnus(home, preferred_language="fr")
    related = alumnus(home, status="employed_related")
    alumnus(home, status="other_job")
    withdrew = alumnus(home)
    ContactConsent.objects.create(participant=withdrew, withdrawn_at=timezone.now())

    assert set(selectors.alumni_candidates(peers)) == {in_field, related}
    with django_capture_on_commit_callbacks(execute=True):
        peer = peer_invite(actor=home.staff, program=peers, participant=in_field)
    assert mail.outbox[-1].to == [in_field.email]
    assert "expérience" in mail.outbox[-1].subject
    with pytest.raises(CircleError):
        peer_invite(actor=home.staff, program=peers, participant=withdrew)

    circle = make_circle(home, program=peers)
    with pytest.raises(CircleError, match="not a peer mentor of this program yet"):
        circle_member_add(actor=home.staff, circle=circle, participant=in_field, role="peer_mentor")
    peer = peer_answer(actor=home.staff, peer=peer, accept=True)
    peer = peer_brief(actor=home.staff, peer=peer)
    assert peer.status == PeerStatus.ACCEPTED
    assert [s.participant for s in selectors.suggested_mentors(circle)] == [in_field]
    circle_member_add(actor=home.staff, circle=circle, participant=in_field, role="peer_mentor")


def test_a_briefed_peer_mentor_is_proposed_for_one_or_two_conversations(home, pool):
    from tandem.circles.tests.factories import group_program

    peers = group_program(home, kind="peer")
    peer = peer_invite(actor=home.staff, program=peers, participant=alumnus(home))
    peer = peer_answer(actor=home.staff, peer=peer, accept=True)
    peer = peer_brief(actor=home.staff, peer=peer)
    mentee = waiting_mentee(home, pool)
    peer_conversation_propose(actor=home.staff, peer=peer, mentee=mentee, conversations=2)
    with pytest.raises(CircleError, match="already proposed"):
        peer_conversation_propose(actor=home.staff, peer=peer, mentee=mentee, conversations=1)


def test_a_group_belongs_to_a_group_or_peer_program(home, pool):
    with pytest.raises(CircleError, match="group mentoring or peer mentoring program"):
        make_circle(home, program=pool)


def test_the_figures_count_a_reports_period_and_who_was_matched_after_joining(home, pool):
    from tandem.circles.figures import figure_rows, figures_for
    from tandem.mentorships.models import Mentorship
    from tandem.programs.models import Program

    circle = make_circle(home)
    mentees = [waiting_mentee(home, pool) for _ in range(3)]
    for mentee in mentees:
        circle_member_add(actor=home.staff, circle=circle, participant=mentee, role="mentee")
    session = move_to_past(session_at(circle, home), days=10)
    circle_attendance_record(actor=home.staff, session=session, present=mentees[:2])
    mentor = person(home, "mentor")
    matched = Mentorship.objects.create(
        program=pool,
        mentor=mentor,
        mentee=mentees[0],
        proposal=proposal(pool, mentees[0], mentor, status=ProposalStatus.CONFIRMED),
        mentor_slot=1,
        mentor_capacity=1,
    )
    Mentorship.objects.filter(pk=matched.pk).update(
        confirmed_at=CircleMember.objects.get(participant=mentees[0]).joined_at + timedelta(days=6)
    )
    programs = Program.objects.filter(pk=circle.program_id)

    everything = figures_for(programs, limit=1)
    assert (everything.groups_run, everything.sessions_held) == (1, 1)
    assert everything.attendance_rate == 67  # 2 of the 3 expected
    assert (everything.mentees_served, everything.matched_after) == (3, 1)
    assert everything.days_to_match == 6
    last_week = figures_for(programs, limit=1, start=timezone.now() - timedelta(days=7))
    assert (last_week.groups_run, last_week.sessions_held) == (0, 0)
    labels = [label for label, _value, _kind in figure_rows(everything)]
    assert "Mentees served while waiting for a match" in labels


def test_weekly_sessions_keep_their_local_hour_across_the_change_of_time(home, pool):
    import datetime as dt
    from zoneinfo import ZoneInfo

    ottawa = ZoneInfo("America/Toronto")
    with timezone.override(ottawa):
        # Daylight saving time ends on 1 November 2026.
        first = dt.datetime(2026, 10, 27, 18, 0, tzinfo=ottawa)
        hours = [timezone.localtime(w).hour for w in weekly(first, 3)]
    assert hours == [18, 18, 18]


def test_a_series_of_weekly_sessions_is_all_or_none(home, pool):
    first, second = make_circle(home), make_circle(home, name_en="Second")
    mentee = waiting_mentee(home, pool)
    for circle in (first, second):
        circle_member_add(actor=home.staff, circle=circle, participant=mentee, role="mentee")
    session_at(first, home, days=15)  # the third week of the series below
    with pytest.raises(CircleError, match="meets at the same hour"):
        circle_sessions_add(
            actor=home.staff,
            circle=second,
            starts_at=timezone.now() + timedelta(days=1),
            duration_minutes=90,
            weeks=3,
        )
    assert not second.sessions.exists()
    made = circle_sessions_add(
        actor=home.staff,
        circle=second,
        starts_at=timezone.now() + timedelta(days=1, hours=3),
        duration_minutes=60,
        weeks=2,
    )
    assert [s.number for s in made] == [1, 2]
