"""Reads for mentoring groups and peer mentors, already scoped by the caller's access answer.

Suggestions read the one-to-one pool without touching it: a mentee suggested for (and added to)
a group keeps her enrolment, her `ready_at` (waiting time) and her place in the desk's pool.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core import consent
from tandem.events.models import Participation
from tandem.matching.models import PENDING_STATUSES, Proposal
from tandem.mentorships.models import ACTIVE_STATUSES, Mentorship
from tandem.outcomes.models import EmploymentOutcome, EmploymentStatus
from tandem.participants.models import Participant, ParticipantRole
from tandem.programs.models import Enrolment, Program, ProgramType
from tandem.referrals.selectors import enrolments_in_pool

from .access import circles_managed_by, circles_of_person
from .models import (
    Circle,
    CircleMember,
    CircleNote,
    CircleSession,
    PeerMentor,
    PeerStatus,
    SessionFeedback,
    Usefulness,
)

# Formats whose pool is a one-to-one pool: the waiting list a group serves.
ONE_TO_ONE_KINDS = [
    ProgramType.OPEN_ACCESS,
    ProgramType.EMBEDDED,
    ProgramType.INTERNAL,
    ProgramType.EMPLOYER_HOSTED,
]
SUGGESTED = 12
IN_FIELD = [EmploymentStatus.EMPLOYED_IN_FIELD, EmploymentStatus.EMPLOYED_RELATED]


def _in_field(circle: Circle, prefix: str = "") -> Q:
    """People whose occupation falls under the group's NOC group and/or industry."""
    q = Q()
    if circle.occupation_id:
        q &= Q(**{f"{prefix}occupation__code__startswith": circle.occupation_id})
    if circle.industry_id:
        q &= Q(**{f"{prefix}industry__code__startswith": circle.industry_id})
    return q


def _speaks(language: str, prefix: str = "") -> Q:
    return Q(**{f"{prefix}preferred_language": language}) | Q(
        **{f"{prefix}languages__icontains": language}
    )


def waiting_enrolments(organization_id: int) -> QuerySet[Enrolment]:
    """Mentees in the one-to-one pools of an organization's programs who wait for a match:
    admitted, ready, with no proposal awaiting an answer and no active mentorship there."""
    pending = Proposal.objects.filter(
        program_id=OuterRef("program_id"),
        mentee_id=OuterRef("participant_id"),
        status__in=PENDING_STATUSES,
    )
    matched = Mentorship.objects.filter(
        program_id=OuterRef("program_id"),
        mentee_id=OuterRef("participant_id"),
        status__in=ACTIVE_STATUSES,
    )
    return (
        enrolments_in_pool(
            Enrolment.objects.filter(
                program__organization_id=organization_id,
                program__kind__in=ONE_TO_ONE_KINDS,
                program__is_active=True,
                side="mentee",
            )
        )
        .exclude(Exists(pending))
        .exclude(Exists(matched))
    )


@dataclass(frozen=True)
class Suggestion:
    participant: Participant
    waiting_since: dt.datetime | None
    detail: str = ""

    @property
    def waiting_days(self) -> int | None:
        if self.waiting_since is None:
            return None
        return (timezone.now() - self.waiting_since).days


def _active_elsewhere(circle: Circle) -> QuerySet[CircleMember]:
    return CircleMember.objects.filter(
        left_at__isnull=True, circle__ended_at__isnull=True, circle__kind=circle.kind
    )


def suggested_mentees(circle: Circle, *, limit: int = SUGGESTED) -> list[Suggestion]:
    """Mentees waiting longest in the organization's one-to-one pools whose occupation falls
    under the group's field and who speak its language, leaving out those already in a group of
    this kind. One query for the ids and their waiting time, one for the people."""
    waiting = (
        waiting_enrolments(circle.program.organization_id)
        .filter(_in_field(circle, "participant__"), _speaks(circle.language, "participant__"))
        .exclude(participant_id__in=_active_elsewhere(circle).values("participant_id"))
        .values("participant_id")
        .annotate(since=Min("ready_at"))
        .order_by("since", "participant_id")[:limit]
    )
    rows = list(waiting)
    people = Participant.objects.select_related("occupation").in_bulk(
        [row["participant_id"] for row in rows]
    )
    return [Suggestion(people[row["participant_id"]], row["since"]) for row in rows]


def suggested_mentors(circle: Circle, *, limit: int = SUGGESTED) -> list[Suggestion]:
    """For a group: mentors ready in the organization's programs, in the group's field and
    language, least busy first. For a peer circle: the program's briefed peer mentors."""
    taken = circle.members.filter(left_at__isnull=True).values("participant_id")
    if circle.kind == "peer":
        peers = (
            PeerMentor.objects.filter(
                program=circle.program, status=PeerStatus.ACCEPTED, briefed_at__isnull=False
            )
            .filter(_in_field(circle, "participant__"))
            .exclude(participant_id__in=taken)
            .select_related("participant", "participant__occupation")
            .order_by("briefed_at")[:limit]
        )
        return [Suggestion(peer.participant, None) for peer in peers]
    ready = enrolments_in_pool(
        Enrolment.objects.filter(
            program__organization_id=circle.program.organization_id,
            program__is_active=True,
            side="mentor",
        )
    ).values("participant_id")
    mentors = (
        Participant.objects.filter(pk__in=ready, role=ParticipantRole.MENTOR)
        .filter(_in_field(circle), _speaks(circle.language))
        .exclude(pk__in=taken)
        .annotate(
            groups=Count(
                "circle_memberships",
                filter=Q(
                    circle_memberships__left_at__isnull=True,
                    circle_memberships__circle__ended_at__isnull=True,
                ),
            ),
            mentorships=Count(
                "mentorships_as_mentor",
                filter=Q(mentorships_as_mentor__status__in=ACTIVE_STATUSES),
            ),
        )
        .select_related("occupation")
        .order_by("groups", "mentorships", "pk")[:limit]
    )
    return [Suggestion(mentor, None) for mentor in mentors]


def addable_people(circle: Circle) -> QuerySet[Participant]:
    """Whom staff may add by hand: the people of the organization's programs (waiting mentees,
    ready mentors, people enrolled in the group's own program) and the program's peer mentors."""
    enrolled = Enrolment.objects.filter(
        program__organization_id=circle.program.organization_id
    ).values("participant_id")
    peers = PeerMentor.objects.filter(program=circle.program).values("participant_id")
    return (
        Participant.objects.filter(Q(pk__in=enrolled) | Q(pk__in=peers))
        .exclude(pk__in=circle.members.filter(left_at__isnull=True).values("participant_id"))
        .select_related("organization")
        .order_by("family_name", "given_name")
    )


def find_addable(circle: Circle, query: str, *, limit: int = 20) -> list[Participant]:
    """People staff may add by hand, found by name, e-mail or the agency's id."""
    words = query.split()[:4]
    if not words:
        return []
    found = addable_people(circle)
    for word in words:
        found = found.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(email__icontains=word)
            | Q(external_id__iexact=word)
        )
    return list(found[:limit])


def session_guests(session: CircleSession) -> QuerySet[Participant]:
    """The people invited to a session who did not cancel: those whose attendance is taken."""
    return (
        Participant.objects.filter(
            event_participations__event=session.event,
            event_participations__cancelled_at__isnull=True,
        )
        .select_related("organization")
        .order_by("family_name", "given_name")
    )


def session_participations(session: CircleSession) -> list[Participation]:
    """Every invitation to a session with its person, read once for the session page: the
    attendance already taken and the view log both come from these rows."""
    return list(
        session.event.participations.select_related("participant__organization").order_by(
            "participant__family_name", "participant__given_name", "pk"
        )
    )


def waiting_people(organization_id: int) -> QuerySet[Participant]:
    """The people behind `waiting_enrolments`, for the short format with a peer mentor."""
    return Participant.objects.filter(
        pk__in=waiting_enrolments(organization_id).values("participant_id")
    ).order_by("family_name", "given_name")


def circle_members(circle: Circle) -> list[CircleMember]:
    return list(
        circle.members.filter(left_at__isnull=True).select_related(
            "participant", "participant__organization", "participant__occupation"
        )
    )


def circle_sessions(circle: Circle) -> list[CircleSession]:
    return list(
        circle.sessions.select_related("event").annotate(
            came=Count("event__participations", filter=Q(event__participations__attended=True)),
            recorded=Count(
                "event__participations", filter=Q(event__participations__attended__isnull=False)
            ),
            answers=Count("feedback", distinct=True),
        )
    )


def next_session(circle: Circle) -> CircleSession | None:
    return (
        circle.sessions.filter(
            event__starts_at__gte=timezone.now(), event__cancelled_at__isnull=True
        )
        .select_related("event")
        .order_by("event__starts_at")
        .first()
    )


def session_can_change(session: CircleSession) -> bool:
    """Staff may move or cancel a session until it starts (and while the group runs)."""
    return (
        session.event.cancelled_at is None
        and session.event.starts_at > timezone.now()
        and session.circle.ended_at is None
    )


def circle_notes(circle: Circle) -> QuerySet[CircleNote]:
    return circle.notes.select_related("author")


def session_feedback(session: CircleSession) -> QuerySet[SessionFeedback]:
    return session.feedback.select_related("participant").order_by("submitted_at")


@dataclass(frozen=True)
class FeedbackSummary:
    answers: int
    by_usefulness: list[tuple[str, int]]  # (label, count) in the order of the question
    topics: list[str]  # the topics wished for, latest first


def feedback_summary(sessions: QuerySet[SessionFeedback], *, topics: int = 10) -> FeedbackSummary:
    """How useful the members found the sessions, and what they want next: one grouped count
    and one short list of the latest topics."""
    counts = dict(
        sessions.order_by()
        .values_list("usefulness")
        .annotate(n=Count("pk"))
        .values_list("usefulness", "n")
    )
    wished = list(
        sessions.exclude(topics="")
        .order_by("-submitted_at")
        .values_list("topics", flat=True)[:topics]
    )
    return FeedbackSummary(
        answers=sum(counts.values()),
        by_usefulness=[(str(label), counts.get(value, 0)) for value, label in Usefulness.choices],
        topics=wished,
    )


def circle_feedback_summary(circle: Circle) -> FeedbackSummary:
    return feedback_summary(SessionFeedback.objects.filter(session__circle=circle))


def feedback_due(member: CircleMember) -> list[CircleSession]:
    """Past sessions the member came to (or that nobody recorded yet) and did not answer."""
    answered = SessionFeedback.objects.filter(
        session_id=OuterRef("pk"), participant_id=member.participant_id
    )
    came = Participation.objects.filter(
        event_id=OuterRef("event_id"), participant_id=member.participant_id
    ).exclude(attended=False)
    return list(
        member.circle.sessions.filter(
            event__starts_at__lt=timezone.now(),
            event__starts_at__gte=member.joined_at - dt.timedelta(days=1),
            event__cancelled_at__isnull=True,
        )
        .filter(Exists(came))
        .exclude(Exists(answered))
        .select_related("event")
        .order_by("-event__starts_at")[:3]
    )


def circles_of_program(program: Program, *, user: User) -> QuerySet[Circle]:
    return (
        circles_managed_by(user)
        .filter(program=program)
        .select_related("occupation", "industry", "run_by", "coordinator")
        .annotate(
            mentees=Count(
                "members",
                filter=Q(members__left_at__isnull=True, members__side="mentee"),
                distinct=True,
            ),
            mentors=Count(
                "members",
                filter=Q(members__left_at__isnull=True, members__side="mentor"),
                distinct=True,
            ),
            session_count=Count("sessions", distinct=True),
        )
    )


# --- Peer mentors ------------------------------------------------------------------------------


def latest_status(participant_ref: str = "pk") -> Subquery:
    return Subquery(
        EmploymentOutcome.objects.filter(participant_id=OuterRef(participant_ref))
        .order_by("-recorded_at", "-pk")
        .values("status")[:1]
    )


def alumni_candidates(program: Program) -> QuerySet[Participant]:
    """Alumni of the organization's programs who may become peer mentors: their latest recorded
    outcome is employment in their field or a related one, they did not withdraw their consent
    to be contacted, and they were not invited to this program yet."""
    # Alumni of the organization's programs: people it records itself, and those an agency
    # referred who were enrolled in one of its programs (most mentees of a lead agency).
    enrolled = Enrolment.objects.filter(
        program__organization_id=program.organization_id, side="mentee"
    ).values("participant_id")
    candidates = (
        Participant.objects.filter(
            Q(organization_id=program.organization_id) | Q(pk__in=enrolled),
            role=ParticipantRole.MENTEE,
        )
        .annotate(latest=latest_status())
        .filter(latest__in=IN_FIELD)
        .exclude(peer_roles__program=program)
    )
    # Consent lives where each purpose's app keeps it (core.consent): asked for these people.
    ids = list(candidates.values_list("pk", flat=True))
    withdrawn = consent.refused(consent.PEER_MENTORING, ids) | consent.refused(
        consent.FOLLOW_UPS, ids
    )
    return (
        candidates.exclude(pk__in=withdrawn)
        .select_related("occupation")
        .order_by("family_name", "given_name")
    )


def peer_mentors_of(program: Program) -> QuerySet[PeerMentor]:
    return PeerMentor.objects.filter(program=program).select_related(
        "participant", "participant__occupation"
    )


def peer_roles_of(user: User) -> QuerySet[PeerMentor]:
    return PeerMentor.objects.filter(participant__user=user).select_related("program")


# --- What a person sees first ----------------------------------------------------------------


@dataclass
class OwnCircle:
    circle: Circle
    member: CircleMember
    next: CircleSession | None
    feedback_due: list[CircleSession]


def own_circles(*, user: User) -> list[OwnCircle]:
    members = CircleMember.objects.filter(
        participant__user=user, left_at__isnull=True, circle__ended_at__isnull=True
    ).select_related("circle", "participant")
    return [OwnCircle(m.circle, m, next_session(m.circle), feedback_due(m)) for m in members]


def circles_run_by(*, user: User) -> QuerySet[Circle]:
    return (
        circles_managed_by(user)
        .filter(ended_at__isnull=True)
        .select_related("program")
        .order_by("name_en")
    )


def is_member_anywhere(user: User) -> bool:
    return circles_of_person(user).exists()


def peer_invitations_to_answer(*, user: User) -> QuerySet[PeerMentor]:
    return peer_roles_of(user).filter(status=PeerStatus.INVITED)
