from typing import Any

from django.db.models import Count, Q, QuerySet

from tandem.accounts.models import User
from tandem.participants.access import ParticipantAccess
from tandem.programs.access import programs_visible_to
from tandem.programs.models import CriteriaVersion, Enrolment, OrientationSession, Program


def program_list(*, user: User) -> QuerySet[Program]:
    return (
        programs_visible_to(user)
        .select_related("organization", "parent")
        .annotate(
            enrolled=Count("enrolments", distinct=True),
            waiting=Count("referrals", filter=Q(referrals__status="submitted"), distinct=True),
        )
        .order_by("name_en")
    )


def criteria_versions(*, program: Program, side: str) -> QuerySet[CriteriaVersion]:
    return (
        CriteriaVersion.objects.filter(program=program, side=side)
        .select_related("published_by")
        .annotate(decision_count=Count("decisions"))
        .order_by("-number")
    )


def enrolment_list(*, program: Program) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(program=program)
        .select_related("participant", "participant__organization")
        .order_by("side", "participant__family_name", "participant__given_name")
    )


def session_list(*, program: Program) -> QuerySet[OrientationSession]:
    return (
        OrientationSession.objects.filter(program=program)
        .select_related("location")
        .annotate(attendee_count=Count("attendances"))
        .order_by("-starts_at")
    )


def public_programs() -> QuerySet[Program]:
    return (
        Program.objects.filter(is_active=True, organization__is_active=True)
        .filter(Q(accepts_self_referrals=True) | Q(accepts_mentor_applications=True))
        .select_related("organization")
        .order_by("name_en")
    )


def program_team(*, program):
    """People named on the program, with the organizations where they hold an active role."""
    from django.db.models import Prefetch

    from tandem.organizations.models import Membership

    return program.staff.prefetch_related(
        Prefetch(
            "memberships",
            Membership.objects.filter(is_active=True).select_related("organization"),
            to_attr="active_memberships",
        )
    ).order_by("last_name", "first_name")


def program_team_invitations(*, program):
    return program.invitations.filter(
        kind="program_team", accepted_at__isnull=True, withdrawn_at__isnull=True
    ).order_by("email")


def enrolments_record_section(user: User, found: ParticipantAccess) -> dict[str, Any] | None:
    """The client file's "Programs" section (participants/record.py): the enrolments this
    reader may see, each with where the person stands (in a mentorship, ended, ready)."""
    from tandem.participants.selectors import enrolments_with_state
    from tandem.programs.access import enrolments_visible_to

    enrolments = enrolments_with_state(
        participant=found.participant,
        enrolments=enrolments_visible_to(user, found.participant).select_related("program"),
    )
    return {"enrolments": enrolments} if enrolments else None
