"""Mentorships: the pair takes part, the program's staff manage.

`MentorshipAccess` is also the answer of the mentoring pages (`tandem/meetings/access.py`)."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.core.access import Action, accepts, one_or_404
from tandem.mentorships.models import Mentorship
from tandem.participants.access import side_in_pair
from tandem.programs.access import can_manage_program, programs_managed_by


def mentorships_of_person(user: User) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(Q(mentee__user=user) | Q(mentor__user=user))


@dataclass(frozen=True)
class MentorshipAccess:
    mentorship: Mentorship
    side: str | None  # "mentor" or "mentee" when the person is one of the pair
    can_manage: bool  # the program's staff


def mentorship_access(user: User, mentorship: Mentorship, *, action: Action) -> MentorshipAccess:
    return MentorshipAccess(
        mentorship=mentorship,
        side=side_in_pair(mentorship, user),
        can_manage=action is Action.MANAGE or can_manage_program(user, mentorship.program),
    )


@accepts(Action.VIEW, Action.MANAGE, Action.TAKE_PART)
def access_mentorship(
    user: User, mentorship_id: int, *, action: Action = Action.VIEW
) -> MentorshipAccess:
    """`manage`: the program's staff; `take_part`: the mentor or the mentee; `view`: either."""
    managed = Mentorship.objects.filter(program__in=programs_managed_by(user))
    if action is Action.MANAGE:
        mentorships = managed
    elif action is Action.TAKE_PART:
        mentorships = mentorships_of_person(user)
    else:
        mentorships = managed | mentorships_of_person(user)
    found = one_or_404(
        mentorships.select_related("program", "program__organization", "mentee", "mentor"),
        mentorship_id,
    )
    return mentorship_access(user, found, action=action)
