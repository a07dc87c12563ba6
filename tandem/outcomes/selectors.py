from django.db.models import Q, QuerySet

from tandem.mentorships.models import Mentorship
from tandem.outcomes.models import EmploymentOutcome, ExitSurvey, FollowUp
from tandem.participants.models import Participant


def outcome_history(*, participant: Participant) -> QuerySet[EmploymentOutcome]:
    return participant.employment_outcomes.select_related(
        "mentorship", "mentorship__program", "follow_up"
    ).order_by("-recorded_at", "-pk")


def follow_ups_of(*, participant: Participant) -> QuerySet[FollowUp]:
    return participant.follow_ups.select_related("mentorship__program").order_by("due_at")


def exit_surveys_of(*, mentorship: Mentorship) -> dict[int, ExitSurvey]:
    return {s.participant_id: s for s in mentorship.exit_surveys.all()}


def side_of(*, mentorship: Mentorship, user) -> str | None:
    if mentorship.mentee.user_id == user.pk:
        return "mentee"
    if mentorship.mentor.user_id == user.pk:
        return "mentor"
    return None


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
