"""Who may see and do what with employer and association partners.

A partner's pages (its mentors and their status, its invitations, its shortage list) open to
the partner's own employer-partner members and admins: never a mentee's record, and of its
mentors only the name, the program and where they stand (they named the partner on their
application). Workplace activities belong to the pair's mentorship: the mentor, the mentee and
the program's staff (`programs.access.programs_managed_by`, the one definition). A program's
career tracks are set by its staff.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from tandem.accounts.models import User
from tandem.core.access import Action, accepts, one_or_404
from tandem.employers.models import OPEN_HELP, HelpStatus, LeadHelp, WorkplaceActivity
from tandem.mentorships.access import MentorshipAccess, access_mentorship
from tandem.mentorships.models import Mentorship
from tandem.organizations.access import organizations_of, program_manager_roles
from tandem.organizations.models import (
    Organization,
    OrganizationType,
    Partnership,
    PartnershipKind,
    Role,
)
from tandem.participants.access import side_in_pair
from tandem.participants.models import Participant
from tandem.programs.access import can_manage_program, programs_managed_by
from tandem.programs.models import Program, ProgramType

PARTNER_KINDS = [OrganizationType.EMPLOYER, OrganizationType.ASSOCIATION]
PARTNER_ROLES = [Role.EMPLOYER_PARTNER, Role.ORG_ADMIN]


def partners_of(user: User) -> QuerySet[Organization]:
    """The employer and association partners whose pages this person opens."""
    partners = Organization.objects.filter(is_active=True, kind__in=PARTNER_KINDS)
    if user.is_platform_admin:
        return partners
    return partners.filter(pk__in=organizations_of(user, roles=PARTNER_ROLES).values("pk"))


@dataclass(frozen=True)
class PartnerAccess:
    partner: Organization
    can_invite: bool  # its employer-partner members and admins (everyone who opens it)


@accepts(Action.VIEW, Action.MANAGE)
def access_partner(user: User, slug: str, *, action: Action = Action.VIEW) -> PartnerAccess:
    """A partner's pages: `view` and `manage` (invite colleagues) by its employer-partner
    members and admins."""
    found = one_or_404(partners_of(user), slug, field="slug")
    return PartnerAccess(partner=found, can_invite=True)


@accepts(Action.VIEW)
def access_pair(
    user: User, mentorship_id: int, *, action: Action = Action.VIEW
) -> MentorshipAccess:
    """The workplace activities of a mentorship: the pair and the program's staff."""
    return access_mentorship(user, mentorship_id, action=Action.VIEW)


@accepts(Action.MANAGE)
def access_pair_to_manage(user: User, mentorship_id: int, *, action: Action) -> MentorshipAccess:
    """A hire by a partner employer is recorded by the program's staff."""
    return access_mentorship(user, mentorship_id, action=Action.MANAGE)


@dataclass(frozen=True)
class ActivityAccess:
    activity: WorkplaceActivity
    side: str | None  # "mentor" or "mentee" when the person is one of the pair
    can_manage: bool  # the program's staff


@accepts(Action.VIEW, Action.TAKE_PART)
def access_activity(
    user: User, workplace_activity_id: int, *, action: Action = Action.VIEW
) -> ActivityAccess:
    """A workplace activity: the mentor, the mentee and the program's staff see it and answer
    it (agree, record it held, cancel)."""
    activities = WorkplaceActivity.objects.all()
    if not user.is_platform_admin:
        activities = activities.filter(
            Q(mentorship__program__in=programs_managed_by(user))
            | Q(mentorship__mentor__user=user)
            | Q(mentorship__mentee__user=user)
        )
    found = one_or_404(
        activities.select_related(
            "mentorship",
            "mentorship__program",
            "mentorship__mentor",
            "mentorship__mentee",
            "host",
        ),
        workplace_activity_id,
    )
    mentorship = found.mentorship
    return ActivityAccess(
        activity=found,
        side=side_in_pair(mentorship, user),
        can_manage=can_manage_program(user, mentorship.program),
    )


@accepts(Action.MANAGE)
def access_track_program(user: User, program_id: int, *, action: Action) -> Program:
    """A program's career tracks: its staff."""
    return one_or_404(programs_managed_by(user).select_related("organization"), program_id)


def mentor_records_of(user: User) -> QuerySet[Participant]:
    """The person's own mentor records (what their employer allows is theirs to say)."""
    return Participant.objects.filter(user=user, role="mentor").select_related(
        "recruited_by", "organization", "workplace_terms"
    )


def the_mentor(mentorship: Mentorship) -> QuerySet[Participant]:
    """The pair's mentor, as the one record staff record workplace terms for (the mentorship
    was reached through `access_pair_to_manage`)."""
    return Participant.objects.filter(pk=mentorship.mentor_id)


# --- A lead agency helps on an employer-hosted program ---------------------------------------


def lead_agencies_of(user: User) -> QuerySet[Organization]:
    """Lead agencies where this person runs programs (their program staff and admins)."""
    return organizations_of(user, roles=program_manager_roles()).filter(
        kind=OrganizationType.LEAD_AGENCY
    )


def programs_helped_by(user: User) -> QuerySet[Any]:
    """The programs-access helpers' registry (`programs.access.register_helpers`): ids of the
    employer-hosted programs this person helps run. The help must be active, the person still
    program staff or admin of the lead agency that offered it, and the employer still in that
    lead's network: a leaver, or a partnership ended, closes it at once."""
    return (
        LeadHelp.objects.filter(
            helper=user,
            status=HelpStatus.ACTIVE,
            program__kind=ProgramType.EMPLOYER_HOSTED,
            lead__in=lead_agencies_of(user),
        )
        .filter(
            # The employer is still in the lead's network (funders fund it; they run nothing).
            Exists(
                Partnership.objects.filter(
                    organization=OuterRef("lead_id"), partner=OuterRef("program__organization")
                ).exclude(kind=PartnershipKind.FUNDING)
            )
        )
        .values("program_id")
    )


def hosted_programs_for_lead(user: User) -> QuerySet[Program]:
    """Employer-hosted programs in the networks of the lead agencies where this person runs
    programs: the ones they may offer to help (they already read their figures)."""
    hosted = Program.objects.filter(
        kind=ProgramType.EMPLOYER_HOSTED, is_active=True, organization__is_active=True
    )
    if user.is_platform_admin:
        return hosted
    partners = Partnership.objects.filter(organization__in=lead_agencies_of(user)).exclude(
        kind=PartnershipKind.FUNDING
    )
    return hosted.filter(organization__in=partners.values("partner_id"))


@dataclass(frozen=True)
class OfferAccess:
    program: Program
    leads: list[Organization]  # the person's lead agencies whose network holds the program
    current: LeadHelp | None  # the person's open offer or help on it


@accepts(Action.VIEW, Action.MANAGE)
def access_offer(
    user: User, hosted_program_id: int, *, action: Action = Action.VIEW
) -> OfferAccess:
    """The lead side: staff of a lead agency offer help on an employer-hosted program of their
    network, withdraw the offer, or step away."""
    found = one_or_404(
        hosted_programs_for_lead(user).select_related("organization"), hosted_program_id
    )
    partners = Partnership.objects.filter(partner=found.organization_id).exclude(
        kind=PartnershipKind.FUNDING
    )
    leads = list(
        lead_agencies_of(user).filter(pk__in=partners.values("organization_id")).order_by("pk")
    )
    current = (
        LeadHelp.objects.filter(program=found, helper=user, status__in=OPEN_HELP)
        .select_related("lead")
        .first()
    )
    return OfferAccess(program=found, leads=leads, current=current)


@dataclass(frozen=True)
class HostedAccess:
    program: Program
    can_decide: bool  # the employer's own staff: accept, decline and end help


@accepts(Action.VIEW, Action.MANAGE)
def access_hosted_program(
    user: User, hosted_program_id: int, *, action: Action = Action.VIEW
) -> HostedAccess:
    """The employer side: everyone who runs an employer-hosted program sees who helps on it;
    only its own staff (members of the employer who run it) answer offers and end help. A
    helper never decides on help: the employer keeps control of who runs its program."""
    programs = programs_managed_by(user).filter(kind=ProgramType.EMPLOYER_HOSTED)
    own = (
        programs
        if user.is_platform_admin
        else programs.filter(organization__in=organizations_of(user))
    )
    found = one_or_404(
        (own if action is Action.MANAGE else programs).select_related("organization"),
        hosted_program_id,
    )
    return HostedAccess(program=found, can_decide=own.filter(pk=found.pk).exists())


def help_of(program: Program, help_id: int) -> LeadHelp:
    """One offer or help of a program reached through `access_hosted_program`."""
    return one_or_404(LeadHelp.objects.filter(program=program), help_id)
