"""Retention of workplace activities' text (core.retention; the privacy app's sweep runs it).

An activity belongs to a pair's mentorship, whose own kind (outcomes/retention.py, a floor below
this one) cannot see it: it is declared here with the same start, the end of the mentorship. The
activity stays with its kind, status, dates and host, so the employer-engagement figures do not
change; who received the mentee and the note go."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.core import audit, retention
from tandem.employers.models import WorkplaceActivity
from tandem.outcomes.retention import mentorships_due


def activities_due(organization_id: int, cutoff: datetime) -> QuerySet[WorkplaceActivity]:
    return WorkplaceActivity.objects.filter(
        mentorship__in=mentorships_due(organization_id, cutoff).values("pk")
    )


def activity_anonymise(activity: WorkplaceActivity) -> None:
    audit.scrub_records([activity])
    retention.blank(WorkplaceActivity, [activity.pk], "host_detail", "note")


def register() -> None:
    retention.register(
        retention.Kind(
            code="workplace_activity",
            label=_("Workplace activities of mentorships that ended"),
            starts=_("after the mentorship ended"),
            removes=_("Where the activity took place and who received the mentee, and its note."),
            keeps=_(
                "Each activity with its kind, status, dates and host organization: the "
                "employer-engagement figures do not change."
            ),
            default_months=84,
            why=_("Seven years after the mentorship ended, as for the mentorship's case file."),
            due=activities_due,
            anonymise=activity_anonymise,
            people=("mentorship__mentee", "mentorship__mentor"),
            position=32,
        )
    )
