"""An event as an iCalendar file, in the reader's language, attached to invitations."""

from django.utils import timezone
from django.utils.translation import pgettext_lazy
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from tandem.core.i18n import localized
from tandem.events.models import Event

# The file's name attached to a mail, in the reader's language (a slug: plain ASCII).
FILE_NAME = pgettext_lazy("file name", "event")


def event_ics(event: Event, *, language: str, cancelled: bool = False, sequence: int = 0) -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//Tandem//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    entry = CalendarEvent()
    # The same UID for every mail about this event: calendars update it instead of adding one.
    entry.add("uid", f"event-{event.pk}@tandem")
    # Raised by a caller that moves or cancels the event after its first invitation.
    entry.add("sequence", sequence)
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", localized(event, "title", language))
    entry.add("description", localized(event, "description", language))
    entry.add("location", event.link if event.mode == "virtual" else event.place)
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(entry)
    return calendar.to_ical().decode()
