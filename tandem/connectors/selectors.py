"""Reads for the connector program: suggested connectors, lists, the program's figures and the
funder's (counts only, small cells suppressed). The chain of one newcomer is in `chain.py`."""

import statistics
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING

import numpy as np
from django.db.models import (
    Avg,
    Count,
    Max,
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
    NewcomerChain,
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
    """The program's figures from the stored chains (one row per newcomer) and the connectors'
    counters (services/figures.py): three aggregate queries over at most 20,000 rows, never a
    scan of the program's meetings (benchmarks/connectors.py: 200,000 of them)."""
    chains = NewcomerChain.objects.filter(program=program, meetings_held__gt=0)
    counts = chains.aggregate(
        newcomers=Count("pk"),
        meetings=Sum("meetings_held"),
        depth_max=Max("depth"),
        depth_average=Avg("depth"),
        introductions=Sum("introductions"),
        at_target=Sum("meetings_at_target"),
        followed=Sum("followed_up"),
        interviews=Sum("interviews"),
    )
    # Newcomers with a job are a tenth of them at most: their days are read and the median
    # taken here, the same on SQLite and PostgreSQL.
    dates = list(
        chains.filter(first_job_on__isnull=False).values_list("first_met_on", "first_job_on")
    )
    days = [
        (job - met).days for met, job in dates if met is not None and job is not None and job >= met
    ]
    top: list[TopConnector] = []
    if with_names:
        top = [
            TopConnector(
                name=c.participant.full_name,
                introductions=c.introductions_count,
                jobs=c.jobs_led,
                interviews=c.interviews_led,
            )
            for c in Connector.objects.filter(program=program)
            .filter(Q(jobs_led__gt=0) | Q(interviews_led__gt=0))
            .select_related("participant")
            .order_by("-jobs_led", "-interviews_led", "pk")[:10]
        ]
    newcomers = Enrolment.objects.filter(program=program, side=Side.MENTEE).count()
    held = counts["meetings"] or 0
    introductions = counts["introductions"] or 0
    followed = counts["followed"] or 0
    depth_average = counts["depth_average"]
    return ProgramFigures(
        newcomers=newcomers,
        newcomers_met=counts["newcomers"],
        meetings_held=held,
        meetings_per_newcomer=_ratio(held, counts["newcomers"]),
        connectors=Connector.objects.filter(program=program, is_active=True).count(),
        introductions=introductions,
        introductions_per_meeting=_ratio(introductions, held),
        meetings_at_target=counts["at_target"] or 0,
        followed_up=followed,
        followed_up_share=_ratio(followed, introductions),
        depth_max=counts["depth_max"] or 0,
        depth_average=float(depth_average) if depth_average is not None else None,
        jobs=len(dates),
        interviews=counts["interviews"] or 0,
        days_to_job_median=statistics.median(days) if days else None,
        top_connectors=top,
    )


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


# --- The reports' section (tandem/reports/tables/connectors.py) --------------------------------


@dataclass
class ProgramActivity:
    """One connector program's counts over a report's period."""

    program: Program
    # Newcomers whose first meeting was held in the period, by what their chain led to since:
    # each newcomer in one of the three, so that the row adds up to the newcomers met.
    no_result: int = 0
    interview: int = 0
    job: int = 0
    meetings_held: int = 0
    introductions: int = 0
    follow_ups_held: int = 0


def report_activity(
    program_ids: list[int], *, starts_on: date, ends_on: date, left_out: Collection[int] = ()
) -> list[ProgramActivity]:
    """The connector programs among `program_ids`, with their counts over the period (both
    ends included): people from the stored chains, meetings and introductions by date. The
    newcomers `left_out` (a funder report: they said no to being counted) count nowhere."""
    from tandem.programs.models import ProgramType

    programs = Program.objects.filter(pk__in=program_ids, kind=ProgramType.CONNECTOR).order_by(
        "name_en", "pk"
    )
    found = {p.pk: ProgramActivity(p) for p in programs}
    if not found:
        return []
    people = (
        NewcomerChain.objects.filter(
            program__in=list(found), first_met_on__range=(starts_on, ends_on)
        )
        .exclude(newcomer_id__in=list(left_out))
        .values("program")
        .annotate(
            job=Count("pk", filter=Q(first_job_on__isnull=False)),
            interview=Count("pk", filter=Q(first_job_on__isnull=True, interviews__gt=0)),
            no_result=Count("pk", filter=Q(first_job_on__isnull=True, interviews=0)),
        )
        .order_by()
    )
    for row in people:
        activity = found[row["program"]]
        activity.job, activity.interview = row["job"], row["interview"]
        activity.no_result = row["no_result"]
    meetings = (
        ConnectorMeeting.objects.filter(
            program__in=list(found),
            status=MeetingStatus.HELD,
            held_on__range=(starts_on, ends_on),
        )
        .exclude(newcomer_id__in=list(left_out))
        .values("program")
        .annotate(held=Count("pk"), follow_ups=Count("pk", filter=Q(introduction__isnull=False)))
        .order_by()
    )
    for held in meetings:
        found[held["program"]].meetings_held = held["held"]
        found[held["program"]].follow_ups_held = held["follow_ups"]
    start = timezone.make_aware(datetime.combine(starts_on, time.min))
    end = timezone.make_aware(datetime.combine(ends_on, time.max))
    introductions = (
        Introduction.objects.filter(
            meeting__program__in=list(found), created_at__range=(start, end)
        )
        .exclude(newcomer_id__in=list(left_out))
        .values("meeting__program")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for made in introductions:
        found[made["meeting__program"]].introductions = made["n"]
    return list(found.values())
