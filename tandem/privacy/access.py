"""Privacy: who reads the log of views of a person's record, who runs an organization's
privacy office, who records consent.

The privacy officer (« responsable de la protection des renseignements personnels ») of an
organization is the member its admins name on the privacy settings page; until they name one,
the organization's admins hold the role (Law 25: the person with the highest authority). Every
grant goes through an active membership in an active organization.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.core.access import Action, accepts, one_or_404
from tandem.organizations.access import active_memberships, client_record_roles, organizations_of
from tandem.organizations.models import Organization, Role
from tandem.participants.models import Participant
from tandem.privacy.models import Incident, PrivacyRequest


def offices_of(user: User) -> QuerySet[Organization]:
    """Organizations whose privacy officer this person is (named, or an admin where no officer
    is named)."""
    if user.is_platform_admin:
        return Organization.objects.filter(is_active=True)
    member_of = active_memberships(user).values("organization_id")
    admin_of = organizations_of(user, roles=[Role.ORG_ADMIN]).values("pk")
    return Organization.objects.filter(
        Q(pk__in=member_of, privacy_settings__officer=user)
        | Q(pk__in=admin_of)
        & (Q(privacy_settings__isnull=True) | Q(privacy_settings__officer__isnull=True))
    ).filter(is_active=True)


def is_officer_of(user: User, organization: Organization) -> bool:
    return offices_of(user).filter(pk=organization.pk).exists()


@accepts(Action.VIEW, Action.MANAGE)
def access_privacy_office(
    user: User, org_slug: str, *, action: Action = Action.VIEW
) -> Organization:
    """`view`: the privacy officer's pages (the organization's view log, requests, incidents,
    retention); `manage`: naming the officer, which only the organization's admins do."""
    if action is Action.MANAGE:
        organizations = Organization.objects.filter(is_active=True)
        if not user.is_platform_admin:
            organizations = organizations_of(user, roles=[Role.ORG_ADMIN])
    else:
        organizations = offices_of(user)
    return one_or_404(organizations, org_slug, field="slug")


@dataclass(frozen=True)
class PersonPrivacyAccess:
    participant: Participant
    is_self: bool  # the person themself
    is_officer: bool  # the privacy officer of the organization that holds the record
    can_record: bool  # staff of that organization, who record consent given to them


@accepts(Action.VIEW, Action.CONSENT)
def access_person_privacy(
    user: User, participant_id: int, *, action: Action = Action.VIEW
) -> PersonPrivacyAccess:
    """`view`: who viewed the record and the person's requests: the person and the privacy
    officer of the organization holding it; `consent`: the person, and the staff of that
    organization recording consent on their behalf."""
    allowed = Q(user=user) | Q(organization__in=offices_of(user))
    if action is Action.CONSENT:
        allowed |= Q(organization__in=organizations_of(user, roles=client_record_roles()))
    people = (
        Participant.objects.all() if user.is_platform_admin else Participant.objects.filter(allowed)
    )
    found = one_or_404(people.select_related("organization"), participant_id)
    is_officer = is_officer_of(user, found.organization)
    return PersonPrivacyAccess(
        participant=found,
        is_self=found.user_id == user.pk,
        is_officer=is_officer,
        can_record=user.is_platform_admin
        or organizations_of(user, roles=client_record_roles())
        .filter(pk=found.organization_id)
        .exists(),
    )


@dataclass(frozen=True)
class PrivacyRequestAccess:
    request: PrivacyRequest
    is_self: bool
    is_officer: bool  # answers it: records corrections, decides deletions


@accepts(Action.VIEW, Action.MANAGE)
def access_privacy_request(
    user: User, request_id: int, *, action: Action = Action.VIEW
) -> PrivacyRequestAccess:
    """`view`: the person and the privacy officer of the organization that received it (the
    answer holds the whole file: nobody else); `manage`: the officer."""
    officer_of = Q(organization__in=offices_of(user))
    allowed = officer_of if action is Action.MANAGE else officer_of | Q(participant__user=user)
    requests = (
        PrivacyRequest.objects.all()
        if user.is_platform_admin
        else PrivacyRequest.objects.filter(allowed)
    )
    found = one_or_404(requests.select_related("participant", "organization"), request_id)
    return PrivacyRequestAccess(
        request=found,
        is_self=found.participant.user_id == user.pk,
        is_officer=is_officer_of(user, found.organization),
    )


def access_incident(user: User, incident_id: int) -> Incident:
    """The incident register is the privacy officer's."""
    incidents = Incident.objects.filter(organization__in=offices_of(user))
    return one_or_404(incidents.select_related("organization"), incident_id)
