"""Who sees and runs opportunities, applications and the hubs' views.

- The board is public: an *open* opportunity is read by anyone (CASE's national database).
- An opportunity is run by the people of its employer (employer partners, admins, staff), by the
  staff of the hub or job site that posted it on the employer's behalf, and by the staff of the
  provincial hub of its province.
- An application is read by the job-seeker, by their job developer (a referrer of the
  organization that holds the person's record) and by those who run the opportunity. Its
  accommodation details are read only by the person, their job developer and the people of the
  *employer itself* when the person shared them for this opportunity: a hub that runs the
  opportunity sees that something was shared, not what.
- A provincial hub's view: the hub's people and the national team (the organization the hubs
  belong to). Like a mentorship, an application grants no access to the person's client record.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.core.access import Action, accepts, one_or_404
from tandem.organizations.access import (
    network_report_roles,
    organizations_of,
    referrer_roles,
)
from tandem.organizations.models import Organization, OrganizationType, Role
from tandem.participants.models import Participant

from .models import Application, Opportunity, OpportunityStatus, SavedSearch


def employer_roles() -> set[str]:
    return {Role.EMPLOYER_PARTNER, Role.ORG_ADMIN, Role.PROGRAM_STAFF}


def hub_roles() -> set[str]:
    return {Role.PROGRAM_STAFF, Role.ORG_ADMIN, Role.NETWORK_LEADER, Role.CASEWORKER}


def employers_of(user: User) -> QuerySet[Organization]:
    """Employers whose people this person is."""
    return organizations_of(user, roles=employer_roles()).filter(kind=OrganizationType.EMPLOYER)


def hubs_of(user: User) -> QuerySet[Organization]:
    """Provincial hubs where this person works, and hubs of the national teams they belong to."""
    own = organizations_of(user, roles=hub_roles()).filter(kind=OrganizationType.PROVINCIAL_HUB)
    national = organizations_of(user, roles=network_report_roles())
    return Organization.objects.filter(
        Q(pk__in=own.values("pk")) | Q(parent__in=national),
        is_active=True,
        kind=OrganizationType.PROVINCIAL_HUB,
    )


def posting_sites_of(user: User) -> QuerySet[Organization]:
    """Hubs and affiliated job sites that post on employers' behalf: the people of a provincial
    hub or of an organization belonging to one, caseworkers included (the job developers who know
    the region's employers and post for them), and who then run what their site posted."""
    mine = organizations_of(user, roles=hub_roles())
    return mine.filter(
        Q(kind=OrganizationType.PROVINCIAL_HUB) | Q(parent__kind=OrganizationType.PROVINCIAL_HUB)
    )


def site_province(site: Organization) -> str:
    """The province a hub or job site posts for: its own, else its hub's (a job site recorded
    without one belongs to its hub's province); "" for a site of no province (the whole
    country)."""
    if site.province:
        return site.province
    parent = site.parent
    if parent is not None and parent.kind == OrganizationType.PROVINCIAL_HUB:
        return parent.province
    return ""


def opportunities_managed_by(user: User) -> QuerySet[Opportunity]:
    if user.is_platform_admin:
        return Opportunity.objects.all()
    provinces = hubs_of(user).exclude(province="").values("province")
    return Opportunity.objects.filter(
        Q(employer__in=employers_of(user))
        | Q(posted_by__in=posting_sites_of(user))
        | Q(province__in=provinces)
    )


def open_opportunities() -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(status=OpportunityStatus.OPEN)


def posted_opportunity(posting_id: int) -> Opportunity:
    """Any opportunity ever on the board, open or closed, for anyone: a link kept from the
    board or a digest must say that the opportunity closed rather than answer "not found"
    (its page then shows its title, employer and why it closed, nothing more)."""
    return one_or_404(
        Opportunity.objects.select_related(
            "employer", "occupation", "industry", "postal_area", "posted_by"
        ),
        posting_id,
    )


@dataclass(frozen=True)
class OpportunityAccess:
    opportunity: Opportunity
    can_manage: bool


@accepts(Action.VIEW, Action.MANAGE)
def access_opportunity(
    user: User, opportunity_id: int, *, action: Action = Action.VIEW
) -> OpportunityAccess:
    """`manage`: the people who run it; `view`: them, or anyone while it is open."""
    managed = opportunities_managed_by(user)
    records = managed if action is Action.MANAGE else managed | open_opportunities()
    found = one_or_404(
        records.select_related("employer", "occupation", "industry", "postal_area", "posted_by"),
        opportunity_id,
    )
    return OpportunityAccess(
        opportunity=found,
        can_manage=action is Action.MANAGE or managed.filter(pk=found.pk).exists(),
    )


def applications_of_person(user: User) -> QuerySet[Application]:
    return Application.objects.filter(participant__user=user)


def applications_of_clients(user: User) -> QuerySet[Application]:
    """Applications of the people whose record this person's organization holds, as a referrer:
    their job developer."""
    return Application.objects.filter(
        participant__organization__in=organizations_of(user, roles=referrer_roles())
    )


def applications_visible_to(user: User) -> QuerySet[Application]:
    return Application.objects.filter(
        Q(pk__in=applications_of_person(user).values("pk"))
        | Q(pk__in=applications_of_clients(user).values("pk"))
        | Q(opportunity__in=opportunities_managed_by(user))
    )


@dataclass(frozen=True)
class ApplicationAccess:
    application: Application
    is_person: bool  # the job-seeker
    is_job_developer: bool  # a referrer of the organization that holds the person's record
    is_employer: bool  # a person of the employer itself
    can_decide: bool  # runs the opportunity: accept, decline, record that it happened
    sees_accommodations: bool

    @property
    def feedback_side(self) -> str | None:
        if self.is_person or self.is_job_developer:
            return "job_seeker"
        if self.can_decide:
            return "employer"
        return None


@accepts(Action.VIEW, Action.DECIDE, Action.RESPOND)
def access_application(
    user: User, application_id: int, *, action: Action = Action.VIEW
) -> ApplicationAccess:
    """`decide`: who runs the opportunity; `respond`: the person or their job developer (give
    feedback, withdraw); `view`: any of them."""
    if action is Action.DECIDE:
        records = Application.objects.filter(opportunity__in=opportunities_managed_by(user))
    elif action is Action.RESPOND:
        records = applications_of_person(user) | applications_of_clients(user)
    else:
        records = applications_visible_to(user)
    found = one_or_404(
        records.select_related(
            "opportunity",
            "opportunity__employer",
            "opportunity__occupation",
            "participant",
            "participant__organization",
            "referred_by",
        ),
        application_id,
    )
    is_person = found.participant.user_id == user.pk
    is_job_developer = (
        organizations_of(user, roles=referrer_roles())
        .filter(pk=found.participant.organization_id)
        .exists()
    )
    is_employer = employers_of(user).filter(pk=found.opportunity.employer_id).exists()
    can_decide = opportunities_managed_by(user).filter(pk=found.opportunity_id).exists()
    return ApplicationAccess(
        application=found,
        is_person=is_person,
        is_job_developer=is_job_developer,
        is_employer=is_employer,
        can_decide=can_decide,
        sees_accommodations=is_person
        or is_job_developer
        or (is_employer and found.shares_accommodations),
    )


def access_saved_search(user: User, saved_search_id: int) -> SavedSearch:
    return one_or_404(SavedSearch.objects.filter(user=user), saved_search_id)


# --- Employers, hubs and the national view --------------------------------------------------


def employers_visible_to(user: User) -> QuerySet[Organization]:
    """Employer pages: the employer's people, hubs of its province, sites that post for it."""
    employers = Organization.objects.filter(kind=OrganizationType.EMPLOYER, is_active=True)
    if user.is_platform_admin:
        return employers
    provinces = hubs_of(user).exclude(province="").values("province")
    posted = Opportunity.objects.filter(
        Q(posted_by__in=posting_sites_of(user)) | Q(province__in=provinces)
    )
    return employers.filter(
        Q(pk__in=employers_of(user).values("pk"))
        | Q(province__in=provinces)
        | Q(pk__in=posted.values("employer_id"))
    )


def access_employer(user: User, employer_id: int) -> Organization:
    return one_or_404(employers_visible_to(user), employer_id)


def can_open_employer_page(user: User, organization: Organization) -> bool:
    """For a link from another page of this organization (the employers app's partner page):
    only when it is an employer whose opportunities page this person opens."""
    return employers_visible_to(user).filter(pk=organization.pk).exists()


def access_hub(user: User, hub_id: int) -> Organization:
    hubs = Organization.objects.filter(kind=OrganizationType.PROVINCIAL_HUB, is_active=True)
    if not user.is_platform_admin:
        hubs = hubs.filter(pk__in=hubs_of(user).values("pk"))
    return one_or_404(hubs.select_related("parent"), hub_id)


def national_teams_of(user: User) -> QuerySet[Organization]:
    """Organizations that provincial hubs belong to, where this person reads network figures."""
    teams = Organization.objects.filter(
        is_active=True, members_of_network__kind=OrganizationType.PROVINCIAL_HUB
    ).distinct()
    if user.is_platform_admin:
        return teams
    return teams.filter(pk__in=organizations_of(user, roles=network_report_roles()).values("pk"))


def access_national(user: User, network_slug: str) -> Organization:
    return one_or_404(national_teams_of(user), network_slug, field="slug")


def clients_referable_by(user: User) -> QuerySet[Participant]:
    """Job-seekers this person may refer: mentees whose record their organization holds, as a
    referrer."""
    return Participant.objects.filter(
        organization__in=organizations_of(user, roles=referrer_roles()),
        role="mentee",
    )


def own_records(user: User) -> QuerySet[Participant]:
    return Participant.objects.filter(user=user, role="mentee")


def people_who_may_apply(user: User) -> QuerySet[Participant]:
    """The person's own job-seeker records, and the clients they may refer as a job developer."""
    return (
        Participant.objects.filter(
            Q(pk__in=own_records(user).values("pk"))
            | Q(pk__in=clients_referable_by(user).values("pk"))
        )
        .select_related("organization")
        .order_by("family_name", "given_name")
    )


def employers_postable_by(user: User) -> QuerySet[Organization]:
    """Employers this person may post for: their own, and, for the people of a hub or of one of
    its job sites, the employers of the site's province (`site_province`; any employer for a
    site of no province)."""
    employers = Organization.objects.filter(kind=OrganizationType.EMPLOYER, is_active=True)
    if user.is_platform_admin:
        return employers
    provinces = {site_province(site) for site in posting_sites_of(user).select_related("parent")}
    by_site = Q() if "" in provinces else Q(province__in=provinces)
    if not provinces:
        by_site = Q(pk__in=[])
    return employers.filter(Q(pk__in=employers_of(user).values("pk")) | by_site).order_by("name_en")


def posting_site_for(user: User, employer: Organization) -> Organization | None:
    """None when the person posts as one of the employer's people; else the hub or job site
    they post through, one whose province is the employer's when they have several (recorded
    on the opportunity: its people run it)."""
    if employers_of(user).filter(pk=employer.pk).exists():
        return None
    sites = sorted(
        posting_sites_of(user).select_related("parent"),
        key=lambda site: (
            site_province(site) != employer.province,
            site_province(site) != "",
            site.pk,
        ),
    )
    return sites[0] if sites else None


def saved_searches_of(user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user)


def hubs_of_team(team: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(
        parent=team, kind=OrganizationType.PROVINCIAL_HUB, is_active=True
    ).order_by("province", "name_en")
