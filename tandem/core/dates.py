"""Dates, times and hours as each language writes them.

English keeps Django's formats. Canadian French (OQLF, Bureau de la traduction) writes
« 1er décembre 2026 » (the ordinal for the first of the month only), « 13 h » on the hour and
« 13 h 30 » otherwise, never « 13:00 » or « 13 h 00 »; a duration of 14.5 hours is « 14 h 30 ».
Django's format strings cannot drop zero minutes or write « 1er », hence these helpers; the
French format module (`tandem/core/formats/fr/formats.py`) covers everything else.
"""

import datetime as dt
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def _is_french() -> bool:
    return (get_language() or "en")[:2] == "fr"


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def day(value: dt.date | dt.datetime | None) -> str:
    """« 6 décembre 2026 », « 1er décembre 2026 »; December 6, 2026 in English."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    text = formats.date_format(value, "DATE_FORMAT")
    if _is_french() and value.day == 1:
        return "1er" + text[1:]
    return text


def table_day(value: dt.date | dt.datetime | None) -> str:
    """A date in a table column: « 2026-12-06 » in French (the all-numeric Canadian order, which
    also sorts); English keeps its DATE_FORMAT."""
    if not _is_french():
        return day(value)
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value)
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def clock(value: dt.time | dt.datetime | None) -> str:
    """« 13 h », « 13 h 30 », « 0 h 15 »; Django's TIME_FORMAT in English."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).time()
    if not _is_french():
        return formats.time_format(value, "TIME_FORMAT")
    if value.minute == 0:
        return f"{value.hour}\u00a0h"
    return f"{value.hour}\u00a0h\u00a0{value.minute:02d}"


def when(value: dt.datetime | None) -> str:
    """A date and a time: « 6 décembre 2026 à 13 h 30 »; Django's DATETIME_FORMAT in English."""
    if value is None or value == "":
        return ""
    value = _local(value)
    if not _is_french():
        return formats.date_format(value, "DATETIME_FORMAT")
    return _("%(day)s at %(time)s") % {"day": day(value.date()), "time": clock(value.time())}


def hours(value: float | Decimal | int | None) -> str:
    """A number of hours: « 14 h », « 14 h 30 »; 14 h and 14.5 h in English."""
    if value is None or value == "":
        return ""
    minutes = round(float(value) * 60)
    whole, rest = divmod(minutes, 60)
    if _is_french():
        return f"{whole}\u00a0h" if rest == 0 else f"{whole}\u00a0h\u00a0{rest:02d}"
    if rest == 0:
        return f"{whole}\u00a0h"
    return f"{formats.number_format(minutes / 60, 1)}\u00a0h"
