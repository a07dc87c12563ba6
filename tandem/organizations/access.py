"""Memberships and the network graph: who holds which role where.

Every grant in Tandem goes through an *active* membership in an *active* organization: a person
whose membership ends (a leaver) or whose organization is closed keeps nothing, whatever else
names them (a program's staff list, the referrals they made).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from tandem.accounts.models import Invitation, User
from tandem.core.access import Action, accepts, one_or_404
from tandem.organizations.models import (
    Membership,
    Organization,
    OrganizationType,
    Partnership,
    PartnershipKind,
    Role,
    ServiceLocation,
)


def client_record_roles() -> set[str]:
    """Roles whose holders open a client's record (and so must use a second factor)."""
    return {Role.PROGRAM_STAFF, Role.CASEWORKER, Role.ORG_ADMIN}


def program_manager_roles() -> set[str]:
    return {Role.PROGRAM_STAFF, Role.ORG_ADMIN}


def referrer_roles() -> set[str]:
    return {Role.CASEWORKER, Role.PROGRAM_STAFF, Role.ORG_ADMIN}


def network_report_roles() -> set[str]:
    return {Role.PROGRAM_STAFF, Role.ORG_ADMIN, Role.NETWORK_LEADER}


def active_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True, organization__is_active=True)


def organizations_of(user: User, *, roles: Iterable[str] | None = None) -> QuerySet[Organization]:
    """Active organizations where this person holds an active membership (in one of `roles`)."""
    memberships = active_memberships(user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return Organization.objects.filter(pk__in=memberships.values("organization_id"))


def holds_role_in(user: User, organization: Organization, roles: Iterable[str]) -> bool:
    """A platform admin, or an active member of `organization` in one of `roles`."""
    return (
        user.is_platform_admin
        or organizations_of(user, roles=roles).filter(pk=organization.pk).exists()
    )


@dataclass(frozen=True)
class OrganizationAccess:
    organization: Organization
    can_manage: bool  # its admins (and platform admins)
    holds_client_records: bool  # it keeps client records this person may open and change
    runs_programs: bool  # this person may create and run its programs


@accepts(Action.VIEW, Action.MANAGE)
def access_organization(
    user: User, slug: str, *, action: Action = Action.VIEW
) -> OrganizationAccess:
    """An organization's workspace: its members see it, its admins manage it."""
    organizations = Organization.objects.filter(is_active=True)
    if not user.is_platform_admin:
        roles = [Role.ORG_ADMIN] if action is Action.MANAGE else None
        organizations = organizations.filter(
            pk__in=organizations_of(user, roles=roles).values("pk")
        )
    found = one_or_404(organizations, slug, field="slug")
    return OrganizationAccess(
        organization=found,
        can_manage=holds_role_in(user, found, [Role.ORG_ADMIN]),
        holds_client_records=holds_role_in(user, found, client_record_roles()),
        runs_programs=holds_role_in(user, found, program_manager_roles()),
    )


def organizations_running_programs(user: User) -> QuerySet[Organization]:
    """Where this person may create programs: program staff and admins; platform admins
    anywhere."""
    if user.is_platform_admin:
        return Organization.objects.filter(is_active=True)
    return organizations_of(user, roles=program_manager_roles())


# --- The network graph -----------------------------------------------------------------------


def network_partners(lead: Organization) -> QuerySet[Organization]:
    """A lead agency's network: the lead and its partners (service delivery, employers,
    associations, colleges, networks). Funders fund the network; they run nothing."""
    partners = Partnership.objects.filter(organization=lead).exclude(kind=PartnershipKind.FUNDING)
    return Organization.objects.filter(pk=lead.pk) | Organization.objects.filter(
        pk__in=partners.values("partner_id")
    )


def networks_led_by(user: User) -> QuerySet[Organization]:
    """Lead agencies whose network dashboard this person sees: their staff, admins and network
    leaders."""
    leads = Organization.objects.filter(is_active=True, kind=OrganizationType.LEAD_AGENCY)
    if user.is_platform_admin:
        return leads
    return leads.filter(pk__in=organizations_of(user, roles=network_report_roles()).values("pk"))


def networks_funded_by(user: User) -> QuerySet[Organization]:
    """Organizations whose aggregate report this person may read as a funder: those with a
    funding partnership with an organization where the person holds the funder role."""
    funders = organizations_of(user, roles=[Role.FUNDER])
    funded = Partnership.objects.filter(kind=PartnershipKind.FUNDING, partner__in=funders)
    return Organization.objects.filter(is_active=True, pk__in=funded.values("organization_id"))


# --- Setting up the network (tandem/organizations/views.py, set-up pages) ---------------------


def access_organization_setup(user: User, slug: str) -> Organization:
    """An organization's own set-up pages (locations, people): its admins and platform admins.
    Platform admins reach inactive organizations too, to reactivate them."""
    if user.is_platform_admin:
        return one_or_404(Organization.objects.all(), slug, field="slug")
    return access_organization(user, slug, action=Action.MANAGE).organization


def can_set_up(user: User, organization: Organization) -> bool:
    return holds_role_in(user, organization, [Role.ORG_ADMIN])


def access_location(user: User, organization: Organization, location_id: int) -> ServiceLocation:
    """A service location of an organization already reached through access_organization_setup."""
    return one_or_404(organization.locations.all(), location_id)


def access_membership(user: User, organization: Organization, membership_id: int) -> Membership:
    return one_or_404(
        organization.memberships.select_related("user", "organization"), membership_id
    )


def access_partnership(user: User, organization: Organization, partnership_id: int) -> Partnership:
    """A partnership of this organization, on either side."""
    from django.db.models import Q

    return one_or_404(
        Partnership.objects.filter(Q(organization=organization) | Q(partner=organization)),
        partnership_id,
    )


def access_organization_invitation(
    user: User, organization: Organization, invitation_id: int
) -> Invitation:
    return one_or_404(organization.invitations.filter(kind="staff"), invitation_id)
