from django.db.models import Q, QuerySet

from tandem.organizations.models import Organization
from tandem.participants.models import Participant


def participant_list(
    *, organization: Organization, role: str | None = None, query: str = ""
) -> QuerySet[Participant]:
    participants = Participant.objects.filter(organization=organization).select_related(
        "occupation"
    )
    if role:
        participants = participants.filter(role=role)
    for word in query.split():
        participants = participants.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(email__icontains=word)
            | Q(external_id__iexact=word)
        )
    return participants.order_by("family_name", "given_name")


def participants_for_export(*, organization: Organization):
    """Every participant of the organization in key order, for the CSV export: a query, so that
    the export can both name it in the view log (which reads it again) and stream it."""
    return (
        Participant.objects.filter(organization=organization)
        .order_by("external_id")
        .only(
            "external_id",
            "role",
            "given_name",
            "family_name",
            "email",
            "preferred_language",
            "languages",
            "occupation_id",
            "industry_id",
            "postal_code",
            "meeting_mode",
            "availability",
            "goals",
            "capacity",
            "clb_level",
            "years_experience",
            "employer",
        )
    )


def import_list(*, organization: Organization):
    from tandem.participants.models import ImportJob

    return ImportJob.objects.filter(organization=organization).select_related("created_by")


def enrolments_with_state(*, participant: Participant, enrolments: QuerySet) -> list:
    """The person's enrolments, each with `mentoring_state`: "active" while a mentorship of that
    program is under way, "ended" once it closed, "" before any. A person whose mentorship
    ended is no longer "ready to match" for the agency that referred her. Two queries.

    The mentorships are read through the reverse relation (the participants app comes before
    the mentorships app in the lifecycle and does not import it)."""
    related = (
        participant.mentorships_as_mentee
        if participant.role == "mentee"
        else participant.mentorships_as_mentor
    )
    states: dict[int, str] = {}
    for program_id, status in related.exclude(status="cancelled").values_list(
        "program_id", "status"
    ):
        if status in ("introduction", "active"):
            states[program_id] = "active"
        else:
            states.setdefault(program_id, "ended")
    found = list(enrolments)
    for enrolment in found:
        enrolment.mentoring_state = states.get(enrolment.program_id, "")
    return found


def participants_without_account(*, organization: Organization) -> QuerySet[Participant]:
    """People of the organization with no account yet, with their latest invitation's date."""
    from django.db.models import Max

    return (
        Participant.objects.filter(organization=organization, user__isnull=True)
        .annotate(invited_at=Max("invitations__sent_at"))
        .order_by("family_name", "given_name", "pk")
    )


def participants_to_invite(*, organization: Organization) -> QuerySet[Participant]:
    """The few columns an invitation needs, for thousands of people at once."""
    return Participant.objects.filter(organization=organization, user__isnull=True).only(
        "pk", "email", "preferred_language", "organization_id", "user_id"
    )


def account_summary(*, organization: Organization) -> dict[str, int]:
    from django.db.models import Count

    counts = Participant.objects.filter(organization=organization).aggregate(
        total=Count("pk"), with_account=Count("pk", filter=Q(user__isnull=False))
    )
    return {**counts, "without": counts["total"] - counts["with_account"]}
