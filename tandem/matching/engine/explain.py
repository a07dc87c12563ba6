"""Sentences a person reads: why a pair scores what it does, why it is not allowed, why a
mentee is unmatched. Whole translated sentences with named placeholders, never fragments."""

from __future__ import annotations

from collections.abc import Mapping

from .i18n import N_, gettext_for, ngettext_for
from .model import CRITERIA, SLOTS, Contribution, Participant, Rule, UnmatchedReason
from .reference import naics_path, noc_title

SLOT_LABELS: dict[str, str] = dict(
    zip(
        SLOTS,
        (
            N_("Monday mornings"),
            N_("Monday afternoons"),
            N_("Monday evenings"),
            N_("Tuesday mornings"),
            N_("Tuesday afternoons"),
            N_("Tuesday evenings"),
            N_("Wednesday mornings"),
            N_("Wednesday afternoons"),
            N_("Wednesday evenings"),
            N_("Thursday mornings"),
            N_("Thursday afternoons"),
            N_("Thursday evenings"),
            N_("Friday mornings"),
            N_("Friday afternoons"),
            N_("Friday evenings"),
            N_("Saturday mornings"),
            N_("Saturday afternoons"),
            N_("Saturday evenings"),
            N_("Sunday mornings"),
            N_("Sunday afternoons"),
            N_("Sunday evenings"),
        ),
        strict=True,
    )
)

OCCUPATION_LEVELS: dict[int, str] = {
    5: N_("Same occupation: %(title)s (NOC %(code)s)"),
    4: N_("Same minor group of occupations (NOC %(code)s)"),
    3: N_("Same sub-major group of occupations (NOC %(code)s)"),
    2: N_("Same major group of occupations (NOC %(code)s)"),
    1: N_("Same broad occupational category (NOC %(code)s)"),
}

INDUSTRY_LEVELS: dict[int, str] = {
    5: N_("Same Canadian industry (NAICS %(code)s)"),
    4: N_("Same industry (NAICS %(code)s)"),
    3: N_("Same industry group (NAICS %(code)s)"),
    2: N_("Same subsector (NAICS %(code)s)"),
    1: N_("Same sector (NAICS %(code)s)"),
}

CRITERION_NAMES: dict[str, str] = {
    "occupation": N_("occupation"),
    "industry": N_("industry"),
    "goals": N_("goals"),
    "language": N_("language"),
    "distance": N_("distance"),
    "availability": N_("availability"),
    "experience": N_("experience"),
}


def format_number(value: float, lang: str, digits: int = 2) -> str:
    """Decimal comma in French (Canadian usage), point in English."""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "fr" else text


def _plural_count(years: float, lang: str) -> int:
    """The count that picks the right plural for a possibly decimal number of years.

    English makes every decimal plural ("1.5 years"); French keeps below 2 singular
    ("1,5 an", "2,5 ans"), which the whole part decides under its "n > 1" rule.
    """
    if float(years).is_integer() or lang == "fr":
        return int(years)
    return 2


def format_years(value: float, lang: str) -> str:
    return str(int(value)) if float(value).is_integer() else format_number(value, lang, 1)


def join_list(items: list[str], lang: str) -> str:
    _ = gettext_for(lang)
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return _("%(first)s and %(second)s") % {"first": items[0], "second": items[1]}
    return _("%(first)s, %(second)s and %(third)s") % {
        "first": items[0],
        "second": items[1],
        "third": items[2],
    }


def criterion_sentence(
    criterion: str,
    value: float,
    mentee: Participant,
    mentor: Participant,
    *,
    km: float | None,
    lang: str,
) -> str:
    """The sentence for a criterion that contributed (``value > 0``)."""
    _ = gettext_for(lang)
    n_ = ngettext_for(lang)
    if criterion == "occupation":
        level = round(value * 5)
        code = mentee.noc_code[:level]
        return _(OCCUPATION_LEVELS[level]) % {"code": code, "title": noc_title(code, lang)}
    if criterion == "industry":
        level = round(value * 5)
        assert mentee.naics_code is not None
        code = naics_path(mentee.naics_code)[level - 1]
        return _(INDUSTRY_LEVELS[level]) % {"code": code}
    if criterion == "goals":
        return _("Closely related goals") if value >= 0.5 else _("Related goals")
    if criterion == "language":
        if value >= 1.0:
            if mentee.preferred_language == "fr":
                return _("Both prefer French")
            return _("Both prefer English")
        if mentee.preferred_language == "fr":
            return _("The mentor speaks French")
        return _("The mentor speaks English")
    if criterion == "distance":
        if km is not None and km < 1.0:
            return _("Same postal area (%(fsa)s)") % {"fsa": mentee.fsa}
        return _("About %(km)d km apart") % {"km": round(km or 0.0)}
    if criterion == "availability":
        mentee_slots = mentee.availability or frozenset(SLOTS)
        mentor_slots = mentor.availability or frozenset(SLOTS)
        shared = [slot for slot in SLOTS if slot in mentee_slots and slot in mentor_slots]
        if len(shared) == len(SLOTS):
            return _("Both available at any time")
        if len(shared) <= 3:
            labels = [_(SLOT_LABELS[slot]) for slot in shared]
            return _("Shares %(slots)s") % {"slots": join_list(labels, lang)}
        return n_(
            "Shares %(count)d weekly time slot", "Shares %(count)d weekly time slots", len(shared)
        ) % {"count": len(shared)}
    if criterion == "experience":
        years = mentor.years_experience or 0.0
        return n_(
            "%(years)s year of experience in the region",
            "%(years)s years of experience in the region",
            _plural_count(years, lang),
        ) % {"years": format_years(years, lang)}
    raise ValueError(criterion)


# A criterion is named in a sentence only when its value reaches this: a goal similarity of
# 0.001 is not a reason anybody should read. Its number is reported either way.
MIN_NAMED_VALUE = 0.05


def contributions(
    values: Mapping[str, float],
    shares: Mapping[str, float],
    mentee: Participant,
    mentor: Participant,
    *,
    km: float | None,
    lang: str,
) -> tuple[Contribution, ...]:
    """Each criterion's value, weight and contribution; a sentence only where it contributed
    (positive weight and a value of at least ``MIN_NAMED_VALUE``)."""
    result = []
    for criterion in CRITERIA:
        value = float(values[criterion])
        weight = float(shares[criterion])
        part = value * weight
        sentence = (
            criterion_sentence(criterion, value, mentee, mentor, km=km, lang=lang)
            if part > 0 and value >= MIN_NAMED_VALUE
            else None
        )
        result.append(Contribution(criterion, value, weight, part, sentence))
    return tuple(result)


def rule_sentence(rule: Rule, *, km: float | None, limit: float, lang: str) -> str:
    _ = gettext_for(lang)
    if rule is Rule.MENTOR_NO_FRENCH:
        return _("The mentee prefers French and the mentor does not speak French.")
    if rule is Rule.NO_SHARED_LANGUAGE:
        return _("They do not share a language.")
    if rule is Rule.NO_SHARED_SLOT:
        return _("Their availability has no slot in common.")
    if rule is Rule.MODE_MISMATCH:
        return _("One of them meets only in person and the other only virtually.")
    if rule is Rule.TOO_FAR:
        return _(
            "They would meet in person but are about %(km)d km apart (limit %(limit)d km)."
        ) % {"km": round(km or 0.0), "limit": round(limit)}
    if rule is Rule.EXCLUDED:
        return _("Staff excluded this pair.")
    raise ValueError(rule)


def unmatched_sentence(reason: UnmatchedReason, *, count: int, limit: float, lang: str) -> str:
    _ = gettext_for(lang)
    n_ = ngettext_for(lang)
    if reason is UnmatchedReason.NO_MENTORS:
        return _("There are no mentors in the pool.")
    if reason is UnmatchedReason.NO_FRENCH_SPEAKING_MENTOR:
        return _("No mentor speaks French.")
    if reason is UnmatchedReason.NO_SHARED_LANGUAGE:
        return _("No mentor speaks a language this mentee speaks.")
    if reason is UnmatchedReason.NO_COMPATIBLE_MODE:
        return _("No mentor who shares a language can meet the same way (in person or virtually).")
    if reason is UnmatchedReason.ALL_TOO_FAR:
        return _("Every mentor who could meet in person is more than %(limit)d km away.") % {
            "limit": round(limit)
        }
    if reason is UnmatchedReason.NO_SHARED_AVAILABILITY:
        return _("No mentor who could meet this mentee shares an availability slot.")
    if reason is UnmatchedReason.ALL_EXCLUDED:
        return _("Staff excluded every mentor who could be matched.")
    if reason is UnmatchedReason.NO_AVAILABILITY_WITH_ROOM:
        return _("No shared availability with any mentor who has room.")
    if reason is UnmatchedReason.MENTORS_FULL_SCORE_HIGHER:
        return n_(
            "The only suitable mentor is full with mentees for whom they score higher.",
            "All %(count)d suitable mentors are full with mentees for whom they score higher.",
            count,
        ) % {"count": count}
    if reason is UnmatchedReason.MENTORS_FULL_TRADE_OFF:
        return n_(
            "The only suitable mentor is full; giving them this mentee instead would match "
            "fewer mentees or lower the total score.",
            "All %(count)d suitable mentors are full; giving one of them this mentee instead "
            "would match fewer mentees or lower the total score.",
            count,
        ) % {"count": count}
    raise ValueError(reason)


def criterion_label(criterion: str, lang: str) -> str:
    """A criterion's name for a column header or a form label."""
    _ = gettext_for(lang)
    return _(CRITERION_NAMES[criterion])
