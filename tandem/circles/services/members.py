"""Members of a group, under the capacity guard: added to a side (mentees, mentors, peer mentors)
on a numbered seat, welcomed and invited to the sessions to come; removed; the name they show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.circles.models import (
    Circle,
    CircleKind,
    CircleMember,
    MemberRole,
    PeerMentor,
    side_of_role,
)
from tandem.circles.services.base import (
    CircleError,
    CircleFullError,
    clash,
    clash_error,
    keeps_place,
    same_person,
)
from tandem.circles.services.sessions import invite_to_coming_sessions
from tandem.core import audit
from tandem.events import services as events
from tandem.matching import notify
from tandem.participants.models import Participant, ParticipantRole

JOINED = audit.event("circle.member_added", gettext_lazy("Added to a mentoring group"))
LEFT = audit.event("circle.member_removed", gettext_lazy("Removed from a mentoring group"))
NAME_SHOWN = audit.event("circle.name_consent", gettext_lazy("Name shown to the group changed"))


def _check_role(circle: Circle, person: Participant, role: str) -> None:
    if role == MemberRole.MENTEE and person.role != ParticipantRole.MENTEE:
        raise CircleError(_("%(person)s is not a mentee.") % {"person": person.full_name})
    if role == MemberRole.MENTOR and (
        person.role != ParticipantRole.MENTOR or circle.kind != CircleKind.GROUP
    ):
        raise CircleError(
            _("%(person)s cannot be a mentor of this group.") % {"person": person.full_name}
        )
    if role == MemberRole.PEER_MENTOR and not any(
        peer.is_ready
        for peer in PeerMentor.objects.filter(program=circle.program, participant=person)
    ):
        raise CircleError(
            _(
                "%(person)s is not a peer mentor of this program yet (invitation accepted, briefing held)."
            )
            % {"person": person.full_name}
        )


def _free_seats(circle_id: int, side: str, capacity: int) -> list[int]:
    taken = set(
        CircleMember.objects.filter(
            circle_id=circle_id, side=side, left_at__isnull=True
        ).values_list("seat", flat=True)
    )
    return [seat for seat in range(1, capacity + 1) if seat not in taken]


def _windows(circle: Circle) -> list[tuple[dt.datetime, dt.datetime]]:
    return list(
        circle.sessions.filter(
            event__cancelled_at__isnull=True, event__ends_at__gt=timezone.now()
        ).values_list("event__starts_at", "event__ends_at")
    )


def circle_member_add(
    *, actor: User, circle: Circle, participant: Participant, role: str
) -> CircleMember:
    """Adds one person to a side of the group.

    The place is a numbered seat guarded by a partial unique index (see models), and the circle's
    row is locked while the seats are counted. Two members of staff adding the last mentee at once
    are serialized by the lock; were it missing, the second insert would fail on the index. Either
    way the loser looks again and is told the group is full: never a server error.
    """
    side = side_of_role(role)
    capacity_seen = circle.capacity_of(side)
    for _attempt in range(6):
        try:
            with transaction.atomic():
                locked = Circle.objects.select_for_update().get(pk=circle.pk)
                if locked.ended_at is not None:
                    raise CircleError(_("This group has ended."))
                _check_role(locked, participant, role)
                present = locked.members.filter(left_at__isnull=True)
                twin = (
                    present.filter(
                        participant__in=Participant.objects.filter(same_person(participant))
                    )
                    .select_related("participant")
                    .first()
                )
                if twin is not None:
                    if twin.side == side:
                        raise CircleError(
                            _("%(person)s is already in this group.")
                            % {"person": participant.full_name}
                        )
                    if twin.side == "mentee":
                        message = _(
                            "%(person)s is a mentee in this group: one person cannot be a "
                            "mentor and a mentee of the same group."
                        )
                    else:
                        message = _(
                            "%(person)s is a mentor in this group: one person cannot be a "
                            "mentor and a mentee of the same group."
                        )
                    raise CircleError(message % {"person": participant.full_name})
                for start, end in _windows(locked):
                    other = clash(participant, locked, start, end)
                    if other is not None:
                        raise clash_error(participant, other)
                capacity_seen = locked.capacity_of(side)
                free = _free_seats(locked.pk, side, capacity_seen)
                if not free:
                    raise CircleFullError(_full(locked, side))
                member = CircleMember.objects.create(
                    circle=locked,
                    participant=participant,
                    role=role,
                    side=side,
                    seat=free[0],
                    capacity=capacity_seen,
                    added_by=actor,
                )
                audit.record(
                    JOINED, actor=actor, target=locked, about=[participant], data={"role": role}
                )
                _welcome(member)
                invite_to_coming_sessions(actor, member)
                return member
        except IntegrityError:
            # Another addition took this seat (or this person) first: look again.
            continue
    raise CircleFullError(_full(circle, side))


def _full(circle: Circle, side: str) -> str:
    if side == "mentee":
        return _(
            "This group is full: all %(capacity)d places for mentees are taken. Remove someone "
            "or raise the number of places."
        ) % {"capacity": circle.mentee_capacity}
    return _(
        "This group is full: all %(capacity)d places for mentors are taken. Remove someone or "
        "raise the number of places."
    ) % {"capacity": circle.mentor_capacity}


@transaction.atomic
def circle_member_remove(*, actor: User, member: CircleMember) -> None:
    if member.left_at is not None:
        return
    member.left_at = timezone.now()
    member.save(update_fields=["left_at"])
    audit.record(LEFT, actor=actor, target=member.circle, about=[member.participant])
    coming = member.circle.sessions.filter(event__starts_at__gt=timezone.now())
    for session in coming.select_related("event"):
        events.event_unregister(actor=actor, event=session.event, participant=member.participant)


@transaction.atomic
def circle_name_consent(*, actor: User, member: CircleMember, shows_name: bool) -> CircleMember:
    """The member chooses whether the other members see their name on the group page."""
    if member.shows_name != shows_name:
        member.shows_name = shows_name
        member.save(update_fields=["shows_name"])
        audit.record(
            NAME_SHOWN,
            actor=actor,
            target=member.circle,
            about=[member.participant],
            data={"shows_name": shows_name},
        )
    return member


def _welcome(member: CircleMember) -> None:
    circle = member.circle

    def write(person: Participant) -> dict[str, Any]:
        return {
            "subject": _("You are in the group %(group)s") % {"group": circle.name},
            "paragraphs": [
                _(
                    "You are now a member of the group %(group)s of %(program)s. You will "
                    "receive an invitation for each session; the group page shows the next one."
                )
                % {"group": circle.name, "program": circle.program.name},
                keeps_place() if member.role == MemberRole.MENTEE else "",
            ],
            "link": notify.absolute("circles:detail", circle_id=circle.pk),
            "link_label": _("See the group page"),
        }

    notify.notify_people([member.participant], write)
