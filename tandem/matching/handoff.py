"""Where a proposal both people accepted goes next.

The desk ends at an accepted proposal; staff confirming it creates the pair on the floor above
(`mentorships`), which matching must not import. That floor registers, in its
`AppConfig.ready()`, how a proposal becomes its record and how a person's records are listed:

    handoff.register(Handoff(confirm=mentorship_confirm, error=MentorshipError, ...))

The matching pages call `handoff.current()`; until a floor registers, confirming is refused.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class Handoff:
    # `confirm(actor=, proposal=)` creates the record, or raises `error` with a translated message.
    confirm: Callable[..., Model]
    error: type[Exception]
    # The address of the confirmed record's page.
    detail_url: Callable[[Any], str]
    # The records a person takes part in, for their matching page.
    records_of_person: Callable[[Any], QuerySet[Any]]


_HANDOFF: list[Handoff] = []


def register(handoff: Handoff) -> None:
    _HANDOFF[:] = [handoff]


def current() -> Handoff:
    if not _HANDOFF:
        raise LookupError("no app registered where confirmed proposals go (mentorships)")
    return _HANDOFF[0]
