"""Who may see and do what in a connector program.

Program staff (`programs.access.programs_managed_by`, the one definition) run the program: its
connectors, newcomers, meetings and figures. A newcomer sees their own chain and meetings; a
connector sees the meetings they hold. Neither is granted the other's client record: a meeting
page shows only the names, the meeting and what each wrote on it.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from tandem.accounts.models import User
from tandem.connectors.models import Connector, ConnectorMeeting, Introduction
from tandem.core.access import Action, accepts, one_or_404
from tandem.organizations.access import networks_funded_by
from tandem.programs.access import programs_managed_by
from tandem.programs.models import Enrolment, Program, ProgramType, Side


def connector_programs_managed_by(user: User) -> QuerySet[Program]:
    return programs_managed_by(user).filter(kind=ProgramType.CONNECTOR)


@accepts(Action.MANAGE)
def access_connector_program(user: User, program_id: int, *, action: Action) -> Program:
    """A connector program this person runs (staff pages: connectors, invitations, figures)."""
    return one_or_404(
        connector_programs_managed_by(user).select_related("organization"), program_id
    )


def newcomers_of(program: Program) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(program=program, side=Side.MENTEE)


@dataclass(frozen=True)
class NewcomerAccess:
    enrolment: Enrolment
    is_self: bool  # the newcomer themself
    can_manage: bool  # the program's staff


@accepts(Action.VIEW, Action.TAKE_PART)
def access_newcomer(
    user: User, newcomer_id: int, *, action: Action = Action.VIEW
) -> NewcomerAccess:
    """A newcomer's enrolment in a connector program: `view` by the newcomer and the program's
    staff; `take_part` (ask for a meeting, follow up) by the same two."""
    enrolments = Enrolment.objects.filter(
        program__kind=ProgramType.CONNECTOR, side=Side.MENTEE
    ).filter(Q(participant__user=user) | Q(program__in=programs_managed_by(user)))
    found = one_or_404(
        enrolments.select_related("program", "program__organization", "participant"), newcomer_id
    )
    managed = programs_managed_by(user).filter(pk=found.program_id).exists()
    return NewcomerAccess(
        enrolment=found, is_self=found.participant.user_id == user.pk, can_manage=managed
    )


@dataclass(frozen=True)
class MeetingAccess:
    meeting: ConnectorMeeting
    side: str | None  # "newcomer" or "connector" when the person is one of the two
    can_manage: bool  # the program's staff


def meetings_visible_to(user: User) -> QuerySet[ConnectorMeeting]:
    return ConnectorMeeting.objects.filter(
        Q(newcomer__user=user)
        | Q(connector__participant__user=user)
        | Q(program__in=programs_managed_by(user))
    )


@accepts(Action.VIEW, Action.TAKE_PART)
def access_connector_meeting(
    user: User, meeting_id: int, *, action: Action = Action.VIEW
) -> MeetingAccess:
    """`view`: the newcomer, the connector and the program's staff; `take_part` (offer times,
    record the meeting, feedback): the newcomer, the connector, or staff on their behalf."""
    found = one_or_404(
        meetings_visible_to(user).select_related(
            "program",
            "program__organization",
            "newcomer",
            "connector",
            "connector__participant",
            "introduction",
            "introduction__made_by__participant",
        ),
        meeting_id,
    )
    side = None
    if found.newcomer.user_id == user.pk:
        side = "newcomer"
    elif found.connector.participant.user_id == user.pk:
        side = "connector"
    managed = programs_managed_by(user).filter(pk=found.program_id).exists()
    return MeetingAccess(meeting=found, side=side, can_manage=managed)


@accepts(Action.TAKE_PART)
def access_introduction(user: User, introduction_id: int, *, action: Action) -> Introduction:
    """An introduction the newcomer follows up (asks the contact for a meeting): the newcomer
    or the program's staff."""
    introductions = Introduction.objects.filter(
        Q(newcomer__user=user) | Q(meeting__program__in=programs_managed_by(user))
    )
    return one_or_404(
        introductions.select_related("meeting", "meeting__program", "contact", "newcomer"),
        introduction_id,
    )


def connector_profiles_of(user: User) -> QuerySet[Connector]:
    """The person's own connector profiles (one per connector program)."""
    return Connector.objects.filter(participant__user=user).select_related("program", "participant")


def connector_enrolments_without_profile(user: User) -> QuerySet[Enrolment]:
    """Connector programs that took this person in as a connector (an accepted application)
    where their light profile is still to be written."""
    profile = Connector.objects.filter(
        program=OuterRef("program"), participant=OuterRef("participant")
    )
    return Enrolment.objects.filter(
        ~Exists(profile),
        participant__user=user,
        side=Side.MENTOR,
        program__kind=ProgramType.CONNECTOR,
    ).select_related("program", "participant")


@accepts(Action.TAKE_PART)
def access_own_connector_enrolment(user: User, program_id: int, *, action: Action) -> Enrolment:
    """The person's own connector enrolment in a connector program (their profile)."""
    return one_or_404(
        Enrolment.objects.filter(
            participant__user=user, side=Side.MENTOR, program__kind=ProgramType.CONNECTOR
        ).select_related("program", "participant"),
        program_id,
        field="program_id",
    )


def connector_programs_funded_by(user: User) -> QuerySet[Program]:
    """Connector programs run by the organizations this person funds (aggregates only)."""
    return Program.objects.filter(
        kind=ProgramType.CONNECTOR, organization__in=networks_funded_by(user)
    ).order_by("name_en")
