"""Writes for events: create and edit (both languages), invite, register, record attendance."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit
from tandem.core.calendar import attachment
from tandem.core.mail import send_to_person
from tandem.events.models import Event, Participation
from tandem.participants.models import Participant
from tandem.programs.models import Program

EVENT_FIELDS = (
    "kind",
    "title_en",
    "title_fr",
    "description_en",
    "description_fr",
    "starts_at",
    "ends_at",
    "mode",
    "place",
    "link",
    "capacity",
    "is_open",
)


class EventError(Exception):
    """A rule of events was broken; the message is translated for the person."""


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise EventError(_("An event ends after it starts."))


CREATED = audit.event("event.created", gettext_lazy("Event created"))
CANCELLED = audit.event("event.cancelled", gettext_lazy("Event cancelled"))
INVITED = audit.event("event.invited", gettext_lazy("Invited to an event"))
REGISTERED = audit.event("event.registered", gettext_lazy("Registered for an event"))
UNREGISTERED = audit.event(
    "event.unregistered", gettext_lazy("Registration for an event cancelled")
)


@transaction.atomic
def event_create(*, actor: User, program: Program, **fields: Any) -> Event:
    _check_times(fields["starts_at"], fields["ends_at"])
    data = {name: fields[name] for name in EVENT_FIELDS if name in fields}
    event = Event.objects.create(program=program, created_by=actor, **data)
    audit.record(CREATED, actor=actor, target=event, about=[program])
    return event


@transaction.atomic
def event_update(*, actor: User, event: Event, **fields: Any) -> Event:
    _check_times(fields.get("starts_at", event.starts_at), fields.get("ends_at", event.ends_at))
    changed = [name for name in EVENT_FIELDS if name in fields]
    for name in changed:
        setattr(event, name, fields[name])
    event.save(update_fields=changed)
    return event


@transaction.atomic
def event_cancel(*, actor: User, event: Event, mail: bool = True) -> Event:
    """`mail=False`: the caller tells the guests itself (a mentoring group's session)."""
    if event.cancelled_at is None:
        event.cancelled_at = timezone.now()
        event.save(update_fields=["cancelled_at"])
        audit.record(CANCELLED, actor=actor, target=event)
        for participation in event.participations.select_related("participant") if mail else []:
            if participation.invited_at or participation.is_registered:
                _mail(participation, "events/mail/cancelled")
    return event


def _mail(participation: Participation, template: str) -> None:
    from tandem.events.calendar import FILE_NAME, event_ics

    person = participation.participant
    ics = event_ics(
        participation.event,
        language=person.preferred_language,
        cancelled=template.endswith("cancelled"),
    )
    send_to_person(
        attachments=[attachment(FILE_NAME, ics, language=person.preferred_language)],
        email=person.email,
        language=person.preferred_language,
        template=template,
        context={
            "event": participation.event,
            "person": person,
            "site_url": settings.SITE_URL.rstrip("/"),
        },
    )


@transaction.atomic
def event_invite(
    *, actor: User, event: Event, participants: Iterable[Participant]
) -> list[Participation]:
    """Invites each person once; a second invitation of the same person sends nothing."""
    if event.is_cancelled:
        raise EventError(_("This event is cancelled."))
    invited = []
    now = timezone.now()
    for person in participants:
        participation, _created = Participation.objects.get_or_create(
            event=event, participant=person
        )
        if participation.invited_at is None:
            participation.invited_at, participation.invited_by = now, actor
            participation.save(update_fields=["invited_at", "invited_by"])
            audit.record(INVITED, actor=actor, target=event, about=[person])
            _mail(participation, "events/mail/invitation")
            invited.append(participation)
    return invited


@transaction.atomic
def event_add_guests(
    *, actor: User, event: Event, participants: Iterable[Participant]
) -> list[Participation]:
    """Invites and registers people who belong to the event by another record (the members of a
    mentoring group for its sessions) without this app's mail: the caller writes its own."""
    if event.is_cancelled:
        raise EventError(_("This event is cancelled."))
    added = []
    now = timezone.now()
    for person in participants:
        participation, created = Participation.objects.get_or_create(
            event=event,
            participant=person,
            defaults={"invited_at": now, "invited_by": actor, "registered_at": now},
        )
        if not created and participation.is_registered:
            continue
        participation.invited_at = participation.invited_at or now
        participation.registered_at, participation.cancelled_at = now, None
        participation.save(update_fields=["invited_at", "registered_at", "cancelled_at"])
        audit.record(INVITED, actor=actor, target=event, about=[person])
        added.append(participation)
    return added


def _may_register(event: Event, participant: Participant) -> bool:
    if event.participations.filter(participant=participant, invited_at__isnull=False).exists():
        return True
    return event.is_open and event.program.enrolments.filter(participant=participant).exists()


@transaction.atomic
def event_register(*, actor: User, event: Event, participant: Participant) -> Participation:
    # The event row is locked so that two people taking the last place cannot both get it.
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise EventError(_("This event is cancelled."))
    if event.starts_at <= timezone.now():
        raise EventError(_("Registration is closed: the event has started."))
    if not _may_register(event, participant):
        raise EventError(_("This event is by invitation only."))
    participation, _created = Participation.objects.get_or_create(
        event=event, participant=participant
    )
    if participation.is_registered:
        return participation
    if event.capacity is not None:
        taken = event.participations.filter(
            registered_at__isnull=False, cancelled_at__isnull=True
        ).count()
        if taken >= event.capacity:
            raise EventError(_("This event is full."))
    participation.registered_at, participation.cancelled_at = timezone.now(), None
    participation.save(update_fields=["registered_at", "cancelled_at"])
    audit.record(REGISTERED, actor=actor, target=event, about=[participant])
    _mail(participation, "events/mail/registered")
    return participation


@transaction.atomic
def event_unregister(*, actor: User, event: Event, participant: Participant) -> None:
    participation = event.participations.filter(participant=participant).first()
    if participation is not None and participation.is_registered:
        participation.cancelled_at = timezone.now()
        participation.save(update_fields=["cancelled_at"])
        audit.record(UNREGISTERED, actor=actor, target=event, about=[participant])


@transaction.atomic
def event_attendance_record(
    *, actor: User, event: Event, present: Iterable[Participant], absent: Iterable[Participant]
) -> None:
    """Staff record who came; someone who came without registering is added."""
    for attended, people in ((True, present), (False, absent)):
        for person in people:
            participation, _created = Participation.objects.get_or_create(
                event=event, participant=person
            )
            participation.attended, participation.attendance_recorded_by = attended, actor
            participation.save(update_fields=["attended", "attendance_recorded_by"])
