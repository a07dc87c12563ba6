from typing import Any

from tandem.accounts.models import Invitation, InvitationKind
from tandem.core.tests.cast import Side, make_organization
from tandem.organizations.models import Membership, Partnership, PartnershipKind, ServiceLocation


def setup_records(side: Side) -> dict[str, Any]:
    """The outsider's service location, a membership, a partnership and a staff invitation."""
    organization = side.organization
    location = ServiceLocation.objects.filter(organization=organization).first()
    if location is None:
        location = ServiceLocation.objects.create(
            organization=organization, name_en="Office", name_fr="Bureau", city="Ottawa"
        )
    partnership = Partnership.objects.filter(partner=organization).first()
    if partnership is None:
        other = make_organization(f"{organization.slug}-funder", "funder")
        partnership = Partnership.objects.create(
            organization=other, partner=organization, kind=PartnershipKind.SERVICE_DELIVERY
        )
    invitation, _created = Invitation.objects.get_or_create(
        kind=InvitationKind.STAFF,
        email=f"invited@{organization.slug}.example.org",
        organization=organization,
        defaults={"role": "caseworker"},
    )
    return {
        "location": location,
        "membership": Membership.objects.filter(organization=organization).first(),
        "partnership": partnership,
        "invitation": invitation,
    }
