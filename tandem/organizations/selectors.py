from django.db.models import Count, Prefetch, QuerySet

from tandem.organizations.models import Membership, Organization, Partnership


def organization_directory() -> QuerySet[Organization]:
    """Every active organization of the network with its public facts, for the directory."""
    return (
        Organization.objects.filter(is_active=True)
        .prefetch_related(
            "locations", Prefetch("partnerships", Partnership.objects.select_related("partner"))
        )
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("kind", "name_en")
    )


def organization_members(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization, is_active=True)
        .select_related("user")
        .prefetch_related("locations")
        .order_by("user__last_name", "user__first_name", "role")
    )


def partnerships_of(*, organization: Organization) -> QuerySet[Partnership]:
    return Partnership.objects.filter(organization=organization).select_related(
        "partner"
    ) | Partnership.objects.filter(partner=organization).select_related("organization")


def organizations_for_setup() -> QuerySet[Organization]:
    """Every organization, inactive ones too, for the platform admin's set-up list."""
    return (
        Organization.objects.select_related("parent")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("kind", "name_en")
    )


def memberships_for_setup(*, organization: Organization) -> QuerySet[Membership]:
    """Everyone who holds or held a role here, so that a revoked role can be restored."""
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .prefetch_related("locations")
        .order_by("-is_active", "user__last_name", "user__first_name", "role")
    )


def pending_staff_invitations(*, organization: Organization):
    from tandem.accounts.models import Invitation, InvitationKind

    return Invitation.objects.filter(
        organization=organization,
        kind=InvitationKind.STAFF,
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
    ).order_by("email")
