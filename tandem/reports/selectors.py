"""The aggregate queries behind every report: counts and means computed by the database.

Each function takes a `Scope` (the programs reported on and the period) and runs a fixed number
of queries, whatever the number of people: grouping, conditional `Count`s and subqueries, never a
query or a Python loop per person. What comes back is plain data (dicts of numbers, ids and both
names of each group); `tables.py` turns it into the tables, charts and files people read.

Dates: a referral counts in the period it was submitted in, a match in the period it was
confirmed in, a closure in the period it ended in, an event in the period it was held in, a
mentor in the period they were accepted in. The waiting list is a picture of today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils import timezone

from config.routers import reading_reports, report_database
from tandem.events.models import Event
from tandem.matching.engine.model import CRITERIA
from tandem.matching.models import PENDING_STATUSES, Proposal
from tandem.mentorships.models import ACTIVE_STATUSES, Mentorship, MentorshipStatus
from tandem.organizations.access import network_partners
from tandem.organizations.models import Organization
from tandem.participants.models import Participant
from tandem.programs.models import Enrolment, Program, Side
from tandem.reference.models import Occupation
from tandem.referrals.models import (
    DecisionOutcome,
    Referral,
    ReferralDecision,
    ReferralSource,
    ReferralStatus,
)

# --- Scope -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole days, both ends included, in the project's time zone."""

    starts_on: dt.date
    ends_on: dt.date

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.starts_on, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period."""
        return timezone.make_aware(
            dt.datetime.combine(self.ends_on + dt.timedelta(days=1), dt.time.min)
        )

    def instants(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})

    def days(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.starts_on, f"{field}__lte": self.ends_on})


def fiscal_year(on: dt.date) -> Period:
    """Canadian public funders count from April 1 to March 31."""
    first = on.year if on.month >= 4 else on.year - 1
    return Period(dt.date(first, 4, 1), dt.date(first + 1, 3, 31))


@dataclass(frozen=True)
class Scope:
    programs: QuerySet[Program]
    period: Period
    # People not to count at all (a funder report: those who said no to being counted,
    # core.consent.FUNDER_REPORTS). Every query of a section a funder reads honours it.
    left_out: frozenset[int] = frozenset()

    def counted(self, *people: str) -> Q:
        """Rows none of whose people (fields naming a participant) are left out."""
        if not self.left_out:
            return Q()
        ids = sorted(self.left_out)
        found = Q()
        for field in people:
            found &= ~Q(**{f"{field}__in": ids})
        return found

    @cached_property
    def program_ids(self) -> list[int]:
        """The programs' ids, read once (one query): the report's queries filter on the list
        rather than on a subquery of partnerships, which PostgreSQL can only estimate."""
        return list(self.programs.order_by().values_list("pk", flat=True))


def network_programs(organization: Organization) -> QuerySet[Program]:
    """A lead agency's network: its own programs and those of its partners (the graph is
    `organizations.access.network_partners`)."""
    return Program.objects.filter(organization__in=network_partners(organization))


class DaysBetween(Func):
    """(end - start) in days, as a float, on SQLite and PostgreSQL."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        # DATE_PART, not EXTRACT: since PostgreSQL 14 EXTRACT returns numeric, and the means,
        # maxima and bands over it cost three times as much as in double precision.
        return self.as_sql(
            compiler,
            connection,
            template="(DATE_PART('epoch', (%(expressions)s)) / 86400.0)",
            arg_joiner=" - ",
            **extra,
        )


def _bucketed(field: str, edges: tuple[int, ...]) -> dict[str, Any]:
    """Conditional counts of `field` (days) in (previous edge, edge], and above the last edge."""
    counts: dict[str, Any] = {}
    low = None
    for edge in edges:
        condition = Q(**{f"{field}__lte": edge})
        if low is not None:
            condition &= Q(**{f"{field}__gt": low})
        counts[f"{field}_le_{edge}"] = Count("pk", filter=condition)
        low = edge
    counts[f"{field}_gt_{low}"] = Count("pk", filter=Q(**{f"{field}__gt": low}))
    return counts


def _buckets(row: dict[str, Any], field: str, edges: tuple[int, ...]) -> list[dict[str, Any]]:
    result = []
    low = 0
    for edge in edges:
        result.append({"low": low, "high": edge, "count": row[f"{field}_le_{edge}"]})
        low = edge + 1
    result.append({"low": low, "high": None, "count": row[f"{field}_gt_{edges[-1]}"]})
    return result


@contextmanager
def reading(*, repeatable: bool = False, snapshot: str | None = None) -> Iterator[None]:
    """Wraps the queries of one report. On PostgreSQL, for this transaction only:

    - JIT compilation is off: these aggregates run in tens of milliseconds, and compiling them
      took longer than running them (about 40 ms a query at 50,000 participants);
    - a page read at random costs about as much as one read in sequence (random_page_cost 1.1
      instead of 4, the usual setting when the data is in memory or on SSD): a program's report
      then looks up its few thousand people by their keys instead of reading all 50,000 (the
      program dashboard's queries took 18 % less time at 50,000 participants, the network's 5 %);
    - `repeatable` reads one snapshot throughout (it must open the transaction), and `snapshot`
      reads the one another transaction exported (sections.py).
    """
    with reading_reports():
        # The replica when one is configured (TANDEM_DB_REPLICA_*, config/routers.py): the
        # ORM's reads go there through the router, the raw statements through
        # report_connection(), and this transaction is opened on it.
        alias = report_database()
        reader = connections[alias]
        with transaction.atomic(using=alias):
            if reader.vendor == "postgresql":
                with reader.cursor() as cursor:
                    if repeatable or snapshot:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    if snapshot:
                        # SET takes no parameter; the identifier is PostgreSQL's own, checked
                        # by the caller.
                        cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                    # set_config(..., true) is SET LOCAL: both in one statement.
                    cursor.execute(
                        "SELECT set_config('jit', 'off', true),"
                        " set_config('random_page_cost', '1.1', true)"
                    )
            yield


def report_connection():
    """The connection a report's raw statements run on: the replica's inside `reading()` when
    one is configured, else the primary's."""
    return connections[report_database()]


# --- Referrals -------------------------------------------------------------------------------


def _mentee_referrals(scope: Scope) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(program_id__in=scope.program_ids)
        .filter(scope.counted("participant_id"))
        .exclude(source=ReferralSource.MENTOR_APPLICATION)
    )


def _agency_key(organization_id: int | None, source: str) -> int | str:
    """Who made a referral: the referring organization, else "self" for a self-referral and
    "unknown" when no organization was recorded."""
    if organization_id:
        return organization_id
    return "self" if source == ReferralSource.SELF else "unknown"


def referrals_by_agency(scope: Scope) -> list[dict[str, Any]]:
    """Mentee referrals submitted in the period, by referring agency (self-referrals apart), with
    where each stands now. One query."""
    rows = (
        _mentee_referrals(scope)
        .filter(scope.period.instants("submitted_at"))
        .values(
            "referring_organization_id",
            "referring_organization__name_en",
            "referring_organization__name_fr",
            "source",
        )
        .annotate(
            total=Count("pk"),
            waiting=Count("pk", filter=Q(status=ReferralStatus.SUBMITTED)),
            accepted=Count("pk", filter=Q(status=ReferralStatus.ACCEPTED)),
            returned=Count("pk", filter=Q(status=ReferralStatus.RETURNED)),
            withdrawn=Count("pk", filter=Q(status=ReferralStatus.WITHDRAWN)),
        )
    )
    merged: dict[Any, dict[str, Any]] = {}
    for row in rows:
        key = _agency_key(row["referring_organization_id"], row["source"])
        entry = merged.setdefault(
            key,
            {
                "key": key,
                "name_en": row["referring_organization__name_en"],
                "name_fr": row["referring_organization__name_fr"],
                **dict.fromkeys(["total", "waiting", "accepted", "returned", "withdrawn"], 0),
            },
        )
        for field in ("total", "waiting", "accepted", "returned", "withdrawn"):
            entry[field] += row[field]
    return sorted(merged.values(), key=lambda e: (-e["total"], str(e["key"])))


# Each returned referral's decision with the criteria it found not met (none: a row of NULLs),
# counted by agency (returns, and returns citing no criterion) and by agency and criterion.
RETURNS_SQL = """
WITH decisions AS ({decisions})
SELECT 'agency', agency, name_en, name_fr, source, NULL, NULL, NULL,
    COUNT(DISTINCT decision), COUNT(DISTINCT CASE WHEN kind IS NULL THEN decision END)
    FROM decisions GROUP BY agency, name_en, name_fr, source
UNION ALL SELECT 'reason', agency, NULL, NULL, source, kind, question_en, question_fr,
    COUNT(DISTINCT decision), NULL
    FROM decisions WHERE kind IS NOT NULL GROUP BY agency, source, kind, question_en, question_fr
"""


def return_reasons(scope: Scope) -> dict[str, Any]:
    """Referrals returned in the period (by decision date), by agency (keyed as in
    referrals_by_agency) and by the criterion found not met. A return may name several
    criteria, so reasons do not add up to returns. One query (RETURNS_SQL)."""
    decisions = (
        ReferralDecision.objects.filter(
            scope.period.instants("decided_at"),
            outcome=DecisionOutcome.RETURNED,
            referral__program_id__in=scope.program_ids,
        )
        .filter(scope.counted("referral__participant_id"))
        .exclude(referral__source=ReferralSource.MENTOR_APPLICATION)
        .values(
            decision=F("pk"),
            agency=F("referral__referring_organization_id"),
            name_en=F("referral__referring_organization__name_en"),
            name_fr=F("referral__referring_organization__name_fr"),
            source=F("referral__source"),
            kind=F("unmet_criteria__kind"),
            question_en=F("unmet_criteria__question_en"),
            question_fr=F("unmet_criteria__question_fr"),
        )
        .order_by()
    )
    rows: list[tuple] = []
    if scope.program_ids:  # else the inner query has no SQL: it can match nothing
        sql, params = decisions.query.sql_with_params()
        with report_connection().cursor() as cursor:
            # Only this module's constant is written around the inner query; the scope stays
            # parameters.
            cursor.execute(RETURNS_SQL.format(decisions=sql), params)  # noqa: S608
            rows = cursor.fetchall()
    by_agency: dict[Any, dict[str, Any]] = {}
    reasons: dict[tuple, dict[str, Any]] = {}
    # The groups of one agency and of several sources (an organization's self-referrals
    # count under it) are merged here; a decision has one referral, so one source, and is
    # never counted twice.
    for section, agency, name_en, name_fr, source, kind, q_en, q_fr, count, without in rows:
        key = _agency_key(agency, source)
        if section == "agency":
            entry = by_agency.setdefault(
                key,
                {
                    "agency_id": agency,
                    "key": key,
                    "name_en": name_en,
                    "name_fr": name_fr,
                    "returns": 0,
                    "without_criterion": 0,
                },
            )
            entry["returns"] += int(count)
            entry["without_criterion"] += int(without)
        else:
            entry = reasons.setdefault(
                (key, kind, q_en, q_fr),
                {
                    "agency_id": agency,
                    "key": key,
                    "kind": kind,
                    "question_en": q_en,
                    "question_fr": q_fr,
                    "count": 0,
                },
            )
            entry["count"] += int(count)
    return {
        "by_agency": sorted(by_agency.values(), key=lambda e: (-e["returns"], str(e["key"]))),
        "reasons": list(reasons.values()),
    }


# --- Matches ---------------------------------------------------------------------------------

MATCH_WAIT_EDGES = (14, 30, 60, 90)
FIRST_MEETING_EDGES = (7, 14, 30)


def _matches(scope: Scope) -> QuerySet[Mentorship]:
    """Mentorships confirmed in the period that went ahead (not stopped at the introduction).
    A pair is a fact about both people: it is left out when either is."""
    return (
        Mentorship.objects.filter(
            scope.period.instants("confirmed_at"), program_id__in=scope.program_ids
        )
        .filter(scope.counted("mentee_id", "mentor_id"))
        .exclude(status=MentorshipStatus.CANCELLED)
    )


def _summary(column: str, edges: tuple[int, ...]) -> list[str]:
    """SQL aggregates of a number of days: count, mean, maximum, then the bands of `edges`."""
    parts = [f"COUNT({column})", f"AVG({column})", f"MAX({column})"]
    low = None
    for edge in edges:
        parts.append(
            f"SUM(CASE WHEN {column} <= {edge}"
            + (f" AND {column} > {low}" if low is not None else "")
            + " THEN 1 ELSE 0 END)"
        )
        low = edge
    parts.append(f"SUM(CASE WHEN {column} > {low} THEN 1 ELSE 0 END)")
    return parts


def _read_summary(values: list[Any], edges: tuple[int, ...]) -> dict[str, Any]:
    count, mean, longest, *bands = values
    row = {f"days_le_{edge}": int(n or 0) for edge, n in zip(edges, bands, strict=False)}
    row[f"days_gt_{edges[-1]}"] = int(bands[-1] or 0)
    return {
        "count": int(count or 0),
        "mean": None if mean is None else float(mean),
        "max": None if longest is None else float(longest),
        "buckets": _buckets(row, "days", edges),
    }


def matches_in_period(scope: Scope) -> dict[str, Any]:
    """Matches confirmed in the period: the days from the mentee's referral to the match and
    from the match to the first meeting (the three-way introduction, when held), and the
    matches by the mentee's NOC major group with how they stand. Two queries: one pass over
    the matches (the summaries over all of them, and a branch of a UNION ALL per group), then
    the groups' titles."""
    # A join, not a correlated subquery, for the referral: a mentee has at most one accepted
    # referral per program (referral_one_active_per_program), so the join adds no row.
    matches = (
        _matches(scope)
        .annotate(
            accepted_referral=FilteredRelation(
                "mentee__referrals",
                condition=Q(
                    mentee__referrals__program=F("program"),
                    mentee__referrals__status=ReferralStatus.ACCEPTED,
                ),
            )
        )
        .annotate(
            wait=DaysBetween(F("confirmed_at"), F("accepted_referral__submitted_at")),
            first=DaysBetween(F("introduction__held_at"), F("confirmed_at")),
            occupation_group=Substr("mentee__occupation_id", 1, 2),
        )
        .values("status", "wait", "first", "occupation_group")
        .order_by()
    )
    q = connection.ops.quote_name
    status, group = q("status"), q("occupation_group")
    standing = [
        f"SUM(CASE WHEN {status} = %s THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {status} = %s THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {status} IN ({', '.join(['%s'] * len(ACTIVE_STATUSES))}) "
        "THEN 1 ELSE 0 END)",
    ]
    standing_params = [MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY, *ACTIVE_STATUSES]
    summaries = [*_summary(q("wait"), MATCH_WAIT_EDGES), *_summary(q("first"), FIRST_MEETING_EDGES)]
    nothing = ", ".join(["NULL"] * len(summaries))
    rows: list[tuple] = []
    if scope.program_ids:  # else the inner query has no SQL: it can match nothing
        sql, params = matches.query.sql_with_params()
        with report_connection().cursor() as cursor:
            # Only constants of this module are written into the SQL; the scope and the
            # statuses are parameters. The first branch sets the columns' types.
            cursor.execute(
                f"WITH matches AS ({sql}) "  # noqa: S608
                f"SELECT 'all', CAST(NULL AS text), COUNT(*), {', '.join(standing)}, "
                f"{', '.join(summaries)} FROM matches "
                f"UNION ALL SELECT 'group', {group}, COUNT(*), {', '.join(standing)}, {nothing} "
                f"FROM matches GROUP BY {group}",
                [*params, *standing_params, *standing_params],
            )
            rows = cursor.fetchall()
    # The row over all matches: section, key, matches, the three standings, then the two
    # summaries (count, mean, maximum and one count per band each).
    width = 6 + len(summaries)
    overall = next((r for r in rows if r[0] == "all"), ("all", None, *[None] * (width - 2)))
    waits = overall[6 : 6 + len(MATCH_WAIT_EDGES) + 4]
    firsts = overall[6 + len(waits) :]
    groups = sorted(
        (
            {
                "group": key,
                "matches": int(n),
                "completed": int(completed),
                "ended_early": int(early),
                "ongoing": int(ongoing),
            }
            for section, key, n, completed, early, ongoing, *_rest in rows
            if section == "group"
        ),
        key=lambda r: (r["group"] is None, r["group"] or ""),
    )
    titles = {
        o.code: o
        for o in Occupation.objects.filter(code__in=[r["group"] for r in groups]).only(
            "code", "title_en", "title_fr"
        )
    }
    for row in groups:
        occupation = titles.get(row["group"])
        row["title_en"] = occupation.title_en if occupation else ""
        row["title_fr"] = (occupation.title_fr or occupation.title_en) if occupation else ""
    return {
        "matches": int(overall[2] or 0),
        "wait": _read_summary(list(waits), MATCH_WAIT_EDGES),
        "first_meeting": _read_summary(list(firsts), FIRST_MEETING_EDGES),
        "by_occupation_group": groups,
    }


def match_times(scope: Scope) -> dict[str, Any]:
    """The days to the match and to the first meeting, from matches_in_period."""
    data = matches_in_period(scope)
    return {key: data[key] for key in ("matches", "wait", "first_meeting")}


def matches_by_occupation_group(scope: Scope) -> list[dict[str, Any]]:
    """Matches by the mentee's NOC major group (two digits), from matches_in_period."""
    return matches_in_period(scope)["by_occupation_group"]


def _rows(values: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """`values()` rows as plain dicts (django-stubs types each row as its own TypedDict)."""
    return [dict(row) for row in values]


def completion_by_program(scope: Scope) -> list[dict[str, Any]]:
    """Closures in the period by program: completed, ended early, and introductions that did not
    proceed (by confirmation date); the mentorships under way today; and the matches confirmed
    in the period (for the network's programs table). One query."""
    return _rows(
        Mentorship.objects.filter(program_id__in=scope.program_ids)
        .filter(scope.counted("mentee_id", "mentor_id"))
        .values("program_id", "program__name_en", "program__name_fr")
        .annotate(
            matches=Count(
                "pk",
                filter=scope.period.instants("confirmed_at")
                & ~Q(status=MentorshipStatus.CANCELLED),
            ),
            completed=Count(
                "pk", filter=Q(status=MentorshipStatus.COMPLETED) & scope.period.days("ended_on")
            ),
            ended_early=Count(
                "pk",
                filter=Q(status=MentorshipStatus.ENDED_EARLY) & scope.period.days("ended_on"),
            ),
            did_not_proceed=Count(
                "pk",
                filter=Q(status=MentorshipStatus.CANCELLED) & scope.period.instants("confirmed_at"),
            ),
            ongoing=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)),
        )
        .order_by("program__name_en")
    )


# --- Events ----------------------------------------------------------------------------------


# Per kind of event and over all kinds: distinct people are counted separately in each, so the
# overall row is not the sum of the others. One pass over the attendances (a common table
# expression) with a branch for each.
EVENTS_SQL = """
WITH attendances AS ({attendances})
SELECT 'kind', kind, COUNT(DISTINCT event), COUNT(attendance), COUNT(DISTINCT mentee),
    COUNT(DISTINCT mentor)
    FROM attendances GROUP BY kind
UNION ALL SELECT 'all', NULL, COUNT(DISTINCT event), COUNT(attendance), COUNT(DISTINCT mentee),
    COUNT(DISTINCT mentor)
    FROM attendances
"""


def events_attended(scope: Scope) -> dict[str, Any]:
    """Events held in the period (not cancelled) by kind, with attendance of mentees and
    mentors. One query (EVENTS_SQL): each event with each of its participations, the people
    who came as columns, counted by kind and over all kinds."""
    came = Q(participations__attended=True)
    if scope.left_out:  # their attendance is not counted (the event still is)
        came &= ~Q(participations__participant_id__in=sorted(scope.left_out))

    def who(side: str) -> Case:
        return Case(
            When(
                came & Q(participations__participant__role=side),
                then="participations__participant_id",
            )
        )

    attendances = (
        Event.objects.filter(
            scope.period.instants("starts_at"),
            program_id__in=scope.program_ids,
            cancelled_at__isnull=True,
        )
        .annotate(
            event=F("pk"),
            attendance=Case(When(came, then="participations__id")),
            mentee=who(Side.MENTEE),
            mentor=who(Side.MENTOR),
        )
        .values("kind", "event", "attendance", "mentee", "mentor")
        .order_by()
    )
    rows: list[tuple] = [("all", None, 0, 0, 0, 0)]
    if scope.program_ids:  # else the inner query has no SQL: it can match nothing
        sql, params = attendances.query.sql_with_params()
        with report_connection().cursor() as cursor:
            # Only this module's constant is written around the inner query; the scope stays
            # parameters.
            cursor.execute(EVENTS_SQL.format(attendances=sql), params)  # noqa: S608
            rows = cursor.fetchall()
    names = ("events", "attendances", "mentees", "mentors")
    by_kind = sorted(
        (
            {"kind": kind, **dict(zip(names, counts, strict=True))}
            for section, kind, *counts in rows
            if section == "kind"
        ),
        key=lambda row: row["kind"],
    )
    (overall,) = (counts for section, _kind, *counts in rows if section == "all")
    return {"by_kind": by_kind, "overall": dict(zip(names, overall, strict=True))}


# --- Mentors ---------------------------------------------------------------------------------


def mentor_recruitment(scope: Scope) -> list[dict[str, Any]]:
    """Mentors accepted in the period by the organization that recruited them (an employer or
    association partner), with how many were matched and how many completed a mentorship in
    that program. One query: each enrolment joined to the mentor's mentorships that went ahead
    in its program and counted once (two EXISTS per enrolment cost a third more)."""
    theirs = "participant__mentorships_as_mentor"
    return _rows(
        Enrolment.objects.filter(
            scope.period.instants("accepted_at"), program_id__in=scope.program_ids, side=Side.MENTOR
        )
        .filter(scope.counted("participant_id"))
        .annotate(
            theirs=FilteredRelation(
                theirs,
                condition=Q(**{f"{theirs}__program": F("program")})
                & ~Q(**{f"{theirs}__status": MentorshipStatus.CANCELLED}),
            )
        )
        .values(
            "participant__recruited_by_id",
            "participant__recruited_by__name_en",
            "participant__recruited_by__name_fr",
        )
        .annotate(
            mentors=Count("pk", distinct=True),
            matched_count=Count("pk", distinct=True, filter=Q(theirs__isnull=False)),
            completed_count=Count(
                "pk", distinct=True, filter=Q(theirs__status=MentorshipStatus.COMPLETED)
            ),
        )
        .order_by("-mentors", "participant__recruited_by__name_en")
    )


# --- Suitability of matches ------------------------------------------------------------------

SCORE_BANDS = ((0.0, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, None))
# A criterion "held" for a pair when the engine scored it at least this (values run 0 to 1).
STRONG_VALUE = 0.5


def suitability(scope: Scope) -> dict[str, Any]:
    """Mentorships that ended in the period (completed or early), against the match score and
    each criterion of the engine: completion where the criterion held and where it did not, and
    the mean value of the criterion in completed and in early-ended mentorships; and, by band of
    score, the satisfaction the mentee and the mentor gave in their exit survey. One query.

    The criteria's values are the proposal's generated columns (the database reads them from
    the engine's JSON when the proposal is written); the ~50 aggregates are taken over an inner
    query that selects them with the surveys.
    """
    ended = Mentorship.objects.filter(
        scope.period.days("ended_on"),
        program_id__in=scope.program_ids,
        status__in=[MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY],
        proposal__score__isnull=False,
    ).filter(scope.counted("mentee_id", "mentor_id"))
    columns: dict[str, Any] = {
        "is_completed": Case(
            When(status=MentorshipStatus.COMPLETED, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        "score": F("proposal__score"),
        # Each person answers the exit survey once per mentorship: these joins add no row.
        "mentee_satisfaction": F("mentee_survey__satisfaction"),
        "mentor_satisfaction": F("mentor_survey__satisfaction"),
    }
    for index, criterion in enumerate(CRITERIA):
        columns[f"v{index}"] = F(f"proposal__{criterion}_value")
    surveys = {
        f"{side}_survey": FilteredRelation(
            "exit_surveys", condition=Q(exit_surveys__participant=F(side))
        )
        for side in ("mentee", "mentor")
    }
    inner = ended.annotate(**surveys).annotate(**columns).values(*columns).order_by()
    q = connection.ops.quote_name
    done, score = q("is_completed"), q("score")
    parts = ["COUNT(*)", f"SUM({done})"]
    for low, high in SCORE_BANDS:
        band = f"{score} >= {float(low)}" + (f" AND {score} < {float(high)}" if high else "")
        parts += [
            f"SUM(CASE WHEN {band} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {band} THEN {done} ELSE 0 END)",
            f"AVG(CASE WHEN {band} THEN {score} END)",
            *(
                f"{aggregate}(CASE WHEN {band} THEN {q(f'{side}_satisfaction')} END)"
                for side in ("mentee", "mentor")
                for aggregate in ("COUNT", "AVG")
            ),
        ]
    for index, _criterion in enumerate(CRITERIA):
        value = q(f"v{index}")
        parts += [
            f"SUM(CASE WHEN {value} >= {STRONG_VALUE} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {value} >= {STRONG_VALUE} THEN {done} ELSE 0 END)",
            f"SUM(CASE WHEN {value} < {STRONG_VALUE} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {value} < {STRONG_VALUE} THEN {done} ELSE 0 END)",
            f"AVG(CASE WHEN {done} = 1 THEN {value} END)",
            f"AVG(CASE WHEN {done} = 0 THEN {value} END)",
        ]
    row: list[Any] = [0, 0] + [None] * (len(parts) - 2)
    if scope.program_ids:  # else the inner query has no SQL: it can match nothing
        inner_sql, params = inner.query.sql_with_params()
        # The inner query is materialised (on PostgreSQL, which would otherwise fold it into
        # the outer one and read the JSON again for each of the ~50 aggregates).
        materialized = "MATERIALIZED" if connection.vendor == "postgresql" else ""
        with report_connection().cursor() as cursor:
            # Only constants of this module are written into the SQL; the scope's values stay
            # parameters of the inner query.
            cursor.execute(
                f"WITH ended AS {materialized} ({inner_sql}) "  # noqa: S608
                f"SELECT {', '.join(parts)} FROM ended",
                params,
            )
            row = [v or 0 if i < 2 else v for i, v in enumerate(cursor.fetchone())]
    pairs, completed = int(row[0] or 0), int(row[1] or 0)
    position = 2
    bands = []
    for low, high in SCORE_BANDS:
        n, c, mean, mentees, mentee_mean, mentors, mentor_mean = row[position : position + 7]
        bands.append(
            {
                "low": low,
                "high": high,
                "pairs": int(n or 0),
                "completed": int(c or 0),
                "mean_score": None if mean is None else float(mean),
                "mentee_surveys": int(mentees or 0),
                "mentee_satisfaction": None if mentee_mean is None else float(mentee_mean),
                "mentor_surveys": int(mentors or 0),
                "mentor_satisfaction": None if mentor_mean is None else float(mentor_mean),
            }
        )
        position += 7
    criteria = []
    for criterion in CRITERIA:
        strong, strong_done, weak, weak_done, mean_done, mean_early = row[position : position + 6]
        criteria.append(
            {
                "criterion": criterion,
                "strong": int(strong or 0),
                "strong_completed": int(strong_done or 0),
                "weak": int(weak or 0),
                "weak_completed": int(weak_done or 0),
                "mean_completed": None if mean_done is None else float(mean_done),
                "mean_early": None if mean_early is None else float(mean_early),
            }
        )
        position += 6
    return {"pairs": pairs, "completed": completed, "bands": bands, "criteria": criteria}


# --- Waiting for a mentor --------------------------------------------------------------------


MENTOR_PLACES_SQL = """
SELECT ready.occupation_id, COUNT(*), SUM(ready.capacity), SUM(taken.taken)
    FROM ({ready}) AS ready LEFT JOIN ({taken}) AS taken ON taken.mentor_id = ready.id
    GROUP BY ready.occupation_id
"""


def waiting_occupations(scope: Scope, *, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Today: mentees ready to be matched and not matched (nor proposed to a mentor), by NOC
    unit group, against the free places of ready mentors of the same unit group. Sorted by the
    shortage. Three queries: mentees, mentors' places (MENTOR_PLACES_SQL), titles."""
    now = now or timezone.now()
    matched = Mentorship.objects.filter(
        mentee=OuterRef("participant_id"), program=OuterRef("program_id")
    ).exclude(status=MentorshipStatus.CANCELLED)
    proposed = Proposal.objects.filter(
        mentee=OuterRef("participant_id"),
        program=OuterRef("program_id"),
        status__in=PENDING_STATUSES,
    )
    waiting = list(
        Enrolment.objects.filter(
            program_id__in=scope.program_ids, side=Side.MENTEE, ready_at__isnull=False
        )
        .filter(scope.counted("participant_id"))
        .exclude(Exists(matched))
        .exclude(Exists(proposed))
        .values(occupation=F("participant__occupation_id"))
        .annotate(
            waiting=Count("pk"),
            mean_days=Avg(DaysBetween(Value(now), F("ready_at"))),
            longest_days=Max(DaysBetween(Value(now), F("ready_at"))),
        )
    )
    # Free places of ready mentors, by occupation: their capacities minus the mentorships that
    # hold one of their places (in any program: capacity is the person's). One query: each
    # ready mentor with the number of places taken, from the active mentorships counted by
    # mentor once (a count per mentor, as a subquery, would read the mentorships 15,000 times).
    ready = (
        Participant.objects.filter(
            pk__in=Enrolment.objects.filter(
                program_id__in=scope.program_ids, side=Side.MENTOR, ready_at__isnull=False
            ).values("participant_id")
        )
        .filter(scope.counted("pk"))
        .values("id", "occupation_id", "capacity")
        .order_by()
    )
    taken = (
        Mentorship.objects.filter(status__in=ACTIVE_STATUSES)
        .values("mentor_id")
        .annotate(taken=Count("pk"))
        .order_by()
    )
    mentors: dict[str | None, dict[str, int]] = {}
    if scope.program_ids:  # else the inner query has no SQL: it can match nothing
        (ready_sql, ready_params), (taken_sql, taken_params) = (
            ready.query.sql_with_params(),
            taken.query.sql_with_params(),
        )
        with report_connection().cursor() as cursor:
            # Only this module's constant is written around the inner queries; the scope and
            # the statuses stay parameters.
            cursor.execute(
                MENTOR_PLACES_SQL.format(ready=ready_sql, taken=taken_sql),  # noqa: S608
                [*ready_params, *taken_params],
            )
            mentors = {
                code: {"mentors": int(count), "places": int(places or 0) - int(used or 0)}
                for code, count, places, used in cursor.fetchall()
            }
    titles = {
        o.code: o
        for o in Occupation.objects.filter(code__in=[r["occupation"] for r in waiting]).only(
            "code", "title_en", "title_fr"
        )
    }
    result = []
    for row in waiting:
        free = mentors.get(row["occupation"], {})
        occupation = titles.get(row["occupation"])
        result.append(
            {
                "code": row["occupation"],
                "title_en": occupation.title_en if occupation else "",
                "title_fr": (occupation.title_fr or occupation.title_en) if occupation else "",
                "waiting": row["waiting"],
                "mean_days": row["mean_days"],
                "longest_days": row["longest_days"],
                "mentors": free.get("mentors", 0),
                "places": free.get("places", 0) or 0,
            }
        )
    result.sort(key=lambda r: (-(r["waiting"] - r["places"]), -r["waiting"], r["code"]))
    return result


# --- Programs of a network -------------------------------------------------------------------


def program_summary(
    scope: Scope, by_program: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """One row per program of the scope: referrals, acceptances, matches, closures and the
    mentorships under way. The mentorships' counts are those of completion_by_program (read
    here if not given); with the programs and their referrals counted in one pass, three
    queries at most (seven subqueries per program row read each program's records seven
    times)."""
    referrals = {
        row.pop("program_id"): row
        for row in _rows(
            _mentee_referrals(scope)
            .filter(scope.period.instants("submitted_at"))
            .values("program_id")
            .annotate(
                referral_count=Count("pk"),
                accepted=Count("pk", filter=Q(status=ReferralStatus.ACCEPTED)),
                returned=Count("pk", filter=Q(status=ReferralStatus.RETURNED)),
            )
            .order_by()
        )
    }
    counted = ("matches", "completed", "ended_early", "ongoing")
    mentorships = {
        row["program_id"]: {key: row[key] for key in counted}
        for row in (completion_by_program(scope) if by_program is None else by_program)
    }
    empty = dict.fromkeys(("referral_count", "accepted", "returned", *counted), 0)
    return [
        {
            **program,
            **empty,
            **referrals.get(program["pk"], {}),
            **mentorships.get(program["pk"], {}),
        }
        for program in scope.programs.values("pk", "name_en", "name_fr").order_by("name_en")
    ]


def scope_size(scope: Scope) -> int:
    """How many records a report of this scope reads, to decide whether to build it in the
    background. One query."""
    return Mentorship.objects.filter(program_id__in=scope.program_ids).count()


def referred_by_network(*, network, threshold: int):
    """Aggregate figures for the people a network referred: one row per organization of the
    network (the network itself and the organizations whose parent it is), columns for each
    stage reached. Stages do not add up (a person counts in every stage reached), so only the
    columns have totals; small cells are suppressed as in the funder's report."""
    from django.db.models import Count, F, Q

    from tandem.mentorships.models import MentorshipStatus
    from tandem.organizations.models import Organization
    from tandem.referrals.models import Referral, ReferralStatus
    from tandem.reports.suppression import suppress

    members = list(
        Organization.objects.filter(Q(pk=network.pk) | Q(parent=network)).order_by(
            "-kind", "name_en"
        )
    )
    counts = {
        row["referring_organization"]: row
        for row in _rows(
            Referral.objects.filter(referring_organization__in=members)
            .values("referring_organization")
            .annotate(
                referred=Count("participant", distinct=True),
                accepted=Count(
                    "participant", filter=Q(status=ReferralStatus.ACCEPTED), distinct=True
                ),
                mentored=Count(
                    "participant",
                    filter=Q(
                        participant__mentorships_as_mentee__program=F("program"),
                    ),
                    distinct=True,
                ),
                completed=Count(
                    "participant",
                    filter=Q(
                        participant__mentorships_as_mentee__program=F("program"),
                        participant__mentorships_as_mentee__status=MentorshipStatus.COMPLETED,
                    ),
                    distinct=True,
                ),
            )
        )
    }
    keys = ("referred", "accepted", "mentored", "completed")
    cells: list[list[int]] = [
        [counts.get(org.pk, {}).get(key, 0) for key in keys] for org in members
    ]
    table = suppress(cells, threshold=threshold, row_totals=False) if members else None
    return members, table


# --- Figures on the home page (tandem/home/selectors.py) ------------------------------------------


def recruited_mentor_figures(organization: Organization) -> dict[str, int]:
    """What the mentors an employer or a network recruited are doing, as counts only (a
    partner never sees a person's record): recruited, ready to match, mentoring now, and
    mentorships completed. Three queries."""
    mentors = Participant.objects.filter(recruited_by=organization, role=Side.MENTOR)
    mentorships = Mentorship.objects.filter(mentor__in=mentors)
    return {
        "recruited": mentors.count(),
        "ready": Enrolment.objects.filter(
            participant__in=mentors, side=Side.MENTOR, ready_at__isnull=False
        )
        .values("participant")
        .distinct()
        .count(),
        **mentorships.aggregate(
            mentoring=Count("mentor", filter=Q(status__in=ACTIVE_STATUSES), distinct=True),
            completed=Count("pk", filter=Q(status=MentorshipStatus.COMPLETED)),
        ),
    }
