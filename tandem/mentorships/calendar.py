"""The introduction meeting as an iCalendar invitation (RFC 5545), written in one language."""

from __future__ import annotations

from datetime import timedelta

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from tandem.core import dates
from tandem.core.calendar import meeting_request
from tandem.mentorships.models import IntroductionMeeting, MeetingMode

# The file's name, downloaded or attached, in the reader's language (a slug: plain ASCII).
FILE_NAME = pgettext_lazy("file name", "introduction-meeting")


def when_text(meeting: IntroductionMeeting) -> str:
    return dates.when(meeting.starts_at)


def where_text(meeting: IntroductionMeeting) -> str:
    if meeting.mode == MeetingMode.IN_PERSON:
        return meeting.place
    if meeting.mode == MeetingMode.PHONE:
        return meeting.phone
    return meeting.link


def meeting_facts(meeting: IntroductionMeeting) -> list[tuple[str, str]]:
    facts = [
        (_("When"), when_text(meeting)),
        (_("Duration"), _("%(minutes)d minutes") % {"minutes": meeting.duration_minutes}),
        (_("How"), str(MeetingMode(meeting.mode).label)),
    ]
    where = where_text(meeting)
    if where:
        label = {
            MeetingMode.IN_PERSON: _("Place"),
            MeetingMode.PHONE: _("Phone number"),
            MeetingMode.VIRTUAL: _("Link"),
        }[MeetingMode(meeting.mode)]
        facts.append((label, where))
    return facts


def invitation(meeting: IntroductionMeeting, *, language: str, organizer=None) -> str:
    """The .ics text. The UID stays the same and SEQUENCE grows when the meeting moves, so that
    calendars update the event rather than add a second one."""
    mentorship = meeting.mentorship
    with translation.override(language):
        summary = _("Introduction meeting: %(mentee)s and %(mentor)s") % {
            "mentee": mentorship.mentee.full_name,
            "mentor": mentorship.mentor.full_name,
        }
        description = "\n".join(
            [
                _(
                    "The three-way introduction meeting of the %(program)s program: the "
                    "mentee, the mentor and program staff get to know each other and talk "
                    "about the goals of the mentorship."
                )
                % {"program": mentorship.program.name},
                *[f"{label}: {value}" for label, value in meeting_facts(meeting)],
            ]
        )
    return meeting_request(
        prodid="-//Tandem//Matching desk//EN",
        uid=f"{meeting.uid}@tandem",
        sequence=meeting.sequence,
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + timedelta(minutes=meeting.duration_minutes),
        summary=summary,
        description=description,
        location=where_text(meeting),
        url=meeting.link if meeting.mode == MeetingMode.VIRTUAL else "",
        organizer=organizer,
        attendees=(mentorship.mentee, mentorship.mentor),
        rsvp=True,
    )
