"""Reads of the employers area, already scoped by the caller's access answer."""

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.employers.models import (
    OPEN_HELP,
    CareerTrack,
    LeadHelp,
    PartnerHire,
    PartnerInvitation,
    TrackPlacement,
    WorkplaceActivity,
)
from tandem.employers.sharing import shared_labels
from tandem.matching.models import PENDING_STATUSES, Proposal
from tandem.mentorships.models import ACTIVE_STATUSES, Mentorship, MentorshipStatus
from tandem.organizations.models import Organization, Partnership, PartnershipKind
from tandem.participants.models import Participant
from tandem.programs.models import Enrolment, Program, Side
from tandem.reference.models import Industry
from tandem.reports.selectors import DaysBetween, Scope, fiscal_year
from tandem.reports.tables import Chart, Table, cross_table
from tandem.reports.tables.waiting import waiting_table

SHOWN = 300  # mentors listed on a partner's page; the count says how many there are


class MentorStatus:
    """Where a recruited mentor stands, most advanced first."""

    MENTORING = "mentoring"
    MATCHED = "matched"
    ALUMNI = "alumni"
    ORIENTED = "oriented"
    APPLIED = "applied"

    @staticmethod
    def labels() -> dict[str, str]:
        return {
            MentorStatus.APPLIED: _("Applied"),
            MentorStatus.ORIENTED: _("Oriented, ready to be matched"),
            MentorStatus.MATCHED: _("Matched, the pair is reviewing"),
            MentorStatus.MENTORING: _("Mentoring"),
            MentorStatus.ALUMNI: _("Alumni"),
        }


def recruiting_partnerships() -> list[str]:
    return [PartnershipKind.EMPLOYER, PartnershipKind.ASSOCIATION]


def programs_recruited_for(partner: Organization) -> QuerySet[Program]:
    """Active programs that take mentor applications and that this partner recruits for: those
    of the organizations it is an employer or association partner of, and its own (an
    employer-hosted program)."""
    served = Partnership.objects.filter(partner=partner, kind__in=recruiting_partnerships()).values(
        "organization_id"
    )
    return (
        Program.objects.filter(
            is_active=True, accepts_mentor_applications=True, organization__is_active=True
        )
        .filter(Q(organization__in=served) | Q(organization=partner))
        .select_related("organization")
        .order_by("name_en")
    )


def recruited_mentors(partner: Organization) -> QuerySet[Participant]:
    return Participant.objects.filter(recruited_by=partner, role=Side.MENTOR)


def with_status(mentors: QuerySet[Participant]) -> QuerySet[Participant]:
    """Four EXISTS per row, no query per mentor."""
    mentorships = Mentorship.objects.filter(mentor=OuterRef("pk"))
    return mentors.annotate(
        is_mentoring=Exists(mentorships.filter(status__in=ACTIVE_STATUSES)),
        is_alumnus=Exists(mentorships.filter(status=MentorshipStatus.COMPLETED)),
        is_matched=Exists(
            Proposal.objects.filter(mentor=OuterRef("pk"), status__in=PENDING_STATUSES)
        ),
        is_oriented=Exists(
            Enrolment.objects.filter(
                participant=OuterRef("pk"), side=Side.MENTOR, ready_at__isnull=False
            )
        ),
    )


def status_of(mentor: Any) -> str:
    if mentor.is_mentoring:
        return MentorStatus.MENTORING
    if mentor.is_matched:
        return MentorStatus.MATCHED
    if mentor.is_alumnus:
        return MentorStatus.ALUMNI
    if mentor.is_oriented:
        return MentorStatus.ORIENTED
    return MentorStatus.APPLIED


@dataclass
class MentorRow:
    mentor: Participant
    status: str
    status_label: str
    mentee: str = ""  # the current mentee, as they chose to be shown to the employer


def partner_mentors(partner: Organization) -> tuple[list[MentorRow], dict[str, int]]:
    """The partner's mentors (name, program's organization, status, what their employer
    allows), and how many stand at each status (counted over all of them)."""
    labels = MentorStatus.labels()
    rows: list[MentorRow] = []
    counts = dict.fromkeys(labels, 0)
    mentors = with_status(recruited_mentors(partner)).select_related(
        "organization", "workplace_terms", "occupation"
    )
    for mentor in mentors.order_by("family_name", "given_name", "pk"):
        status = status_of(mentor)
        counts[status] += 1
        if len(rows) < SHOWN:
            rows.append(MentorRow(mentor, status, labels[status]))
    pairs = list(
        Mentorship.objects.filter(
            mentor_id__in=[r.mentor.pk for r in rows], status__in=ACTIVE_STATUSES
        ).select_related("mentee__occupation")
    )
    shown = shared_labels(pair.mentee for pair in pairs)
    current = {pair.mentor_id: shown[pair.mentee_id] for pair in pairs}
    for row in rows:
        row.mentee = current.get(row.mentor.pk, "")
    return rows, counts


@dataclass
class SharedRow:
    record: Any  # a WorkplaceActivity or a PartnerHire
    mentee: str


def partner_activities(partner: Organization) -> list[SharedRow]:
    """The workplace activities the partner hosts, latest first, with each mentee as they chose
    to be shown to their mentor's employer."""
    activities = list(
        WorkplaceActivity.objects.filter(host=partner)
        .select_related("mentorship__mentor", "mentorship__mentee__occupation")
        .order_by("-planned_on", "-pk")[:100]
    )
    shown = shared_labels(a.mentorship.mentee for a in activities)
    return [SharedRow(a, shown[a.mentorship.mentee_id]) for a in activities]


def partner_hires(partner: Organization) -> list[SharedRow]:
    """Mentees the partner hired (recorded by program staff), as each chose to be shown."""
    hires = list(
        PartnerHire.objects.filter(employer=partner)
        .select_related("outcome__participant__occupation")
        .order_by("-recorded_at", "-pk")[:100]
    )
    shown = shared_labels(h.outcome.participant for h in hires)
    return [SharedRow(h, shown[h.outcome.participant_id]) for h in hires]


def partner_invitations(partner: Organization) -> QuerySet[PartnerInvitation]:
    """The partner's invitations, with whether the person has applied since (a mentor record
    with that address naming the partner)."""
    applied = Participant.objects.filter(
        recruited_by=partner, role=Side.MENTOR, email__iexact=OuterRef("email")
    )
    return (
        PartnerInvitation.objects.filter(partner=partner)
        .annotate(has_applied=Exists(applied))
        .select_related("program")
    )


# --- The shortage list ----------------------------------------------------------------------


def _scope(programs: QuerySet[Program]) -> Scope:
    return Scope(programs=programs, period=fiscal_year(timezone.localdate()))


def waiting_by_industry(scope: Scope) -> list[dict[str, Any]]:
    """Today: ready mentees not matched nor proposed, by NAICS industry, longest mean wait
    first (one query, plus the titles)."""
    now = timezone.now()
    matched = Mentorship.objects.filter(
        mentee=OuterRef("participant_id"), program=OuterRef("program_id")
    ).exclude(status=MentorshipStatus.CANCELLED)
    proposed = Proposal.objects.filter(
        mentee=OuterRef("participant_id"),
        program=OuterRef("program_id"),
        status__in=PENDING_STATUSES,
    )
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in Enrolment.objects.filter(
            program_id__in=scope.program_ids,
            side=Side.MENTEE,
            ready_at__isnull=False,
            participant__industry__isnull=False,
        )
        .exclude(Exists(matched))
        .exclude(Exists(proposed))
        .values(industry=F("participant__industry_id"))
        .annotate(waiting=Count("pk"), mean_days=Avg(DaysBetween(Value(now), F("ready_at"))))
        .order_by()
    ]
    titles = {i.pk: i for i in Industry.objects.filter(pk__in=[r["industry"] for r in rows])}
    for row in rows:
        industry = titles.get(row["industry"])
        row["label"] = f"{industry.code} {industry.title}" if industry else ""
    rows.sort(key=lambda r: (-(r["mean_days"] or 0), -r["waiting"], r["label"]))
    return rows


def shortage_tables(partner: Organization, *, threshold: int) -> list[Table]:
    """The partner's shortage list, from live data, suppressed below the small-cell threshold
    (a partner reads counts, never a person): occupations, then industries."""
    scope = _scope(Program.objects.filter(is_active=True, organization__in=_served(partner)))
    occupations = waiting_table(scope, threshold, detail=False)
    industries = waiting_by_industry(scope)
    by_industry = cross_table(
        key="waiting_industries",
        title=_("Industries where mentees wait for a mentor"),
        description=_(
            "Today: mentees ready to be matched and not yet matched, by industry (NAICS 2022), "
            "those who have waited longest first."
        ),
        row_header=_("Industry"),
        row_labels=[r["label"] for r in industries],
        columns=[_("Mentees waiting")],
        counts=[[r["waiting"]] for r in industries],
        threshold=threshold,
        total_label=_("All industries"),
        chart=Chart(columns=[0], unit=_("mentees")),
    )
    return [occupations, by_industry]


def _served(partner: Organization) -> QuerySet[Organization]:
    served = Partnership.objects.filter(partner=partner, kind__in=recruiting_partnerships()).values(
        "organization_id"
    )
    return Organization.objects.filter(Q(pk__in=served) | Q(pk=partner.pk))


def shortage_codes(programs: QuerySet[Program]) -> set[str]:
    """NOC unit groups where ready mentees outnumber the free places of ready mentors today."""
    from tandem.reports.selectors import waiting_occupations

    return {
        row["code"]
        for row in waiting_occupations(_scope(programs))
        if row["code"] and row["waiting"] > row["places"]
    }


# --- Workplace activities -------------------------------------------------------------------


def activities_of(mentorship: Mentorship) -> list[WorkplaceActivity]:
    return list(WorkplaceActivity.objects.filter(mentorship=mentorship).select_related("host"))


def terms_of(participant: Participant) -> Any:
    return getattr(participant, "workplace_terms", None)


# --- Career tracks --------------------------------------------------------------------------


def tracks_of(program: Program) -> list[CareerTrack]:
    return list(CareerTrack.objects.filter(program=program))


def placements_of(program: Program) -> QuerySet[Enrolment]:
    """The program's enrolments with their track (one query)."""
    return (
        Enrolment.objects.filter(program=program)
        .select_related("participant", "track_placement__track")
        .order_by("side", "participant__family_name", "participant__given_name")
    )


def track_counts(program: Program) -> dict[str, int]:
    return dict(
        TrackPlacement.objects.filter(track__program=program)
        .values_list("track__stage")
        .annotate(n=Count("pk"))
        .values_list("track__stage", "n")
    )


# --- Hires ----------------------------------------------------------------------------------


def employed_outcomes(participant: Participant) -> QuerySet[Any]:
    from tandem.outcomes.models import EMPLOYED, EmploymentOutcome

    return EmploymentOutcome.objects.filter(participant=participant, status__in=EMPLOYED)


def partner_employers_for(program: Program) -> QuerySet[Organization]:
    """Employers that work with the program's organization (or run the program)."""
    partners = Partnership.objects.filter(organization=program.organization_id).values("partner_id")
    return Organization.objects.filter(
        Q(pk__in=partners) | Q(pk=program.organization_id),
        is_active=True,
        kind__in=["employer", "association"],
    ).order_by("name_en")


def partners_list(partners: QuerySet[Organization]) -> list[Organization]:
    return list(partners.order_by("name_en"))


def tracks_queryset(program: Program) -> QuerySet[CareerTrack]:
    return CareerTrack.objects.filter(program=program)


# --- A lead agency's help --------------------------------------------------------------------


def hosted_with_help(programs: QuerySet[Program], user: Any) -> list[tuple[Program, Any]]:
    """Each program with the person's open offer or help on it (two queries)."""
    listed = list(programs.select_related("organization").order_by("name_en")[:200])
    mine = {
        h.program_id: h
        for h in LeadHelp.objects.filter(
            helper=user, status__in=OPEN_HELP, program__in=[p.pk for p in listed]
        )
    }
    return [(program, mine.get(program.pk)) for program in listed]


def help_of_program(program: Program) -> list[LeadHelp]:
    """Open offers and help first, then the last ones that ended."""
    rows = list(
        LeadHelp.objects.filter(program=program)
        .select_related("lead", "helper", "answered_by", "ended_by")
        .order_by("-offered_at", "-pk")[:100]
    )
    return sorted(rows, key=lambda h: h.status not in OPEN_HELP)
