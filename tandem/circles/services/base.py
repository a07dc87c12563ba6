"""What the writes on groups share: their errors, who one person is across records, the active
members of a group, and the check that nobody is in two groups' sessions at the same hour."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from tandem.circles.models import Circle, CircleSession
from tandem.core import dates
from tandem.participants.models import Participant


class CircleError(Exception):
    """A rule of groups was broken; the message is translated for the person."""


class CircleFullError(CircleError):
    pass


def same_person(person: Participant) -> Q:
    """The records of one person: several agencies may hold a record of her, and a mentor who is
    also someone's mentee has two records with one account or one address."""
    same = Q(pk=person.pk) | Q(email__iexact=person.email)
    if person.user_id:
        same |= Q(user_id=person.user_id)
    return same


def active_people(circle: Circle) -> list[Participant]:
    return [
        m.participant
        for m in circle.members.filter(left_at__isnull=True).select_related("participant")
    ]


def keeps_place() -> str:
    return _(
        "If you are waiting for a one-to-one match, you keep your place and your waiting time on "
        "the list."
    )


def clash(person: Participant, circle: Circle, start: dt.datetime, end: dt.datetime):
    """A session of another group of this person at an overlapping time, or None."""
    return (
        CircleSession.objects.filter(
            circle__members__participant__in=Participant.objects.filter(same_person(person)),
            circle__members__left_at__isnull=True,
            event__cancelled_at__isnull=True,
            event__starts_at__lt=end,
            event__ends_at__gt=start,
        )
        .exclude(circle=circle)
        .select_related("circle", "event")
        .first()
    )


def clash_error(person: Participant, other: CircleSession) -> CircleError:
    return CircleError(
        _(
            "%(person)s is in the group %(group)s, which meets at the same hour (%(when)s). "
            "Choose another time or another person."
        )
        % {
            "person": person.full_name,
            "group": other.circle.name,
            "when": dates.when(other.event.starts_at),
        }
    )
