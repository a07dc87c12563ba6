from django.http import HttpRequest

from tandem.organizations import access


def navigation(request: HttpRequest) -> dict:
    """The signed-in person's organizations and roles, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = list(
        access.active_memberships(user)
        .select_related("organization")
        .order_by("organization__name_en")
    )
    works_with_clients = user.is_platform_admin or any(
        m.role in access.client_record_roles() for m in memberships
    )
    # Asked only of people who are not staff, so that staff pages keep their query count.
    has_own_records = not works_with_clients and user.participant_records.exists()
    return {
        "my_memberships": memberships,
        "nav_has_own_records": has_own_records,
        # Which parts of the navigation concern this person: staff tools, or their own match.
        "nav_works_with_clients": works_with_clients,
        "nav_is_participant": works_with_clients or has_own_records,
    }
