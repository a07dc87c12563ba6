"""What each person agrees to show the other person of a proposed pair."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit
from tandem.matching.models import (
    ProfileSharing,
)
from tandem.participants.models import Participant

SHARING_UPDATED = audit.event("sharing.updated", gettext_lazy("Profile sharing choices changed"))


@transaction.atomic
def sharing_update(*, actor: User, participant: Participant, fields: list[str]) -> ProfileSharing:
    sharing, _created = ProfileSharing.objects.get_or_create(participant=participant)
    sharing.fields = sorted(set(fields))
    sharing.save(update_fields=["fields", "updated_at"])
    audit.record(
        SHARING_UPDATED,
        actor=actor,
        target=sharing,
        about=[participant],
        data={"fields": sharing.fields},
    )
    return sharing
