from django.db.models import QuerySet

from tandem.organizations.models import Organization
from tandem.participants.models import Participant


def participant_list(
    *, organization: Organization, role: str | None = None
) -> QuerySet[Participant]:
    participants = Participant.objects.filter(organization=organization).select_related(
        "occupation"
    )
    if role:
        participants = participants.filter(role=role)
    return participants.order_by("family_name", "given_name")
