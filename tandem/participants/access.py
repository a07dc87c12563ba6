"""Client records: who may open, change or refer a person's record.

The staff of the organization that holds the record (program staff, caseworkers, admins) and the
person themself open it. Areas above this one may add a *grant*: a reason, which they own, for
which someone else may open a record too (referrals: the referring caseworker and the staff of
the program a client is actively referred to). Funders, employer partners and network leaders
never see a person's record.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from tandem.accounts.models import User
from tandem.core.access import Action, accepts, one_or_404
from tandem.organizations.access import (
    client_record_roles,
    holds_role_in,
    organizations_of,
    referrer_roles,
)
from tandem.organizations.models import Organization
from tandem.participants.models import ImportJob, Participant, Resume

# A grant answers "which records may this person open for my reason?" as a Q on Participant.
ParticipantGrant = Callable[[User], Q]
_GRANTS: list[ParticipantGrant] = []


def grants_participants(grant: ParticipantGrant) -> ParticipantGrant:
    """Registers a grant of an area above this one (called when that area's access module is
    imported, which its AppConfig.ready() does)."""
    if grant not in _GRANTS:
        _GRANTS.append(grant)
    return grant


# An accommodation grant answers "may this person read these accommodation needs for my
# reason?" (programs: the staff of a program that accepted the person, when they agreed).
AccommodationGrant = Callable[[User, Participant], bool]
_ACCOMMODATION_GRANTS: list[AccommodationGrant] = []


def grants_accommodations(grant: AccommodationGrant) -> AccommodationGrant:
    """Registers an accommodation grant of an area above this one (as `grants_participants`)."""
    if grant not in _ACCOMMODATION_GRANTS:
        _ACCOMMODATION_GRANTS.append(grant)
    return grant


def can_see_accommodations(user: User, participant: Participant) -> bool:
    """The person and their agency's staff; others only through a grant (the staff of a
    program that accepted the person, with the person's agreement). Not the caseworker of
    another agency, nor funders or mentors."""
    if participant.user_id == user.pk or holds_role_in(
        user, participant.organization, client_record_roles()
    ):
        return True
    return any(grant(user, participant) for grant in _ACCOMMODATION_GRANTS)


def participants_visible_to(user: User) -> QuerySet[Participant]:
    """Client records this person may open."""
    if user.is_platform_admin:
        return Participant.objects.all()
    holders = organizations_of(user, roles=client_record_roles())
    visible = Q(organization__in=holders) | Q(user=user)
    for grant in _GRANTS:
        visible |= grant(user)
    return Participant.objects.filter(visible)


def can_manage_participants(user: User, organization: Organization) -> bool:
    return holds_role_in(user, organization, client_record_roles())


@dataclass(frozen=True)
class ParticipantAccess:
    participant: Participant
    can_change: bool  # staff of the organization that holds the record
    can_refer: bool  # a referrer of that organization


@accepts(Action.VIEW, Action.CHANGE, Action.REFER)
def access_participant(
    user: User, participant_id: int, *, action: Action = Action.VIEW
) -> ParticipantAccess:
    """`view`: anyone who may open the record; `change`: its holders' staff; `refer`: its
    holders' referrers."""
    participants = participants_visible_to(user)
    if not user.is_platform_admin:
        if action is Action.CHANGE:
            participants = participants.filter(
                organization__in=organizations_of(user, roles=client_record_roles())
            )
        elif action is Action.REFER:
            participants = participants.filter(
                organization__in=organizations_of(user, roles=referrer_roles())
            )
    found = one_or_404(
        participants.select_related("organization", "occupation", "industry"), participant_id
    )
    can_change = can_manage_participants(user, found.organization)
    return ParticipantAccess(
        participant=found,
        can_change=can_change,
        can_refer=can_change and holds_role_in(user, found.organization, referrer_roles()),
    )


def side_in_pair(pair: Any, user: User) -> str | None:
    """ "mentee" or "mentor" when `user` is that person of a pair (a proposal, a mentorship)."""
    if pair.mentee.user_id == user.pk:
        return "mentee"
    if pair.mentor.user_id == user.pk:
        return "mentor"
    return None


def access_resume(user: User, resume_id: int) -> Resume:
    """Résumés go to whoever may open the person's record, nobody else."""
    return one_or_404(
        Resume.objects.filter(participant__in=participants_visible_to(user)).select_related(
            "participant"
        ),
        resume_id,
    )


def access_import_job(user: User, import_id: int) -> ImportJob:
    jobs = ImportJob.objects.all()
    if not user.is_platform_admin:
        jobs = jobs.filter(organization__in=organizations_of(user, roles=client_record_roles()))
    return one_or_404(jobs.select_related("organization"), import_id)


def access_client_records(user: User, org_slug: str) -> Organization:
    """An organization's client records as a whole (list, new record, import, export): the
    staff of that organization who open client records."""
    organizations = Organization.objects.filter(is_active=True)
    if not user.is_platform_admin:
        organizations = organizations.filter(
            pk__in=organizations_of(user, roles=client_record_roles()).values("pk")
        )
    return one_or_404(organizations, org_slug, field="slug")


def participants_changeable_by(user: User) -> QuerySet[Participant]:
    """Records this person may change: those of the organizations where they hold client
    records (every record for a platform admin)."""
    if user.is_platform_admin:
        return Participant.objects.all()
    return Participant.objects.filter(
        organization__in=organizations_of(user, roles=client_record_roles())
    )


def access_merge_pair(
    user: User, participant_id: int, other_id: int
) -> tuple[Participant, Participant]:
    """Two records of one person to merge (tandem/participants/duplicates.py): only staff who
    may change both, so that a merge never moves a record out of, or into, a file its
    holders' staff cannot open. Across organizations that is a platform admin, or staff of
    both."""
    if participant_id == other_id:
        raise Http404
    records = participants_changeable_by(user).select_related("organization", "occupation")
    return one_or_404(records, participant_id), one_or_404(records, other_id)
