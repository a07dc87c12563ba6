"""What every part of the matching desk shares: its error, the program's matching settings,
the record of an event about a proposal, and the pool check before a pair is proposed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.core import audit
from tandem.matching import pool
from tandem.matching.models import (
    MatchingSettings,
    Proposal,
)
from tandem.participants.models import Participant

LANGUAGES = ("en", "fr")


class DeskError(Exception):
    """A rule of the matching desk was broken; the message is translated for the person."""


def settings_for(program) -> MatchingSettings:
    found, _created = MatchingSettings.objects.get_or_create(program=program)
    return found


@transaction.atomic
def settings_update(*, actor: User, program, **fields: Any) -> MatchingSettings:
    current = settings_for(program)
    for name, value in fields.items():
        setattr(current, name, value)
    current.updated_by = actor
    current.save()
    return current


def record_proposal(name: str, actor: Any, proposal: Proposal, **data: Any) -> None:
    """One named event about a proposal, on both people's history."""
    audit.record(
        name,
        actor=actor,
        target=proposal,
        about=[proposal.mentee, proposal.mentor],
        data={"mentee": proposal.mentee_id, "mentor": proposal.mentor_id, **data},
    )


@transaction.atomic
def check_in_pool(program, *people: Participant) -> None:
    """Only people the program took in and who are ready are proposed: a client whose referral
    was returned must never receive a proposal."""
    for person in people:
        if not pool.is_in_pool(program, person):
            raise DeskError(
                _("%(name)s is not in the program's pool (not taken in, or not ready).")
                % {"name": person.full_name}
            )
