"""Programs: who runs them (the one definition of "program staff"), who may see and refer to
them, and intake records.

Program staff of a program are, in one place for the whole of Tandem:
- the program staff and admins of its operating organization, and
- the people named on the program (`Program.staff`) while they hold an active membership in that
  organization or in one of its partner organizations (a program team: a partner's coach runs
  one program without being staff of the lead agency). A leaver stays named on old programs but
  runs none of them.
Those who *hear* about a program's work (new referrals, answers) are the named staff, else the
organization's program staff: `program_staff(program)`. The monthly check-in reminders, one per
pair, go to the named staff only (`programs_named_staff`): with nobody named, the program's page
says so rather than every program staff member of the organization getting every pair's reminder.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.core.access import Action, accepts, one_or_404
from tandem.organizations.access import (
    client_record_roles,
    organizations_of,
    program_manager_roles,
    referrer_roles,
)
from tandem.organizations.models import (
    Membership,
    Organization,
    Partnership,
    PartnershipKind,
    Role,
)
from tandem.participants.access import (
    can_manage_participants,
    grants_accommodations,
    participants_visible_to,
)
from tandem.participants.models import Participant
from tandem.programs.models import (
    Enrolment,
    IntakeMeeting,
    NotesVisibility,
    OrientationSession,
    Program,
)

# Programs a person helps run, registered by the floors above (employers: a lead agency's staff
# member an employer accepted to help on its hosted program, while the help lasts). Each source
# answers a query of program ids for the person; every grant it gives must go through an active
# membership, like the rest of this module.
_HELPERS: list[Callable[[User], QuerySet[Any]]] = []


def register_helpers(source: Callable[[User], QuerySet[Any]]) -> None:
    if source not in _HELPERS:
        _HELPERS.append(source)


def programs_managed_by(user: User) -> QuerySet[Program]:
    """Programs this person runs (see the module's docstring)."""
    if user.is_platform_admin:
        return Program.objects.all()
    named = Program.staff.through.objects.filter(user=user).values("program_id")
    runs = (
        Q(organization__in=organizations_of(user, roles=program_manager_roles()))
        | Q(pk__in=named, organization__in=organizations_of(user))
        # A program team (TRIEC's model): a partner organization's coach named on one program
        # runs it while a member of that partner, without being staff of the lead agency.
        | Q(pk__in=named, organization__in=_partners_of(organizations_of(user)))
    )
    for source in _HELPERS:
        runs |= Q(pk__in=source(user))
    return Program.objects.filter(runs)


def _partners_of(
    organizations: QuerySet[Organization],
) -> QuerySet[Partnership, Any]:
    """Ids of the organizations these organizations work with as partners."""
    return Partnership.objects.filter(partner__in=organizations).values("organization_id")


def programs_named_staff(programs: Iterable[Program]) -> dict[int, list[User]]:
    """The people named on each program (`Program.staff`) who are active and still hold an
    active membership in its organization or in one of its partners, by id; [] for a program
    with nobody (left) named. Four queries however many programs: a sweep asks for all at once.
    """
    organization_of = {program.pk: program.organization_id for program in programs}
    named = sorted(
        Program.staff.through.objects.filter(
            program_id__in=list(organization_of), user__is_active=True
        ).values_list("user_id", "program_id")
    )
    users = {user_id for user_id, _program_id in named}
    member_of: dict[int, set[int]] = {}
    for user_id, organization_id in Membership.objects.filter(
        user_id__in=users, is_active=True, organization__is_active=True
    ).values_list("user_id", "organization_id"):
        member_of.setdefault(user_id, set()).add(organization_id)
    partners: dict[int, set[int]] = {}
    for organization_id, partner_id in Partnership.objects.filter(
        organization_id__in=set(organization_of.values())
    ).values_list("organization_id", "partner_id"):
        partners.setdefault(organization_id, set()).add(partner_id)
    people = User.objects.in_bulk(users)
    found: dict[int, list[User]] = {pk: [] for pk in organization_of}
    for user_id, program_id in named:
        organization_id = organization_of[program_id]
        if member_of.get(user_id, set()) & (
            {organization_id} | partners.get(organization_id, set())
        ):
            found[program_id].append(people[user_id])
    return found


def program_staff(program: Program) -> list[User]:
    """Who hears about a program's work: the named staff who are still members of its
    organization (or of a partner), else the organization's program staff. Not the monthly
    check-in reminders: those go to named staff only (meetings.services.reminders_send_due)."""
    named = programs_named_staff([program])[program.pk]
    if named:
        return named
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organization=program.organization_id,
            memberships__organization__is_active=True,
            memberships__is_active=True,
            memberships__role=Role.PROGRAM_STAFF,
        )
        .distinct()
        .order_by("pk")
    )


def can_manage_program(user: User, program: Program) -> bool:
    return programs_managed_by(user).filter(pk=program.pk).exists()


def requires_second_factor(user: User) -> bool:
    """Anyone who can reach a client record: platform admins, staff of an organization that
    holds records, and everyone who runs a program (named staff included)."""
    return (
        user.is_platform_admin
        or organizations_of(user, roles=client_record_roles()).exists()
        or programs_managed_by(user).exists()
    )


def programs_open_to_referrals_from(organizations: QuerySet[Organization]) -> QuerySet[Program]:
    """Active programs that staff of these organizations may refer clients to: those naming
    the organization as a referring partner, or, when a program names none, every
    service-delivery partner of the operating organization, and the organization's own."""
    named = Program.referring_partners.through.objects.filter(organization__in=organizations)
    partner_of = Partnership.objects.filter(
        partner__in=organizations, kind=PartnershipKind.SERVICE_DELIVERY
    ).values("organization_id")
    unnamed = Program.objects.filter(referring_partners__isnull=True, organization__in=partner_of)
    return Program.objects.filter(is_active=True, organization__is_active=True).filter(
        Q(pk__in=named.values("program_id"))
        | Q(pk__in=unnamed.values("pk"))
        | Q(organization__in=organizations)
    )


def programs_visible_to(user: User) -> QuerySet[Program]:
    if user.is_platform_admin:
        return Program.objects.all()
    referrers = organizations_of(user, roles=referrer_roles())
    return Program.objects.filter(
        Q(pk__in=programs_managed_by(user).values("pk"))
        | Q(pk__in=programs_open_to_referrals_from(referrers).values("pk"))
    )


@dataclass(frozen=True)
class ProgramAccess:
    program: Program
    can_manage: bool


@accepts(Action.VIEW, Action.MANAGE)
def access_program(user: User, program_id: int, *, action: Action = Action.VIEW) -> ProgramAccess:
    managed = programs_managed_by(user)
    programs = managed if action is Action.MANAGE else programs_visible_to(user)
    found = one_or_404(programs.select_related("organization", "parent"), program_id)
    return ProgramAccess(
        program=found,
        can_manage=action is Action.MANAGE or managed.filter(pk=found.pk).exists(),
    )


def access_public_program(slug: str, *, kind: str = "self_referral") -> Program:
    """A program's public application form: active and accepting this kind of application."""
    programs = Program.objects.filter(is_active=True, organization__is_active=True)
    if kind == "mentor":
        programs = programs.filter(accepts_mentor_applications=True)
    elif kind == "self_referral":
        programs = programs.filter(accepts_self_referrals=True)
    return one_or_404(programs.select_related("organization"), slug, field="slug")


@dataclass(frozen=True)
class EnrolmentAccess:
    enrolment: Enrolment
    can_manage: bool  # the program's staff


@accepts(Action.VIEW, Action.MANAGE)
def access_enrolment(
    user: User, enrolment_id: int, *, action: Action = Action.VIEW
) -> EnrolmentAccess:
    """Intake records: the program's staff manage them; the person's agency may read them."""
    managed = Enrolment.objects.filter(program__in=programs_managed_by(user))
    enrolments = managed
    if action is Action.VIEW:
        enrolments = managed | Enrolment.objects.filter(
            participant__in=participants_visible_to(user)
        )
    found = one_or_404(
        enrolments.select_related("program", "participant", "participant__organization"),
        enrolment_id,
    )
    return EnrolmentAccess(
        enrolment=found,
        can_manage=action is Action.MANAGE or can_manage_program(user, found.program),
    )


def access_session(user: User, session_id: int) -> OrientationSession:
    return one_or_404(
        OrientationSession.objects.filter(program__in=programs_managed_by(user)).select_related(
            "program", "location"
        ),
        session_id,
    )


def enrolments_visible_to(user: User, participant: Participant) -> QuerySet[Enrolment]:
    """A person's enrolments as shown on their record: all of them to the person and their
    agency's staff, those of the programs they run to program staff."""
    enrolments = Enrolment.objects.filter(participant=participant)
    if participant.user_id == user.pk or can_manage_participants(user, participant.organization):
        return enrolments
    return enrolments.filter(program__in=programs_managed_by(user))


@grants_accommodations
def accommodations_shared_with_program_staff(user: User, participant: Participant) -> bool:
    """The staff of a program that accepted the person read the accommodation needs the
    person agreed to share with programs (participants.access.can_see_accommodations)."""
    shared = getattr(getattr(participant, "accommodation", None), "share_with_programs", False)
    return shared and participant.enrolments.filter(program__in=programs_managed_by(user)).exists()


def intake_meetings_readable(user: User, enrolment: Enrolment) -> QuerySet[IntakeMeeting]:
    """The one-on-one meetings of an enrolment (already reached through access_enrolment)
    whose notes this person may read: program staff all of them; the person met those staff
    opened to them; anyone else who may see the person (their agency's caseworkers, who
    referred them) only those opened to the agency too."""
    meetings = enrolment.meetings.select_related("staff")
    if can_manage_program(user, enrolment.program):
        return meetings
    if enrolment.participant.user_id == user.pk:
        return meetings.filter(
            notes_visibility__in=[NotesVisibility.PERSON, NotesVisibility.AGENCY]
        )
    return meetings.filter(notes_visibility=NotesVisibility.AGENCY)
