"""Outcomes: a person's employment history and consent, surveys and certificates of a pair."""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from tandem.accounts.models import User
from tandem.core.access import Action, accepts, one_or_404
from tandem.mentorships.access import MentorshipAccess
from tandem.outcomes.models import FollowUp
from tandem.participants.models import Participant
from tandem.programs.access import programs_managed_by


@dataclass(frozen=True)
class OutcomePersonAccess:
    person: Participant
    can_record: bool  # staff who record employment on the person's behalf (not the person)


@accepts(Action.VIEW, Action.CONSENT, Action.CHANGE)
def access_outcome_person(
    user: User, participant_id: int, *, action: Action = Action.VIEW
) -> OutcomePersonAccess:
    """A person's employment outcome history and consent: the person, and the staff of a
    program in which they had a mentorship (`change`: the staff only)."""
    if user.is_platform_admin:
        people = Participant.objects.all()
    else:
        managed = programs_managed_by(user)
        people = Participant.objects.filter(
            Q(mentorships_as_mentee__program__in=managed)
            | Q(mentorships_as_mentor__program__in=managed)
        )
        if action in (Action.VIEW, Action.CONSENT):
            people = people | Participant.objects.filter(user=user)
    found = one_or_404(people.distinct(), participant_id)
    return OutcomePersonAccess(
        person=found, can_record=found.user_id != user.pk or user.is_platform_admin
    )


def person_of_side(access: MentorshipAccess, side: str) -> Participant:
    """The mentor or mentee named by `side`, if the reader is that person or the program's
    staff (exit surveys, certificates)."""
    if access.can_manage or access.side == side:
        mentorship = access.mentorship
        return mentorship.mentee if side == "mentee" else mentorship.mentor
    raise Http404


def access_follow_up_for_behalf(user: User, follow_up_id: int) -> FollowUp:
    """A follow-up whose answer staff record on the person's behalf (by phone, in person): the
    staff of the program the mentorship belonged to, never the person (they use their link)."""
    follow_ups = FollowUp.objects.select_related("participant", "mentorship", "mentorship__program")
    if not user.is_platform_admin:
        follow_ups = follow_ups.filter(mentorship__program__in=programs_managed_by(user))
    return one_or_404(follow_ups, follow_up_id)
