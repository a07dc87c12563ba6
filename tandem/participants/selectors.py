from django.db.models import Q, QuerySet

from tandem.organizations.models import Organization
from tandem.participants.models import Participant


def participant_list(
    *, organization: Organization, role: str | None = None, query: str = ""
) -> QuerySet[Participant]:
    participants = Participant.objects.filter(organization=organization).select_related(
        "occupation"
    )
    if role:
        participants = participants.filter(role=role)
    for word in query.split():
        participants = participants.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(email__icontains=word)
            | Q(external_id__iexact=word)
        )
    return participants.order_by("family_name", "given_name")


def participants_for_export(*, organization: Organization):
    """Every participant of the organization, streamed in key order for the CSV export."""
    return (
        Participant.objects.filter(organization=organization)
        .order_by("external_id")
        .only(
            "external_id",
            "role",
            "given_name",
            "family_name",
            "email",
            "preferred_language",
            "languages",
            "occupation_id",
            "industry_id",
            "postal_code",
            "meeting_mode",
            "availability",
            "goals",
            "capacity",
            "clb_level",
            "years_experience",
            "employer",
        )
        .iterator(chunk_size=2000)
    )


def import_list(*, organization: Organization):
    from tandem.participants.models import ImportJob

    return ImportJob.objects.filter(organization=organization).select_related("created_by")


def participants_without_account(*, organization: Organization) -> QuerySet[Participant]:
    """People of the organization with no account yet, with their latest invitation's date."""
    from django.db.models import Max

    return (
        Participant.objects.filter(organization=organization, user__isnull=True)
        .annotate(invited_at=Max("invitations__sent_at"))
        .order_by("family_name", "given_name", "pk")
    )


def participants_to_invite(*, organization: Organization) -> QuerySet[Participant]:
    """The few columns an invitation needs, for thousands of people at once."""
    return Participant.objects.filter(organization=organization, user__isnull=True).only(
        "pk", "email", "preferred_language", "organization_id", "user_id"
    )


def account_summary(*, organization: Organization) -> dict[str, int]:
    from django.db.models import Count

    counts = Participant.objects.filter(organization=organization).aggregate(
        total=Count("pk"), with_account=Count("pk", filter=Q(user__isnull=False))
    )
    return {**counts, "without": counts["total"] - counts["with_account"]}
