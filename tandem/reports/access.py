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
    if run.kind == ReportKind.PROGRAM:
        access_program_reports(user, run.program_id)
    elif run.kind == ReportKind.NETWORK:
        access_network_reports(user, run.organization.slug)
    else:
        access_funder_reports(user, run.organization.slug)
    return run
