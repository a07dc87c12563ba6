"""Answers staff record on a person's behalf.

People without e-mail, or who prefer not to use the platform, give their answer to staff by
phone, in person or on paper. Staff record it through the same services the person would use,
and an `OnBehalf` note says who recorded it, how the person gave it and when, so that no page
presents it as the person's own click."""

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.participants.models import BehalfAction, OnBehalf, Participant


class BehalfError(Exception):
    """The answer cannot be recorded; the message is translated for the staff member."""


def record_on_behalf(
    *,
    actor: User,
    participant: Participant,
    action: str,
    channel: str,
    call: Callable[[], Model],
    errors: tuple[type[Exception], ...],
    detail: str = "",
    named: bool = True,
    not_named: str = "",
) -> OnBehalf:
    """The one shape of every answer recorded for a person: check that the record names them,
    call the service the person would have used (`call` returns what it wrote, or the record
    the note is about), turn its refusal into a `BehalfError`, then keep the note. Callers are
    atomic, so a refusal leaves nothing behind. Areas above this one (outcomes' follow-ups)
    use it too."""
    if not named:
        raise BehalfError(not_named)
    try:
        subject = call()
    except errors as error:
        raise BehalfError(str(error)) from error
    return OnBehalf.objects.create(
        participant=participant,
        action=action,
        channel=channel,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        detail=detail[:200],
        recorded_by=actor,
    )


def _in_mentorship(participant: Participant, mentorship) -> bool:
    return participant.pk in (mentorship.mentee_id, mentorship.mentor_id)


@transaction.atomic
def proposal_answer_on_behalf(
    *, actor: User, participant: Participant, proposal, answer: str, reason: str, channel: str
) -> OnBehalf:
    from tandem.matching.models import Answer
    from tandem.matching.services.answers import proposal_answer
    from tandem.matching.services.base import DeskError

    side = "mentee" if participant.pk == proposal.mentee_id else "mentor"

    def call() -> Model:
        proposal_answer(
            actor=actor, proposal=proposal, answer=answer, reason=reason, on_behalf_of=side
        )
        return proposal

    return record_on_behalf(
        actor=actor,
        participant=participant,
        named=participant.pk in (proposal.mentee_id, proposal.mentor_id),
        not_named=_("This proposal does not name this person."),
        action=BehalfAction.PROPOSAL_ANSWER,
        channel=channel,
        call=call,
        errors=(DeskError,),
        detail=str(dict(Answer.choices).get(answer, answer)),
    )


@transaction.atomic
def agreement_acknowledge_on_behalf(
    *, actor: User, participant: Participant, mentorship, channel: str
) -> OnBehalf:
    from tandem.mentorships.services import MentorshipError, agreement_acknowledge

    def call() -> Model:
        agreement_acknowledge(actor=actor, mentorship=mentorship, on_behalf_of=participant)
        return mentorship.agreement

    return record_on_behalf(
        actor=actor,
        participant=participant,
        named=_in_mentorship(participant, mentorship),
        not_named=_("This mentorship does not name this person."),
        action=BehalfAction.AGREEMENT,
        channel=channel,
        call=call,
        errors=(MentorshipError,),
    )


@transaction.atomic
def meeting_log_on_behalf(
    *, actor: User, participant: Participant, mentorship, channel: str, **fields
) -> OnBehalf:
    from tandem.meetings.services import MentoringError, meeting_log_create

    return record_on_behalf(
        actor=actor,
        participant=participant,
        named=_in_mentorship(participant, mentorship),
        not_named=_("This mentorship does not name this person."),
        action=BehalfAction.MEETING,
        channel=channel,
        call=lambda: meeting_log_create(actor=actor, mentorship=mentorship, **fields),
        errors=(MentoringError,),
        detail=str(fields.get("met_on", "")),
    )


def notes_for(subject: Model) -> list[OnBehalf]:
    """The on-behalf notes of one record (a proposal, an agreement, a meeting log)."""
    return list(
        OnBehalf.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        ).select_related("recorded_by", "participant")
    )


def waiting_for(*, participant: Participant, programs) -> dict:
    """What this person has to answer, in the programs the staff member runs."""
    from tandem.matching.models import Proposal, ProposalStatus
    from tandem.mentorships.models import ACTIVE_STATUSES, Mentorship, MentorshipStatus

    proposals = [
        p
        for p in Proposal.objects.filter(
            Q(mentee=participant) | Q(mentor=participant),
            status=ProposalStatus.PUBLISHED,
            program__in=programs,
        ).select_related("program", "mentee", "mentor")
        if not p.answer_of("mentee" if p.mentee_id == participant.pk else "mentor")
    ]
    mentorships = list(
        Mentorship.objects.filter(
            Q(mentee=participant) | Q(mentor=participant), program__in=programs
        ).select_related("program", "mentee", "mentor")
    )
    to_acknowledge = [
        m
        for m in mentorships
        if m.status == MentorshipStatus.INTRODUCTION
        and hasattr(m, "agreement")
        and not m.agreement.acknowledgements.filter(participant=participant).exists()
    ]
    open_mentorships = [m for m in mentorships if m.status in ACTIVE_STATUSES]
    return {
        "proposals": proposals,
        "to_acknowledge": to_acknowledge,
        "open_mentorships": open_mentorships,
        "notes": list(
            OnBehalf.objects.filter(participant=participant).select_related("recorded_by")
        ),
    }
