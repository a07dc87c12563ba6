"""The one order in which people's rows are locked.

Several writes lock more than one person's row in a transaction: a merge locks both records, the
retention sweep locks the people a row is about before it reads their legal holds, and placing
a legal hold locks the person (docs/privacy.md). Two transactions that lock the same two people
in opposite orders each hold one and wait for the other until PostgreSQL kills one of them as a
deadlock. So every such lock goes through here, in id order: the first of the two to lock the
lower id goes first, and the other waits holding nothing.
"""

from collections.abc import Iterable

from tandem.participants.models import Participant


def people_lock(ids: Iterable[int | None]) -> dict[int, Participant]:
    """Locks these people's rows until the transaction ends, in id order; the rows found, by id.
    (The model's default ordering is by name, which differs from one pair to the next.)"""
    wanted = sorted({pk for pk in ids if pk is not None})
    return {
        p.pk: p
        for p in Participant.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
    }
