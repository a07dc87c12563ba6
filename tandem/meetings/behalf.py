"""Answers staff record on a person's behalf.

People without e-mail, or who prefer not to use the platform, give their answer to staff by
phone, in person or on paper. Staff record it through the same services the person would use,
and an `OnBehalf` note says who recorded it, how the person gave it and when, so that no page
presents it as the person's own click."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.participants.models import BehalfAction, OnBehalf, Participant


class BehalfError(Exception):
    """The answer cannot be recorded; the message is translated for the staff member."""


def _note(
    *, actor: User, participant: Participant, action: str, channel: str, subject: Model, detail: str
) -> OnBehalf:
    return OnBehalf.objects.create(
        participant=participant,
        action=action,
        channel=channel,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        detail=detail[:200],
        recorded_by=actor,
    )


@transaction.atomic
def proposal_answer_on_behalf(
    *, actor: User, participant: Participant, proposal, answer: str, reason: str, channel: str
) -> OnBehalf:
    from tandem.matching.models import Answer
    from tandem.matching.services.answers import proposal_answer
    from tandem.matching.services.base import DeskError

    if participant.pk == proposal.mentee_id:
        side = "mentee"
    elif participant.pk == proposal.mentor_id:
        side = "mentor"
    else:
        raise BehalfError(_("This proposal does not name this person."))
    try:
        proposal_answer(
            actor=actor, proposal=proposal, answer=answer, reason=reason, on_behalf_of=side
        )
    except DeskError as error:
        raise BehalfError(str(error)) from error
    return _note(
        actor=actor,
        participant=participant,
        action=BehalfAction.PROPOSAL_ANSWER,
        channel=channel,
        subject=proposal,
        detail=str(dict(Answer.choices).get(answer, answer)),
    )


@transaction.atomic
def agreement_acknowledge_on_behalf(
    *, actor: User, participant: Participant, mentorship, channel: str
) -> OnBehalf:
    from tandem.mentorships.services import MentorshipError, agreement_acknowledge

    if participant.pk not in (mentorship.mentee_id, mentorship.mentor_id):
        raise BehalfError(_("This mentorship does not name this person."))
    try:
        agreement_acknowledge(actor=actor, mentorship=mentorship, on_behalf_of=participant)
    except MentorshipError as error:
        raise BehalfError(str(error)) from error
    return _note(
        actor=actor,
        participant=participant,
        action=BehalfAction.AGREEMENT,
        channel=channel,
        subject=mentorship.agreement,
        detail="",
    )


@transaction.atomic
def meeting_log_on_behalf(
    *, actor: User, participant: Participant, mentorship, channel: str, **fields
) -> OnBehalf:
    from tandem.meetings.services import MentoringError, meeting_log_create

    if participant.pk not in (mentorship.mentee_id, mentorship.mentor_id):
        raise BehalfError(_("This mentorship does not name this person."))
    try:
        log = meeting_log_create(actor=actor, mentorship=mentorship, **fields)
    except MentoringError as error:
        raise BehalfError(str(error)) from error
    return _note(
        actor=actor,
        participant=participant,
        action=BehalfAction.MEETING,
        channel=channel,
        subject=log,
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
