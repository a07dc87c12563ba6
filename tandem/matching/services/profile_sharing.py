"""What each person agrees to show the other person of a proposed pair."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit, consent
from tandem.matching.models import (
    ProfileSharing,
)
from tandem.participants.models import Participant

SHARING_UPDATED = audit.event("sharing.updated", gettext_lazy("Profile sharing choices changed"))


@transaction.atomic
def sharing_update(*, actor: User, participant: Participant, fields: list[str]) -> ProfileSharing:
    sharing, _created = ProfileSharing.objects.select_for_update().get_or_create(
        participant=participant
    )
    was_shared = _created or bool(sharing.fields)
    sharing.fields = sorted(set(fields))
    sharing.save(update_fields=["fields", "updated_at"])
    audit.record(
        SHARING_UPDATED,
        actor=actor,
        target=sharing,
        about=[participant],
        data={"fields": sharing.fields},
    )
    if was_shared != bool(sharing.fields):
        consent.changed(
            purpose=consent.PROFILE_SHARING,
            participant=participant,
            given=bool(sharing.fields),
            actor=actor,
        )
    return sharing
