"""Retention of group and peer mentoring (core.retention; the privacy app's sweep runs it).

Circles that ended: staff's notes about the group and what members wrote in their session
feedback go; the circle, its members, sessions, attendance and usefulness ratings stay, so the
group section of every report counts the same.

Peer conversations (a peer mentor and a job-seeker, one or two talks): a conversation holds no
text, only who met whom. One that took place is counted (job-seekers who met a peer mentor) and
stays, pointing to the same two people; the trail's copy of it goes. One that never took place
(proposed and never recorded, or recorded as not held) counts nowhere: it goes."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.circles.models import (
    Circle,
    CircleMember,
    CircleNote,
    PeerConversation,
    SessionFeedback,
)
from tandem.core import audit, retention


def circles_due(organization_id: int, cutoff: datetime) -> QuerySet[Circle]:
    return Circle.objects.filter(program__organization_id=organization_id, ended_at__lt=cutoff)


def circle_anonymise(circle: Circle) -> None:
    notes = CircleNote.objects.filter(circle=circle)
    feedback = SessionFeedback.objects.filter(session__circle=circle)
    # The trail's copy of the group and of who was in it goes too (a member's entry names them).
    audit.scrub_records([circle, *CircleMember.objects.filter(circle=circle), *notes, *feedback])
    retention.blank(CircleNote, notes, "text")
    retention.blank(SessionFeedback, feedback, "topics")


def conversations_due(organization_id: int, cutoff: datetime) -> QuerySet[PeerConversation]:
    """Conversations recorded before the cutoff, or proposed before it and never recorded."""
    return PeerConversation.objects.filter(peer__program__organization_id=organization_id).filter(
        Q(recorded_at__lt=cutoff) | Q(recorded_at__isnull=True, proposed_at__lt=cutoff)
    )


def conversation_anonymise(conversation: PeerConversation) -> None:
    audit.scrub_records([conversation])
    if conversation.held == 0:
        retention.forget(PeerConversation.objects.filter(pk=conversation.pk))  # counted nowhere


def register() -> None:
    retention.register(
        retention.Kind(
            code="circle",
            label=_("Groups that ended, with their notes"),
            starts=_("after the group ended"),
            removes=_(
                "Staff's notes about the group, the topics members asked for next time, and the "
                "audit history's copy of the group and of who was in it."
            ),
            keeps=_(
                "The group, its members, sessions, attendance and usefulness ratings: the group "
                "and peer mentoring figures do not change."
            ),
            default_months=84,
            why=_("Seven years after the group ended, as for a mentorship's case file."),
            due=circles_due,
            anonymise=circle_anonymise,
            people=("members__participant",),
            position=35,
        )
    )
    retention.register(
        retention.Kind(
            code="peer_conversation",
            label=_("Peer conversations"),
            starts=_("after staff recorded whether it took place (or after it was proposed)"),
            removes=_(
                "Conversations that never took place, and the audit history's copy of every "
                "conversation (who met whom)."
            ),
            keeps=_(
                "Each conversation held, with its two people and how many talks: the peer "
                "mentoring figures do not change."
            ),
            default_months=84,
            why=_("Seven years, as for a mentorship's case file."),
            due=conversations_due,
            anonymise=conversation_anonymise,
            people=("mentee", "peer__participant"),
            position=36,
        )
    )
