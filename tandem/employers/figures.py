"""Employer engagement, a section of the staff reports (seed 003, "Evaluation"): per partner,
the mentors it recruited in the period and those mentoring in it, mentoring in work hours,
workplace activities held, mentees hired by the partner, and recruitment against the shortage
list (were the mentors recruited in occupations where mentees wait?).

Staff dashboards only (`for_funders=False`): the partners are few and named, and the columns
overlap (a mentor counts in several), so the table cannot be protected as one grid of people;
a suppressed reading still hides every count below the threshold."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from tandem.employers.models import PartnerHire, WorkplaceActivity
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.organizations.models import Organization
from tandem.programs.models import Enrolment, Program, Side
from tandem.reports.tables import Cell, Chart, Reading, Row, Section, Table, protected_count


def _partner_counts(reading: Reading) -> dict[int, list[int]]:
    scope, period = reading.scope, reading.scope.period
    ids = scope.program_ids
    figures: dict[int, list[int]] = {}

    def add(partner_id: int | None, column: int, value: int = 1) -> None:
        if partner_id is not None:
            figures.setdefault(partner_id, [0] * 6)[column] += value

    recruited = list(
        Enrolment.objects.filter(
            period.instants("accepted_at"),
            program_id__in=ids,
            side=Side.MENTOR,
            participant__recruited_by__isnull=False,
        )
        .values_list("participant_id", "participant__recruited_by_id", "participant__occupation_id")
        .distinct()
    )
    from tandem.employers.selectors import shortage_codes

    short = shortage_codes(Program.objects.filter(pk__in=ids)) if recruited else set()
    for _mentor, partner_id, occupation in recruited:
        add(partner_id, 0)
        if occupation in short:
            add(partner_id, 5)
    mentoring = (
        Mentorship.objects.filter(program_id__in=ids, mentor__recruited_by__isnull=False)
        .exclude(status=MentorshipStatus.CANCELLED)
        .filter(Q(started_on__isnull=True) | Q(started_on__lte=period.ends_on))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.starts_on))
        .values("mentor__recruited_by_id")
        .annotate(
            mentors=Count("mentor", distinct=True),
            in_work_hours=Count(
                "mentor",
                distinct=True,
                filter=Q(mentor__workplace_terms__mentors_in_work_hours=True),
            ),
        )
        .order_by()
    )
    for row in mentoring:
        add(row["mentor__recruited_by_id"], 1, row["mentors"])
        add(row["mentor__recruited_by_id"], 2, row["in_work_hours"])
    held = (
        WorkplaceActivity.objects.filter(
            period.days("held_on"), mentorship__program_id__in=ids, host__isnull=False
        )
        .values("host_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for activity in held:
        add(activity["host_id"], 3, activity["n"])
    hired = (
        PartnerHire.objects.filter(
            period.days("outcome__recorded_at__date"),
            outcome__participant__enrolments__program_id__in=ids,
        )
        .values_list("employer_id", "outcome__participant_id")
        .distinct()
    )
    hires = Counter(employer_id for employer_id, _person in hired)
    for partner_id, n in hires.items():
        add(partner_id, 4, n)
    return figures


def employer_tables(reading: Reading) -> list[Table]:
    figures = _partner_counts(reading)
    names = {o.pk: o.name for o in Organization.objects.filter(pk__in=list(figures)).order_by()}
    threshold = reading.threshold
    rows = [
        Row(names.get(pk, ""), [protected_count(v, threshold) for v in values])
        for pk, values in sorted(figures.items(), key=lambda item: names.get(item[0], ""))
    ]
    if rows and threshold is None:
        totals = [sum(values[j] for values in figures.values()) for j in range(6)]
        rows.append(Row(_("All partners"), [Cell(v) for v in totals], is_total=True))
    notes = [
        _("Partners active in the period: %(count)s.") % {"count": len(figures)},
        _(
            "A mentor counts once per column: recruited (accepted in the period), mentoring "
            "(a mentorship under way at some time in the period), in work hours (their "
            "employer lets them mentor during work hours). A shortage occupation is one where "
            "ready mentees outnumber the free places of ready mentors today."
        ),
    ]
    return [
        Table(
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
            notes,
            Chart(columns=[0, 1], unit=_("mentors")),
            is_suppressed=threshold is not None,
        )
    ]


SECTION = Section("employer_partners", 75, employer_tables, for_funders=False)
