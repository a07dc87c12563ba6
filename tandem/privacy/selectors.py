"""Privacy reads: the view log for a person or an office, the people of an account."""

from django.db.models import QuerySet

from tandem.accounts.models import User
from tandem.organizations.models import Membership, Organization
from tandem.participants.models import Participant
from tandem.privacy.models import PrivacySettings, RecordView

LOG_PAGE = 200  # the newest views shown on a page


def records_of(user: User) -> QuerySet[Participant]:
    """A person's own records, in every organization that holds one."""
    return Participant.objects.filter(user=user).select_related("organization")


def views_of(participants: QuerySet[Participant] | list[Participant]) -> QuerySet[RecordView]:
    return RecordView.objects.filter(participant__in=participants).select_related(
        "viewer", "organization", "participant"
    )


def views_in_office(organization: Organization) -> QuerySet[RecordView]:
    """Views of the records an organization holds, by anyone."""
    return RecordView.objects.filter(participant__organization=organization).select_related(
        "viewer", "organization", "participant"
    )


def officer_of(organization: Organization) -> User | None:
    found = PrivacySettings.objects.filter(organization=organization).select_related("officer")
    settings = found.first()
    return settings.officer if settings else None


def officer_candidates(organization: Organization) -> QuerySet[User]:
    """Active members of the organization, who may be named its privacy officer."""
    members = Membership.objects.filter(organization=organization, is_active=True)
    return User.objects.filter(pk__in=members.values("user_id")).order_by("email")
