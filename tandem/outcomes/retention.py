"""Retention of closed pairings with their meetings and notes (core.retention; the privacy
app's sweep runs it). The pairing's rows stay with their dates, minutes, modes, statuses and
scores, so hours, completion, satisfaction and outcome figures do not change; what the pair and
staff wrote goes. Registered here, the floor that holds the closure and sees the floors below
(mentorships, meetings)."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.core import audit, retention
from tandem.meetings.models import (
    CaseMeeting,
    CheckIn,
    MeetingLog,
    NextMeeting,
    Reminder,
    SharedDocument,
)
from tandem.mentorships.models import (
    ACTIVE_STATUSES,
    Agreement,
    IntroductionMeeting,
    Mentorship,
)
from tandem.outcomes.models import Closure, ExitSurvey, Extension


def mentorships_due(organization_id: int, cutoff: datetime) -> QuerySet[Mentorship]:
    """Closed pairings of the organization's programs, ended before the cutoff (a pairing
    that did not proceed may have no end date: its confirmation)."""
    return (
        Mentorship.objects.filter(program__organization_id=organization_id)
        .exclude(status__in=ACTIVE_STATUSES)
        .filter(Q(ended_on__lt=cutoff.date()) | Q(ended_on__isnull=True, confirmed_at__lt=cutoff))
    )


# (model, its free-text fields): every row of the pairing loses these.
WRITTEN = [
    (MeetingLog, ("topics",)),
    (NextMeeting, ("place",)),
    (CheckIn, ("how_it_is_going", "concerns")),
    (CaseMeeting, ("attendees", "reason", "notes", "decisions")),
    (IntroductionMeeting, ("place", "link", "phone", "notes")),
    (Agreement, ("goals", "confidentiality")),
    (Closure, ("note",)),
    (Extension, ("note",)),
    (ExitSurvey, ("what_helped", "what_to_improve")),
]


def mentorship_anonymise(mentorship: Mentorship) -> None:
    touched: list = [mentorship]
    for model, fields in WRITTEN:
        rows = model._base_manager.filter(mentorship=mentorship)
        touched += list(rows)
        retention.blank(model, rows, *fields)
    # No report counts shared documents: they go (the file first), rather than rows with
    # neither file nor link, which the table refuses.
    for document in SharedDocument.objects.filter(mentorship=mentorship):
        if document.file:
            document.file.delete(save=False)
        touched.append(document)
    audit.scrub_records(touched)
    SharedDocument.objects.filter(mentorship=mentorship).delete()
    # The reminders sent to the pair go rather than lose their address: emptied, the mentor's
    # and the mentee's reminders of one week became the same row, which the table's "sent once"
    # constraint refuses; nothing counts them, and a pair that ended is reminded of nothing.
    retention.forget(Reminder._base_manager.filter(mentorship=mentorship))


def register() -> None:
    retention.register(
        retention.Kind(
            code="mentorship",
            label=_("Mentorships that ended, with their meetings and notes"),
            starts=_("after the mentorship ended"),
            removes=_(
                "Topics of meetings, check-in and case-meeting notes, the agreement's goals, "
                "introduction and next-meeting places and links, closure and extension notes, "
                "the exit survey's comments, and the documents the pair shared."
            ),
            keeps=_(
                "The mentorship and each meeting, check-in and survey with its date, minutes, "
                "mode, status and scores: hours, completion, satisfaction and outcome figures "
                "do not change."
            ),
            default_months=84,
            why=_(
                "Seven years after closure: what many agencies keep case files for, and what "
                "funders' audits may ask to see."
            ),
            due=mentorships_due,
            anonymise=mentorship_anonymise,
            people=("mentee", "mentor"),
            position=30,
        )
    )
