"""Setting up the network: organizations, partnerships, service locations and people.

Writes are atomic and take `actor=`; each records a named audit event with its actor (the field
diffs go to django-auditlog), so that every set-up change is in the history."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit
from tandem.organizations import caseload
from tandem.organizations.models import (
    Membership,
    Organization,
    OrganizationType,
    Partnership,
    Role,
    ServiceLocation,
)

NETWORK_KINDS = (OrganizationType.IMMIGRANT_NETWORK, OrganizationType.PROVINCIAL_HUB)
# A provincial hub belongs to the national organization whose national view reads every hub
# (seed 000: CASE, a national association, and its provincial hubs; opportunities/access.py):
# a network, an association or a lead agency; never an employer or a funder.
HUB_PARENT_KINDS = (
    *NETWORK_KINDS,
    OrganizationType.ASSOCIATION,
    OrganizationType.LEAD_AGENCY,
)


ORGANIZATION_CREATED = audit.event("organization.created", gettext_lazy("Organization created"))
ORGANIZATION_CHANGED = audit.event("organization.changed", gettext_lazy("Organization changed"))
PARTNERSHIP_ADDED = audit.event("partnership.added", gettext_lazy("Partnership added"))
PARTNERSHIP_REMOVED = audit.event("partnership.removed", gettext_lazy("Partnership removed"))
LOCATION_SAVED = audit.event("location.saved", gettext_lazy("Service location saved"))
MEMBERSHIP_CHANGED = audit.event("membership.changed", gettext_lazy("Role changed"))
MEMBERSHIP_REVOKED = audit.event("membership.revoked", gettext_lazy("Role revoked"))
CASELOAD_HANDED_OVER = audit.event(
    "caseload.handed_over", gettext_lazy("Caseload handed over to a colleague")
)


class SetupError(Exception):
    """A set-up rule was broken; the message is translated for the person who acted."""


def _check_parent(organization: Organization) -> None:
    parent = organization.parent
    if parent is None:
        return
    if organization.kind == OrganizationType.PROVINCIAL_HUB:
        if parent.kind not in HUB_PARENT_KINDS:
            raise SetupError(
                _(
                    "A hub belongs to its national organization: a network, an association or "
                    "a lead agency."
                )
            )
    elif parent.kind not in NETWORK_KINDS:
        raise SetupError(_("The parent must be a professional immigrant network or a hub."))
    seen = {organization.pk}
    while parent is not None:
        if parent.pk in seen:
            raise SetupError(_("An organization cannot be inside itself."))
        seen.add(parent.pk)
        parent = parent.parent


@transaction.atomic
def organization_save(*, actor: User, organization: Organization) -> Organization:
    """Creates or updates an organization (the form has validated its fields)."""
    _check_parent(organization)
    is_new = organization.pk is None
    organization.save()
    audit.record(
        ORGANIZATION_CREATED if is_new else ORGANIZATION_CHANGED,
        actor=actor,
        target=organization,
        data={"kind": organization.kind, "parent": organization.parent_id},
    )
    return organization


@transaction.atomic
def partnership_add(
    *, actor: User, organization: Organization, partner: Organization, kind: str
) -> Partnership:
    if organization.pk == partner.pk:
        raise SetupError(_("An organization cannot be its own partner."))
    partnership, created = Partnership.objects.get_or_create(
        organization=organization, partner=partner, kind=kind
    )
    if not created:
        raise SetupError(_("This partnership is already recorded."))
    audit.record(
        PARTNERSHIP_ADDED,
        actor=actor,
        target=partnership,
        about=[organization, partner],
        data={"kind": kind, "partner": partner.slug},
    )
    return partnership


@transaction.atomic
def partnership_remove(*, actor: User, partnership: Partnership) -> None:
    # Recorded before the row goes, on both organizations' histories.
    audit.record(
        PARTNERSHIP_REMOVED,
        actor=actor,
        target=partnership,
        about=[partnership.organization, partnership.partner],
        data={"kind": partnership.kind, "partner": partnership.partner.slug},
    )
    partnership.delete()


@transaction.atomic
def location_save(
    *, actor: User, organization: Organization, location: ServiceLocation
) -> ServiceLocation:
    location.organization = organization
    is_new = location.pk is None
    location.save()
    audit.record(
        LOCATION_SAVED,
        actor=actor,
        target=location,
        about=[organization],
        data={"created": is_new, "name": location.name_en, "city": location.city},
    )
    return location


@transaction.atomic
def membership_change(
    *,
    actor: User,
    membership: Membership,
    role: str,
    is_active: bool,
    locations: list[ServiceLocation],
) -> Membership:
    """Changes a person's role or revokes it (inactive: the access policy stops counting it at
    once). An organization keeps at least one active admin, so that nobody locks it."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if any(location.organization_id != membership.organization_id for location in locations):
        raise SetupError(_("Choose the organization's own service locations."))
    losing_admin = membership.role == Role.ORG_ADMIN and (role != Role.ORG_ADMIN or not is_active)
    if losing_admin and membership.is_active and not actor.is_platform_admin:
        others = Membership.objects.filter(
            organization_id=membership.organization_id, role=Role.ORG_ADMIN, is_active=True
        ).exclude(pk=membership.pk)
        if not others.exists():
            raise SetupError(_("The organization needs at least one active admin."))
    if (
        role != membership.role
        and Membership.objects.filter(
            user_id=membership.user_id, organization_id=membership.organization_id, role=role
        ).exists()
    ):
        raise SetupError(_("This person already has that role here."))
    before = {"role": membership.role, "is_active": membership.is_active}
    membership.role = role
    membership.is_active = is_active
    membership.save(update_fields=["role", "is_active"])
    membership.locations.set(locations)
    audit.record(
        MEMBERSHIP_REVOKED if before["is_active"] and not is_active else MEMBERSHIP_CHANGED,
        actor=actor,
        target=membership,
        about=[membership.organization, membership.user],
        data={
            "before": before,
            "after": {"role": role, "is_active": is_active},
            "locations": sorted(location.pk for location in locations),
        },
    )
    return membership


@transaction.atomic
def caseload_hand_over(
    *, actor: User, organization: Organization, leaver: User, colleague: User
) -> dict[str, int]:
    """In one step: the leaver's caseload (open referrals, program teams: caseload.py) goes to a
    colleague of the same organization. The leaver's memberships here are not touched (revoke them apart)."""
    if leaver.pk == colleague.pk:
        raise SetupError(_("Choose another person."))
    if not Membership.objects.filter(
        user=colleague, organization=organization, is_active=True
    ).exists():
        raise SetupError(_("The colleague must be an active member of the organization."))
    moved: dict[str, int] = {}
    # Each part registered by the areas above (caseload.py): open referrals, program teams.
    for part in caseload.parts():
        moved[part.name] = 0
        for item in part.held(leaver, organization).select_for_update(of=("self",)):
            part.hand_over(item, leaver, colleague)
            moved[part.name] += 1
    audit.record(
        CASELOAD_HANDED_OVER,
        actor=actor,
        target=organization,
        about=[leaver, colleague],
        data={"leaver": leaver.email, "colleague": colleague.email, **moved},
    )
    return moved
