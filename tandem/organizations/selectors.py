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
