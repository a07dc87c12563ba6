"""Aggregate queries over what happens during and after mentoring: satisfaction (monthly
check-ins and exit surveys), employment at exit and at the follow-ups (3, 6 and 12 months by
default), and time to employment. Same rules as selectors.py: a fixed number of queries.

The cohort is the mentees whose mentorship ended (completed or early) in the period; their
outcome "at exit" is the last entry of their employment history recorded for that mentorship
outside a follow-up, and their outcome at N months is the answer to the N-month follow-up.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Avg,
    Count,
    DateField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Substr, TruncDate, TruncQuarter

from tandem.meetings.models import CheckIn
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.outcomes.models import EMPLOYED, EmploymentOutcome, EmploymentStatus, ExitSurvey
from tandem.reports.selectors import DaysBetween, Scope, _bucketed, _buckets

ENDED = [MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY]
INTERVALS = (0, 3, 6, 12)  # 0 is "at exit"
DIMENSIONS = ("program", "cohort", "agency", "occupation")
EMPLOYMENT_EDGES = (30, 90, 180, 365)


def _cohort(scope: Scope):
    return Mentorship.objects.filter(
        scope.period.days("ended_on"), program__in=scope.programs, status__in=ENDED
    )


def _latest_outcomes(scope: Scope):
    """One outcome per mentee, mentorship and interval (see the module docstring)."""
    later_at_exit = EmploymentOutcome.objects.filter(
        mentorship=OuterRef("mentorship"),
        participant=OuterRef("participant"),
        follow_up__isnull=True,
        recorded_at__gt=OuterRef("recorded_at"),
    )
    return (
        EmploymentOutcome.objects.filter(
            mentorship__in=_cohort(scope), participant=F("mentorship__mentee")
        )
        .filter(Q(follow_up__isnull=False) | ~Exists(later_at_exit))
        .annotate(interval=Coalesce(F("follow_up__months"), Value(0)))
        .filter(interval__in=INTERVALS)
    )


def _dimension(name: str) -> dict[str, Any]:
    return {
        "program": {"key": F("mentorship__program_id")},
        "cohort": {"key": TruncQuarter("mentorship__ended_on")},
        "agency": {"key": F("participant__organization_id")},
        "occupation": {"key": Substr("participant__occupation_id", 1, 2)},
    }[name]


def employment_outcomes(scope: Scope, *, by: str | None = None) -> list[dict[str, Any]]:
    """Counts per interval (and per value of `by`) and employment status. One query."""
    statuses = {status: Count("pk", filter=Q(status=status)) for status in EmploymentStatus.values}
    fields = ["interval"]
    outcomes = _latest_outcomes(scope)
    if by:
        outcomes = outcomes.annotate(**_dimension(by))
        fields.append("key")
    return list(outcomes.values(*fields).annotate(**statuses).order_by(*fields))


def cohort_size(scope: Scope) -> int:
    return _cohort(scope).values("mentee_id").distinct().count()


def time_to_employment(scope: Scope) -> dict[str, Any]:
    """Days from the start of the mentorship to the first date of employment the mentee
    recorded for it, over the cohort. One query."""
    first_job = (
        EmploymentOutcome.objects.filter(
            mentorship=OuterRef("pk"),
            participant=OuterRef("mentee_id"),
            status__in=EMPLOYED,
            employed_on__isnull=False,
        )
        .order_by()
        .values("mentorship")
        .annotate(first=Min("employed_on"))
        .values("first")
    )
    start = Coalesce(F("started_on"), TruncDate("confirmed_at"), output_field=DateField())
    row = (
        _cohort(scope)
        .annotate(
            days=DateDays(Subquery(first_job, output_field=DateField()), start),
        )
        .aggregate(
            cohort=Count("pk"),
            employed=Count("pk", filter=Q(days__isnull=False)),
            mean=Avg("days"),
            **_bucketed("days", EMPLOYMENT_EDGES),
        )
    )
    return {
        "cohort": row["cohort"],
        "count": row["employed"],
        "mean": row["mean"],
        "max": None,
        "buckets": _buckets(row, "days", EMPLOYMENT_EDGES),
    }


class DateDays(DaysBetween):
    """(end - start) in days between two dates."""

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="((%(expressions)s)::float)",
            arg_joiner=" - ",
            **extra,
        )


def satisfaction(scope: Scope) -> dict[str, Any]:
    """Exit surveys submitted in the period by side and score (1 to 5), and the monthly
    check-ins held in the period. Two queries."""
    rows = list(
        ExitSurvey.objects.filter(
            scope.period.instants("submitted_at"), mentorship__program__in=scope.programs
        )
        .values("participant__role")
        .annotate(
            **{f"s{score}": Count("pk", filter=Q(satisfaction=score)) for score in range(1, 6)},
            mean=Avg("satisfaction"),
            answers=Count("pk"),
            recommend=Count("pk", filter=Q(would_recommend=True)),
        )
        .order_by("participant__role")
    )
    check_ins = CheckIn.objects.filter(
        scope.period.days("held_on"), mentorship__program__in=scope.programs
    ).aggregate(count=Count("pk"), mean=Avg("satisfaction"))
    return {"surveys": rows, "check_ins": check_ins}
