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
from auditlog.registry import auditlog
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


# model label -> fields whose values never enter django-auditlog's field diffs (see `sensitive`).
_SENSITIVE: dict[str, tuple[str, ...]] = {}


def sensitive(model: type[models.Model], *fields: str, **options: Any) -> None:
    """Registers `model` with django-auditlog, keeping `fields` out of the recorded values.

    The audit history is read more widely and kept longer than the record itself: accommodation
    needs, immigration status, case and intake notes must not survive there once the person
    withdraws consent or the record is erased. The diff still says *that* the record changed
    (the named event says what was done); the values stay only in the record."""
    _SENSITIVE[model._meta.label_lower] = fields
    excluded = [*options.pop("exclude_fields", []), *fields]
    auditlog.register(model, exclude_fields=excluded, **options)


def sensitive_fields() -> dict[str, tuple[str, ...]]:
    return dict(_SENSITIVE)


def scrub_sensitive_values() -> int:
    """Removes the sensitive fields' values from field diffs written before they were declared
    (a data migration runs it). Returns how many entries it changed."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    changed = 0
    for label, fields in _SENSITIVE.items():
        app_label, model_name = label.split(".")
        kind = ContentType.objects.filter(app_label=app_label, model=model_name).first()
        if kind is None:
            continue
        for entry in LogEntry.objects.filter(content_type=kind).only("pk", "changes").iterator():
            if not isinstance(entry.changes, dict) or not set(fields) & set(entry.changes):
                continue
            entry.changes = {k: v for k, v in entry.changes.items() if k not in fields}
            LogEntry.objects.filter(pk=entry.pk).update(changes=entry.changes, changes_text="")
            changed += 1
    return changed


def scrub_records(records: Iterable[models.Model]) -> int:
    """Erasure: empties every field diff and description of these records (what was recorded,
    never that something was done) and the details of the named events about them. Used when
    a person is anonymised; returns how many trail rows it emptied."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    emptied = 0
    by_type: dict[str, list[str]] = {}
    for one in records:
        kind, key = _key(one)
        by_type.setdefault(kind, []).append(key)
    for label, keys in by_type.items():
        app_label, model_name = label.split(".")
        content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
        emptied += LogEntry.objects.filter(content_type=content_type, object_pk__in=keys).update(
            changes={}, changes_text="", object_repr="", serialized_data=None, additional_data=None
        )
        emptied += AuditEvent.objects.filter(target_type=label, target_id__in=keys).update(data={})
    return emptied


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
