"""Access to a person's record for answers recorded on their behalf.

Only the staff of a program in which the person has a proposal or a mentorship may record an
answer for them; anyone else gets 404, as everywhere in Tandem."""

from typing import TYPE_CHECKING

from django.db.models import Q
from django.http import Http404

from tandem.core.access import programs_managed_by

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.participants.models import Participant


def access_person_for_behalf(user: "User", participant_id: int) -> "Participant":
    from tandem.participants.models import Participant

    programs = programs_managed_by(user)
    found = (
        Participant.objects.filter(
            Q(proposals_as_mentee__program__in=programs)
            | Q(proposals_as_mentor__program__in=programs)
            | Q(mentorships_as_mentee__program__in=programs)
            | Q(mentorships_as_mentor__program__in=programs)
        )
        .filter(pk=participant_id)
        .distinct()
        .first()
    )
    if found is None:
        raise Http404
    return found
