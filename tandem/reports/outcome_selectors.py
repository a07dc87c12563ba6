"""Aggregate queries over what happens during and after mentoring: satisfaction (monthly
check-ins and exit surveys), employment at exit and at the follow-ups (3, 6 and 12 months by
default), and time to employment. Same rules as selectors.py: a fixed number of queries.

The cohort is the mentees whose mentorship ended (completed or early) in the period; their
outcome "at exit" is the last entry of their employment history recorded for that mentorship
outside a follow-up, and their outcome at N months is the answer to the N-month follow-up.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DateField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Coalesce, Substr, TruncDate, TruncQuarter

from tandem.meetings.models import CheckIn
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.outcomes.models import EMPLOYED, EmploymentOutcome, EmploymentStatus, ExitSurvey
from tandem.reports.selectors import DaysBetween, Scope, _buckets

ENDED = [MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY]
INTERVALS = (0, 3, 6, 12)  # 0 is "at exit"
DIMENSIONS = ("program", "cohort", "agency", "occupation")
EMPLOYMENT_EDGES = (30, 90, 180, 365)
# Read once: an enum's `values` is rebuilt at every access, and the sums below read it often.
STATUSES = tuple(EmploymentStatus.values)


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
            scope.period.days("mentorship__ended_on"),
            mentorship__program__in=scope.programs,
            mentorship__status__in=ENDED,
            participant=F("mentorship__mentee"),
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


def employment_grid(scope: Scope) -> list[dict[str, Any]]:
    """Counts per interval, program, cohort (quarter of exit), agency, occupation group and
    employment status, in one query; every breakdown is a sum over these groups (categories,
    never people), which costs one pass over the outcomes instead of one per breakdown."""
    statuses = {status: Count("pk", filter=Q(status=status)) for status in EmploymentStatus.values}
    keys = {name: _dimension(name)["key"] for name in DIMENSIONS}
    return list(
        _latest_outcomes(scope)
        .annotate(**keys)
        .values("interval", *DIMENSIONS)
        .annotate(**statuses)
        .order_by()
    )


def employment_outcomes(
    scope: Scope, *, by: str | None = None, grid: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Counts per interval (and per value of `by`) and employment status, summed from the
    grid (read once if not given)."""
    grid = employment_grid(scope) if grid is None else grid
    summed: dict[tuple, dict[str, Any]] = {}
    for row in grid:
        key = (row["interval"], row[by]) if by else (row["interval"],)
        entry = summed.setdefault(
            key,
            {
                "interval": row["interval"],
                **({"key": row[by]} if by else {}),
                **dict.fromkeys(STATUSES, 0),
            },
        )
        for status in STATUSES:
            entry[status] += row[status]
    return [summed[k] for k in sorted(summed, key=lambda k: tuple(str(p) for p in k))]


def cohort_size(scope: Scope) -> int:
    return _cohort(scope).values("mentee_id").distinct().count()


def time_to_employment(scope: Scope) -> dict[str, Any]:
    """Days from the start of the mentorship to the first date of employment the mentee
    recorded for it, over the cohort. One query: the first job per mentorship in an inner
    query, the mean and the bands over it (a subquery per mentorship was ten times slower)."""
    start = Coalesce(
        F("mentorship__started_on"), TruncDate("mentorship__confirmed_at"), output_field=DateField()
    )
    inner = (
        EmploymentOutcome.objects.filter(
            mentorship__in=_cohort(scope),
            participant=F("mentorship__mentee"),
            status__in=EMPLOYED,
            employed_on__isnull=False,
        )
        .values("mentorship_id")
        .annotate(days=DateDays(Min("employed_on"), Min(start)))
        .values("days")
        .order_by()
    )
    sql, params = inner.query.sql_with_params()
    days = connection.ops.quote_name("days")
    parts = ["COUNT(*)", f"AVG({days})"]
    low = None
    for edge in EMPLOYMENT_EDGES:
        condition = f"{days} <= {edge}" + (f" AND {days} > {low}" if low is not None else "")
        parts.append(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)")
        low = edge
    parts.append(f"SUM(CASE WHEN {days} > {low} THEN 1 ELSE 0 END)")
    with connection.cursor() as cursor:
        # Only this module's constants are written into the SQL; the scope stays parameters.
        cursor.execute(f"SELECT {', '.join(parts)} FROM ({sql}) AS jobs", params)  # noqa: S608
        count, mean, *bands = cursor.fetchone()
    row = {"days_le_" + str(e): int(b or 0) for e, b in zip(EMPLOYMENT_EDGES, bands, strict=False)}
    row[f"days_gt_{EMPLOYMENT_EDGES[-1]}"] = int(bands[-1] or 0)
    return {
        "count": int(count or 0),
        "mean": None if mean is None else float(mean),
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
