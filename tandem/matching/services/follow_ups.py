"""Reminders and expiry of proposals waiting for answers: per proposal from scheduled tasks, and
a daily sweep as a safety net. Both act as the named system actor `audit.SWEEPS`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core import audit, dates, sweeps
from tandem.matching import notify
from tandem.matching.models import (
    Proposal,
    ProposalStatus,
)
from tandem.matching.services.base import record_proposal, settings_for

PROPOSAL_EXPIRED = audit.event("proposal.expired", gettext_lazy("Proposal expired without answers"))
PROPOSAL_REMINDED = audit.event("proposal.reminded", gettext_lazy("Reminder sent about a proposal"))


@transaction.atomic
def proposal_follow_up(*, proposal_id: int, now=None) -> str:
    """A reminder once the reminder delay has passed, expiry once the deadline has. Idempotent:
    safe to run from the scheduled tasks and from the daily sweep alike."""
    now = now or timezone.now()
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("program", "mentee", "mentor")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None or proposal.status != ProposalStatus.PUBLISHED:
        return "closed"
    program = proposal.program
    current = settings_for(program)
    waiting = [
        person
        for side, person in (("mentee", proposal.mentee), ("mentor", proposal.mentor))
        if not proposal.answer_of(side)
    ]
    if proposal.expires_at and now >= proposal.expires_at:
        proposal.status = ProposalStatus.EXPIRED
        proposal.closed_at = now
        proposal.save(update_fields=["status", "closed_at"])
        record_proposal(PROPOSAL_EXPIRED, audit.SWEEPS, proposal)

        def to_person(person) -> dict[str, Any]:
            return {
                "subject": _("The proposed match has expired"),
                "paragraphs": [
                    _(
                        "The match we proposed in %(program)s expired because it was not "
                        "answered in time. You stay in the program and staff will be in touch."
                    )
                    % {"program": program.name}
                ],
            }

        notify.notify_people([proposal.mentee, proposal.mentor], to_person)

        def to_staff() -> dict[str, Any]:
            return {
                "subject": _("A proposed match expired"),
                "paragraphs": [
                    _("The match of %(mentee)s with %(mentor)s expired without an answer.")
                    % {"mentee": proposal.mentee.full_name, "mentor": proposal.mentor.full_name}
                ],
                "link": notify.absolute("matching:desk", program_id=program.pk),
                "link_label": _("Open the matching desk"),
            }

        notify.notify_staff(program, to_staff)
        return "expired"
    due = proposal.published_at and now >= proposal.published_at + timedelta(
        days=current.reminder_after_days
    )
    if due and proposal.reminded_at is None and waiting:
        proposal.reminded_at = now
        proposal.save(update_fields=["reminded_at"])
        record_proposal(PROPOSAL_REMINDED, audit.SWEEPS, proposal)

        def remind(person) -> dict[str, Any]:
            return {
                "subject": _("Reminder: a proposed match waits for your answer"),
                "paragraphs": [
                    _("Please accept or decline the match proposed in %(program)s by %(date)s.")
                    % {
                        "program": program.name,
                        "date": dates.day(proposal.expires_at),
                    }
                ],
                "link": notify.absolute("matching:proposal", proposal_id=proposal.pk),
                "link_label": _("Review the proposal"),
            }

        notify.notify_people(waiting, remind)
        return "reminded"
    return "waiting"


def proposals_sweep(*, now=None) -> dict[str, int]:
    """Reminders and expiries for every proposal waiting for answers (a daily safety net)."""
    counts: dict[str, int] = {}
    ids = Proposal.objects.filter(status=ProposalStatus.PUBLISHED).values_list("pk", flat=True)
    for pk in sweeps.each(list(ids)):
        outcome = proposal_follow_up(proposal_id=pk, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
