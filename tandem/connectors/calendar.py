"""A connector meeting as an iCalendar invitation (RFC 5545), written in one person's language.

The shape is the introduction meeting's (`mentorships/calendar.py`): one UID per meeting and a
SEQUENCE that grows when it moves, so calendars update the event instead of adding another."""

from datetime import timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from tandem.connectors.models import MEETING_MINUTES, ConnectorMeeting, MeetingMode
from tandem.core import dates


def facts(meeting: ConnectorMeeting, *, language: str) -> list[tuple[str, str]]:
    with translation.override(language):
        rows = [
            (_("When"), dates.when(meeting.starts_at) if meeting.starts_at else ""),
            (_("Duration"), _("%(minutes)d minutes") % {"minutes": MEETING_MINUTES}),
            (_("How"), str(MeetingMode(meeting.mode).label)),
        ]
        if meeting.where:
            rows.append((_("Where"), meeting.where))
    return rows


def invitation(meeting: ConnectorMeeting, *, language: str) -> str:
    """The .ics text of a scheduled meeting (one with `starts_at`)."""
    assert meeting.starts_at is not None, "only a scheduled meeting has a calendar invitation"
    newcomer, connector = meeting.newcomer, meeting.connector.participant
    with translation.override(language):
        summary = _("Connector meeting: %(newcomer)s and %(connector)s") % {
            "newcomer": newcomer.full_name,
            "connector": connector.full_name,
        }
        description = "\n".join(
            [
                _(
                    "A 30-minute meeting of the %(program)s program: the newcomer and the "
                    "connector talk about the newcomer's field, and the connector thinks of "
                    "three people the newcomer should meet next."
                )
                % {"program": meeting.program.name},
                *[f"{label}: {value}" for label, value in facts(meeting, language=language)],
            ]
        )
    cal = Calendar()
    cal.add("prodid", "-//Tandem//Connector program//EN")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"connector-{meeting.uid}@tandem")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    assert meeting.starts_at is not None  # only a meeting with its time has an invitation
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + timedelta(minutes=MEETING_MINUTES))
    event.add("summary", summary)
    event.add("description", description)
    if meeting.where:
        event.add("location", meeting.where)
    for person in (newcomer, connector):
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.full_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    return cal.to_ical().decode("utf-8")
