"""An event as an iCalendar file, in the reader's language, attached to invitations."""

from django.utils.translation import pgettext_lazy

from tandem.core.calendar import announcement
from tandem.core.i18n import localized
from tandem.events.models import Event

# The file's name attached to a mail, in the reader's language (a slug: plain ASCII).
FILE_NAME = pgettext_lazy("file name", "event")


def event_ics(event: Event, *, language: str, cancelled: bool = False, sequence: int = 0) -> str:
    return announcement(
        prodid="-//Tandem//Events//EN",
        # The same UID for every mail about this event: calendars update it instead of adding one.
        uid=f"event-{event.pk}@tandem",
        # Raised by a caller that moves or cancels the event after its first invitation.
        sequence=sequence,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        summary=localized(event, "title", language),
        description=localized(event, "description", language),
        location=event.link if event.mode == "virtual" else event.place,
        cancelled=cancelled,
    )
