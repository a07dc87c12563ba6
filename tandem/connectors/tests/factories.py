"""Connector programs, connectors, newcomers and meetings for tests and the URL walks."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tandem.connectors.models import (
    Connector,
    ConnectorMeeting,
    Introduction,
    JoinedVia,
    MeetingStatus,
)
from tandem.core.tests.cast import Side, make_participant, make_user
from tandem.organizations.models import Organization
from tandem.participants.models import Participant
from tandem.programs.models import Enrolment, Program, ProgramType


def connector_program(organization: Organization, slug: str = "") -> Program:
    return Program.objects.create(
        organization=organization,
        slug=slug or f"connect-{organization.slug}",
        kind=ProgramType.CONNECTOR,
        name_en=f"Connect {organization.slug}",
        name_fr=f"Connexion {organization.slug}",
        mentee_steps=[],
        mentor_steps=[],
    )


def make_connector(
    program: Program, *, email: str, with_account: bool = True, **fields: Any
) -> Connector:
    user = make_user(email) if with_account else None
    person = make_participant(program.organization, "mentor", email=email, user=user, **fields)
    Enrolment.objects.create(
        program=program, participant=person, side="mentor", ready_at=timezone.now()
    )
    return Connector.objects.create(
        program=program, participant=person, city="Ottawa", joined_via=JoinedVia.STAFF
    )


def make_newcomer(program: Program, person: Participant) -> Enrolment:
    return Enrolment.objects.create(
        program=program, participant=person, side="mentee", ready_at=timezone.now()
    )


def held_meeting(
    program: Program, newcomer: Participant, connector: Connector, **fields: Any
) -> ConnectorMeeting:
    defaults: dict[str, Any] = {
        "status": MeetingStatus.HELD,
        "starts_at": timezone.now() - timedelta(days=2),
        "held_on": timezone.localdate() - timedelta(days=2),
    }
    return ConnectorMeeting.objects.create(
        program=program, newcomer=newcomer, connector=connector, **{**defaults, **fields}
    )


def outsider_records(side: Side) -> dict[str, Any]:
    """A connector program of `side`'s organization with a connector, a newcomer (the side's
    mentee), a held meeting and an introduction to a second connector."""
    cached = getattr(side, "_connector_records", None)
    if cached is not None:
        return cached
    program = connector_program(side.organization)
    first = make_connector(program, email=f"connector.{side.organization.slug}@example.org")
    second = make_connector(
        program, email=f"connector2.{side.organization.slug}@example.org", with_account=False
    )
    enrolment = make_newcomer(program, side.mentee)
    meeting = held_meeting(program, side.mentee, first)
    introduction = Introduction.objects.create(
        meeting=meeting,
        made_by=first,
        newcomer=side.mentee,
        contact=second,
        contact_name=second.participant.full_name,
        contact_email=second.participant.email,
        reason="Works in the same field",
    )
    records = {
        "program": program,
        "connector": first,
        "newcomer": enrolment,
        "meeting": meeting,
        "introduction": introduction,
    }
    side._connector_records = records  # type: ignore[attr-defined]
    return records
