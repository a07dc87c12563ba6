"""Programs, criteria and referrals for tests, built through the services."""

from typing import Any

from tandem.core.tests.cast import Side
from tandem.organizations.models import Organization
from tandem.participants.models import ImportJob, Participant, Resume
from tandem.programs import services
from tandem.programs.models import CriterionKind, OrientationSession, Program, SessionKind

CMP_MENTEE_CRITERIA = [
    {
        "kind": CriterionKind.IMMIGRATION_STATUS,
        "statuses": ["permanent_resident", "convention_refugee"],
    },
    {"kind": CriterionKind.INTERNATIONALLY_EDUCATED},
    {"kind": CriterionKind.CLB_AT_LEAST, "number": 5},
    {"kind": CriterionKind.PROVINCE, "provinces": ["ON"]},
    {"kind": CriterionKind.JOB_SEARCH_WORKSHOP},
]


def make_program(
    organization: Organization, actor, *, slug: str | None = None, **fields: Any
) -> Program:
    slug = slug or f"program-{organization.slug}-{Program.objects.count() + 1}"
    defaults = {"name_en": f"Program {slug}", "name_fr": f"Programme {slug}", "kind": "open_access"}
    return services.program_create(
        actor=actor, organization=organization, slug=slug, **{**defaults, **fields}
    )


def qualified_mentee_fields() -> dict[str, Any]:
    return {
        "immigration_status": "permanent_resident",
        "is_internationally_educated": True,
        "clb_level": 7,
        "province": "ON",
        "completed_job_search_workshop": True,
    }


def outsider_records(side: Side) -> dict[str, Any]:
    cached = getattr(side, "_records", None)
    if cached is not None:
        return cached
    from tandem.referrals.services import referral_decide, referral_submit

    program = make_program(side.organization, side.staff)
    mentee: Participant = side.mentee
    referral = referral_submit(
        actor=side.caseworker,
        participant=mentee,
        program=program,
        note="Ready",
        answers={},
        has_consent=True,
    )
    referral_decide(
        actor=side.staff, referral=referral, outcome="accepted", unmet_criteria=[], note=""
    )
    from django.utils import timezone

    session = OrientationSession.objects.create(
        program=program, kind=SessionKind.MENTEE_ORIENTATION, starts_at=timezone.now()
    )
    # Only a name: access is refused before the file would be opened.
    resume = Resume.objects.create(
        participant=mentee,
        file="resumes/none.pdf",
        original_name="cv.pdf",
        content_type="application/pdf",
        size=10,
    )
    job = ImportJob.objects.create(
        organization=side.organization, file="imports/none.csv", original_name="x.csv"
    )
    records = {
        "program": program,
        "referral": referral,
        "enrolment": mentee.enrolments.get(program=program),
        "session": session,
        "resume": resume,
        "import_job": job,
    }
    side._records = records  # type: ignore[attr-defined]
    return records
