"""The two people's answers to a published proposal, and its withdrawal by staff."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit
from tandem.matching import notify
from tandem.matching.models import (
    Answer,
    Proposal,
    ProposalStatus,
)
from tandem.matching.services.base import DeskError, record_proposal

PROPOSAL_ANSWERED = audit.event("proposal.answered", gettext_lazy("Proposal answered"))
PROPOSAL_WITHDRAWN = audit.event("proposal.withdrawn", gettext_lazy("Proposal withdrawn"))


def side_of_user(proposal: Proposal, user: User) -> str | None:
    if proposal.mentee.user_id == user.pk:
        return "mentee"
    if proposal.mentor.user_id == user.pk:
        return "mentor"
    return None


@transaction.atomic
def proposal_answer(
    *,
    actor: User,
    proposal: Proposal,
    answer: str,
    reason: str = "",
    on_behalf_of: str | None = None,
) -> Proposal:
    """The mentee or the mentor accepts or declines. A decline (with its reason) closes the
    proposal, returns both to the pool and tells staff; two acceptances tell staff to confirm.

    `on_behalf_of` ("mentee" or "mentor"): staff record the answer the person gave them
    (tandem/meetings/behalf.py checks that the actor runs the program and keeps the note)."""
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("program", "mentee", "mentor")
        .get(pk=proposal.pk)
    )
    side = on_behalf_of or side_of_user(proposal, actor)
    if side is None:
        raise DeskError(_("Only the two people proposed can answer."))
    if proposal.status != ProposalStatus.PUBLISHED:
        raise DeskError(_("This proposal no longer waits for an answer."))
    if proposal.answer_of(side):
        raise DeskError(_("You already answered this proposal."))
    if answer == Answer.DECLINED and not reason.strip():
        raise DeskError(_("Tell us why you decline, so that staff can find a better match."))
    now = timezone.now()
    setattr(proposal, f"{side}_answer", answer)
    setattr(proposal, f"{side}_answered_at", now)
    setattr(proposal, f"{side}_reason", reason.strip())
    program = proposal.program
    if answer == Answer.DECLINED:
        proposal.status = ProposalStatus.DECLINED
        proposal.closed_at = now
        who = proposal.mentee if side == "mentee" else proposal.mentor

        def to_staff() -> dict[str, Any]:
            return {
                "subject": _("A proposed match was declined"),
                "paragraphs": [
                    _("%(person)s declined the match with %(other)s. Both are back in the pool.")
                    % {
                        "person": who.full_name,
                        "other": (
                            proposal.mentor if side == "mentee" else proposal.mentee
                        ).full_name,
                    },
                    _("Their reason: %(reason)s") % {"reason": reason.strip()},
                ],
                "link": notify.absolute("matching:desk", program_id=program.pk),
                "link_label": _("Open the matching desk"),
            }

        notify.notify_staff(program, to_staff)
        _tell_not_going_ahead(program, [proposal.mentor if side == "mentee" else proposal.mentee])
    elif proposal.mentee_answer == Answer.ACCEPTED and proposal.mentor_answer == Answer.ACCEPTED:
        proposal.status = ProposalStatus.ACCEPTED

        def both() -> dict[str, Any]:
            return {
                "subject": _("Both people accepted a match"),
                "paragraphs": [
                    _(
                        "%(mentee)s and %(mentor)s both accepted the match. Confirm it and "
                        "schedule the introduction meeting."
                    )
                    % {"mentee": proposal.mentee.full_name, "mentor": proposal.mentor.full_name}
                ],
                "link": notify.absolute("matching:proposal", proposal_id=proposal.pk),
                "link_label": _("Confirm the match"),
            }

        notify.notify_staff(program, both)
    proposal.save()
    record_proposal(PROPOSAL_ANSWERED, actor, proposal, side=side, answer=answer)
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    proposal = Proposal.objects.select_for_update().select_related("program").get(pk=proposal.pk)
    if proposal.status not in (ProposalStatus.PUBLISHED, ProposalStatus.ACCEPTED):
        raise DeskError(_("Only a proposal waiting for answers or confirmation can be withdrawn."))
    if not reason.strip():
        raise DeskError(_("Write why the proposal is withdrawn."))
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.reason = (proposal.reason + "\n" if proposal.reason else "") + reason.strip()
    proposal.closed_at = timezone.now()
    proposal.save(update_fields=["status", "reason", "closed_at"])
    record_proposal(PROPOSAL_WITHDRAWN, actor, proposal, reason=reason.strip())
    _tell_not_going_ahead(proposal.program, [proposal.mentee, proposal.mentor])
    return proposal


def _tell_not_going_ahead(program, people: list) -> None:
    """The people of a declined or withdrawn proposal stay in the program: they are told so."""

    def write(person) -> dict[str, Any]:
        return {
            "subject": _("The proposed match will not go ahead"),
            "paragraphs": [
                _(
                    "The match we proposed in %(program)s will not go ahead. You stay in "
                    "the program and staff will propose another match."
                )
                % {"program": program.name}
            ],
        }

    notify.notify_people(people, write)
