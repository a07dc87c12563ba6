"""A meeting request as an .ics text (RFC 5545, METHOD:REQUEST), shared by every kind of meeting
Tandem schedules between people (introductions, connector meetings), and an announcement
(METHOD:PUBLISH) of an event open to its readers (a program's event, a community's gathering).
The caller writes the words in the reader's language; this writes the calendar. The UID stays the same and SEQUENCE grows
when a meeting moves, so that calendars update the event rather than add a second one."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from django.utils import timezone, translation
from icalendar import Calendar, Event, vCalAddress, vText


class Attendee(Protocol):
    @property
    def email(self) -> str: ...
    @property
    def full_name(self) -> str: ...


def _calendar(
    method: str,
    *,
    prodid: str,
    uid: str,
    sequence: int,
    starts_at: datetime,
    ends_at: datetime,
    summary: str,
    description: str,
    location: str,
    url: str,
) -> tuple[Calendar, Event]:
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", summary)
    event.add("description", description)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    calendar.add_component(event)
    return calendar, event


def meeting_request(
    *,
    attendees: Iterable[Attendee],
    organizer: Any = None,
    rsvp: bool = False,
    location: str = "",
    url: str = "",
    **when_and_what: Any,
) -> str:
    """`when_and_what`: `prodid`, `uid`, `sequence`, `starts_at`, `ends_at`, `summary`,
    `description` (see `_calendar`)."""
    calendar, event = _calendar("REQUEST", location=location, url=url, **when_and_what)
    if organizer is not None:
        address = vCalAddress(f"mailto:{organizer.email}")
        address.params["cn"] = vText(organizer.get_full_name() or organizer.email)
        event["organizer"] = address
    for person in attendees:
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.full_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        if rsvp:
            attendee.params["partstat"] = vText("NEEDS-ACTION")
            attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=False)
    return calendar.to_ical().decode("utf-8")


def announcement(
    *, location: str = "", url: str = "", cancelled: bool = False, **when_and_what: Any
) -> str:
    """An event announced to its readers (METHOD:PUBLISH, no attendees): a program's event, a
    community's gathering. A cancellation is the same UID with METHOD:CANCEL. `when_and_what`
    as for `meeting_request`."""
    calendar, event = _calendar(
        "CANCEL" if cancelled else "PUBLISH", location=location, url=url, **when_and_what
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return calendar.to_ical().decode("utf-8")


def attachment(name: Any, text: str, *, language: str) -> tuple[str, str, str]:
    """A calendar file attached to a mail, `(filename, text, mimetype)`, named in the
    recipient's language as the downloads are (« rencontre-de-presentation.ics »). `name` is the
    sending app's own `pgettext_lazy("file name", ...)` slug: plain ASCII, so that every mail
    program shows it as written."""
    with translation.override(language):
        return (f"{name}.ics", text, "text/calendar")
