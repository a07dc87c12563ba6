"""Employer engagement, a section of the staff and funder reports (seed 003, "Evaluation": the
range and effectiveness of employer engagement, and of recruitment "with respect to local
labour market fluctuations").

Four grids, each a count where every person (or activity) is in one cell, so that rows and
columns add up and `suppression.suppress` protects them, complementary cells included:

- recruitment against the shortage list: the mentors each source recruited in the period, in
  an occupation short of mentors or in another. Its row totals ARE the "Mentor recruitment by
  source" table's (same enrolments, same order), so it is suppressed with those totals tied to
  what that table hides or publishes (transposed: the tie is on column totals);
- mentors mentoring in the period, by partner: new or returning (retained: they mentored a
  pair that ended before the period), in work hours or not;
- workplace activities held, by host partner and kind;
- mentees hired by a partner employer.

Partners active in the period (organizations, not people) are a note. Staff also read the
one-line-per-partner overview (columns overlap there, so it is never published to funders).
People who said no to being counted in funder reports (core.consent `funder_reports`) are left
out of every count a funder reads (`Scope.counted`).
tests/test_figures.py is the attacker.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db.models import BooleanField, Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tandem.employers.models import ActivityKind, PartnerHire, WorkplaceActivity
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.organizations.models import Organization
from tandem.participants.models import Participant
from tandem.programs.models import Enrolment, Program, Side
from tandem.reports import selectors as report_selectors
from tandem.reports.selectors import Scope
from tandem.reports.tables import Cell, Chart, Reading, Row, Section, Table, protected_count
from tandem.reports.tables.base import cross_table, known, percent
from tandem.reports.tables.recruitment import recruitment_table


def _under_way(scope: Scope) -> Q:
    period = scope.period
    return (
        Q(program_id__in=scope.program_ids)
        & ~Q(status=MentorshipStatus.CANCELLED)
        & (Q(started_on__isnull=True) | Q(started_on__lte=period.ends_on))
        & (Q(ended_on__isnull=True) | Q(ended_on__gte=period.starts_on))
    )


def _names(ids: set[int]) -> dict[int, str]:
    return {o.pk: o.name for o in Organization.objects.filter(pk__in=list(ids)).order_by()}


# --- Recruitment against the shortage list --------------------------------------------------


def _shortage_codes(reading: Reading) -> set[str]:
    from tandem.employers.selectors import shortage_codes

    return reading.once(
        "employer_shortage_codes",
        lambda: shortage_codes(Program.objects.filter(pk__in=reading.scope.program_ids)),
    )


def _shortage_by_source(reading: Reading) -> Counter[int | None]:
    return reading.once("employer_shortage_by_source", lambda: _count_shortage(reading))


def _count_shortage(reading: Reading) -> Counter[int | None]:
    """Mentors accepted in the period (enrolments, as "Mentor recruitment by source" counts
    them) in an occupation where ready mentees outnumber the free places of ready mentors
    today, by the organization that recruited them."""
    scope = reading.scope
    short = _shortage_codes(reading)
    if not short:
        return Counter()
    rows = (
        Enrolment.objects.filter(
            scope.period.instants("accepted_at"),
            scope.counted("participant"),
            program_id__in=scope.program_ids,
            side=Side.MENTOR,
            participant__occupation_id__in=sorted(short),
        )
        .values("participant__recruited_by_id")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    return Counter({r["participant__recruited_by_id"]: r["n"] for r in rows})


def shortage_table(reading: Reading) -> Table | None:
    """Staff only. Funders do not get this grid: tied row by row to "Mentor recruitment by
    source", its suppression was shown unsafe by a property test (sources of 5 and 2 mentors,
    shortage split 0/5 and 1/1: an attacker of both tables pinned a cell of 1). Until a
    suppression of the two tables together is proven, it stays with staff."""
    scope, threshold = reading.scope, reading.threshold
    if threshold is not None:
        return None
    sources = _sources(reading)
    if not sources:
        return None
    short = _shortage_by_source(reading)
    counts = []
    for source in sources:
        in_short = short.get(source["participant__recruited_by_id"], 0)
        counts.append([in_short, source["mentors"] - in_short])
    recruitment = recruitment_table(scope, threshold, data=sources)
    labels = [str(row.label) for row in recruitment.body]
    hidden: set[tuple[int, int]] = set()
    published: list[list[int | None]] = [list(row) for row in _margins(counts)]
    rows = []
    for i, values in enumerate(published):
        cells = [
            Cell(None if (i, j) in hidden else v, hidden=(i, j) in hidden)
            for j, v in enumerate(values)
        ]
        parts = known([c.value for c in cells[:2]])
        cells.append(Cell(percent(parts[0], sum(parts)) if parts else None, kind="percent"))
        total = i >= len(labels)
        rows.append(Row(_("All sources") if total else labels[i], cells, is_total=total))
    return Table(
        "employer_shortage",
        _("Mentor recruitment against the shortage list"),
        _(
            "Mentors accepted in the period, by the employer or association that recruited "
            "them: in an occupation where mentees wait for a mentor, or in another."
        ),
        _("Recruited by"),
        [
            _("In an occupation short of mentors"),
            _("In another occupation"),
            _("Mentors"),
            _("Share in a shortage occupation"),
        ],
        rows,
        [
            _(
                "An occupation is short of mentors when ready mentees outnumber the free places "
                "of ready mentors on the day the figures are counted. The mentors are those of "
                "“Mentor recruitment by source”."
            )
        ],
        Chart(columns=[0, 1], unit=_("mentors")),
        is_suppressed=threshold is not None,
    )


def _margins(counts: list[list[int]]) -> list[list[int]]:
    grid = [[*row, sum(row)] for row in counts]
    if len(grid) > 1:
        grid.append([sum(column) for column in zip(*grid, strict=True)])
    return grid


# --- Mentors mentoring, workplace activities, hires ------------------------------------------


def _mentoring(scope: Scope) -> dict[int, list[int]]:
    """Per partner, its recruited mentors with a pair under way at some time in the period: new
    or returning (they mentored a pair that ended before the period), in work hours or not."""
    if scope.programs.query.is_empty():
        return {}  # no program: nothing to count, and no query sent (the pair sits in Exists)
    under_way = Mentorship.objects.filter(_under_way(scope), mentor=OuterRef("pk"))
    earlier = Mentorship.objects.filter(
        mentor=OuterRef("pk"), ended_on__lt=scope.period.starts_on
    ).exclude(status=MentorshipStatus.CANCELLED)
    rows = (
        Participant.objects.filter(
            Exists(under_way), scope.counted("pk"), role=Side.MENTOR, recruited_by__isnull=False
        )
        .annotate(
            returning=Exists(earlier),
            at_work=Coalesce(
                "workplace_terms__mentors_in_work_hours", Value(False), output_field=BooleanField()
            ),
        )
        .values("recruited_by_id", "returning", "at_work")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[int, list[int]] = {}
    for row in rows:
        column = (2 if row["returning"] else 0) + (0 if row["at_work"] else 1)
        found.setdefault(row["recruited_by_id"], [0, 0, 0, 0])[column] += row["n"]
    return found


def _activities(scope: Scope) -> dict[int, list[int]]:
    kinds = [kind.value for kind in ActivityKind]
    rows = (
        WorkplaceActivity.objects.filter(
            scope.period.days("held_on"),
            scope.counted("mentorship__mentee", "mentorship__mentor"),
            mentorship__program_id__in=scope.program_ids,
            host__isnull=False,
            status="held",
        )
        .values("host_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[int, list[int]] = {}
    for row in rows:
        found.setdefault(row["host_id"], [0] * len(kinds))[kinds.index(row["kind"])] += row["n"]
    return found


def _hires(scope: Scope) -> dict[int, int]:
    """Mentees hired by a partner employer, by the day the outcome was recorded (a person once
    per employer and period)."""
    hired = (
        PartnerHire.objects.filter(
            scope.period.days("outcome__recorded_at__date"),
            scope.counted("outcome__participant"),
            outcome__participant__enrolments__program_id__in=scope.program_ids,
        )
        .values_list("employer_id", "outcome__participant_id")
        .distinct()
    )
    return dict(Counter(employer_id for employer_id, _person in hired))


def _share(numerators: tuple[int, ...], width: int) -> Callable[[list[int | None]], float | None]:
    """A percentage of the row's total from published cells only."""

    def compute(values: list[int | None]) -> float | None:
        parts = known(values[: width + 1])
        if parts is None:
            return None
        return percent(sum(parts[i] for i in numerators), parts[width])

    return compute


def engagement_tables(
    threshold: int | None,
    names: dict[int, str],
    mentoring: dict[int, list[int]],
    activities: dict[int, list[int]],
    hires: dict[int, int],
) -> list[Table]:

    def ordered(ids: Any) -> list[int]:
        return sorted(ids, key=lambda pk: (names.get(pk, ""), pk))

    tables = []
    if mentoring:
        partners = ordered(mentoring)
        tables.append(
            cross_table(
                key="employer_mentoring",
                title=_("Mentors mentoring, by the partner that recruited them"),
                description=_(
                    "Mentors recruited by an employer or association with a mentorship under "
                    "way at some time in the period: mentoring for the first time or returning "
                    "(retained: they mentored a pair that ended before the period), and whether "
                    "their employer lets them mentor during work hours."
                ),
                row_header=_("Partner"),
                row_labels=[names.get(pk, "") for pk in partners],
                columns=[
                    _("New, in work hours"),
                    _("New, outside work hours"),
                    _("Returning, in work hours"),
                    _("Returning, outside work hours"),
                ],
                counts=[mentoring[pk] for pk in partners],
                threshold=threshold,
                total_label=_("Mentors mentoring"),
                derived=[
                    (_("Share in work hours"), "percent", _share((0, 2), 4)),
                    (_("Share returning"), "percent", _share((2, 3), 4)),
                ],
                chart=Chart(columns=[0, 1, 2, 3], unit=_("mentors")),
            )
        )
    if activities:
        hosts = ordered(activities)
        tables.append(
            cross_table(
                key="employer_activities",
                title=_("Workplace activities held, by host partner"),
                description=_(
                    "Tours, days of job shadowing and department meetings held in the period at "
                    "the workplace of a mentor's employer."
                ),
                row_header=_("Partner"),
                row_labels=[names.get(pk, "") for pk in hosts],
                columns=[str(kind.label) for kind in ActivityKind],
                counts=[activities[pk] for pk in hosts],
                threshold=threshold,
                chart=Chart(columns=[0, 1, 2], unit=_("activities")),
            )
        )
    if hires:
        employers = ordered(hires)
        tables.append(
            cross_table(
                key="employer_hires",
                title=_("Mentees hired by a partner employer"),
                description=_(
                    "Mentees whose employment outcome, recorded in the period, names a partner "
                    "employer as the one that hired them."
                ),
                row_header=_("Partner"),
                row_labels=[names.get(pk, "") for pk in employers],
                columns=[_("Mentees hired")],
                counts=[[hires[pk]] for pk in employers],
                threshold=threshold,
                chart=Chart(columns=[0], unit=_("mentees")),
            )
        )
    return tables


# --- The staff's overview, one line per partner ----------------------------------------------


def overview_table(
    sources: list[dict[str, Any]],
    short: Counter[int | None],
    names: dict[int, str],
    mentoring: dict[int, list[int]],
    activities: dict[int, list[int]],
    hires: dict[int, int],
) -> Table | None:
    """Staff only: the columns overlap (a mentor counts in several), so it cannot be protected as
    one grid of people and funders read the grids above instead."""
    figures: dict[int, list[int]] = {}

    def add(partner_id: int | None, column: int, value: int = 1) -> None:
        if partner_id is not None:
            figures.setdefault(partner_id, [0] * 6)[column] += value

    for source in sources:
        add(source["participant__recruited_by_id"], 0, source["mentors"])
    for partner_id, n in short.items():
        add(partner_id, 5, n)
    for partner_id, values in mentoring.items():
        add(partner_id, 1, sum(values))
        add(partner_id, 2, values[0] + values[2])
    for partner_id, values in activities.items():
        add(partner_id, 3, sum(values))
    for partner_id, n in hires.items():
        add(partner_id, 4, n)
    if not figures:
        return None
    rows = [
        Row(names.get(pk, ""), [protected_count(v, None) for v in values])
        for pk, values in sorted(figures.items(), key=lambda item: names.get(item[0], ""))
    ]
    totals = [sum(values[j] for values in figures.values()) for j in range(6)]
    rows.append(Row(_("All partners"), [Cell(v) for v in totals], is_total=True))
    return Table(
        "employer_partners",
        _("Employer and association partners"),
        _(
            "What the mentors each partner recruited did in the period, the workplace "
            "activities it hosted and the mentees it hired."
        ),
        _("Partner"),
        [
            _("Mentors recruited"),
            _("Mentors mentoring"),
            _("Mentoring in work hours"),
            _("Workplace activities held"),
            _("Mentees hired"),
            _("Recruited in a shortage occupation"),
        ],
        rows,
        [
            _(
                "A mentor counts once per column: recruited (accepted in the period), mentoring "
                "(a mentorship under way at some time in the period), in work hours (their "
                "employer lets them mentor during work hours). A shortage occupation is one "
                "where ready mentees outnumber the free places of ready mentors today."
            )
        ],
        Chart(columns=[0, 1], unit=_("mentors")),
    )


def employer_tables(reading: Reading) -> list[Table]:
    scope, threshold = reading.scope, reading.threshold
    mentoring, activities, hires = _mentoring(scope), _activities(scope), _hires(scope)
    sources = _sources(reading)
    recruiters = {r["participant__recruited_by_id"] for r in sources} - {None}
    active = recruiters | set(mentoring) | set(activities) | set(hires)
    names = _names(active)
    shortage = shortage_table(reading)
    tables = [
        *([shortage] if shortage is not None else []),
        *engagement_tables(threshold, names, mentoring, activities, hires),
    ]
    if reading.staff and threshold is None:
        overview = overview_table(
            sources, _shortage_by_source(reading), names, mentoring, activities, hires
        )
        if overview is not None:
            tables.insert(0, overview)
    if tables:
        # Organizations, not people: published as they are.
        note = _("Partners active in the period: %(count)s.") % {"count": len(active)}
        tables[0].notes.insert(0, note)
    return tables


def _sources(reading: Reading) -> list[dict[str, Any]]:
    return reading.once(
        "employer_recruitment_sources",
        lambda: report_selectors.mentor_recruitment(reading.scope),
    )


SECTION = Section("employer_partners", 75, employer_tables)
