"""Retention of event attendance (core.retention; the privacy app's sweep runs it).

Who attended an event, or was marked absent, is counted ("events attended" of every report, a
group's attendance rate), and so is a registration still standing (the event list's places
taken): those rows stay, pointing to the same people, so no figure changes; the trail's copy of
them (their names in the history, the values recorded) goes. An invitation nobody answered and
a registration that was cancelled count nowhere: they go."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.core import audit, retention
from tandem.events.models import Participation


def participations_due(organization_id: int, cutoff: datetime) -> QuerySet[Participation]:
    return Participation.objects.filter(
        event__program__organization_id=organization_id, event__ends_at__lt=cutoff
    )


def participation_anonymise(participation: Participation) -> None:
    audit.scrub_records([participation])
    if participation.attended is None and not participation.is_registered:
        retention.forget(Participation.objects.filter(pk=participation.pk))  # counted nowhere


def register() -> None:
    retention.register(
        retention.Kind(
            code="event_attendance",
            label=_("Invitations to events and attendance"),
            starts=_("after the event"),
            removes=_(
                "Invitations nobody answered and registrations that were cancelled, and the "
                "audit history's copy of every invitation, registration and attendance."
            ),
            keeps=_(
                "Who attended or was absent and the registrations still standing: events "
                "attended, group attendance and places taken do not change."
            ),
            default_months=24,
            why=_(
                "Two years after the event: an invitation that led nowhere serves no report, "
                "and two years let the yearly figures be checked."
            ),
            due=participations_due,
            anonymise=participation_anonymise,
            people=("participant",),
            position=45,
        )
    )
