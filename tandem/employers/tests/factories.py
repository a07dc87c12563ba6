"""Employer partners, recruited mentors and workplace activities for tests and the URL walks."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tandem.core.tests.cast import Side, make_member, make_organization
from tandem.employers.models import ActivityStatus, WorkplaceActivity, WorkplaceTerms
from tandem.mentorships.models import Mentorship
from tandem.organizations.models import (
    Organization,
    OrganizationType,
    Partnership,
    PartnershipKind,
    Role,
)


def make_partner(side: Side, slug: str = "") -> Organization:
    """An employer partner of `side`'s organization, with an employer-partner member."""
    employer = make_organization(
        slug or f"employer-of-{side.organization.slug}", OrganizationType.EMPLOYER
    )
    Partnership.objects.create(
        organization=side.organization, partner=employer, kind=PartnershipKind.EMPLOYER
    )
    return employer


def hosting(mentorship: Mentorship, partner: Organization | None = None) -> None:
    """The pair's mentor was recruited by `partner` and can host workplace activities."""
    mentor = mentorship.mentor
    if partner is not None:
        mentor.recruited_by = partner
        mentor.save(update_fields=["recruited_by"])
    WorkplaceTerms.objects.update_or_create(
        participant=mentor, defaults={"hosts_activities": True, "mentors_in_work_hours": True}
    )


def outsider_records(side: Side) -> dict[str, Any]:
    """An employer partner of `side` (its member is `side.employer_user`), the side's
    mentorship's mentor recruited by it, and a workplace activity of that pair."""
    cached = getattr(side, "_employer_records", None)
    if cached is not None:
        return cached
    from tandem.core.tests.url_arguments import matching_records

    partner = make_partner(side)
    side.employer_user = make_member(partner, Role.EMPLOYER_PARTNER)  # type: ignore[attr-defined]
    mentorship = matching_records(side)["mentorship"]
    hosting(mentorship, partner)
    activity = WorkplaceActivity.objects.create(
        mentorship=mentorship,
        kind="job_shadowing",
        status=ActivityStatus.OFFERED,
        planned_on=timezone.localdate() + timedelta(days=7),
        host=partner,
    )
    # The employer's own program, run by its member (named on it): the lead agency's staff of
    # `side` may offer help on it; the member answers.
    from tandem.programs.models import ProgramType
    from tandem.programs.tests.factories import make_program

    hosted = make_program(
        partner,
        side.employer_user,  # type: ignore[attr-defined]
        slug=f"hosted-{partner.slug}",
        kind=ProgramType.EMPLOYER_HOSTED,
        m2m={"staff": [side.employer_user]},  # type: ignore[attr-defined]
    )
    records = {"partner": partner, "activity": activity, "hosted": hosted}
    side._employer_records = records  # type: ignore[attr-defined]
    return records
