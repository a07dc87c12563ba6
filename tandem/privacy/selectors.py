"""Privacy reads: the view log for a person or an office, the people of an account."""

from dataclasses import dataclass

from django.db.models import Count, F, QuerySet

from tandem.accounts.models import User
from tandem.core import retention
from tandem.organizations.access import active_memberships
from tandem.organizations.models import Membership, Organization, Role
from tandem.participants.models import Participant
from tandem.privacy.models import (
    Incident,
    LegalHold,
    PrivacyRequest,
    PrivacySettings,
    Purpose,
    RecordView,
    RetentionPeriod,
    Retired,
)

LOG_PAGE = 200  # the newest views shown on a page


def records_of(user: User) -> QuerySet[Participant]:
    """A person's own records, in every organization that holds one."""
    return Participant.objects.filter(user=user).select_related("organization")


@dataclass(frozen=True)
class PrivacyDesk:
    """Where a member of an organization turns about privacy at work."""

    organization: Organization
    officer: User | None  # named by the organization's admins
    acting: list[User]  # the admins, who act while no officer is named
    runs_it: bool  # this person is its privacy officer: the office's pages are theirs


def desks_of(user: User, offices: QuerySet[Organization]) -> list[PrivacyDesk]:
    """The privacy office of each organization this person works in (`offices`: those they
    run, from `access.offices_of`), so that staff know whom to tell and where consent and
    requests are recorded, even with no record of their own."""
    memberships = active_memberships(user).select_related("organization")
    organizations = {m.organization_id: m.organization for m in memberships}
    running = set(offices.filter(pk__in=organizations).values_list("pk", flat=True))
    officers = {
        s.organization_id: s.officer
        for s in PrivacySettings.objects.filter(
            organization__in=organizations, officer__isnull=False
        ).select_related("officer")
    }
    admins: dict[int, list[User]] = {}
    for membership in (
        Membership.objects.filter(
            organization__in=organizations, role=Role.ORG_ADMIN, is_active=True
        )
        .select_related("user")
        .order_by("user__email")
    ):
        admins.setdefault(membership.organization_id, []).append(membership.user)
    return [
        PrivacyDesk(
            organization=organization,
            officer=officers.get(pk),
            acting=[] if pk in officers else admins.get(pk, []),
            runs_it=pk in running,
        )
        for pk, organization in sorted(organizations.items(), key=lambda o: o[1].name)
    ]


def views_of(participants: QuerySet[Participant] | list[Participant]) -> QuerySet[RecordView]:
    return RecordView.objects.filter(participant__in=participants).select_related(
        "viewer", "organization", "participant"
    )


def views_in_office(organization: Organization) -> QuerySet[RecordView]:
    """Views of the records an organization holds, by anyone."""
    return RecordView.objects.filter(participant__organization=organization).select_related(
        "viewer", "organization", "participant"
    )


def officer_of(organization: Organization) -> User | None:
    found = PrivacySettings.objects.filter(organization=organization).select_related("officer")
    settings = found.first()
    return settings.officer if settings else None


def officer_candidates(organization: Organization) -> QuerySet[User]:
    """Active members of the organization, who may be named its privacy officer."""
    members = Membership.objects.filter(organization=organization, is_active=True)
    return User.objects.filter(pk__in=members.values("user_id")).order_by("email")


def purposes() -> QuerySet[Purpose]:
    """The declared purposes' rows (core.consent.declare; created by privacy.purposes_sync)."""
    return Purpose.objects.all()


def purpose_get(code: str) -> Purpose | None:
    """Purposes are the network's, not a tenant's: any signed-in person reads their notice."""
    return Purpose.objects.filter(code=code).first()


def requests_of(
    participants: QuerySet[Participant] | list[Participant],
) -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.filter(participant__in=participants).select_related(
        "organization", "participant"
    )


def requests_in_office(organization: Organization) -> QuerySet[PrivacyRequest]:
    """The organization's requests, open ones first by due date."""
    return (
        PrivacyRequest.objects.filter(organization=organization)
        .select_related("participant")
        .order_by(F("answered_at").asc(nulls_first=True), "due_on", "-pk")[:200]
    )


def retention_of(organization: Organization) -> dict[str, int]:
    return dict(
        RetentionPeriod.objects.filter(organization=organization).values_list("kind", "months")
    )


@dataclass(frozen=True)
class KeptFor:
    """One kind of record at one organization: its period, and how many went past it."""

    kind: retention.Kind
    months: int
    is_default: bool
    anonymised: int


def retention_table(organization: Organization) -> list[KeptFor]:
    """Every registered kind (core.retention) with the organization's period or the default,
    and the count of records the sweep anonymised (privacy.Retired)."""
    set_here = retention_of(organization)
    done = dict(
        Retired.objects.filter(organization=organization)
        .values_list("kind")
        .annotate(count=Count("pk"))
        .values_list("kind", "count")
    )
    return [
        KeptFor(
            kind=kind,
            months=max(set_here.get(kind.code, kind.default_months), kind.minimum_months),
            is_default=kind.code not in set_here,
            anonymised=done.get(kind.code, 0),
        )
        for kind in retention.kinds()
    ]


def holds_of(participant: Participant) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(participant=participant, released_at__isnull=True)


def incidents_of(organization: Organization) -> QuerySet[Incident]:
    return Incident.objects.filter(organization=organization).prefetch_related("affected")
