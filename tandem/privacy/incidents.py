"""The incident register: each incident with the people it affected, listed from the view log
when an account's views are the incident (a stolen session, a curious colleague)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit
from tandem.organizations.models import Organization
from tandem.participants.models import Participant
from tandem.privacy.models import Incident, RecordView

INCIDENT_RECORDED = audit.event("privacy.incident", gettext_lazy("Privacy incident recorded"))
INCIDENT_UPDATED = audit.event("privacy.incident_updated", gettext_lazy("Privacy incident updated"))


def affected_from_log(
    *, organization: Organization, viewer: User | None, start: Any, end: Any
) -> list[int]:
    """The people of the organization's records whose record this account viewed in the
    window (from the append-only view log)."""
    if viewer is None or start is None or end is None:
        return []
    return list(
        RecordView.objects.filter(
            viewer=viewer,
            at__gte=start,
            at__lte=end,
            participant__organization=organization,
        )
        .values_list("participant_id", flat=True)
        .distinct()
    )


@transaction.atomic
def incident_save(
    *, actor: User, organization: Organization, fields: dict[str, Any], incident: Incident | None
) -> Incident:
    affected = fields.pop("affected", None)
    found = incident or Incident(organization=organization, recorded_by=actor)
    for name, value in fields.items():
        setattr(found, name, value)
    found.save()
    listed = set(
        affected_from_log(
            organization=organization,
            viewer=found.viewer,
            start=found.window_start,
            end=found.window_end,
        )
    )
    if affected is not None:
        listed |= {p.pk for p in affected}
    found.affected.set(Participant.objects.filter(pk__in=listed, organization=organization))
    audit.record(
        INCIDENT_UPDATED if incident else INCIDENT_RECORDED,
        actor=actor,
        target=found,
        data={"affected": len(listed), "serious": found.risk_of_serious_harm},
    )
    return found
