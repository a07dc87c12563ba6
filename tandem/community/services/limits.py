"""Rate limits on posting and messaging, counted from the rows themselves.

Sign-in limits (allauth's, `ACCOUNT_RATE_LIMITS`) count attempts in the cache because a failed
attempt leaves no row. A post or a message does leave one: counting a person's own rows of the
last minute and hour holds across every web process, survives a cache flush, and is enforced by
the service, so no other way in (a form, a future API) can skip it.
"""

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.community.services import CommunityError

UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}


def parse(spec: str) -> list[tuple[int, str]]:
    """ "5/m,40/h" -> [(5, "m"), (40, "h")]; a malformed setting fails loudly."""
    limits = []
    for part in spec.split(","):
        count, unit = part.strip().split("/")
        if unit not in UNITS:
            raise ValueError(f"rate limit {spec!r}: unit {unit!r} is not m, h or d")
        limits.append((int(count), unit))
    return limits


def check(rows: QuerySet[Any], spec: str) -> None:
    """Refuses one more write when `rows` (the person's own, with a `created_at`) already hold
    a limit's worth within its period."""
    now = timezone.now()
    for count, unit in parse(spec):
        if rows.filter(created_at__gt=now - UNITS[unit]).count() >= count:
            message = {
                "m": _("You have written %(count)s times in the last minute."),
                "h": _("You have written %(count)s times in the last hour."),
                "d": _("You have written %(count)s times in the last day."),
            }[unit]
            raise CommunityError(
                (message % {"count": count}) + " " + _("Please wait a little before writing again.")
            )
