"""Codes a person never has to read: languages and availability slots as words in their language.

Language names come from Django's own list (translated by Django's catalogues) plus the
languages our clients speak that it lacks; availability slots are a day and a part of the day.
"""

import functools
from collections.abc import Mapping
from types import MappingProxyType

from django.conf import global_settings, settings
from django.utils.translation import get_language, gettext, gettext_lazy, override, pgettext_lazy
from django.utils.translation import gettext as _

from tandem.participants.csvformat import DAYS, ISO_639_1, PARTS, render

# Languages spoken by newcomers to Ottawa and Montréal that Django's list does not name.
EXTRA_LANGUAGES = {
    "am": gettext_lazy("Amharic"),
    "ff": gettext_lazy("Fula"),
    "gu": gettext_lazy("Gujarati"),
    "ha": gettext_lazy("Hausa"),
    "ku": gettext_lazy("Kurdish"),
    "ln": gettext_lazy("Lingala"),
    "om": gettext_lazy("Oromo"),
    "ps": gettext_lazy("Pashto"),
    "rw": gettext_lazy("Kinyarwanda"),
    "si": gettext_lazy("Sinhala"),
    "so": gettext_lazy("Somali"),
    "ti": gettext_lazy("Tigrinya"),
    "tl": gettext_lazy("Tagalog"),
    "wo": gettext_lazy("Wolof"),
    "yo": gettext_lazy("Yoruba"),
    "zh": gettext_lazy("Chinese"),
}
# The languages a caseworker ticks most often, shown first.
COMMON = ("en", "fr", "ar", "es", "zh", "fa", "pa", "ur", "ti", "so", "uk", "ru", "pt", "tl")

DAY_LABELS = {
    "mon": pgettext_lazy("weekday", "Monday"),
    "tue": pgettext_lazy("weekday", "Tuesday"),
    "wed": pgettext_lazy("weekday", "Wednesday"),
    "thu": pgettext_lazy("weekday", "Thursday"),
    "fri": pgettext_lazy("weekday", "Friday"),
    "sat": pgettext_lazy("weekday", "Saturday"),
    "sun": pgettext_lazy("weekday", "Sunday"),
}
PART_LABELS = {
    "morning": pgettext_lazy("part of the day", "Morning"),
    "afternoon": pgettext_lazy("part of the day", "Afternoon"),
    "evening": pgettext_lazy("part of the day", "Evening"),
}


def _language_names() -> Mapping[str, str]:
    return _language_names_in(get_language() or settings.LANGUAGE_CODE)


# Once per interface language: built per call, the ~100 names cost 6 ms a row on the
# participant list (a third of its server time at 50 rows, benchmarks/lists.py).
@functools.lru_cache(maxsize=8)
def _language_names_in(language: str) -> Mapping[str, str]:
    names = {code: name for code, name in global_settings.LANGUAGES if code in ISO_639_1}
    with override(language):
        return MappingProxyType(
            {
                **{code: gettext(name) for code, name in names.items()},
                **{code: str(name) for code, name in EXTRA_LANGUAGES.items()},
            }
        )


def language_label(code: str) -> str:
    return _language_names().get(code, code)


def language_choices() -> list[tuple[str, str]]:
    """The common languages first, then the others in alphabetical order of their name."""
    names = _language_names()
    common = [(code, names[code]) for code in COMMON if code in names]
    others = sorted(
        ((code, name) for code, name in names.items() if code not in COMMON),
        key=lambda pair: pair[1].casefold(),
    )
    return common + others


def languages_display(value: str, preferred: str = "") -> str:
    codes = [code for code in value.split(";") if code]
    return ", ".join(language_label(code) for code in codes)


def slot_label(slot: str) -> str:
    day, _sep, part = slot.partition("-")
    if day not in DAY_LABELS or part not in PART_LABELS:
        return slot
    return _("%(day)s %(part)s") % {"day": DAY_LABELS[day], "part": str(PART_LABELS[part]).lower()}


def availability_display(value: str) -> str:
    slots = [slot for slot in value.split(";") if slot]
    order = {f"{d}-{p}": i for i, (d, p) in enumerate((d, p) for d in DAYS for p in PARTS)}
    return ", ".join(slot_label(slot) for slot in sorted(slots, key=lambda s: order.get(s, 99)))


def problem_text(problem: dict) -> str:
    """A stored problem of a participants file as a sentence in the active language."""
    return render(problem, gettext)
