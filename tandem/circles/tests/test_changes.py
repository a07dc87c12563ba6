"""What staff change after a group is formed: a session moved or cancelled (each guest told in
their language, the calendar entry updated or removed), a group ended, and the short
conversations with a peer mentor recorded and counted."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tandem.circles import selectors
from tandem.circles.figures import figures_for
from tandem.circles.models import CircleSession, ConversationStatus
from tandem.circles.services.base import CircleError
from tandem.circles.services.groups import circle_end
from tandem.circles.services.members import circle_member_add
from tandem.circles.services.peers import (
    peer_answer,
    peer_brief,
    peer_conversation_propose,
    peer_conversation_record,
    peer_invite,
)
from tandem.circles.services.sessions import (
    circle_attendance_record,
    circle_session_add,
    circle_session_cancel,
    circle_session_update,
    session_feedback_submit,
)
from tandem.circles.tests.factories import (
    alumnus,
    group_program,
    make_circle,
    move_to_past,
    session_at,
    waiting_mentee,
)
from tandem.events.models import Participation
from tandem.programs.models import Enrolment, Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(home, pool):
    """A group with a French-speaking and an English-speaking mentee and a session to come."""
    circle = make_circle(home)
    french = waiting_mentee(home, pool, preferred_language="fr")
    english = waiting_mentee(home, pool)
    for mentee in (french, english):
        circle_member_add(actor=home.staff, circle=circle, participant=mentee, role="mentee")
    return circle, french, english, session_at(circle, home, days=3)


def _mail_to(person):
    found = [m for m in mail.outbox if m.to == [person.email]]
    assert len(found) == 1, [m.subject for m in mail.outbox]
    return found[0]


def test_a_moved_session_reaches_each_guest_in_their_language_as_the_same_calendar_entry(
    home, group, immediate_tasks, django_capture_on_commit_callbacks
):
    circle, french, english, session = group
    later = session.event.starts_at + timedelta(days=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        circle_session_update(
            actor=home.staff,
            session=session,
            starts_at=later,
            duration_minutes=60,
            topic_en="Interviews",
            topic_fr="Les entrevues",
        )
    session.refresh_from_db()
    assert session.event.starts_at == later
    assert session.event.ends_at == later + timedelta(minutes=60)
    assert session.revision == 1
    to_french = _mail_to(french)
    assert to_french.subject.startswith("Modifié\u00a0: Groupe logiciel")
    _name, ics, _type = to_french.attachments[0]
    assert f"UID:event-{session.event_id}@tandem" in ics
    assert "SEQUENCE:1" in ics and "METHOD:PUBLISH" in ics
    assert "DESCRIPTION:Les entrevues" in ics
    assert _mail_to(english).subject.startswith("Changed: Software group: session 1")


def test_a_cancelled_session_is_removed_from_calendars_and_no_longer_counts(
    home, pool, group, immediate_tasks, django_capture_on_commit_callbacks
):
    circle, french, english, session = group
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        circle_session_cancel(actor=home.staff, session=session)
    assert len(mail.outbox) == 2  # the group's own words, not the events app's as well
    to_french = _mail_to(french)
    assert to_french.subject.startswith("Annulé\u00a0: Groupe logiciel")
    _name, ics, _type = to_french.attachments[0]
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics and "SEQUENCE:1" in ics
    assert _mail_to(english).subject.startswith("Cancelled: Software group: session 1")
    # Its hour is free again for the members, and it is not "the next session".
    other = make_circle(home, name_en="Other")
    circle_member_add(actor=home.staff, circle=other, participant=french, role="mentee")
    circle_session_add(
        actor=home.staff,
        circle=other,
        starts_at=session.event.starts_at,
        duration_minutes=60,
    )
    assert selectors.next_session(circle) is None
    with pytest.raises(CircleError, match="cancelled"):
        circle_session_cancel(actor=home.staff, session=session)
    session = move_to_past(CircleSession.objects.get(pk=session.pk))
    with pytest.raises(CircleError, match="cancelled"):
        circle_attendance_record(actor=home.staff, session=session, present=[french])
    figures = figures_for(Program.objects.filter(pk=circle.program_id), limit=1)
    assert figures.sessions_held == 0


def test_a_session_that_took_place_cannot_be_moved_or_cancelled_and_a_move_keeps_the_rules(
    home, pool, group
):
    circle, french, _english, session = group
    with pytest.raises(CircleError, match="this date has passed"):
        circle_session_update(
            actor=home.staff,
            session=session,
            starts_at=timezone.now() - timedelta(hours=1),
            duration_minutes=60,
        )
    other = make_circle(home, name_en="Evening group")
    circle_member_add(actor=home.staff, circle=other, participant=french, role="mentee")
    busy = session_at(other, home, days=6)
    with pytest.raises(CircleError, match="Evening group, which meets at the same hour"):
        circle_session_update(
            actor=home.staff,
            session=session,
            starts_at=busy.event.starts_at,
            duration_minutes=60,
        )
    move_to_past(session)
    for change in (
        lambda: circle_session_cancel(actor=home.staff, session=session),
        lambda: circle_session_update(
            actor=home.staff,
            session=session,
            starts_at=timezone.now() + timedelta(days=2),
            duration_minutes=60,
        ),
    ):
        with pytest.raises(CircleError, match="has started"):
            change()


def test_ending_a_group_cancels_its_sessions_to_come_and_tells_every_member(
    home, pool, group, immediate_tasks, django_capture_on_commit_callbacks
):
    circle, french, english, session = group
    held = move_to_past(session_at(circle, home, days=1), days=2)
    circle_attendance_record(actor=home.staff, session=held, present=[french])
    waiting_since = Enrolment.objects.get(participant=french).ready_at
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        circle_end(actor=home.staff, circle=circle)
    circle.refresh_from_db()
    session.event.refresh_from_db()
    assert circle.ended_at is not None
    assert session.event.cancelled_at is not None
    assert held.event.cancelled_at is None  # what took place stays
    subjects = sorted(m.subject for m in mail.outbox if m.to == [french.email])
    assert subjects[0].startswith("Annulé\u00a0: Groupe logiciel")
    assert subjects[1] == "Le groupe Groupe logiciel est terminé"
    # She keeps her place and waiting time in the one-to-one pool; the session she came to
    # still counts.
    assert Enrolment.objects.get(participant=french).ready_at == waiting_since
    assert Participation.objects.get(event=held.event, participant=french).attended
    with pytest.raises(CircleError, match="has ended"):
        circle_member_add(
            actor=home.staff, circle=circle, participant=waiting_mentee(home, pool), role="mentee"
        )
    with pytest.raises(CircleError, match="has ended"):
        session_at(circle, home)
    figures = figures_for(Program.objects.filter(pk=circle.program_id), limit=1)
    assert (figures.groups_run, figures.sessions_held) == (1, 1)


def test_conversations_held_with_a_peer_mentor_are_recorded_and_counted(home, pool):
    peers = group_program(home, kind="peer")
    peer = peer_invite(actor=home.staff, program=peers, participant=alumnus(home))
    peer_answer(actor=home.staff, peer=peer, accept=True)
    peer.refresh_from_db()
    peer_brief(actor=home.staff, peer=peer)
    seekers = [waiting_mentee(home, pool) for _ in range(3)]
    conversations = [
        peer_conversation_propose(actor=home.staff, peer=peer, mentee=seeker, conversations=2)
        for seeker in seekers
    ]
    with pytest.raises(CircleError, match="2 conversations were planned"):
        peer_conversation_record(actor=home.staff, conversation=conversations[0], held=3)
    peer_conversation_record(actor=home.staff, conversation=conversations[0], held=2)
    peer_conversation_record(actor=home.staff, conversation=conversations[1], held=1)
    peer_conversation_record(actor=home.staff, conversation=conversations[2], held=0)
    statuses = [c.status for c in peer.conversations.order_by("pk")]
    assert statuses == [ConversationStatus.HELD, ConversationStatus.HELD, "cancelled"]
    programs = Program.objects.filter(pk=peers.pk)
    assert figures_for(programs, limit=1).met_a_peer == 2
    assert figures_for(programs, limit=5).met_a_peer is None  # 2 people: withheld
    assert figures_for(programs, limit=1, start=timezone.now() + timedelta(days=1)).met_a_peer == 0


def test_the_feedback_summary_counts_answers_by_usefulness_and_lists_topics(home, pool, group):
    circle, french, english, session = group
    move_to_past(session)
    session_feedback_submit(
        actor=home.staff, session=session, participant=french, usefulness="very", topics="CV"
    )
    session_feedback_submit(
        actor=home.staff, session=session, participant=english, usefulness="not"
    )
    summary = selectors.circle_feedback_summary(circle)
    assert summary.answers == 2
    assert summary.by_usefulness == [
        ("Very useful", 1),
        ("Somewhat useful", 0),
        ("Not useful", 1),
    ]
    assert summary.topics == ["CV"]
