"""Groups, sessions and peer mentors for tests, built through the services where it matters."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tandem.circles.models import Circle, CircleSession, PeerConversation, PeerMentor, PeerStatus
from tandem.circles.services.groups import circle_create
from tandem.circles.services.members import circle_member_add
from tandem.circles.services.sessions import circle_session_add
from tandem.core.tests.cast import Side, occupation
from tandem.matching.tests.factories import enrol, person, program_for
from tandem.outcomes.models import EmploymentOutcome
from tandem.participants.models import Participant
from tandem.programs.models import Program


def group_program(side: Side, kind: str = "group") -> Program:
    return program_for(side, kind=kind)


def make_circle(side: Side, program: Program | None = None, **fields: Any) -> Circle:
    program = program or group_program(side)
    defaults: dict[str, Any] = {
        "name_en": "Software group",
        "name_fr": "Groupe logiciel",
        "occupation": occupation("212"),  # NOC: professional occupations in engineering
        "language": "en",
        "mode": "in_person",
        "place": "Room 3",
        "mentee_capacity": 10,
        "mentor_capacity": 3,
    }
    return circle_create(actor=side.staff, program=program, **{**defaults, **fields})


def waiting_mentee(side: Side, pool: Program, *, days: int = 3, **fields: Any) -> Participant:
    mentee = person(side, "mentee", **fields)
    enrol(pool, mentee, days_waiting=days)
    return mentee


def session_at(circle: Circle, side: Side, *, days: float = 2, minutes: int = 90) -> CircleSession:
    return circle_session_add(
        actor=side.staff,
        circle=circle,
        starts_at=timezone.now() + timedelta(days=days),
        duration_minutes=minutes,
        topic_en="Résumés",
        topic_fr="Les CV",
    )


def move_to_past(session: CircleSession, *, days: int = 1) -> CircleSession:
    """A session that took place: the service refuses to schedule one in the past."""
    event = session.event
    length = event.ends_at - event.starts_at
    event.starts_at = timezone.now() - timedelta(days=days)
    event.ends_at = event.starts_at + length
    event.save(update_fields=["starts_at", "ends_at"])
    return session


def alumnus(side: Side, status: str = "employed_in_field", **fields: Any) -> Participant:
    someone = person(side, "mentee", **fields)
    EmploymentOutcome.objects.create(
        participant=someone, source="staff", status=status, recorded_at=timezone.now()
    )
    return someone


def outsider_circle_records(side: Side) -> dict[str, Any]:
    """A group of `side` with its mentee (who has an account) as member, a past session and a
    peer mentor; made once per side."""
    cached = getattr(side, "_circles", None)
    if cached is not None:
        return cached
    circle = make_circle(side)
    member = circle_member_add(
        actor=side.staff, circle=circle, participant=side.mentee, role="mentee"
    )
    session = move_to_past(session_at(circle, side))
    peer_program = group_program(side, kind="peer")
    peer = PeerMentor.objects.create(
        program=peer_program, participant=alumnus(side), status=PeerStatus.INVITED
    )
    conversation = PeerConversation.objects.create(peer=peer, mentee=side.mentee, conversations=1)
    records = {
        "circle": circle,
        "member": member,
        "session": session,
        "peer": peer,
        "conversation": conversation,
    }
    side._circles = records  # type: ignore[attr-defined]
    return records
