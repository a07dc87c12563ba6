"""Peer mentors: alumni employed in their field invited (in their language) to a peer mentoring
program, their answer and briefing, and the short one-to-one conversations staff propose."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tandem.accounts.models import User
from tandem.circles.models import ConversationStatus, PeerConversation, PeerMentor, PeerStatus
from tandem.circles.services.base import CircleError
from tandem.core import audit, consent
from tandem.matching import notify
from tandem.outcomes.models import EmploymentOutcome
from tandem.participants.models import Participant
from tandem.programs.models import Program, ProgramType

PEER_INVITED = audit.event("peer.invited", gettext_lazy("Invited to be a peer mentor"))
PEER_ANSWERED = audit.event("peer.answered", gettext_lazy("Peer mentor invitation answered"))
PEER_BRIEFED = audit.event("peer.briefed", gettext_lazy("Peer mentor briefing held"))
PEER_PROPOSED = audit.event(
    "peer.conversation_proposed", gettext_lazy("Short conversation with a peer mentor proposed")
)
PEER_HELD = audit.event(
    "peer.conversation_recorded", gettext_lazy("Short conversation with a peer mentor recorded")
)


def is_alumnus_in_field(person: Participant) -> bool:
    from tandem.circles.selectors import IN_FIELD

    latest = (
        EmploymentOutcome.objects.filter(participant=person).order_by("-recorded_at", "-pk").first()
    )
    # The person may refuse peer-mentor invitations, or any contact after the program.
    withdrawn = bool(
        consent.refused(consent.PEER_MENTORING, [person.pk])
        or consent.refused(consent.FOLLOW_UPS, [person.pk])
    )
    return latest is not None and latest.status in IN_FIELD and not withdrawn


@transaction.atomic
def peer_invite(*, actor: User, program: Program, participant: Participant) -> PeerMentor:
    """Invites an alumnus, in their language, to be a peer mentor of the program."""
    if program.kind != ProgramType.PEER:
        raise CircleError(_("Peer mentors are invited to a peer mentoring program."))
    if not is_alumnus_in_field(participant):
        raise CircleError(
            _(
                "%(person)s cannot be invited: their latest outcome is not employment in their "
                "field or a related one, or they withdrew their consent to be contacted."
            )
            % {"person": participant.full_name}
        )
    peer, created = PeerMentor.objects.get_or_create(
        program=program, participant=participant, defaults={"invited_by": actor}
    )
    if not created:
        raise CircleError(_("%(person)s was already invited.") % {"person": participant.full_name})
    audit.record(PEER_INVITED, actor=actor, target=peer, about=[participant, program])

    def write(person: Participant) -> dict[str, Any]:
        return {
            "subject": _("Would you share your experience with newcomers?"),
            "paragraphs": [
                _(
                    "You found work in your field. %(program)s invites you to be a peer mentor: "
                    "meet job-seekers of a similar background in small groups, or for one or two "
                    "conversations, and tell them how you got there."
                )
                % {"program": program.name},
                _("No mentor training is needed, only a short briefing with the program staff."),
                "" if person.user_id else _("To answer, reply to the program staff."),
            ],
            "link": notify.absolute("circles:peer", peer_mentor_id=peer.pk)
            if person.user_id
            else "",
            "link_label": _("Answer the invitation"),
        }

    notify.notify_people([participant], write)
    return peer


@transaction.atomic
def peer_answer(*, actor: User, peer: PeerMentor, accept: bool) -> PeerMentor:
    """The alumnus answers (or staff record the answer they gave by phone)."""
    peer = PeerMentor.objects.select_for_update().get(pk=peer.pk)
    peer.status = PeerStatus.ACCEPTED if accept else PeerStatus.DECLINED
    peer.answered_at = timezone.now()
    peer.save(update_fields=["status", "answered_at"])
    audit.record(
        PEER_ANSWERED, actor=actor, target=peer, about=[peer.participant], data={"accept": accept}
    )
    return peer


@transaction.atomic
def peer_brief(*, actor: User, peer: PeerMentor) -> PeerMentor:
    if peer.status != PeerStatus.ACCEPTED:
        raise CircleError(_("The briefing comes after the person accepts the invitation."))
    if peer.briefed_at is None:
        peer.briefed_at = timezone.now()
        peer.save(update_fields=["briefed_at"])
        audit.record(PEER_BRIEFED, actor=actor, target=peer, about=[peer.participant])
    return peer


@transaction.atomic
def peer_conversation_propose(
    *, actor: User, peer: PeerMentor, mentee: Participant, conversations: int
) -> PeerConversation:
    """The short one-to-one format; the job-seeker keeps their place in the one-to-one pool."""
    if not peer.is_ready:
        raise CircleError(_("A peer mentor is proposed once briefed."))
    if conversations not in (1, 2):
        raise CircleError(_("Plan one or two conversations."))
    if PeerConversation.objects.filter(
        peer=peer, mentee=mentee, status=ConversationStatus.PROPOSED
    ).exists():
        raise CircleError(
            _("%(person)s is already proposed to this peer mentor.") % {"person": mentee.full_name}
        )
    conversation = PeerConversation.objects.create(
        peer=peer, mentee=mentee, conversations=conversations, proposed_by=actor
    )
    audit.record(PEER_PROPOSED, actor=actor, target=peer, about=[mentee, peer.participant])
    mentor = peer.participant

    def write(person: Participant) -> dict[str, Any]:
        other = mentor if person.pk == mentee.pk else mentee
        return {
            "subject": _("A short conversation with %(name)s") % {"name": other.full_name},
            "paragraphs": [
                ngettext(
                    "Program staff propose a short conversation with %(name)s, %(role)s. Reply "
                    "to this message to choose a time with the staff.",
                    "Program staff propose %(count)d short conversations with %(name)s, "
                    "%(role)s. Reply to this message to choose times with the staff.",
                    conversations,
                )
                % {
                    "count": conversations,
                    "name": other.full_name,
                    "role": _("a newcomer who found work in their field")
                    if other.pk == mentor.pk
                    else _("a job-seeker in your field"),
                },
            ],
        }

    notify.notify_people([mentee, mentor], write)
    return conversation


@transaction.atomic
def peer_conversation_record(
    *, actor: User, conversation: PeerConversation, held: int
) -> PeerConversation:
    """Staff record what took place: how many of the planned conversations were held (none:
    the conversation is marked cancelled). The figures count the job-seekers who met a peer
    mentor this way."""
    conversation = PeerConversation.objects.select_for_update().get(pk=conversation.pk)
    if not 0 <= held <= conversation.conversations:
        raise CircleError(
            ngettext(
                "%(count)d conversation was planned: record at most that many.",
                "%(count)d conversations were planned: record at most that many.",
                conversation.conversations,
            )
            % {"count": conversation.conversations}
        )
    conversation.held = held
    conversation.status = ConversationStatus.HELD if held else ConversationStatus.CANCELLED
    conversation.recorded_at = timezone.now()
    conversation.save(update_fields=["held", "status", "recorded_at"])
    audit.record(
        PEER_HELD,
        actor=actor,
        target=conversation.peer,
        about=[conversation.mentee, conversation.peer.participant],
        data={"held": held},
    )
    return conversation
