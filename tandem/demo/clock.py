"""Meeting times for the demo: on a weekday, at an hour people meet, in settings.TIME_ZONE.

Anchored to the local calendar day rather than to the moment the loader runs, so that a demo
loaded at 3 a.m. does not show meetings at 3 a.m."""

from datetime import datetime, time, timedelta

from django.utils import timezone


def demo_at(days: int, hour: int, minute: int = 0) -> datetime:
    """The local day `days` from today at hour:minute, moved off the weekend: forward for a day
    to come, back for a day past, so that a future meeting stays in the future."""
    zone = timezone.get_default_timezone()
    day = timezone.localdate(timezone=zone) + timedelta(days=days)
    step = timedelta(days=-1 if days < 0 else 1)
    while day.weekday() >= 5:
        day += step
    return datetime.combine(day, time(hour, minute), tzinfo=zone)
