"""A connector meeting as an iCalendar invitation (RFC 5545), written in one person's language.

The shape is the introduction meeting's (`mentorships/calendar.py`): one UID per meeting and a
SEQUENCE that grows when it moves, so calendars update the event instead of adding another."""

from datetime import timedelta

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from tandem.connectors.models import MEETING_MINUTES, ConnectorMeeting, MeetingMode
from tandem.core import dates
from tandem.core.calendar import meeting_request

# The file's name, downloaded or attached, in the reader's language (a slug: plain ASCII).
FILE_NAME = pgettext_lazy("file name", "connector-meeting")


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
    return meeting_request(
        prodid="-//Tandem//Connector program//EN",
        uid=f"connector-{meeting.uid}@tandem",
        sequence=meeting.sequence,
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + timedelta(minutes=MEETING_MINUTES),
        summary=summary,
        description=description,
        location=meeting.where or "",
        attendees=(newcomer, connector),
    )
