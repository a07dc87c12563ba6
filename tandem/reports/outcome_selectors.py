"""Aggregate queries over what happens during and after mentoring: satisfaction (monthly
check-ins and exit surveys), employment at exit and at the follow-ups (3, 6 and 12 months by
default), and time to employment. Same rules as selectors.py: a fixed number of queries.

The cohort is the mentees whose mentorship ended (completed or early) in the period; their
outcome "at exit" is the last entry of their employment history recorded for that mentorship
outside a follow-up, and their outcome at N months is the answer to the N-month follow-up.
Employment at exit and after, its breakdowns, the time to employment and the size of the cohort
come from one query over the cohort's history (employment_counts).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr, TruncDate, TruncQuarter

from tandem.meetings.models import CheckIn
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.outcomes.models import EMPLOYED, EmploymentOutcome, EmploymentStatus, ExitSurvey
from tandem.reports.selectors import DaysBetween, Scope, _buckets, report_connection

ENDED = [MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY]
INTERVALS = (0, 3, 6, 12)  # 0 is "at exit"
DIMENSIONS = ("program", "cohort", "agency", "occupation")
EMPLOYMENT_EDGES = (30, 90, 180, 365)
# Read once: an enum's `values` is rebuilt at every access, and the sums below read it often.
STATUSES = tuple(EmploymentStatus.values)


def _cohort(scope: Scope):
    # A pair is left out when either person is (scope.left_out), and with it every answer
    # and outcome recorded for it below: the rates keep one denominator.
    return Mentorship.objects.filter(
        scope.period.days("ended_on"), program_id__in=scope.program_ids, status__in=ENDED
    ).filter(scope.counted("mentee_id", "mentor_id"))


def _cohort_outcomes(scope: Scope, *, at_exit: bool):
    """The entries of the employment history recorded for a mentorship of the cohort, outside
    a follow-up (`at_exit`) or in answer to one, with what the counts of EMPLOYMENT_SQL read:
    `is_mentee` (the entry is the mentee's own: a column rather than a filter, see
    employment_counts) and `days` (from the start of the mentorship to the date of employment);
    at exit, the groups of the breakdowns; after, the follow-up's `months`. The breakdowns are
    read for the entries at exit only: a third of the history, and the mentee's record is
    joined for those alone."""
    start = Coalesce(
        F("mentorship__started_on"), TruncDate("mentorship__confirmed_at"), output_field=DateField()
    )
    columns: dict[str, Any] = {
        "is_mentee": Case(
            When(participant=F("mentorship__mentee"), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        "days": DateDays(F("employed_on"), start),
    }
    if at_exit:
        columns.update({name: _dimension(name) for name in DIMENSIONS})
    else:
        columns["months"] = F("follow_up__months")
    return (
        EmploymentOutcome.objects.filter(
            scope.period.days("mentorship__ended_on"),
            mentorship__program_id__in=scope.program_ids,
            mentorship__status__in=ENDED,
            follow_up__isnull=at_exit,
        )
        .filter(scope.counted("mentorship__mentee_id", "mentorship__mentor_id"))
        .annotate(**columns)
        .values("mentorship_id", "participant_id", "status", "recorded_at", "employed_on", *columns)
        .order_by()
    )


def _dimension(name: str) -> Any:
    # The mentee's organization and occupation are read through the mentorship: the entries
    # counted are the mentee's own (is_mentee), so it is the same person.
    return {
        "program": F("mentorship__program_id"),
        "cohort": TruncQuarter("mentorship__ended_on"),
        "agency": F("mentorship__mentee__organization_id"),
        "occupation": Substr("mentorship__mentee__occupation_id", 1, 2),
    }[name]


# The counts of employment_counts, over the cohort's history (_cohort_outcomes) read once. The
# entry at exit is the latest one recorded outside a follow-up for the mentorship and person
# (all of them if several share that instant). Each branch gives rows of (section, months or
# band, key, status, count, sum of days); the first sets the columns' types for PostgreSQL.
EMPLOYMENT_SQL = """
WITH exit_outcomes AS ({exit_outcomes}),
follow_up_outcomes AS ({follow_up_outcomes}),
cohort AS ({cohort}),
at_exit AS (
    SELECT * FROM (
        SELECT exit_outcomes.*,
            MAX(recorded_at) OVER (PARTITION BY mentorship_id, participant_id) AS last_exit
        FROM exit_outcomes WHERE is_mentee = 1
    ) AS exits
    WHERE recorded_at = last_exit
),
first_jobs AS (
    SELECT mentorship_id, MIN(days) AS days FROM (
        SELECT mentorship_id, is_mentee, status, employed_on, days FROM exit_outcomes
        UNION ALL
        SELECT mentorship_id, is_mentee, status, employed_on, days FROM follow_up_outcomes
    ) AS outcomes
    WHERE is_mentee = 1 AND status IN ({employed}) AND employed_on IS NOT NULL
    GROUP BY mentorship_id
)
SELECT 'days', band, CAST(NULL AS text), CAST(NULL AS text), COUNT(*), SUM(days)
    FROM (SELECT CASE {bands} END AS band, days FROM first_jobs) AS banded GROUP BY band
UNION ALL SELECT 'all', 0, NULL, status, COUNT(*), NULL
    FROM at_exit GROUP BY status
UNION ALL SELECT 'program', 0, CAST(program AS text), status, COUNT(*), NULL
    FROM at_exit GROUP BY program, status
UNION ALL SELECT 'cohort', 0, CAST(cohort AS text), status, COUNT(*), NULL
    FROM at_exit GROUP BY cohort, status
UNION ALL SELECT 'agency', 0, CAST(agency AS text), status, COUNT(*), NULL
    FROM at_exit GROUP BY agency, status
UNION ALL SELECT 'occupation', 0, occupation, status, COUNT(*), NULL
    FROM at_exit GROUP BY occupation, status
UNION ALL SELECT 'all', months, NULL, status, COUNT(*), NULL
    FROM follow_up_outcomes
    WHERE is_mentee = 1 AND months IN ({follow_up_months})
    GROUP BY months, status
UNION ALL SELECT 'mentees', 0, NULL, NULL, COUNT(DISTINCT mentee_id), NULL FROM cohort
"""


def employment_counts(scope: Scope) -> dict[str, Any]:
    """Everything the employment tables need, in one query over the cohort's employment
    history: the status at exit (overall and by program, cohort, agency and occupation group),
    at each follow-up, the days to the first job, by band with their sum, and how many mentees
    the cohort has. Categories come back, never people: a few dozen rows whatever the number of
    mentees.

    The mentee's own entries are picked by a column (is_mentee) rather than by a join
    condition: given `mentorship = m.id AND participant = m.mentee`, PostgreSQL multiplies the
    two selectivities, expects one row and chooses nested loops, which took 30 s over all years
    at 20,000 mentorships.
    """
    if not scope.program_ids:  # the inner query has no SQL: it can match nothing
        return _read_counts([])
    exit_sql, exit_params = _cohort_outcomes(scope, at_exit=True).query.sql_with_params()
    after_sql, after_params = _cohort_outcomes(scope, at_exit=False).query.sql_with_params()
    cohort_sql, cohort_params = (
        _cohort(scope).values("mentee_id").order_by().query.sql_with_params()
    )
    bands = " ".join(
        f"WHEN days <= {edge} THEN {index}" for index, edge in enumerate(EMPLOYMENT_EDGES)
    )
    statement = EMPLOYMENT_SQL.format(
        exit_outcomes=exit_sql,
        follow_up_outcomes=after_sql,
        cohort=cohort_sql,
        employed=", ".join(["%s"] * len(EMPLOYED)),
        follow_up_months=", ".join(str(months) for months in INTERVALS[1:]),
        bands=f"{bands} ELSE {len(EMPLOYMENT_EDGES)}",
    )
    with report_connection().cursor() as cursor:
        # Only this module's constants are written into the SQL; the scope and the statuses
        # are parameters.
        cursor.execute(  # noqa: S608
            statement, [*exit_params, *after_params, *cohort_params, *EMPLOYED]
        )
        rows = cursor.fetchall()
    return _read_counts(rows)


def _key(section: str, value: Any) -> Any:
    """The group's key as the tables use it: ids as numbers, the quarter as its first day."""
    if value is None:
        return None
    if section in ("program", "agency"):
        return int(value)
    if section == "cohort":
        return dt.date.fromisoformat(str(value)[:10])
    return value


def _read_counts(rows: list[tuple]) -> dict[str, Any]:
    """The rows of EMPLOYMENT_SQL as the tables read them: per section, one dict per interval
    (and key) with a count per status; and the bands of days to the first job."""
    groups: dict[str, dict[tuple, dict[str, Any]]] = {s: {} for s in ("all", *DIMENSIONS)}
    days: dict[int, tuple[int, float]] = {}
    mentees = 0
    for section, months, key, status, count, total in rows:
        if section == "mentees":
            mentees = int(count)
            continue
        if section == "days":
            days[int(months)] = (int(count), float(total or 0))
            continue
        group = (int(months), _key(section, key))
        entry = groups[section].setdefault(
            group,
            {
                "interval": group[0],
                **({"key": group[1]} if section != "all" else {}),
                **dict.fromkeys(STATUSES, 0),
            },
        )
        entry[status] = int(count)
    result: dict[str, Any] = {
        section: [
            entries[k]
            for k in sorted(
                entries, key=lambda k: (str(k[0]),) if section == "all" else tuple(map(str, k))
            )
        ]
        for section, entries in groups.items()
    }
    result["days"] = days
    result["mentees"] = mentees
    return result


def employment_outcomes(
    scope: Scope, *, by: str | None = None, counts: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Counts per interval and employment status, or at exit per value of `by` (a dimension),
    from employment_counts (read once if not given)."""
    counts = employment_counts(scope) if counts is None else counts
    return counts[by or "all"]


def cohort_size(scope: Scope, counts: dict[str, Any] | None = None) -> int:
    """Mentees whose mentorship ended in the period, from employment_counts (read once if not
    given)."""
    counts = employment_counts(scope) if counts is None else counts
    return counts["mentees"]


def time_to_employment(scope: Scope, counts: dict[str, Any] | None = None) -> dict[str, Any]:
    """Days from the start of the mentorship to the first date of employment the mentee
    recorded for it, over the cohort: the count, the mean and the bands (EMPLOYMENT_EDGES),
    from employment_counts (read once if not given)."""
    counts = employment_counts(scope) if counts is None else counts
    bands = counts["days"]
    count = sum(n for n, _total in bands.values())
    total = sum(t for _n, t in bands.values())
    row = {f"days_le_{edge}": bands.get(i, (0, 0))[0] for i, edge in enumerate(EMPLOYMENT_EDGES)}
    row[f"days_gt_{EMPLOYMENT_EDGES[-1]}"] = bands.get(len(EMPLOYMENT_EDGES), (0, 0))[0]
    return {
        "count": count,
        "mean": total / count if count else None,
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
            scope.period.instants("submitted_at"), mentorship__program_id__in=scope.program_ids
        )
        .filter(scope.counted("mentorship__mentee_id", "mentorship__mentor_id"))
        .values("participant__role")
        .annotate(
            **{f"s{score}": Count("pk", filter=Q(satisfaction=score)) for score in range(1, 6)},
            mean=Avg("satisfaction"),
            answers=Count("pk"),
            recommend=Count("pk", filter=Q(would_recommend=True)),
        )
        .order_by("participant__role")
    )
    check_ins = (
        CheckIn.objects.filter(
            scope.period.days("held_on"), mentorship__program_id__in=scope.program_ids
        )
        .filter(scope.counted("mentorship__mentee_id", "mentorship__mentor_id"))
        .aggregate(count=Count("pk"), mean=Avg("satisfaction"))
    )
    return {"surveys": rows, "check_ins": check_ins}
