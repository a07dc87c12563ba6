"""What every part of the connector services shares: the error, the audit events, links and
the mail helper (each message in its recipient's language, linking to a page in that language)."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from tandem.core import audit
from tandem.core.mail import send_to_person

JOINED = audit.event("connector.joined", gettext_lazy("Joined as a connector"))
PROFILE_CHANGED = audit.event(
    "connector.profile_changed", gettext_lazy("Connector profile changed")
)
INVITED = audit.event("connector.invited", gettext_lazy("Invited to become a connector"))
DECLINED = audit.event("connector.declined", gettext_lazy("Connector invitation declined"))
PASSED_ON = audit.event(
    "connector.passed_on", gettext_lazy("Connector invitation passed on to someone else")
)
REQUESTED = audit.event("connector.meeting_requested", gettext_lazy("Connector meeting requested"))
OFFERED = audit.event("connector.times_offered", gettext_lazy("Times offered for a meeting"))
SCHEDULED = audit.event("connector.meeting_scheduled", gettext_lazy("Connector meeting scheduled"))
HELD = audit.event("connector.meeting_held", gettext_lazy("Connector meeting recorded"))
CANCELLED = audit.event("connector.meeting_cancelled", gettext_lazy("Connector meeting cancelled"))
INTRODUCED = audit.event("connector.introduced", gettext_lazy("Introductions recorded"))
FEEDBACK = audit.event("connector.feedback", gettext_lazy("Feedback on a connector meeting"))
RESULT = audit.event("connector.result", gettext_lazy("What a connector meeting led to"))
MENTORSHIP_ASKED = audit.event(
    "connector.mentorship_asked", gettext_lazy("Asked to continue as a mentorship")
)
MENTORSHIP_OPENED = audit.event(
    "connector.mentorship_opened", gettext_lazy("Mentorship proposed after a connector meeting")
)
REMINDED = audit.event("connector.reminded", gettext_lazy("Connector reminder sent"))

# Answers given through an invitation link, by a person who has no account yet.
INVITATION_LINK = audit.SystemActor("connector invitation link")


class ConnectorError(Exception):
    """A rule of the connector program was broken; the message is translated for the actor."""


def _link(name: str, language: str, **kwargs: Any) -> str:
    with translation.override(language):
        return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def _normalise(email: str) -> str:
    return email.strip().lower()


def _tell(
    person: Any,
    template: str,
    context: dict[str, Any],
    *,
    page: str,
    attachments: list[tuple[str, str, str]] | None = None,
    **page_kwargs: Any,
) -> None:
    """Mails `person` (anyone with `email` and `preferred_language`) in their language, with the
    link to `page` in that language as `url`."""
    language = person.preferred_language
    send_to_person(
        email=person.email,
        language=language,
        template=f"connectors/mail/{template}",
        context={**context, "url": _link(page, language, **page_kwargs)},
        attachments=attachments,
    )
