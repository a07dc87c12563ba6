"""Places already taken outside the desk's own proposals.

A mentor's pairs under way count against their capacity, and a mentee already in one is not in
the pool. Those pairs live on the floors above matching (`mentorships`, and later the formats
that are not one pair), which matching must not import: each registers, in its
`AppConfig.ready()`, a source of what it holds under way:

    commitments.register(lambda: Mentorship.objects.filter(status__in=ACTIVE_STATUSES))

A source returns a queryset of rows with `program_id`, `mentor_id` and `mentee_id` (a format
with other column names annotates them). The desk reads every source in one query each.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

type Source = Callable[[], QuerySet[Any]]

_SOURCES: list[Source] = []


def register(source: Source) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def under_way() -> list[QuerySet[Any]]:
    """What every registered floor holds under way now (one queryset per source)."""
    return [source() for source in _SOURCES]
