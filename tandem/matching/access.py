"""The matching desk and proposals: the program's staff run the desk; a published proposal is
also seen by the mentor and the mentee it names (never a draft)."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.core.access import Action, accepts, one_or_404
from tandem.matching.models import Proposal, ProposalRun, ProposalStatus
from tandem.participants.access import side_in_pair
from tandem.participants.models import Participant
from tandem.programs.access import can_manage_program, programs_managed_by
from tandem.programs.models import Enrolment, Program
from tandem.referrals.selectors import enrolments_admitted


def access_program_desk(user: User, program_id: int) -> Program:
    """A program's matching desk: only the people who run the program."""
    return one_or_404(
        programs_managed_by(user).select_related("organization").filter(is_active=True),
        program_id,
    )


def access_desk_person(user: User, program: Program, participant_id: int) -> Participant:
    """A person of the desk's pool: taken in by the program (already checked with
    access_program_desk); an enrolment beside a returned referral is not enough."""
    admitted = enrolments_admitted(Enrolment.objects.filter(program=program))
    return one_or_404(
        Participant.objects.filter(enrolments__in=admitted).select_related(
            "organization", "occupation", "industry"
        ),
        participant_id,
    )


def access_proposal_run(user: User, run_id: int) -> ProposalRun:
    return one_or_404(
        ProposalRun.objects.filter(program__in=programs_managed_by(user)).select_related("program"),
        run_id,
    )


def proposals_of_person(user: User) -> QuerySet[Proposal]:
    """Published proposals that name this person as mentor or mentee (never drafts)."""
    return Proposal.objects.exclude(status=ProposalStatus.DRAFT).filter(
        Q(mentee__user=user) | Q(mentor__user=user)
    )


@dataclass(frozen=True)
class ProposalAccess:
    proposal: Proposal
    side: str | None  # "mentor" or "mentee" when the proposal names this person
    can_manage: bool  # the program's staff


@accepts(Action.VIEW, Action.MANAGE, Action.RESPOND)
def access_proposal(
    user: User, proposal_id: int, *, action: Action = Action.VIEW
) -> ProposalAccess:
    """`manage`: the program's staff; `respond`: the mentor or the mentee; `view`: either.

    Drafts are seen by the program's staff only: nobody else learns of a pair before it is
    published."""
    managed = Proposal.objects.filter(program__in=programs_managed_by(user))
    if action is Action.MANAGE:
        proposals = managed
    elif action is Action.RESPOND:
        proposals = proposals_of_person(user)
    else:
        proposals = managed | proposals_of_person(user)
    found = one_or_404(
        proposals.select_related(
            "program",
            "program__organization",
            "mentee",
            "mentor",
            "mentee__occupation",
            "mentor__occupation",
        ),
        proposal_id,
    )
    return ProposalAccess(
        proposal=found,
        side=side_in_pair(found, user),
        can_manage=action is Action.MANAGE or can_manage_program(user, found.program),
    )
