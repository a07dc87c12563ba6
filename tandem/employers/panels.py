"""The pair's workplace activities on the mentorship page (meetings' panel registry)."""

from typing import Any

from tandem.employers import forms, selectors
from tandem.employers.services import can_host
from tandem.mentorships.access import MentorshipAccess
from tandem.mentorships.models import Mentorship


def workplace_panel(
    mentorship: Mentorship, found: MentorshipAccess
) -> tuple[str, dict[str, Any]] | None:
    """Shown when the mentor can host or the pair already has activities: the activities,
    the form to offer or request one, and, for staff, a hire by a partner employer."""
    activities = selectors.activities_of(mentorship)
    hosts = can_host(mentorship)
    if not activities and not hosts and not found.can_manage:
        return None
    context: dict[str, Any] = {
        "mentorship": mentorship,
        "activities": activities,
        "can_host": hosts,
        "side": found.side,
        "can_manage": found.can_manage,
        "is_open": mentorship.is_active,
        "form": forms.ActivityForm() if hosts and mentorship.is_active else None,
        "terms": selectors.terms_of(mentorship.mentor),
    }
    return "employers/_workplace_panel.html", context
