"""Who reads what of a program's intake records (the mechanism is in tandem.core.access)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from tandem.core import access

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.programs.models import Enrolment, IntakeMeeting


def intake_meetings_readable(user: User, enrolment: Enrolment) -> QuerySet[IntakeMeeting]:
    """The one-on-one meetings of an enrolment (already reached through access_enrolment)
    whose notes this person may read: program staff all of them; the person met those staff
    opened to them; anyone else who may see the person (their agency's caseworkers, who
    referred them) only those opened to the agency too."""
    from tandem.programs.models import NotesVisibility

    meetings = enrolment.meetings.select_related("staff")
    if access.can_manage_program(user, enrolment.program):
        return meetings
    if enrolment.participant.user_id == user.pk:
        return meetings.filter(
            notes_visibility__in=[NotesVisibility.PERSON, NotesVisibility.AGENCY]
        )
    return meetings.filter(notes_visibility=NotesVisibility.AGENCY)
