"""Reports: program dashboards for the people who run the program or lead its network, network
dashboards for the network's leaders, the suppressed funder report for funders and leaders."""

from django.db.models import Q, QuerySet
from django.http import Http404

from tandem.accounts.models import User
from tandem.organizations.access import networks_funded_by, networks_led_by
from tandem.organizations.models import Organization
from tandem.programs.access import programs_managed_by
from tandem.programs.models import Program
from tandem.reports.models import ReportKind, ReportRun
from tandem.reports.selectors import network_programs


def programs_reported_to(user: User) -> QuerySet[Program]:
    """Programs whose staff dashboard (person counts, unsuppressed) this person may open: those
    they run, and the programs of networks they lead."""
    if user.is_platform_admin:
        return Program.objects.all()
    ids = Q(pk__in=programs_managed_by(user).values("pk"))
    for lead in networks_led_by(user):
        ids |= Q(pk__in=network_programs(lead).values("pk"))
    return Program.objects.filter(ids)


def access_program_reports(user: User, program_id: int) -> Program:
    found = programs_reported_to(user).select_related("organization").filter(pk=program_id).first()
    if found is None:
        raise Http404
    return found


def access_network_reports(user: User, org_slug: str) -> Organization:
    found = networks_led_by(user).filter(slug=org_slug).first()
    if found is None:
        raise Http404
    return found


def access_funder_reports(user: User, org_slug: str) -> Organization:
    """The aggregate (suppressed) report of a network: its funders, and its own leaders, who
    check what the funder will read before sending it."""
    found = (networks_funded_by(user) | networks_led_by(user)).filter(slug=org_slug).first()
    if found is None:
        raise Http404
    return found


def access_report_run(user: User, run_id: int) -> ReportRun:
    """A report file is seen only by the person who asked for it, while they keep the access
    that let them ask."""
    run = (
        ReportRun.objects.filter(pk=run_id, requested_by=user)
        .select_related("program", "organization")
        .first()
    )
    if run is None:
        raise Http404
    if run.kind == ReportKind.PROGRAM and run.program_id is not None:
        access_program_reports(user, run.program_id)
    elif run.kind == ReportKind.NETWORK and run.organization is not None:
        access_network_reports(user, run.organization.slug)
    elif run.organization is not None:
        access_funder_reports(user, run.organization.slug)
    else:
        raise Http404  # a run that names nothing it was built from
    return run


def networks_of_leader(user: User) -> QuerySet[Organization]:
    """Organizations whose referral figures this person reads: the professional immigrant
    networks and hubs they lead, and the organizations they administer."""
    from tandem.organizations.access import organizations_of
    from tandem.organizations.models import OrganizationType, Role

    networks = Organization.objects.filter(
        is_active=True,
        kind__in=[OrganizationType.IMMIGRANT_NETWORK, OrganizationType.PROVINCIAL_HUB],
    )
    if user.is_platform_admin:
        return networks
    # An organization's own admins also read how far the people it referred went.
    return Organization.objects.filter(is_active=True).filter(
        Q(pk__in=networks.filter(pk__in=organizations_of(user, roles=[Role.NETWORK_LEADER])))
        | Q(pk__in=organizations_of(user, roles=[Role.ORG_ADMIN]))
    )


def access_referring_network(user: User, org_slug: str) -> Organization:
    found = networks_of_leader(user).filter(slug=org_slug).first()
    if found is None:
        raise Http404
    return found
