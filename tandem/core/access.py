"""Who may see or change what: the one place in Tandem that decides.

Every view declares a `Rule` with the `@rule(...)` decorator, and views that show a record fetch
it through an `access_*` function below, never with a bare `objects.get`. A record that is
missing and a record the person may not see give the same 404, so that nobody can learn that
another organization's record exists. `tests/test_url_access.py` walks every URL pattern and
fails on any pattern without a declared rule.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, get_resolver

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.matching.models import Proposal, ProposalRun
    from tandem.mentorships.models import Mentorship
    from tandem.organizations.models import Organization
    from tandem.participants.models import ImportJob, Participant, Resume
    from tandem.programs.models import Enrolment, OrientationSession, Program
    from tandem.referrals.models import Referral


class Audience(StrEnum):
    PUBLIC = "public"  # anyone, signed in or not
    SIGNED_IN = "signed_in"  # any signed-in person; the page shows only what is theirs
    SCOPED = "scoped"  # a record named in the URL: outsiders get 404
    PLATFORM_ADMIN = "platform_admin"  # the people who run the network


@dataclass(frozen=True)
class Rule:
    audience: Audience
    # URL keyword arguments that name a tenant record (checked by an access_* function).
    objects: tuple[str, ...] = ()
    methods: tuple[str, ...] = ("GET",)


def rule(
    audience: Audience, *, objects: Iterable[str] = (), methods: Iterable[str] = ("GET",)
) -> Callable:
    """Declares who may reach a view; enforces sign-in, admin-only and allowed methods."""
    declared = Rule(
        audience=audience, objects=tuple(objects), methods=tuple(m.upper() for m in methods)
    )
    allowed = set(declared.methods) | ({"HEAD"} if "GET" in declared.methods else set())

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                return HttpResponseNotAllowed(sorted(allowed))
            if audience is not Audience.PUBLIC and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if audience is Audience.PLATFORM_ADMIN and not request.user.is_platform_admin:
                raise Http404
            return view(request, *args, **kwargs)

        guarded.access_rule = declared  # type: ignore[attr-defined]
        return guarded

    return decorate


# Rules for views that Tandem mounts but did not write (allauth, the admin, Django's i18n).
# Keys are URL names, or a namespace followed by ":" for every URL of that namespace.
EXTERNAL_RULES: dict[str, Rule] = {
    "admin:": Rule(Audience.PLATFORM_ADMIN),
    **{
        name: Rule(Audience.PUBLIC)
        for name in [
            "account_login",
            "account_signup",
            "account_logout",
            "account_confirm_email",
            "account_email_verification_sent",
            "account_inactive",
            "account_reset_password",
            "account_reset_password_done",
            "account_reset_password_from_key",
            "account_reset_password_from_key_done",
            "account_login_code_confirm",
            "account_request_login_code",
            "account_confirm_login_code",
            "account_confirm_password_reset_code",
            "account_password_reset_code",
            "mfa_authenticate",
            "mfa_trust",
            "javascript-catalog",
        ]
    },
    **{
        name: Rule(Audience.SIGNED_IN, methods=("GET", "POST"))
        for name in [
            "account_email",
            "account_change_password",
            "account_set_password",
            "account_reauthenticate",
            "mfa_index",
            "mfa_reauthenticate",
            "mfa_activate_totp",
            "mfa_deactivate_totp",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
        ]
    },
}


def declared_rule(pattern_name: str | None, namespace: str, callback: Callable) -> Rule | None:
    """The rule that governs one URL pattern, or None if nobody declared one."""
    own = getattr(callback, "access_rule", None)
    if own is not None:
        return own
    if namespace and f"{namespace}:" in EXTERNAL_RULES:
        return EXTERNAL_RULES[f"{namespace}:"]
    qualified = f"{namespace}:{pattern_name}" if namespace else pattern_name
    return EXTERNAL_RULES.get(qualified or "")


@dataclass(frozen=True)
class Route:
    """One URL pattern, flattened out of the resolver tree."""

    regex: str
    name: str | None
    namespace: str
    callback: Callable
    kwargs: tuple[str, ...]

    @property
    def rule(self) -> Rule | None:
        return declared_rule(self.name, self.namespace, self.callback)


def all_routes(urlconf: str | None = None) -> list[Route]:
    routes: list[Route] = []

    def walk(patterns: Iterable, prefix: str, namespace: str, kwargs: tuple[str, ...]) -> None:
        for entry in patterns:
            regex = prefix + str(entry.pattern.regex.pattern).lstrip("^")
            found = tuple(entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                inner = ":".join(p for p in (namespace, entry.namespace or "") if p)
                walk(entry.url_patterns, regex, inner, kwargs + found)
            elif isinstance(entry, URLPattern):
                routes.append(Route(regex, entry.name, namespace, entry.callback, kwargs + found))

    walk(get_resolver(urlconf).url_patterns, "", "", ())
    return routes


def routes_without_rule(urlconf: str | None = None) -> list[Route]:
    return [route for route in all_routes(urlconf) if route.rule is None]


# --- Roles -----------------------------------------------------------------------------------


def _roles():
    from tandem.organizations.models import Role

    return Role


def client_record_roles() -> set[str]:
    """Roles whose holders open a client's record (and so must use a second factor)."""
    Role = _roles()
    return {Role.PROGRAM_STAFF, Role.CASEWORKER, Role.ORG_ADMIN}


def active_memberships(user: "User") -> QuerySet:
    from tandem.organizations.models import Membership

    return Membership.objects.filter(user=user, is_active=True, organization__is_active=True)


def requires_second_factor(user: "User") -> bool:
    return (
        user.is_platform_admin
        or active_memberships(user).filter(role__in=client_record_roles()).exists()
    )


def organizations_of(
    user: "User", *, roles: Iterable[str] | None = None
) -> QuerySet["Organization"]:
    from tandem.organizations.models import Organization

    memberships = active_memberships(user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return Organization.objects.filter(pk__in=memberships.values("organization_id"))


# --- Organizations ---------------------------------------------------------------------------


def access_organization(user: "User", slug: str, *, action: str = "view") -> "Organization":
    """An organization's workspace: its members see it, its admins manage it."""
    from tandem.organizations.models import Organization, Role

    organizations = Organization.objects.filter(is_active=True)
    if not user.is_platform_admin:
        roles = [Role.ORG_ADMIN] if action == "manage" else None
        organizations = organizations.filter(
            pk__in=organizations_of(user, roles=roles).values("pk")
        )
    found = organizations.filter(slug=slug).first()
    if found is None:
        raise Http404
    return found


# --- Participants (client records) -----------------------------------------------------------


def participants_visible_to(user: "User") -> QuerySet["Participant"]:
    """Client records this person may open.

    Staff of the organization that holds the record (program staff, caseworkers, admins) and the
    person themself. Funders, employer partners and network leaders never see a person's record.
    """
    from tandem.participants.models import Participant

    if user.is_platform_admin:
        return Participant.objects.all()
    holders = organizations_of(user, roles=client_record_roles())
    return Participant.objects.filter(
        Q(organization__in=holders)
        | Q(user=user)
        # A client with an active referral: the referring caseworker and the program's staff.
        | Q(pk__in=_actively_referred_participants(user))
    )


def can_manage_participants(user: "User", organization: "Organization") -> bool:
    return (
        user.is_platform_admin
        or organizations_of(user, roles=client_record_roles()).filter(pk=organization.pk).exists()
    )


def access_participant(user: "User", participant_id: int, *, action: str = "view") -> "Participant":
    participants = participants_visible_to(user)
    if action == "change" and not user.is_platform_admin:
        participants = participants.filter(
            organization__in=organizations_of(user, roles=client_record_roles())
        )
    found = (
        participants.select_related("organization", "occupation", "industry")
        .filter(pk=participant_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- Programs --------------------------------------------------------------------------------


def program_manager_roles() -> set[str]:
    Role = _roles()
    return {Role.PROGRAM_STAFF, Role.ORG_ADMIN}


def referrer_roles() -> set[str]:
    Role = _roles()
    return {Role.CASEWORKER, Role.PROGRAM_STAFF, Role.ORG_ADMIN}


def programs_managed_by(user: "User") -> QuerySet["Program"]:
    """Programs this person runs: program staff and admins of the operating organization, and
    the staff named on the program."""
    from tandem.programs.models import Program

    if user.is_platform_admin:
        return Program.objects.all()
    managers = organizations_of(user, roles=program_manager_roles())
    return Program.objects.filter(
        Q(organization__in=managers, organization__is_active=True)
        | Q(pk__in=Program.staff.through.objects.filter(user=user).values("program_id"))
    )


def programs_open_to_referrals_from(organizations: QuerySet["Organization"]) -> QuerySet["Program"]:
    """Active programs that staff of these organizations may refer clients to: those naming
    the organization as a referring partner, or, when a program names none, every
    service-delivery partner of the operating organization, and the organization's own."""
    from tandem.organizations.models import Partnership, PartnershipKind
    from tandem.programs.models import Program

    named = Program.referring_partners.through.objects.filter(organization__in=organizations)
    partner_of = Partnership.objects.filter(
        partner__in=organizations, kind=PartnershipKind.SERVICE_DELIVERY
    ).values("organization_id")
    unnamed = Program.objects.filter(referring_partners__isnull=True, organization__in=partner_of)
    return Program.objects.filter(is_active=True, organization__is_active=True).filter(
        Q(pk__in=named.values("program_id"))
        | Q(pk__in=unnamed.values("pk"))
        | Q(organization__in=organizations)
    )


def programs_visible_to(user: "User") -> QuerySet["Program"]:
    from tandem.programs.models import Program

    if user.is_platform_admin:
        return Program.objects.all()
    referrers = organizations_of(user, roles=referrer_roles())
    return Program.objects.filter(
        Q(pk__in=programs_managed_by(user).values("pk"))
        | Q(pk__in=programs_open_to_referrals_from(referrers).values("pk"))
    )


def can_manage_program(user: "User", program: "Program") -> bool:
    return programs_managed_by(user).filter(pk=program.pk).exists()


def access_program(user: "User", program_id: int, *, action: str = "view") -> "Program":
    programs = programs_managed_by(user) if action == "manage" else programs_visible_to(user)
    found = programs.select_related("organization", "parent").filter(pk=program_id).first()
    if found is None:
        raise Http404
    return found


def access_public_program(slug: str, *, kind: str = "self_referral") -> "Program":
    """A program's public application form: active and accepting this kind of application."""
    from tandem.programs.models import Program

    programs = Program.objects.filter(is_active=True, organization__is_active=True)
    if kind == "mentor":
        programs = programs.filter(accepts_mentor_applications=True)
    elif kind == "self_referral":
        programs = programs.filter(accepts_self_referrals=True)
    found = programs.select_related("organization").filter(slug=slug).first()
    if found is None:
        raise Http404
    return found


def access_enrolment(user: "User", enrolment_id: int, *, action: str = "view") -> "Enrolment":
    """Intake records: the program's staff manage them; the person's agency may read them."""
    from tandem.programs.models import Enrolment

    enrolments = Enrolment.objects.filter(program__in=programs_managed_by(user))
    if action == "view":
        enrolments = enrolments | Enrolment.objects.filter(
            participant__in=participants_visible_to(user)
        )
    found = (
        enrolments.select_related("program", "participant", "participant__organization")
        .filter(pk=enrolment_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def access_session(user: "User", session_id: int) -> "OrientationSession":
    from tandem.programs.models import OrientationSession

    found = (
        OrientationSession.objects.filter(program__in=programs_managed_by(user))
        .select_related("program", "location")
        .filter(pk=session_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- Referrals -------------------------------------------------------------------------------


def _actively_referred_participants(user: "User") -> QuerySet:
    """Ids of clients with a submitted or accepted referral this person made or must decide."""
    from tandem.referrals.models import ACTIVE_STATUSES, Referral

    return (
        Referral.objects.filter(status__in=ACTIVE_STATUSES)
        .filter(Q(referred_by=user) | Q(program__in=programs_managed_by(user)))
        .values("participant_id")
    )


def referrals_visible_to(user: "User") -> QuerySet["Referral"]:
    """Referrals of clients this person's organization holds or made, and referrals to the
    programs this person runs (whatever their status, so that decisions stay on record)."""
    from tandem.referrals.models import Referral

    if user.is_platform_admin:
        return Referral.objects.all()
    holders = organizations_of(user, roles=client_record_roles())
    return Referral.objects.filter(
        Q(participant__organization__in=holders)
        | Q(referring_organization__in=holders)
        | Q(referred_by=user)
        | Q(program__in=programs_managed_by(user))
    )


def access_referral(user: "User", referral_id: int, *, action: str = "view") -> "Referral":
    """`decide`: the program's staff; `resubmit`: the referring side; `view`: both."""
    from tandem.referrals.models import Referral

    if action == "decide":
        referrals = Referral.objects.filter(program__in=programs_managed_by(user))
    elif action == "resubmit":
        holders = organizations_of(user, roles=referrer_roles())
        referrals = Referral.objects.filter(
            Q(referred_by=user)
            | Q(referring_organization__in=holders)
            | Q(participant__organization__in=holders)
        )
        if user.is_platform_admin:
            referrals = Referral.objects.all()
    else:
        referrals = referrals_visible_to(user)
    found = (
        referrals.select_related(
            "participant", "participant__organization", "program", "program__organization"
        )
        .filter(pk=referral_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- Accommodations, résumés and imports -----------------------------------------------------


def can_see_accommodations(user: "User", participant: "Participant") -> bool:
    """The person, their agency's staff, and, with the person's agreement, the staff of a
    program that accepted them. Not the caseworker of another agency, nor funders or mentors."""
    if user.is_platform_admin or participant.user_id == user.pk:
        return True
    if (
        organizations_of(user, roles=client_record_roles())
        .filter(pk=participant.organization_id)
        .exists()
    ):
        return True
    shared = getattr(getattr(participant, "accommodation", None), "share_with_programs", False)
    return shared and participant.enrolments.filter(program__in=programs_managed_by(user)).exists()


def access_resume(user: "User", resume_id: int) -> "Resume":
    """Résumés go to whoever may open the person's record, nobody else."""
    from tandem.participants.models import Resume

    found = (
        Resume.objects.filter(participant__in=participants_visible_to(user))
        .select_related("participant")
        .filter(pk=resume_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def access_import_job(user: "User", import_id: int) -> "ImportJob":
    from tandem.participants.models import ImportJob

    jobs = ImportJob.objects.all()
    if not user.is_platform_admin:
        jobs = jobs.filter(organization__in=organizations_of(user, roles=client_record_roles()))
    found = jobs.select_related("organization").filter(pk=import_id).first()
    if found is None:
        raise Http404
    return found


# --- Events (tandem/events) ------------------------------------------------------------------


def events_visible_to(user: "User") -> QuerySet:
    """Events of the programs this person runs; for a participant, the events they were invited
    to and the open events of the programs they are enrolled in."""
    from tandem.events.models import Event

    own = user.participant_records.all()
    return Event.objects.filter(
        Q(program__in=programs_managed_by(user))
        | Q(participations__participant__in=own)
        | Q(is_open=True, program__enrolments__participant__in=own)
    ).distinct()


def access_event(user: "User", event_id: int, *, action: str = "view"):
    """`manage`: the program's staff; `view`: staff, invited people, enrolled people (open)."""
    from tandem.events.models import Event

    if action == "manage":
        events = Event.objects.filter(program__in=programs_managed_by(user))
    else:
        events = Event.objects.filter(pk__in=events_visible_to(user).values("pk"))
    found = events.select_related("program", "program__organization").filter(pk=event_id).first()
    if found is None:
        raise Http404
    return found


# --- Matching desk (tandem/matching) ---------------------------------------------------------


def access_program_desk(user: "User", program_id: int) -> "Program":
    """A program's matching desk: only the people who run the program."""
    found = (
        programs_managed_by(user)
        .select_related("organization")
        .filter(pk=program_id, is_active=True)
        .first()
    )
    if found is None:
        raise Http404
    return found


def access_desk_person(user: "User", program: "Program", participant_id: int) -> "Participant":
    """A person of the desk's pool: taken in by the program (already checked with
    access_program_desk); an enrolment beside a returned referral is not enough."""
    from tandem.participants.models import Participant
    from tandem.programs.models import Enrolment

    admitted = Enrolment.objects.filter(program=program).admitted()
    found = (
        Participant.objects.filter(pk=participant_id, enrolments__in=admitted)
        .select_related("organization", "occupation", "industry")
        .first()
    )
    if found is None:
        raise Http404
    return found


def access_proposal_run(user: "User", run_id: int) -> "ProposalRun":
    from tandem.matching.models import ProposalRun

    found = (
        ProposalRun.objects.filter(program__in=programs_managed_by(user))
        .select_related("program")
        .filter(pk=run_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def proposals_of_person(user: "User") -> QuerySet["Proposal"]:
    """Published proposals that name this person as mentor or mentee (never drafts)."""
    from tandem.matching.models import Proposal, ProposalStatus

    return Proposal.objects.exclude(status=ProposalStatus.DRAFT).filter(
        Q(mentee__user=user) | Q(mentor__user=user)
    )


def access_proposal(user: "User", proposal_id: int, *, action: str = "view") -> "Proposal":
    """`manage`: the program's staff; `respond`: the mentor or the mentee; `view`: either.

    Drafts are seen by the program's staff only: nobody else learns of a pair before it is
    published."""
    from tandem.matching.models import Proposal

    managed = Proposal.objects.filter(program__in=programs_managed_by(user))
    if action == "manage":
        proposals = managed
    elif action == "respond":
        proposals = proposals_of_person(user)
    else:
        proposals = managed | proposals_of_person(user)
    found = (
        proposals.select_related(
            "program",
            "program__organization",
            "mentee",
            "mentor",
            "mentee__occupation",
            "mentor__occupation",
        )
        .filter(pk=proposal_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def mentorships_of_person(user: "User") -> QuerySet["Mentorship"]:
    from tandem.mentorships.models import Mentorship

    return Mentorship.objects.filter(Q(mentee__user=user) | Q(mentor__user=user))


def access_mentorship(user: "User", mentorship_id: int, *, action: str = "view") -> "Mentorship":
    """`manage`: the program's staff; `take_part`: the mentor or the mentee; `view`: either."""
    from tandem.mentorships.models import Mentorship

    managed = Mentorship.objects.filter(program__in=programs_managed_by(user))
    if action == "manage":
        mentorships = managed
    elif action == "take_part":
        mentorships = mentorships_of_person(user)
    else:
        mentorships = managed | mentorships_of_person(user)
    found = (
        mentorships.select_related("program", "program__organization", "mentee", "mentor")
        .filter(pk=mentorship_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- Mentoring, closure and outcomes (tandem/meetings, tandem/outcomes) -----------------------


def mentoring_visible_to(user: "User") -> QuerySet:
    """Mentorships whose page this person may open: the mentor, the mentee, and the staff of the
    program. Not the agency that referred the mentee, not funders, not employer partners: the
    page holds meeting notes and shared documents."""
    from tandem.mentorships.models import Mentorship

    if user.is_platform_admin:
        return Mentorship.objects.all()
    return Mentorship.objects.filter(
        Q(program__in=programs_managed_by(user)) | Q(mentor__user=user) | Q(mentee__user=user)
    )


def access_mentoring(user: "User", mentorship_id: int, *, action: str = "view"):
    """`view` and `log` (meetings, documents): the pair and the program's staff; `manage`
    (check-ins, case meetings, closure): the program's staff only."""
    from tandem.mentorships.models import Mentorship

    if action == "manage":
        mentorships = Mentorship.objects.filter(program__in=programs_managed_by(user))
    else:
        mentorships = mentoring_visible_to(user)
    found = (
        mentorships.select_related(
            "program",
            "program__organization",
            "mentor",
            "mentee",
            "mentor__user",
            "mentee__user",
        )
        .filter(pk=mentorship_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def access_shared_document(user: "User", document_id: int):
    from tandem.meetings.models import SharedDocument

    found = (
        SharedDocument.objects.filter(mentorship__in=mentoring_visible_to(user))
        .filter(pk=document_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def access_outcome_person(user: "User", participant_id: int, *, action: str = "view"):
    """A person's employment outcome history and consent: the person, and the staff of a
    program in which they had a mentorship."""
    from tandem.participants.models import Participant

    people = Participant.objects.filter(
        Q(mentorships_as_mentee__program__in=programs_managed_by(user))
        | Q(mentorships_as_mentor__program__in=programs_managed_by(user))
    )
    if action == "view" or action == "consent":
        people = people | Participant.objects.filter(user=user)
    if user.is_platform_admin:
        people = Participant.objects.all()
    found = people.distinct().filter(pk=participant_id).first()
    if found is None:
        raise Http404
    return found


# --- end of lifecycle access ---


# --- Reports (tandem/reports) ----------------------------------------------------------------


def network_report_roles() -> set[str]:
    Role = _roles()
    return {Role.PROGRAM_STAFF, Role.ORG_ADMIN, Role.NETWORK_LEADER}


def networks_led_by(user: "User") -> QuerySet["Organization"]:
    """Lead agencies whose network dashboard this person sees: their staff, admins and network
    leaders."""
    from tandem.organizations.models import Organization, OrganizationType

    leads = Organization.objects.filter(is_active=True, kind=OrganizationType.LEAD_AGENCY)
    if user.is_platform_admin:
        return leads
    return leads.filter(pk__in=organizations_of(user, roles=network_report_roles()).values("pk"))


def networks_funded_by(user: "User") -> QuerySet["Organization"]:
    """Organizations whose aggregate report this person may read as a funder: those with a
    funding partnership with an organization where the person holds the funder role."""
    from tandem.organizations.models import Organization, Partnership, PartnershipKind, Role

    funders = organizations_of(user, roles=[Role.FUNDER])
    funded = Partnership.objects.filter(kind=PartnershipKind.FUNDING, partner__in=funders)
    return Organization.objects.filter(is_active=True, pk__in=funded.values("organization_id"))


def programs_reported_to(user: "User") -> QuerySet["Program"]:
    """Programs whose staff dashboard (person counts, unsuppressed) this person may open: those
    they run, and the programs of networks they lead."""
    from tandem.programs.models import Program
    from tandem.reports.selectors import network_programs

    if user.is_platform_admin:
        return Program.objects.all()
    ids = Q(pk__in=programs_managed_by(user).values("pk"))
    for lead in networks_led_by(user):
        ids |= Q(pk__in=network_programs(lead).values("pk"))
    return Program.objects.filter(ids)


def access_program_reports(user: "User", program_id: int) -> "Program":
    found = programs_reported_to(user).select_related("organization").filter(pk=program_id).first()
    if found is None:
        raise Http404
    return found


def access_network_reports(user: "User", org_slug: str) -> "Organization":
    found = networks_led_by(user).filter(slug=org_slug).first()
    if found is None:
        raise Http404
    return found


def access_funder_reports(user: "User", org_slug: str) -> "Organization":
    """The aggregate (suppressed) report of a network: its funders, and its own leaders, who
    check what the funder will read before sending it."""
    found = (networks_funded_by(user) | networks_led_by(user)).filter(slug=org_slug).first()
    if found is None:
        raise Http404
    return found


def access_report_run(user: "User", run_id: int):
    """A report file is seen only by the person who asked for it, while they keep the access
    that let them ask."""
    from tandem.reports.models import ReportKind, ReportRun

    run = (
        ReportRun.objects.filter(pk=run_id, requested_by=user)
        .select_related("program", "organization")
        .first()
    )
    if run is None:
        raise Http404
    if run.kind == ReportKind.PROGRAM:
        access_program_reports(user, run.program_id)
    elif run.kind == ReportKind.NETWORK:
        access_network_reports(user, run.organization.slug)
    else:
        access_funder_reports(user, run.organization.slug)
    return run
