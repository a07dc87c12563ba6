"""Retention of group and peer mentoring circles that ended (core.retention; the privacy app's
sweep runs it): staff's notes about the group and what members wrote in their session feedback
go; the circle, its members, sessions, attendance and usefulness ratings stay, so the group
section of every report counts the same."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.circles.models import Circle, CircleNote, SessionFeedback
from tandem.core import audit, retention


def circles_due(organization_id: int, cutoff: datetime) -> QuerySet[Circle]:
    return Circle.objects.filter(program__organization_id=organization_id, ended_at__lt=cutoff)


def circle_anonymise(circle: Circle) -> None:
    notes = CircleNote.objects.filter(circle=circle)
    feedback = SessionFeedback.objects.filter(session__circle=circle)
    audit.scrub_records([*notes, *feedback])
    retention.blank(CircleNote, notes, "text")
    retention.blank(SessionFeedback, feedback, "topics")


def register() -> None:
    retention.register(
        retention.Kind(
            code="circle",
            label=_("Groups that ended, with their notes"),
            starts=_("after the group ended"),
            removes=_("Staff's notes about the group and the topics members asked for next time."),
            keeps=_(
                "The group, its members, sessions, attendance and usefulness ratings: the group "
                "and peer mentoring figures do not change."
            ),
            default_months=84,
            why=_("Seven years after the group ended, as for a mentorship's case file."),
            due=circles_due,
            anonymise=circle_anonymise,
            people=("members__participant",),
            position=35,
        )
    )
