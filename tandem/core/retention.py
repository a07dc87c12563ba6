"""Retention: the kinds of personal record each area holds, as the registry every floor fills.

An organization keeps each kind of personal record only as long as it needs it (PIPEDA's
principle 4.5, Law 25 s. 23). The area that holds a kind of record knows which of its rows are
past their period and what in them identifies a person; the privacy app (near the top floor)
keeps each organization's periods, shows them on the privacy office's pages and runs the hourly
sweep: legal holds, what was done, `core.sweeps.each`. So each area declares its kinds from its
own `AppConfig.ready()`, with no import of privacy:

    retention.register(retention.Kind(
        code="referral", label=..., removes=..., keeps=..., starts=...,
        default_months=24, why=...,
        due=lambda organization_id, cutoff: Referral.objects.filter(...),
        anonymise=referral_anonymise,
        people=("participant",),
    ))

The rule every kind keeps: **the rows that figures count stay**, with their dates, statuses,
programs and organizations, so that no report changes, a funder's past years above all; what
goes is what identifies or describes a person (free text, names, contact details, files,
accommodation needs). The privacy app remembers each row it anonymised (kind and id), so `due`
need not tell a done row from one still to do.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Kind:
    code: str  # stored with each organization's period (at most 20 characters)
    label: Any  # the kind, translated (gettext_lazy): "Referrals that did not lead to a pairing"
    starts: Any  # from when the period runs: "after the referral was returned or withdrawn"
    removes: Any  # what anonymising removes
    keeps: Any  # what stays, and so which counts do not change
    default_months: int  # the period until the organization sets its own
    why: Any  # why that default (shown beside it)
    # (organization id, cutoff) -> the organization's rows whose period ended before the cutoff
    due: Callable[[int, datetime], "models.QuerySet[Any]"] | None = None
    # one row, inside the sweep's transaction for that row (idempotent)
    anonymise: Callable[[Any], None] | None = None
    # or, for a kind whose rows simply go in bulk (the view log): (organization id, cutoff) ->
    # how many it deleted, in batches through `sweeps.each`; it keeps legal holds itself
    purge: Callable[[int, datetime], int] | None = None
    # lookups from a row to the people it is about: a legal hold on one of them stops it
    people: tuple[str, ...] = ()
    minimum_months: int = 1  # a legal minimum below which no organization may go
    position: int = 100  # order on the retention page


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Adds a kind (from the app's `ready()`); the same code twice is an error."""
    if len(kind.code) > 20:
        raise ValueError(f"a retention kind has at most 20 characters: {kind.code!r}")
    if (kind.purge is None) == (kind.due is None or kind.anonymise is None):
        raise ValueError(f"retention kind {kind.code!r}: give due and anonymise, or purge")
    found = _KINDS.get(kind.code)
    if found is not None and found != kind:
        raise ValueError(f"retention kind {kind.code!r} is already registered")
    _KINDS[kind.code] = kind


def kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: (kind.position, kind.code))


def kind(code: str) -> Kind:
    found = _KINDS.get(code)
    if found is None:
        raise LookupError(f"no retention kind {code!r} is registered")
    return found


def choices() -> list[tuple[str, Any]]:
    """(code, label) of every kind: the choices of the periods' column (a callable, so that an
    app adding a kind needs no migration in privacy)."""
    return [(found.code, found.label) for found in kinds()]


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month's
    last day)."""
    import calendar

    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return moment.replace(year=year, month=month + 1, day=min(moment.day, last))


def blank(
    model: type[models.Model], rows: "Iterable[int] | models.QuerySet[Any]", *fields: str
) -> int:
    """Empties these fields of these rows in one UPDATE: text to "", JSON to {}, a nullable
    field to NULL. Returns how many rows."""
    values: dict[str, Any] = {}
    for name in fields:
        field = model._meta.get_field(name)
        if isinstance(field, models.JSONField):
            values[name] = {} if field.default is dict else []
        elif getattr(field, "null", False):
            values[name] = None
        else:
            values[name] = ""
    queryset = (
        rows if isinstance(rows, models.QuerySet) else model._base_manager.filter(pk__in=rows)
    )
    return queryset.update(**values)


def forget(rows: "models.QuerySet[Any]") -> int:
    """Deletes rows that nothing counts, with no audit-history entry of the deletion (one would
    describe the row, and so the person): the sweep's own ledger records that it was done.
    Returns how many rows."""
    from auditlog.context import disable_auditlog

    with disable_auditlog():
        return rows.delete()[0]
