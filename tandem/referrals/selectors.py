from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from tandem.accounts.models import User
from tandem.organizations.access import organizations_of, referrer_roles
from tandem.organizations.models import Organization
from tandem.participants.access import ParticipantAccess
from tandem.participants.models import Participant
from tandem.programs import eligibility
from tandem.programs.access import programs_managed_by, programs_open_to_referrals_from
from tandem.programs.models import Criterion, Enrolment, Program
from tandem.programs.services import criteria_current
from tandem.referrals.access import referrals_visible_to
from tandem.referrals.models import ACTIVE_STATUSES, Referral, ReferralDecision, ReferralStatus


def enrolments_admitted(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Enrolments of people the program has taken in: a record its own organization holds, or
    an accepted referral to it. An enrolment alone is not enough: a client whose referral is
    waiting or was returned (the demo loader once enrolled such people) is no part of the
    program, and its staff cannot open their record."""
    accepted = Referral.objects.filter(
        participant_id=OuterRef("participant_id"),
        program_id=OuterRef("program_id"),
        status=ReferralStatus.ACCEPTED,
    )
    return enrolments.filter(
        Q(participant__organization_id=F("program__organization_id")) | Exists(accepted)
    )


def enrolments_in_pool(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Admitted and ready to be matched."""
    return enrolments_admitted(enrolments).filter(ready_at__isnull=False)


def referral_list(*, user: User, status: str | None = None) -> QuerySet[Referral]:
    referrals = referrals_visible_to(user).select_related(
        "participant",
        "participant__organization",
        "program",
        "referring_organization",
        "referred_by",
    )
    if status:
        referrals = referrals.filter(status=status)
    return referrals.order_by("-submitted_at")


def referral_decisions(*, referral: Referral) -> list[ReferralDecision]:
    return list(
        referral.decisions.select_related("criteria_version", "decided_by").prefetch_related(
            Prefetch(
                "unmet_criteria",
                Criterion.objects.select_related("organization", "program").order_by("position"),
            )
        )
    )


@dataclass
class ProgramEligibility:
    program: Program
    results: list[eligibility.CriterionResult]
    referral: Referral | None

    @property
    def qualifies(self) -> bool:
        return eligibility.qualifies(self.results)

    @property
    def missing(self) -> list[eligibility.CriterionResult]:
        return [r for r in self.results if not r.is_met]


def eligibility_overview(*, user: User, participant: Participant) -> list[ProgramEligibility]:
    """Every program the client's agency may refer to, judged criterion by criterion on the
    client's record as it is now (yes/no questions stay unknown until the referral answers)."""
    programs = (
        programs_open_to_referrals_from(
            organizations_of(user, roles=referrer_roles()).filter(pk=participant.organization_id)
            if not user.is_platform_admin
            else organizations_of(user).model.objects.filter(pk=participant.organization_id)
        )
        .select_related("organization")
        .order_by("name_en")
    )
    latest: dict[int, Referral] = {}
    for made in participant.referrals.order_by("submitted_at"):
        latest[made.program_id] = made
    facts = eligibility.Facts(participant)
    overview = []
    for program in programs:
        version = criteria_current(program=program, side=participant.role)
        referral = latest.get(program.pk)
        answers = referral.answers if referral else {}
        results = eligibility.evaluate(version.criteria.all(), participant, answers, facts=facts)
        overview.append(ProgramEligibility(program, results, referral))
    return overview


# --- The home page's work lists (tandem/home/selectors.py) ----------------------------------------


def referrals_to_decide(*, user: User) -> QuerySet[Referral]:
    """Referrals waiting for a decision in the programs this person runs, oldest first."""
    from tandem.referrals.models import ReferralStatus

    return (
        Referral.objects.filter(
            program__in=programs_managed_by(user), status=ReferralStatus.SUBMITTED
        )
        .select_related("participant", "program", "referring_organization")
        .order_by("submitted_at", "pk")
    )


def referrals_returned_to(*, user: User) -> QuerySet[Referral]:
    """Referrals this person's agency made that a program sent back and that nobody has
    resubmitted or withdrawn since, newest first. `with_return_decisions` adds the reasons the
    caseworker must read to the ones shown."""
    from tandem.organizations.models import Role
    from tandem.referrals.models import ReferralStatus

    agencies = organizations_of(user, roles=[Role.CASEWORKER, Role.ORG_ADMIN])
    return (
        Referral.objects.filter(status=ReferralStatus.RETURNED)
        .filter(Q(referred_by=user) | Q(referring_organization__in=agencies))
        .order_by("-submitted_at", "-pk")
    )


def with_return_decisions(referrals: QuerySet[Referral]) -> Sequence[Referral]:
    """The referrals, each with its latest decision (`return_decision`) and its unmet criteria;
    slice before: an agency of the 50k network has hundreds returned (the home shows five)."""
    rows = list(
        referrals.select_related("participant", "program").prefetch_related(
            Prefetch(
                "decisions",
                ReferralDecision.objects.order_by("-decided_at", "-pk").prefetch_related(
                    Prefetch("unmet_criteria", Criterion.objects.order_by("position"))
                ),
                to_attr="decisions_newest_first",
            )
        )
    )
    for referral in rows:
        referral.return_decision = (
            referral.decisions_newest_first[0] if referral.decisions_newest_first else None
        )
    return rows


def referrals_held(user: User, organization: Organization) -> QuerySet[Referral]:
    """The caseload part a caseworker hands over when leaving (organizations/caseload.py): the
    referrals they made for this organization, or about its clients, that are still open or
    came back to be completed."""
    return Referral.objects.filter(
        referred_by=user, status__in=[*ACTIVE_STATUSES, ReferralStatus.RETURNED]
    ).filter(Q(referring_organization=organization) | Q(participant__organization=organization))


def referrals_record_section(user: User, found: ParticipantAccess) -> dict[str, Any] | None:
    """The client file's "Referrals" section (participants/record.py): the person's referrals
    this reader may see."""
    referrals = list(
        referrals_visible_to(user).filter(participant=found.participant).select_related("program")
    )
    return {"referrals": referrals} if referrals else None
