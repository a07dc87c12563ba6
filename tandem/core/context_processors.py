from django.http import HttpRequest

from tandem.core import access


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
    return {"my_memberships": memberships}
