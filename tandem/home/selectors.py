from tandem.accounts.models import User
from tandem.organizations.access import active_memberships, client_record_roles


def dashboard_for(*, user: User) -> dict:
    """What a signed-in person sees first: their organizations and their own participant records."""
    memberships = list(
        active_memberships(user)
        .select_related("organization")
        .order_by("organization__name_en", "role")
    )
    own_records = list(
        user.participant_records.select_related("organization", "occupation").order_by("role")
    )
    return {
        "memberships": memberships,
        "own_records": own_records,
        "can_see_client_records": any(m.role in client_record_roles() for m in memberships),
    }
