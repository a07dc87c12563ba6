"""Who may see and do what with employer and association partners.

A partner's pages (its mentors and their status, its invitations, its shortage list) open to
the partner's own employer-partner members and admins: never a mentee's record, and of its
mentors only the name, the program and where they stand (they named the partner on their
application). Workplace activities belong to the pair's mentorship: the mentor, the mentee and
the program's staff (`programs.access.programs_managed_by`, the one definition). A program's
career tracks are set by its staff.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.core.access import Action, accepts, one_or_404
from tandem.employers.models import WorkplaceActivity
from tandem.mentorships.access import MentorshipAccess, access_mentorship
from tandem.organizations.access import organizations_of
from tandem.organizations.models import Organization, OrganizationType, Role
from tandem.participants.access import side_in_pair
from tandem.participants.models import Participant
from tandem.programs.access import can_manage_program, programs_managed_by
from tandem.programs.models import Program

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
