"""Reads for the connector program: suggested connectors, lists, the program's figures and the
funder's (counts only, small cells suppressed). The chain of one newcomer is in `chain.py`."""

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.utils import timezone

from tandem.accounts.models import User
from tandem.connectors.models import (
    INTRODUCTIONS_TARGET,
    Connector,
    ConnectorInvitation,
    ConnectorMeeting,
    Introduction,
    InvitationStatus,
    MeetingStatus,
    Result,
)
from tandem.participants.models import Participant
from tandem.programs.models import Enrolment, Program, Side

if TYPE_CHECKING:
    from tandem.matching.engine.model import WeightProfile

# --- Suggestions: the engine's scoring, without the one-to-one solve ------------------------


@dataclass(frozen=True)
class Suggestion:
    connector: Connector
    score: float
    reasons: list[str]


def _weights() -> "WeightProfile":
    """Occupation, industry, language and place: what a 30-minute meeting needs. Goals,
    weekly slots and years of experience are for a months-long pair, so they weigh nothing."""
    from tandem.matching.engine.model import WeightProfile

    return WeightProfile(
        name="connector",
        occupation=0.40,
        industry=0.20,
        goals=0.0,
        language=0.20,
        distance=0.20,
        availability=0.0,
        experience=0.0,
    )


def connectors_with_room(program: Program, *, on: date | None = None) -> QuerySet[Connector]:
    """Active connectors who have met fewer newcomers this month than they offered. The month's
    meetings are counted from the (program, created_at) index, not per connector."""
    on = on or timezone.localdate()
    month = timezone.make_aware(datetime.combine(on.replace(day=1), time.min))
    busy = (
        ConnectorMeeting.objects.filter(program=program, created_at__gte=month)
        .exclude(status=MeetingStatus.CANCELLED)
        .values("connector")
        .annotate(n=Count("pk"))
        .filter(
            n__gte=Subquery(
                Connector.objects.filter(pk=OuterRef("connector")).values("meetings_per_month")[:1]
            )
        )
        .values("connector")
    )
    return Connector.objects.filter(program=program, is_active=True).exclude(pk__in=busy)


# The engine scores at most this many candidates: those of the newcomer's occupation group
# first. At 5,000 connectors, reading and scoring them all would take most of the page's 300 ms
# (benchmarks/connectors.py).
CANDIDATES = 100


def suggested_connectors(
    *, program: Program, newcomer: Participant, limit: int = 5, language: str = "en"
) -> list[Suggestion]:
    """The connectors the engine scores best for this newcomer (occupation, industry, language,
    place), leaving out those already met or asked and those whose month is full."""
    from tandem.matching.engine.api import Matcher, PoolEmbeddings
    from tandem.matching.engine.embedding import TfidfEmbedder
    from tandem.matching.engine.model import EngineError, Pool
    from tandem.matching.pool import engine_id, is_matchable, participant_id, to_engine

    asked = ConnectorMeeting.objects.filter(newcomer=newcomer).exclude(
        status=MeetingStatus.CANCELLED
    )
    available = (
        connectors_with_room(program)
        .exclude(pk__in=asked.values("connector_id"))
        .exclude(participant__email__iexact=newcomer.email)
        .select_related("participant")
    )
    group = (newcomer.occupation_id or "")[:2]
    connectors = list(
        available.filter(participant__occupation__code__startswith=group)[:CANDIDATES]
    )
    if len(connectors) < CANDIDATES:
        connectors += list(
            available.exclude(participant__occupation__code__startswith=group)[
                : CANDIDATES - len(connectors)
            ]
        )
    connectors = [c for c in connectors if is_matchable(c.participant)]
    if not connectors or not is_matchable(newcomer):
        return []
    by_participant = {c.participant_id: c for c in connectors}
    pool = Pool(
        mentees=(to_engine(newcomer, side="mentee"),),
        mentors=tuple(to_engine(c.participant, side="mentor") for c in connectors),
    )
    # Goals weigh nothing here, so no text is embedded: zero vectors stand in for them.
    embeddings = PoolEmbeddings(
        np.zeros((1, 8), np.float32), np.zeros((len(connectors), 8), np.float32), 0
    )
    try:
        matcher = Matcher(
            pool, weights=_weights(), embedder=TfidfEmbedder(), embeddings=embeddings, lang=language
        )
        ranked = matcher.rank_candidates(engine_id(newcomer.pk, "mentee"), k=limit, lang=language)
    except EngineError:
        return []
    chosen = [by_participant[participant_id(c.mentor_id)] for c in ranked]
    prefetch_related_objects(chosen, "participant__occupation")
    return [
        Suggestion(
            connector=connector,
            score=c.score,
            reasons=[
                str(sentence)
                for sentence in getattr(c.explanation, "sentences", [])[:3]
                if sentence
            ],
        )
        for connector, c in zip(chosen, ranked, strict=True)
    ]


def connector_in(program: Program, connector_id: str) -> Connector | None:
    if not str(connector_id).isdigit():
        return None
    return (
        Connector.objects.filter(program=program, pk=int(connector_id), is_active=True)
        .select_related("participant")
        .first()
    )


def newcomer_enrolment(program: Program, newcomer: Participant) -> Enrolment | None:
    return Enrolment.objects.filter(program=program, participant=newcomer, side=Side.MENTEE).first()


# --- Lists -----------------------------------------------------------------------------------


def meetings_of_connector(connector: Connector) -> QuerySet[ConnectorMeeting]:
    return (
        connector.meetings.select_related("newcomer")
        .annotate(introduced=Count("introductions"))
        .order_by("-created_at")
    )


def meetings_of_newcomer(program: Program, newcomer: Participant) -> QuerySet[ConnectorMeeting]:
    return (
        ConnectorMeeting.objects.filter(program=program, newcomer=newcomer)
        .select_related("connector__participant")
        .order_by("created_at")
    )


def introductions_to_follow_up(program: Program, newcomer: Participant) -> QuerySet[Introduction]:
    """Introductions whose contact is a connector and that no meeting follows up yet."""
    return (
        Introduction.objects.filter(
            meeting__program=program, newcomer=newcomer, contact__isnull=False
        )
        .filter(Q(follow_up__isnull=True) | Q(follow_up__status=MeetingStatus.CANCELLED))
        .select_related("contact__participant", "made_by__participant")
    )


def pending_invitations(program: Program) -> QuerySet[ConnectorInvitation]:
    return program.connector_invitations.filter(
        status=InvitationStatus.PENDING, expires_at__gt=timezone.now()
    ).select_related("suggested_by__participant")


def program_connectors(program: Program) -> QuerySet[Connector]:
    return (
        Connector.objects.filter(program=program)
        .select_related("participant", "participant__occupation")
        .annotate(
            held=Count("meetings", filter=Q(meetings__status=MeetingStatus.HELD), distinct=True),
            introduced=Count("introductions", distinct=True),
        )
    )


def program_newcomers(program: Program) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(program=program, side=Side.MENTEE)
        .select_related("participant")
        .order_by("participant__family_name", "participant__given_name")
    )


# --- Figures ---------------------------------------------------------------------------------


@dataclass
class TopConnector:
    name: str
    introductions: int
    jobs: int
    interviews: int


@dataclass
class ProgramFigures:
    newcomers: int
    newcomers_met: int
    meetings_held: int
    meetings_per_newcomer: float | None
    connectors: int
    introductions: int
    introductions_per_meeting: float | None
    meetings_at_target: int
    followed_up: int
    followed_up_share: float | None
    depth_max: int
    depth_average: float | None
    jobs: int
    interviews: int
    days_to_job_median: float | None
    top_connectors: list[TopConnector] = field(default_factory=list)
    target: int = INTRODUCTIONS_TARGET


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def program_figures(program: Program, *, with_names: bool = True) -> ProgramFigures:
    """The program's figures in a handful of aggregate queries (each one index-friendly: at
    20k newcomers and 200k meetings the page answers in well under 300 ms on PostgreSQL,
    benchmarks/connectors.py)."""
    meetings = ConnectorMeeting.objects.filter(program=program)
    held = meetings.filter(status=MeetingStatus.HELD)
    # One scan of the meetings: introductions are counted on the meeting that made them, and an
    # introduction followed up is a held meeting that names it.
    counts = held.aggregate(
        meetings=Count("pk"),
        depth_max=Max("depth"),
        interviews=Count("pk", filter=Q(result=Result.INTERVIEW)),
        introductions=Sum("introductions_made"),
        at_target=Count("pk", filter=Q(introductions_made__gte=INTRODUCTIONS_TARGET)),
        followed=Count("pk", filter=Q(introduction__isnull=False)),
    )
    # One group per newcomer met: how many there are, and how deep each chain went.
    per_newcomer = (
        held.values("newcomer")
        .annotate(deepest=Max("depth"))
        .aggregate(newcomers=Count("newcomer"), avg=Avg("deepest"))
    )
    counts["newcomers"] = per_newcomer["newcomers"]
    depth_average = per_newcomer["avg"]
    # Results are few: read from the partial index on (program, result).
    first_job = dict(
        held.filter(result=Result.JOB)
        .values("newcomer")
        .annotate(on=Min("result_on"))
        .values_list("newcomer", "on")
    )
    first_met = dict(  # a chain starts with a first meeting (depth 1)
        held.filter(depth=1, newcomer__in=list(first_job))
        .values("newcomer")
        .annotate(on=Min("held_on"))
        .values_list("newcomer", "on")
    )
    days = [
        (first_job[n] - first_met[n]).days
        for n in first_job
        if first_job[n] and first_met.get(n) and first_job[n] >= first_met[n]
    ]
    top: list[TopConnector] = []
    if with_names:
        rows = list(
            held.filter(result__in=[Result.JOB, Result.INTERVIEW], introduction__isnull=False)
            .values(made_by=F("introduction__made_by"))
            .annotate(
                jobs=Count("pk", filter=Q(result=Result.JOB)),
                interviews=Count("pk", filter=Q(result=Result.INTERVIEW)),
            )
            .order_by("-jobs", "-interviews", "made_by")[:10]
        )
        made = dict(
            Introduction.objects.filter(made_by__in=[r["made_by"] for r in rows])
            .values("made_by")
            .annotate(n=Count("pk"))
            .values_list("made_by", "n")
        )
        names = {
            c.pk: c.participant.full_name
            for c in Connector.objects.filter(pk__in=[r["made_by"] for r in rows]).select_related(
                "participant"
            )
        }
        top = [
            TopConnector(
                name=names.get(r["made_by"], ""),
                introductions=made.get(r["made_by"], 0),
                jobs=r["jobs"],
                interviews=r["interviews"],
            )
            for r in rows
        ]
    newcomers = Enrolment.objects.filter(program=program, side=Side.MENTEE).count()
    introductions = counts["introductions"] or 0
    return ProgramFigures(
        newcomers=newcomers,
        newcomers_met=counts["newcomers"],
        meetings_held=counts["meetings"],
        meetings_per_newcomer=_ratio(counts["meetings"], counts["newcomers"]),
        connectors=Connector.objects.filter(program=program, is_active=True).count(),
        introductions=introductions,
        introductions_per_meeting=_ratio(introductions, counts["meetings"]),
        meetings_at_target=counts["at_target"],
        followed_up=counts["followed"],
        followed_up_share=_ratio(counts["followed"], introductions),
        depth_max=counts["depth_max"] or 0,
        depth_average=float(depth_average) if depth_average is not None else None,
        jobs=len(first_job),
        interviews=counts["interviews"],
        days_to_job_median=statistics.median(days) if days else None,
        top_connectors=top,
    )


@dataclass(frozen=True)
class FunderFigure:
    label: str
    value: int | float | None  # None: suppressed (a count of 1 to threshold - 1 people)
    is_share: bool = False


def _suppress(count: int, threshold: int) -> int | None:
    return None if 0 < count < threshold else count


def funder_figures(programs: list[Program], *, threshold: int | None = None) -> list[FunderFigure]:
    """Aggregates over the funded connector programs, never a person: a count of people
    between 1 and threshold - 1 is shown as « x », and a share is given only when both of its
    counts are published (a share over a hidden count would give the count away)."""
    from django.utils.translation import gettext as _

    threshold = threshold or settings.TANDEM_SMALL_CELL_THRESHOLD
    totals = {
        "newcomers": 0,
        "met": 0,
        "held": 0,
        "introductions": 0,
        "followed": 0,
        "jobs": 0,
        "connectors": 0,
    }
    for program in programs:
        figures = program_figures(program, with_names=False)
        totals["newcomers"] += figures.newcomers
        totals["met"] += figures.newcomers_met
        totals["held"] += figures.meetings_held
        totals["introductions"] += figures.introductions
        totals["followed"] += figures.followed_up
        totals["jobs"] += figures.jobs
        totals["connectors"] += figures.connectors
    people = {key: _suppress(value, threshold) for key, value in totals.items()}
    # Meetings and introductions count events, not people, but a handful of them still
    # points at a handful of people: they are suppressed the same way.

    def share(part: str, whole: str) -> float | None:
        if people[part] is None or people[whole] is None or not totals[whole]:
            return None
        return totals[part] / totals[whole]

    return [
        FunderFigure(_("Newcomers in the program"), people["newcomers"]),
        FunderFigure(_("Newcomers who met at least one connector"), people["met"]),
        FunderFigure(_("Active connectors"), people["connectors"]),
        FunderFigure(_("Meetings held"), people["held"]),
        FunderFigure(_("Introductions made"), people["introductions"]),
        FunderFigure(
            _("Share of introductions followed up"), share("followed", "introductions"), True
        ),
        FunderFigure(_("Newcomers who found a job through the chain"), people["jobs"]),
        FunderFigure(_("Share of newcomers met who found a job"), share("jobs", "met"), True),
    ]


# --- The home page ---------------------------------------------------------------------------


@dataclass
class HomeWork:
    """What the connector program asks of a person on their home page."""

    programs: list[Program]  # staff: programs they run
    newcomer_of: list[Enrolment]  # their own enrolments as a newcomer
    to_answer: list[ConnectorMeeting]  # meetings asking something of them now
    profiles_to_complete: list[Enrolment]
    is_connector: bool
    funds_programs: bool

    @property
    def is_empty(self) -> bool:
        return not (
            self.programs
            or self.newcomer_of
            or self.to_answer
            or self.profiles_to_complete
            or self.is_connector
            or self.funds_programs
        )


def home_work(*, user: User) -> HomeWork:
    from tandem.connectors.access import (
        connector_enrolments_without_profile,
        connector_programs_funded_by,
        connector_programs_managed_by,
    )
    from tandem.programs.models import ProgramType

    own = ConnectorMeeting.objects.filter(
        Q(connector__participant__user=user, status=MeetingStatus.REQUESTED)
        | Q(newcomer__user=user, status=MeetingStatus.OFFERED)
        | Q(connector__participant__user=user, status=MeetingStatus.HELD, introductions=None)
    ).select_related("newcomer", "connector__participant")
    return HomeWork(
        programs=list(connector_programs_managed_by(user).order_by("name_en")[:10]),
        newcomer_of=list(
            Enrolment.objects.filter(
                participant__user=user, side=Side.MENTEE, program__kind=ProgramType.CONNECTOR
            ).select_related("program")
        ),
        to_answer=list(own.distinct()[:10]),
        profiles_to_complete=list(connector_enrolments_without_profile(user)),
        is_connector=Connector.objects.filter(participant__user=user).exists(),
        funds_programs=connector_programs_funded_by(user).exists(),
    )
