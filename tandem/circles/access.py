"""Mentoring groups and peer mentors: the program's staff and the group's coordinator run a group;
its members take part and see its page; alumni answer their own invitation to be peer mentors.

Who runs a group: the staff of its program (`programs_managed_by`, the one definition), and the
coordinator named on it while they hold an active membership in the partner organization that
runs it (the PINs pilot). A coordinator who leaves the network's partner runs nothing. Like a
mentorship, a group grants no access to its members' client records.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.core.access import Action, accepts, one_or_404
from tandem.organizations.access import organizations_of
from tandem.programs.access import programs_managed_by

from .models import Circle, CircleMember, CircleSession, PeerConversation, PeerMentor


def circles_managed_by(user: User) -> QuerySet[Circle]:
    return Circle.objects.filter(
        Q(program__in=programs_managed_by(user))
        | Q(coordinator=user, run_by__in=organizations_of(user))
    )


def circles_of_person(user: User) -> QuerySet[Circle]:
    """Groups in which one of this person's participant records is an active member."""
    return Circle.objects.filter(
        members__participant__user=user, members__left_at__isnull=True
    ).distinct()


def own_membership(user: User, circle: Circle) -> CircleMember | None:
    return (
        circle.members.filter(participant__user=user, left_at__isnull=True)
        .select_related("participant")
        .first()
    )


@dataclass(frozen=True)
class CircleAccess:
    circle: Circle
    member: CircleMember | None  # the person's own active membership
    can_manage: bool  # the program's staff or the group's coordinator


def _answer(user: User, circle: Circle, action: Action) -> CircleAccess:
    return CircleAccess(
        circle=circle,
        member=own_membership(user, circle),
        can_manage=action is Action.MANAGE
        or circles_managed_by(user).filter(pk=circle.pk).exists(),
    )


def _circles_for(user: User, action: Action) -> QuerySet[Circle]:
    if action is Action.MANAGE:
        return circles_managed_by(user)
    if action is Action.TAKE_PART:
        return circles_of_person(user)
    return Circle.objects.filter(
        Q(pk__in=circles_managed_by(user).values("pk"))
        | Q(pk__in=circles_of_person(user).values("pk"))
    )


@accepts(Action.VIEW, Action.MANAGE, Action.TAKE_PART)
def access_circle(user: User, circle_id: int, *, action: Action = Action.VIEW) -> CircleAccess:
    """`manage`: staff and coordinator; `take_part`: an active member; `view`: either."""
    found = one_or_404(
        _circles_for(user, action).select_related(
            "program", "program__organization", "occupation", "industry", "run_by", "coordinator"
        ),
        circle_id,
    )
    return _answer(user, found, action)


@dataclass(frozen=True)
class SessionAccess:
    session: CircleSession
    member: CircleMember | None
    can_manage: bool


@accepts(Action.VIEW, Action.MANAGE, Action.TAKE_PART)
def access_circle_session(
    user: User, circle_session_id: int, *, action: Action = Action.VIEW
) -> SessionAccess:
    session = one_or_404(
        CircleSession.objects.filter(circle__in=_circles_for(user, action)).select_related(
            "event", "circle", "circle__program"
        ),
        circle_session_id,
    )
    found = _answer(user, session.circle, action)
    return SessionAccess(session=session, member=found.member, can_manage=found.can_manage)


@accepts(Action.MANAGE)
def access_circle_member(user: User, circle_member_id: int, *, action: Action) -> CircleMember:
    return one_or_404(
        CircleMember.objects.filter(circle__in=circles_managed_by(user)).select_related(
            "circle", "participant"
        ),
        circle_member_id,
    )


@dataclass(frozen=True)
class PeerAccess:
    peer: PeerMentor
    is_self: bool  # the alumnus invited
    can_manage: bool  # the program's staff


@accepts(Action.VIEW, Action.MANAGE, Action.RESPOND)
def access_peer_mentor(
    user: User, peer_mentor_id: int, *, action: Action = Action.VIEW
) -> PeerAccess:
    """`manage`: the program's staff; `respond`: the alumnus invited; `view`: either."""
    managed = PeerMentor.objects.filter(program__in=programs_managed_by(user))
    own = PeerMentor.objects.filter(participant__user=user)
    if action is Action.MANAGE:
        peers = managed
    elif action is Action.RESPOND:
        peers = own
    else:
        peers = managed | own
    found = one_or_404(
        peers.select_related("program", "program__organization", "participant"), peer_mentor_id
    )
    return PeerAccess(
        peer=found,
        is_self=found.participant.user_id == user.pk,
        can_manage=action is Action.MANAGE or managed.filter(pk=found.pk).exists(),
    )


@accepts(Action.MANAGE)
def access_peer_conversation(
    user: User, peer_conversation_id: int, *, action: Action
) -> PeerConversation:
    """`manage`: the staff of the peer mentor's program record what took place."""
    return one_or_404(
        PeerConversation.objects.filter(peer__program__in=programs_managed_by(user)).select_related(
            "peer", "peer__participant", "mentee"
        ),
        peer_conversation_id,
    )


def peer_conversations_visible_to(user: User) -> QuerySet[PeerConversation]:
    return PeerConversation.objects.filter(
        Q(peer__program__in=programs_managed_by(user))
        | Q(peer__participant__user=user)
        | Q(mentee__user=user)
    )
