"""Who may set up which organization: platform admins every one, organization admins their own.

Missing and forbidden answer alike (404), as everywhere in Tandem."""

from typing import TYPE_CHECKING

from django.http import Http404

from tandem.core.access import access_organization

if TYPE_CHECKING:
    from tandem.accounts.models import Invitation, User
    from tandem.organizations.models import Membership, Organization, Partnership, ServiceLocation


def access_organization_setup(user: "User", slug: str) -> "Organization":
    """An organization's own set-up pages (locations, people): its admins and platform admins.
    Platform admins reach inactive organizations too, to reactivate them."""
    from tandem.organizations.models import Organization

    if user.is_platform_admin:
        found = Organization.objects.filter(slug=slug).first()
        if found is None:
            raise Http404
        return found
    return access_organization(user, slug, action="manage")


def can_set_up(user: "User", organization: "Organization") -> bool:
    from tandem.core.access import organizations_of
    from tandem.organizations.models import Role

    return (
        user.is_platform_admin
        or organizations_of(user, roles=[Role.ORG_ADMIN]).filter(pk=organization.pk).exists()
    )


def access_location(
    user: "User", organization: "Organization", location_id: int
) -> "ServiceLocation":
    found = organization.locations.filter(pk=location_id).first()
    if found is None:
        raise Http404
    return found


def access_membership(
    user: "User", organization: "Organization", membership_id: int
) -> "Membership":
    found = (
        organization.memberships.select_related("user", "organization")
        .filter(pk=membership_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def access_partnership(
    user: "User", organization: "Organization", partnership_id: int
) -> "Partnership":
    """A partnership of this organization, on either side (platform admins only reach it)."""
    from django.db.models import Q

    from tandem.organizations.models import Partnership

    found = (
        Partnership.objects.filter(Q(organization=organization) | Q(partner=organization))
        .filter(pk=partnership_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def access_organization_invitation(
    user: "User", organization: "Organization", invitation_id: int
) -> "Invitation":
    found = organization.invitations.filter(pk=invitation_id, kind="staff").first()
    if found is None:
        raise Http404
    return found
