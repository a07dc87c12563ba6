"""Mentoring pages (meetings, hours, documents, check-ins): the pair and the program's staff.

Not the agency that referred the mentee, not funders, not employer partners: the page holds
meeting notes and shared documents."""

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.core.access import Action, accepts, one_or_404
from tandem.meetings.models import SharedDocument
from tandem.mentorships.access import MentorshipAccess, mentorship_access
from tandem.mentorships.models import Mentorship
from tandem.participants.models import Participant
from tandem.programs.access import programs_managed_by


def mentoring_visible_to(user: User) -> QuerySet[Mentorship]:
    """Mentorships whose page this person may open: the mentor, the mentee, and the staff of the
    program."""
    if user.is_platform_admin:
        return Mentorship.objects.all()
    return Mentorship.objects.filter(
        Q(program__in=programs_managed_by(user)) | Q(mentor__user=user) | Q(mentee__user=user)
    )


@accepts(Action.VIEW, Action.LOG, Action.MANAGE)
def access_mentoring(
    user: User, mentorship_id: int, *, action: Action = Action.VIEW
) -> MentorshipAccess:
    """`view` and `log` (meetings, documents): the pair and the program's staff; `manage`
    (check-ins, case meetings, closure): the program's staff only."""
    if action is Action.MANAGE:
        mentorships = Mentorship.objects.filter(program__in=programs_managed_by(user))
    else:
        mentorships = mentoring_visible_to(user)
    found = one_or_404(
        mentorships.select_related(
            "program",
            "program__organization",
            "mentor",
            "mentee",
            "mentor__user",
            "mentee__user",
        ),
        mentorship_id,
    )
    return mentorship_access(user, found, action=action)


def access_shared_document(user: User, document_id: int) -> SharedDocument:
    return one_or_404(
        SharedDocument.objects.filter(mentorship__in=mentoring_visible_to(user)), document_id
    )


def access_person_for_behalf(user: User, participant_id: int) -> Participant:
    """A person whose answers staff record on their behalf (tandem/meetings/behalf.py): only
    the staff of a program in which the person has a proposal or a mentorship."""
    programs = programs_managed_by(user)
    people = Participant.objects.filter(
        Q(proposals_as_mentee__program__in=programs)
        | Q(proposals_as_mentor__program__in=programs)
        | Q(mentorships_as_mentee__program__in=programs)
        | Q(mentorships_as_mentor__program__in=programs)
    ).distinct()
    return one_or_404(people, participant_id)
