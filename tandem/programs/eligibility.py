"""Judging a person against a program's criteria, one criterion at a time.

Criteria are rows (`Criterion`), not code: staff edit them and each edit publishes a new
`CriteriaVersion`. A criterion is met, not met, or unknown when the record lacks the fact it
needs; the caseworker sees which, and what is missing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.participants.models import ImmigrationStatus, Participant
from tandem.programs.models import Criterion, CriterionKind
from tandem.reference.places import PROVINCES


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    outcome: Outcome

    @property
    def is_met(self) -> bool:
        return self.outcome is Outcome.MET

    @property
    def label(self) -> str:
        return describe(self.criterion)

    @property
    def outcome_label(self) -> str:
        return outcome_label(self.outcome)


def outcome_label(outcome: str) -> str:
    return {
        Outcome.MET: _("Met"),
        Outcome.NOT_MET: _("Not met"),
        Outcome.UNKNOWN: _("Missing information"),
    }[Outcome(outcome)]


def _join(labels: Iterable[str]) -> str:
    return ", ".join(str(label) for label in labels)


def describe(criterion: Criterion) -> str:
    """The criterion as one sentence in the active language."""
    kind = criterion.kind
    if kind == CriterionKind.IMMIGRATION_STATUS:
        names = dict(ImmigrationStatus.choices)
        return _("Immigration status is one of: %(statuses)s") % {
            "statuses": _join(names.get(s, s) for s in criterion.statuses)
        }
    if kind == CriterionKind.INTERNATIONALLY_EDUCATED:
        return _("Educated outside Canada")
    if kind == CriterionKind.CLB_AT_LEAST:
        return _("Canadian Language Benchmark (CLB) %(level)s or higher") % {
            "level": criterion.number
        }
    if kind == CriterionKind.PROVINCE:
        names = dict(PROVINCES)
        return _("Lives in: %(provinces)s") % {
            "provinces": _join(names.get(p, p) for p in criterion.provinces)
        }
    if kind == CriterionKind.JOB_SEARCH_WORKSHOP:
        return _("Completed a job-search workshop or equivalent")
    if kind == CriterionKind.YEARS_EXPERIENCE_AT_LEAST:
        number = criterion.number or 0
        return ngettext(
            "At least %(years)s year of work experience in the region",
            "At least %(years)s years of work experience in the region",
            number,
        ) % {"years": number}
    if kind == CriterionKind.MEMBER_OF_ORGANIZATION:
        return _("Member or employee of %(organization)s") % {
            "organization": criterion.organization.name if criterion.organization else "?"
        }
    if kind == CriterionKind.PARENT_PROGRAM_PARTICIPANT:
        return _("Participant of %(program)s") % {
            "program": criterion.program.name if criterion.program else "?"
        }
    return criterion.question or _("Yes/no question")


def _boolean(value: bool | None) -> Outcome:
    if value is None:
        return Outcome.UNKNOWN
    return Outcome.MET if value else Outcome.NOT_MET


def _at_least(value: int | None, minimum: int | None) -> Outcome:
    if value is None:
        return Outcome.UNKNOWN
    return Outcome.MET if value >= (minimum or 0) else Outcome.NOT_MET


class Facts:
    """What the criteria ask about one person, with the two facts that need a query cached."""

    def __init__(self, participant: Participant):
        self.participant = participant
        self._organizations: set[int] | None = None
        self._programs: set[int] | None = None

    @property
    def organization_ids(self) -> set[int]:
        if self._organizations is None:
            p = self.participant
            ids = {p.organization_id}
            if p.recruited_by_id:
                ids.add(p.recruited_by_id)
            if p.user is not None:
                from tandem.organizations.access import active_memberships

                ids |= set(active_memberships(p.user).values_list("organization_id", flat=True))
            self._organizations = ids
        return self._organizations

    @property
    def program_ids(self) -> set[int]:
        if self._programs is None:
            self._programs = set(self.participant.enrolments.values_list("program_id", flat=True))
        return self._programs


def judge(criterion: Criterion, facts: Facts, answers: dict[str, bool]) -> Outcome:
    p = facts.participant
    kind = criterion.kind
    if kind == CriterionKind.IMMIGRATION_STATUS:
        if not p.immigration_status:
            return Outcome.UNKNOWN
        return Outcome.MET if p.immigration_status in criterion.statuses else Outcome.NOT_MET
    if kind == CriterionKind.INTERNATIONALLY_EDUCATED:
        return _boolean(p.is_internationally_educated)
    if kind == CriterionKind.CLB_AT_LEAST:
        return _at_least(p.clb_level, criterion.number)
    if kind == CriterionKind.PROVINCE:
        province = p.province_of_residence
        if not province:
            return Outcome.UNKNOWN
        return Outcome.MET if province in criterion.provinces else Outcome.NOT_MET
    if kind == CriterionKind.JOB_SEARCH_WORKSHOP:
        return _boolean(p.completed_job_search_workshop)
    if kind == CriterionKind.YEARS_EXPERIENCE_AT_LEAST:
        return _at_least(p.years_experience, criterion.number)
    if kind == CriterionKind.MEMBER_OF_ORGANIZATION:
        return _boolean(criterion.organization_id in facts.organization_ids)
    if kind == CriterionKind.PARENT_PROGRAM_PARTICIPANT:
        return _boolean(criterion.program_id in facts.program_ids)
    return _boolean(answers.get(str(criterion.key)))


def evaluate(
    criteria: Iterable[Criterion],
    participant: Participant,
    answers: dict[str, bool] | None = None,
    facts: Facts | None = None,
) -> list[CriterionResult]:
    facts = facts or Facts(participant)
    return [CriterionResult(c, judge(c, facts, answers or {})) for c in criteria]


def qualifies(results: Iterable[CriterionResult]) -> bool:
    return all(result.is_met for result in results)
