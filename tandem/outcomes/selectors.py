from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.organizations.access import organizations_of
from tandem.outcomes.models import EmploymentOutcome, FollowUp
from tandem.participants.models import Participant
from tandem.programs.access import programs_managed_by


def outcome_history(*, participant: Participant) -> QuerySet[EmploymentOutcome]:
    return participant.employment_outcomes.select_related(
        "mentorship", "mentorship__program", "follow_up"
    ).order_by("-recorded_at", "-pk")


def follow_ups_of(*, participant: Participant) -> QuerySet[FollowUp]:
    return participant.follow_ups.select_related("mentorship__program").order_by("due_at")


def side_of(*, mentorship: Mentorship, user) -> str | None:
    if mentorship.mentee.user_id == user.pk:
        return "mentee"
    if mentorship.mentor.user_id == user.pk:
        return "mentor"
    return None


# --- The home page's work lists (tandem/home/selectors.py) ----------------------------------------


def follow_ups_due(*, user, now: datetime | None = None) -> QuerySet[FollowUp]:
    """Follow-ups of the programs this person runs that are due and still unanswered: the
    survey went out (or should have) and nobody answered, so staff call or write."""
    now = now or timezone.now()
    return (
        FollowUp.objects.filter(
            mentorship__program__in=programs_managed_by(user),
            due_at__lte=now,
            answered_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .select_related("participant", "mentorship__program")
        .order_by("due_at", "pk")
    )


def mentorships_to_close(*, user, today: date | None = None) -> QuerySet[Mentorship]:
    """Active mentorships of the programs this person runs whose agreed term is over: staff
    close them (or extend them)."""
    today = today or timezone.localdate()
    return (
        Mentorship.objects.filter(
            program__in=programs_managed_by(user),
            status=MentorshipStatus.ACTIVE,
        )
        .filter(
            Q(agreement__expected_end_on__lt=today)
            | Q(agreement__isnull=True, expected_end_on__lt=today)
        )
        .select_related("program", "mentor", "mentee", "agreement")
        .order_by("agreement__expected_end_on", "pk")
    )


# Where a client stands, from the referring agency's side (most advanced step first).
class Stage:
    NOT_REFERRED = "not_referred"
    REFERRED = "referred"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    INTAKE = "intake"
    READY = "ready"
    PROPOSED = "proposed"
    MENTORED = "mentored"
    ENDED = "ended"


STAGE_LABELS = {
    Stage.NOT_REFERRED: _("Not referred yet"),
    Stage.REFERRED: _("Referred: waiting for the program's decision"),
    Stage.RETURNED: _("Referral returned to your agency"),
    Stage.WITHDRAWN: _("Referral withdrawn"),
    Stage.INTAKE: _("Accepted: intake and orientation in progress"),
    Stage.READY: _("Ready to match: waiting for a mentor"),
    Stage.PROPOSED: _("A mentor was proposed: waiting for answers"),
    Stage.MENTORED: _("In a mentorship"),
    Stage.ENDED: _("Mentorship ended"),
}


@dataclass
class ClientJourney:
    participant: Participant
    stage: str
    program: object | None = None
    referral: object | None = None
    mentorship: Mentorship | None = None
    outcome: EmploymentOutcome | None = None

    @property
    def stage_label(self) -> str:
        return str(STAGE_LABELS[self.stage])


def client_journeys(*, user, limit: int = 25) -> list[ClientJourney]:
    """The mentees this person's agencies hold or referred, most recent first, each with the
    furthest step they reached, so that outcomes flow back to the referring agency: a client
    whose mentorship ended shows that end and the latest employment outcome, never "ready to
    match". Drafts are not shown (nobody but the program's staff knows of a draft pair).
    Six queries whatever the number of clients."""
    from tandem.matching.models import PENDING_STATUSES, Proposal
    from tandem.mentorships.models import ACTIVE_STATUSES
    from tandem.organizations.models import Role
    from tandem.programs.models import Enrolment
    from tandem.referrals.models import Referral, ReferralStatus

    agencies = organizations_of(user, roles=[Role.CASEWORKER])
    clients = list(
        Participant.objects.filter(role="mentee")
        .filter(
            Q(organization__in=agencies)
            | Q(pk__in=Referral.objects.filter(referred_by=user).values("participant_id"))
        )
        .select_related("occupation")
        .order_by("-pk")[:limit]
    )
    ids = [c.pk for c in clients]
    referrals: dict[int, Referral] = {}
    for row in (
        Referral.objects.filter(participant_id__in=ids)
        .select_related("program")
        .order_by("submitted_at", "pk")
    ):
        referrals[row.participant_id] = row  # the latest wins
    enrolments: dict[int, Enrolment] = {}
    for taken_in in (
        Enrolment.objects.filter(participant_id__in=ids, side="mentee")
        .select_related("program")
        .order_by("accepted_at", "pk")
    ):
        enrolments[taken_in.participant_id] = taken_in
    proposed = {
        p.mentee_id: p
        for p in Proposal.objects.filter(
            mentee_id__in=ids, status__in=PENDING_STATUSES
        ).select_related("program")
    }
    mentorships: dict[int, Mentorship] = {}
    for pair in (
        Mentorship.objects.filter(mentee_id__in=ids)
        .exclude(status=MentorshipStatus.CANCELLED)
        .select_related("program")
        .order_by("confirmed_at", "pk")
    ):
        current = mentorships.get(pair.mentee_id)
        # An active mentorship outranks an ended one; otherwise the latest.
        if current is None or current.status not in ACTIVE_STATUSES:
            mentorships[pair.mentee_id] = pair
    outcomes: dict[int, EmploymentOutcome] = {}
    for outcome in EmploymentOutcome.objects.filter(participant_id__in=ids).order_by(
        "recorded_at", "pk"
    ):
        outcomes[outcome.participant_id] = outcome
    journeys = []
    for client in clients:
        journey = ClientJourney(client, Stage.NOT_REFERRED)
        mentorship = mentorships.get(client.pk)
        referral = referrals.get(client.pk)
        enrolment = enrolments.get(client.pk)
        if mentorship is not None and mentorship.status in ACTIVE_STATUSES:
            journey.stage, journey.program = Stage.MENTORED, mentorship.program
            journey.mentorship = mentorship
        elif client.pk in proposed:
            journey.stage, journey.program = Stage.PROPOSED, proposed[client.pk].program
        elif mentorship is not None:
            journey.stage, journey.program = Stage.ENDED, mentorship.program
            journey.mentorship = mentorship
            journey.outcome = outcomes.get(client.pk)
        elif enrolment is not None:
            journey.stage = Stage.READY if enrolment.is_ready else Stage.INTAKE
            journey.program = enrolment.program
        elif referral is not None:
            stages: dict[str, str] = {
                ReferralStatus.SUBMITTED: Stage.REFERRED,
                ReferralStatus.RETURNED: Stage.RETURNED,
                ReferralStatus.WITHDRAWN: Stage.WITHDRAWN,
            }
            journey.stage = stages.get(referral.status, Stage.INTAKE)
            journey.program = referral.program
        journey.referral = referral
        journeys.append(journey)
    return journeys


def own_status(*, user) -> list[dict]:
    """Everything a mentee or a mentor may know about where they stand, record by record:
    referrals and enrolments, published proposals, mentorships with their certificate, events.
    Read only from the person's own records (participant.user is the signed-in person)."""
    from tandem.events.models import Participation
    from tandem.matching.models import Proposal, ProposalStatus
    from tandem.mentorships.models import Mentorship
    from tandem.programs.models import Enrolment
    from tandem.referrals.models import Referral

    records = list(
        Participant.objects.filter(user=user).select_related("organization").order_by("role")
    )
    ids = [r.pk for r in records]
    referrals = Referral.objects.filter(participant_id__in=ids).select_related("program")
    enrolments = Enrolment.objects.filter(participant_id__in=ids).select_related("program")
    proposals = (
        Proposal.objects.exclude(status=ProposalStatus.DRAFT)
        .filter(Q(mentee_id__in=ids) | Q(mentor_id__in=ids))
        .select_related("program", "mentee", "mentor")
        .order_by("-published_at")
    )
    mentorships = (
        Mentorship.objects.filter(Q(mentee_id__in=ids) | Q(mentor_id__in=ids))
        .select_related("program", "mentee", "mentor", "closure")
        .order_by("-pk")
    )
    events = (
        Participation.objects.filter(participant_id__in=ids)
        .select_related("event")
        .order_by("-event__starts_at")
    )
    return [
        {
            "record": record,
            "referrals": [r for r in referrals if r.participant_id == record.pk],
            "enrolments": [e for e in enrolments if e.participant_id == record.pk],
            "proposals": [p for p in proposals if record.pk in (p.mentee_id, p.mentor_id)],
            "mentorships": [m for m in mentorships if record.pk in (m.mentee_id, m.mentor_id)],
            "events": [e for e in events if e.participant_id == record.pk],
        }
        for record in records
    ]
