from django.db.models import QuerySet

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
