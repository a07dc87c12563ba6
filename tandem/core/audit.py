"""Audit as named events: `record("referral.returned", actor=..., target=referral, ...)`.

Every service that changes something a person would ask about later records one named event,
inside its transaction, with the actor: the signed-in person who asked, or, for work the worker
does on its own (sweeps, reminders, expiries), a named `SystemActor`. Tasks started by a person
run `with acting_as(person)` so that django-auditlog's field diffs carry the same actor.

Event names are declared once, with a translated label, by the app that records them
(`event("referral.returned", _("Referral returned"))`); `record` refuses an undeclared name, so a
typo fails where it is written, not in the history page.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from auditlog.context import set_actor
from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise

from tandem.core.models import AuditEvent, AuditSubject


@dataclass(frozen=True)
class SystemActor:
    """Work nobody asked for at that moment: named so the history says which part did it."""

    name: str

    @property
    def label(self) -> str:
        return f"system:{self.name}"


SWEEPS = SystemActor("sweeps")  # the periodic sweep: follow-ups, reminders, expiries
WORKER = SystemActor("worker")  # background work whose starter is no longer known

_EVENTS: dict[str, Promise | str] = {}


def event(name: str, label: Promise | str) -> str:
    """Declares an event name and its label (gettext_lazy); returns the name."""
    if _EVENTS.get(name, label) != label:
        raise ValueError(f"audit event {name!r} is declared twice with different labels")
    _EVENTS[name] = label
    return name


def label_of(name: str) -> str:
    return str(_EVENTS.get(name, name))


def _key(record: models.Model) -> tuple[str, str]:
    return record._meta.label_lower, str(record.pk)


def record(
    name: str,
    *,
    actor: Any,
    target: models.Model,
    data: dict[str, Any] | None = None,
    about: Iterable[models.Model | None] = (),
) -> AuditEvent:
    """Writes one named event (call it inside the service's transaction)."""
    if name not in _EVENTS:
        raise ValueError(f"undeclared audit event {name!r}: declare it with audit.event()")
    if actor is None:
        raise ValueError(f"{name}: an event needs an actor (a person or a SystemActor)")
    person = None if isinstance(actor, SystemActor) else actor
    target_type, target_id = _key(target)
    created = AuditEvent.objects.create(
        name=name,
        actor=person,
        actor_label=actor.label if isinstance(actor, SystemActor) else actor.email,
        target_type=target_type,
        target_id=target_id,
        data=data or {},
    )
    subjects = {(target_type, target_id)} | {_key(r) for r in about if r is not None}
    AuditSubject.objects.bulk_create(
        [AuditSubject(event=created, target_type=t, target_id=i) for t, i in sorted(subjects)]
    )
    return created


def history(record: models.Model) -> QuerySet[AuditEvent]:
    """Events about this record, newest first (the target of each, or named in `about`)."""
    target_type, target_id = _key(record)
    return (
        AuditEvent.objects.filter(subjects__target_type=target_type, subjects__target_id=target_id)
        .select_related("actor")
        .distinct()
    )


def adopt_history(*, source: models.Model, target: models.Model) -> int:
    """Shows `source`'s events in `target`'s history too (two records of one person merged):
    the events stay as they were written, each gains `target` as a subject."""
    target_type, target_id = _key(target)
    source_type, source_id = _key(source)
    have = set(
        AuditSubject.objects.filter(target_type=target_type, target_id=target_id).values_list(
            "event_id", flat=True
        )
    )
    events = AuditSubject.objects.filter(target_type=source_type, target_id=source_id).values_list(
        "event_id", flat=True
    )
    new = [
        AuditSubject(event_id=event_id, target_type=target_type, target_id=target_id)
        for event_id in events
        if event_id not in have
    ]
    AuditSubject.objects.bulk_create(new)
    return len(new)


@contextmanager
def acting_as(actor: Any) -> Iterator[None]:
    """Attributes django-auditlog's field diffs to `actor` (a person) for work done outside a
    request, e.g. a task started by that person. System actors leave the diffs unattributed; the
    named event says which part of the system acted."""
    if actor is None or isinstance(actor, SystemActor):
        yield
        return
    with set_actor(actor):
        yield


@dataclass(frozen=True)
class HistoryRow:
    at: Any
    what: str
    who: str


def history_rows(record: models.Model, *, limit: int = 100) -> list[HistoryRow]:
    """A record's history as people read it: when, what (the event's label), who."""
    from django.utils.translation import gettext as _

    rows = []
    for found in history(record)[:limit]:
        if found.actor_label.startswith("system:"):
            who = _("Tandem, automatically")
        elif found.actor is not None:
            who = found.actor.get_full_name() or found.actor.email
        else:
            who = found.actor_label  # the person's account was removed since
        rows.append(HistoryRow(at=found.at, what=label_of(found.name), who=who))
    return rows
