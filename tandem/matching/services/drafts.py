"""Staff's edits on the desk's draft proposals: approve, keep, remove, rule out, swap, and pairs
staff choose themselves. Each edit locks the draft and records a named event."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit
from tandem.matching import pool
from tandem.matching.engine.model import PairExplanation
from tandem.matching.models import (
    Exclusion,
    Proposal,
    ProposalStatus,
    Source,
)
from tandem.matching.services.base import DeskError, check_in_pool, record_proposal, settings_for
from tandem.matching.services.explanations import explain_any_pair, explanation_fields
from tandem.participants.models import Participant

PROPOSAL_ACCEPTED = audit.event("proposal.accepted", gettext_lazy("Draft proposal approved"))
PROPOSAL_UNACCEPTED = audit.event(
    "proposal.unaccepted", gettext_lazy("Draft proposal approval removed")
)
PROPOSAL_PINNED = audit.event("proposal.pinned", gettext_lazy("Draft proposal kept for re-runs"))
PROPOSAL_UNPINNED = audit.event("proposal.unpinned", gettext_lazy("Draft proposal no longer kept"))
PROPOSAL_REMOVED = audit.event("proposal.removed", gettext_lazy("Draft proposal removed"))
PAIR_EXCLUDED = audit.event("pair.excluded", gettext_lazy("Pair ruled out"))
PROPOSAL_SWAPPED = audit.event("proposal.swapped", gettext_lazy("Mentors exchanged between drafts"))
PROPOSAL_MANUAL = audit.event("proposal.created_manually", gettext_lazy("Pair chosen by staff"))


def _draft(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.DRAFT:
        raise DeskError(_("This proposal is no longer a draft."))
    return locked


@transaction.atomic
def proposal_accept(*, actor: User, proposal: Proposal, accepted: bool = True) -> Proposal:
    """Staff approve a draft for publication; an approved draft is also kept on re-runs."""
    proposal = _draft(proposal)
    proposal.is_accepted = accepted
    proposal.is_pinned = proposal.is_pinned or accepted
    proposal.save(update_fields=["is_accepted", "is_pinned"])
    record_proposal(PROPOSAL_ACCEPTED if accepted else PROPOSAL_UNACCEPTED, actor, proposal)
    return proposal


@transaction.atomic
def proposals_accept_strong(*, actor: User, program) -> int:
    """Accepts every draft of the program that is not flagged weak (below the program's
    threshold, or across unrelated occupation groups); weak drafts wait for staff to accept
    them one by one, knowingly. Returns how many were accepted."""
    from tandem.matching.quality import flag

    drafts = Proposal.objects.select_for_update().filter(
        program=program, status=ProposalStatus.DRAFT, is_accepted=False
    )
    strong = [
        p.pk
        for p in flag(
            drafts.select_related("mentee", "mentor"),
            min_score=settings_for(program).min_score,
        )
        if not p.is_weak
    ]
    return Proposal.objects.filter(pk__in=strong).update(is_accepted=True, is_pinned=True)


@transaction.atomic
def proposal_pin(*, actor: User, proposal: Proposal, pinned: bool) -> Proposal:
    proposal = _draft(proposal)
    proposal.is_pinned = pinned
    if not pinned:
        proposal.is_accepted = False
    proposal.save(update_fields=["is_pinned", "is_accepted"])
    record_proposal(PROPOSAL_PINNED if pinned else PROPOSAL_UNPINNED, actor, proposal)
    return proposal


@transaction.atomic
def proposal_remove(*, actor: User, proposal: Proposal) -> None:
    draft = _draft(proposal)
    record_proposal(PROPOSAL_REMOVED, actor, draft)
    draft.delete()


@transaction.atomic
def proposal_exclude(*, actor: User, proposal: Proposal, note: str = "") -> Exclusion:
    """Removes the draft and rules the pair out of every later run of the program."""
    proposal = _draft(proposal)
    exclusion, _created = Exclusion.objects.get_or_create(
        program_id=proposal.program_id,
        mentee_id=proposal.mentee_id,
        mentor_id=proposal.mentor_id,
        defaults={"created_by": actor, "note": note},
    )
    audit.record(
        PAIR_EXCLUDED,
        actor=actor,
        target=exclusion,
        about=[proposal.mentee, proposal.mentor],
        data={"proposal": proposal.pk},
    )
    proposal.delete()
    return exclusion


def _needs_reason(explanations: dict[str, PairExplanation], reason: str) -> None:
    if not explanations["en"].is_allowed and not reason.strip():
        raise DeskError(
            _("This pair breaks a rule of the program: %(rules)s Write why you make it anyway.")
            % {"rules": " ".join(_rule_sentences(explanations))}
        )


def _rule_sentences(explanations: dict[str, PairExplanation]) -> tuple[str, ...]:
    from django.utils.translation import get_language

    lang = (get_language() or "en")[:2]
    return explanations.get(lang, explanations["en"]).rule_sentences


@transaction.atomic
def proposal_swap(*, actor: User, proposal: Proposal, other: Proposal, reason: str = "") -> None:
    """Two drafts exchange their mentors."""
    first, second = _draft(proposal), _draft(other)
    if first.program_id != second.program_id or first.pk == second.pk:
        raise DeskError(_("Choose another draft of the same program."))
    program = first.program
    new_first = explain_any_pair(program, first.mentee, second.mentor)
    new_second = explain_any_pair(program, second.mentee, first.mentor)
    _needs_reason(new_first, reason)
    _needs_reason(new_second, reason)
    for row, mentor, explanations in (
        (first, second.mentor, new_first),
        (second, first.mentor, new_second),
    ):
        row.mentor = mentor
        row.source = Source.MANUAL
        row.reason = reason if not explanations["en"].is_allowed else row.reason
        for name, value in explanation_fields(explanations).items():
            setattr(row, name, value)
        row.save()
        record_proposal(PROPOSAL_SWAPPED, actor, row, reason=reason.strip())


@transaction.atomic  # replaces the mentee's draft: both writes or neither
def proposal_create_manual(
    *, actor: User, program, mentee: Participant, mentor: Participant, reason: str = ""
) -> Proposal:
    """A pair staff choose themselves. A pair that breaks a hard rule needs a written reason,
    which is kept with the proposal. It replaces the mentee's draft, if any."""
    check_in_pool(program, mentee, mentor)
    if mentee.pk in pool.busy_mentee_ids(program):
        raise DeskError(_("This mentee is already waiting for answers or in a mentorship."))
    room = mentor.capacity - pool.mentor_load([mentor.pk]).get(mentor.pk, 0)
    if room <= 0:
        raise DeskError(_("This mentor has no room left for another mentee."))
    explanations = explain_any_pair(program, mentee, mentor)
    _needs_reason(explanations, reason)
    Proposal.objects.filter(program=program, mentee=mentee, status=ProposalStatus.DRAFT).delete()
    created = Proposal.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        source=Source.MANUAL,
        reason=reason.strip(),
        is_accepted=True,
        is_pinned=True,
        created_by=actor,
        **explanation_fields(explanations),
    )
    record_proposal(PROPOSAL_MANUAL, actor, created, reason=reason.strip())
    return created
