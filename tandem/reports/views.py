"""Report pages: a program's dashboard, a network's dashboard, the funder report, their files.

Program staff see counts of people as they are; funders see the same sections suppressed
(tables.py, suppression.py) and never a page, chart or file about one person. Every view asks
the access policy first; a record that is not theirs is a 404.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language

from tandem.accounts.http import AuthenticatedRequest
from tandem.core.access import Audience, rule
from tandem.organizations.access import networks_funded_by, networks_led_by
from tandem.reports import services, tables
from tandem.reports.access import (
    access_funder_reports,
    access_network_reports,
    access_program_reports,
    access_report_run,
    networks_of_leader,
    programs_reported_to,
)
from tandem.reports.charts import bar_chart
from tandem.reports.forms import (
    BuildForm,
    funder_period_form,
    is_fiscal_year,
    period_form,
    period_query,
)
from tandem.reports.models import ReportFormat, ReportKind
from tandem.reports.selectors import Period, scope_size
from tandem.reports.services import ReportSpec


def _no_store[Response: HttpResponseBase](response: Response) -> Response:
    response["Cache-Control"] = "private, no-store"
    return response


@rule(Audience.SIGNED_IN)
def index(request: AuthenticatedRequest) -> HttpResponse:
    """The reports this person may open."""
    user = request.user
    return render(
        request,
        "reports/index.html",
        {
            "programs": programs_reported_to(user)
            .select_related("organization")
            .order_by("name_en"),
            "networks": networks_led_by(user).order_by("name_en"),
            "funded": networks_funded_by(user).order_by("name_en"),
            "referring": networks_of_leader(user).order_by("name_en"),
        },
    )


def _dashboard(
    request: HttpRequest,
    spec: ReportSpec,
    *,
    urls: dict[str, str],
    extra: dict | None = None,
) -> HttpResponse:
    built = tables.build_tables(
        spec.scope, threshold=spec.threshold, staff=spec.staff, network=spec.network
    )
    query = period_query(spec.scope.period)
    sections = [{"table": t, "chart": bar_chart(t)} for t in built]
    is_funder = spec.kind == ReportKind.FUNDER
    context = {
        "spec": spec,
        "form": funder_period_form(request.GET) if is_funder else period_form(request.GET),
        "fixed_periods": is_funder,
        "headlines": tables.headlines({t.key: t for t in built}),
        "sections": sections,
        "query": query,
        "urls": urls,
        "build_form": BuildForm(
            initial={
                "starts_on": spec.scope.period.starts_on,
                "ends_on": spec.scope.period.ends_on,
                "language": (get_language() or "en")[:2],
                "format": ReportFormat.PDF if spec.kind == ReportKind.FUNDER else ReportFormat.XLSX,
            }
        ),
        "threshold": spec.threshold,
        "formats": (
            ReportFormat.choices
            if spec.kind == ReportKind.FUNDER
            else [c for c in ReportFormat.choices if c[0] == ReportFormat.XLSX]
        ),
        **(extra or {}),
    }
    return _no_store(render(request, "reports/dashboard.html", context))


def _period(request: HttpRequest) -> Period:
    return period_form(request.GET).period()


@rule(Audience.SCOPED, objects=["program_id"])
def program_dashboard(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = access_program_reports(request.user, program_id)
    spec = services.program_spec(program, _period(request))
    return _dashboard(
        request,
        spec,
        urls={
            "self": reverse("reports:program", args=[program.pk]),
            "csv": reverse("reports:program_csv", args=[program.pk]),
            "xlsx": reverse("reports:program_xlsx", args=[program.pk]),
            "build": reverse("reports:program_build", args=[program.pk]),
        },
    )


@rule(Audience.SCOPED, objects=["org_slug"])
def network_dashboard(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    organization = access_network_reports(request.user, org_slug)
    spec = services.network_spec(organization, _period(request))
    return _dashboard(
        request,
        spec,
        urls={
            "self": reverse("reports:network", args=[organization.slug]),
            "csv": reverse("reports:network_csv", args=[organization.slug]),
            "xlsx": reverse("reports:network_xlsx", args=[organization.slug]),
            "build": reverse("reports:network_build", args=[organization.slug]),
            "funder": reverse("reports:funder", args=[organization.slug]),
        },
    )


def _funder_period(request: HttpRequest) -> Period:
    """Funders get whole fiscal years only (forms.FunderPeriodForm), and the network as a
    whole: a report on one program beside the network's would let the other programs' hidden
    cells be worked out by subtraction, as two periods a day apart would."""
    return funder_period_form(request.GET).period()


@rule(Audience.SCOPED, objects=["org_slug"])
def funder_report(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    organization = access_funder_reports(request.user, org_slug)
    spec = services.funder_spec(organization, _funder_period(request))
    return _dashboard(
        request,
        spec,
        urls={
            "self": reverse("reports:funder", args=[organization.slug]),
            "csv": reverse("reports:funder_csv", args=[organization.slug]),
            "xlsx": reverse("reports:funder_xlsx", args=[organization.slug]),
            "build": reverse("reports:funder_build", args=[organization.slug]),
        },
    )


# --- Files -----------------------------------------------------------------------------------


def _file(request: HttpRequest, spec: ReportSpec, fmt: str) -> HttpResponse:
    """One table (?table=key) or the whole report as CSV or XLSX, built at once."""
    key = request.GET.get("table", "")
    built = tables.build_tables(
        spec.scope, threshold=spec.threshold, staff=spec.staff, network=spec.network
    )
    if key:
        built = [t for t in built if t.key == key]
        if not built:
            raise Http404
    from tandem.reports import exports

    about = spec.about()
    if fmt == "csv":
        content, content_type = exports.to_csv(built, about), "text/csv; charset=utf-8"
    else:
        content = exports.to_xlsx(built, about)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    period = spec.scope.period
    name = f"tandem-{spec.kind}-{key or 'report'}-{period.starts_on}_{period.ends_on}.{fmt}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return _no_store(response)


def _partners_spec(spec: ReportSpec) -> ReportSpec:
    """The waiting list sent to employer partners: suppressed like a funder's."""
    return ReportSpec(
        spec.kind,
        spec.name,
        spec.scope,
        threshold=services.small_cell_threshold(),
        staff=False,
        network=False,
    )


def _program_file(request: AuthenticatedRequest, program_id: int, fmt: str) -> HttpResponse:
    program = access_program_reports(request.user, program_id)
    spec = services.program_spec(program, _period(request))
    if request.GET.get("audience") == "partners":
        spec = _partners_spec(spec)
    return _file(request, spec, fmt)


@rule(Audience.SCOPED, objects=["program_id"])
def program_csv(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    return _program_file(request, program_id, "csv")


@rule(Audience.SCOPED, objects=["program_id"])
def program_xlsx(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    return _program_file(request, program_id, "xlsx")


def _network_file(request: AuthenticatedRequest, org_slug: str, fmt: str) -> HttpResponse:
    organization = access_network_reports(request.user, org_slug)
    spec = services.network_spec(organization, _period(request))
    if request.GET.get("audience") == "partners":
        spec = _partners_spec(spec)
    return _file(request, spec, fmt)


@rule(Audience.SCOPED, objects=["org_slug"])
def network_csv(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    return _network_file(request, org_slug, "csv")


@rule(Audience.SCOPED, objects=["org_slug"])
def network_xlsx(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    return _network_file(request, org_slug, "xlsx")


def _funder_file(request: AuthenticatedRequest, org_slug: str, fmt: str) -> HttpResponse:
    organization = access_funder_reports(request.user, org_slug)
    return _file(request, services.funder_spec(organization, _funder_period(request)), fmt)


@rule(Audience.SCOPED, objects=["org_slug"])
def funder_csv(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    return _funder_file(request, org_slug, "csv")


@rule(Audience.SCOPED, objects=["org_slug"])
def funder_xlsx(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    return _funder_file(request, org_slug, "xlsx")


# --- Building a whole report (PDF or workbook), in the background when large -----------------


def _build(
    request: AuthenticatedRequest, spec: ReportSpec, *, back: str, program=None, organization=None
) -> HttpResponseBase:
    form = BuildForm(request.POST)
    allowed = (
        {ReportFormat.PDF, ReportFormat.XLSX}
        if spec.kind == ReportKind.FUNDER
        else {ReportFormat.XLSX}
    )
    if not form.is_valid() or form.cleaned_data["format"] not in allowed:
        return redirect(back)
    period = Period(form.cleaned_data["starts_on"], form.cleaned_data["ends_on"])
    if spec.kind == ReportKind.FUNDER and not is_fiscal_year(period):
        return redirect(back)  # a funder's dates are a fiscal year (_funder_period)
    spec.scope = type(spec.scope)(spec.scope.programs, period)
    language = form.cleaned_data.get("language") or (get_language() or "en")[:2]
    in_background = scope_size(spec.scope) >= services.background_from()
    run = services.report_run_create(
        actor=request.user,
        kind=spec.kind,
        fmt=form.cleaned_data["format"],
        period=period,
        language=language,
        program=program,
        organization=organization,
        in_background=in_background,
    )
    if not in_background:
        run = services.report_run_build(run_id=run.pk)
        if run.file:
            return _download(run)
    return redirect("reports:run", report_id=run.pk)


@rule(Audience.SCOPED, objects=["program_id"], methods=["POST"])
def program_build(request: AuthenticatedRequest, program_id: int) -> HttpResponseBase:
    program = access_program_reports(request.user, program_id)
    spec = services.program_spec(program, _period(request))
    return _build(
        request, spec, back=reverse("reports:program", args=[program.pk]), program=program
    )


@rule(Audience.SCOPED, objects=["org_slug"], methods=["POST"])
def network_build(request: AuthenticatedRequest, org_slug: str) -> HttpResponseBase:
    organization = access_network_reports(request.user, org_slug)
    spec = services.network_spec(organization, _period(request))
    return _build(
        request,
        spec,
        back=reverse("reports:network", args=[organization.slug]),
        organization=organization,
    )


@rule(Audience.SCOPED, objects=["org_slug"], methods=["POST"])
def funder_build(request: AuthenticatedRequest, org_slug: str) -> HttpResponseBase:
    organization = access_funder_reports(request.user, org_slug)
    spec = services.funder_spec(organization, _funder_period(request))
    return _build(
        request,
        spec,
        back=reverse("reports:funder", args=[organization.slug]),
        organization=organization,
    )


@rule(Audience.SCOPED, objects=["report_id"])
def run_status(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    run = access_report_run(request.user, report_id)
    return _no_store(render(request, "reports/run.html", {"run": run}))


@rule(Audience.SCOPED, objects=["report_id"])
def run_progress(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    """The fragment the run page polls with htmx until the file is ready."""
    run = access_report_run(request.user, report_id)
    return _no_store(render(request, "reports/_run_progress.html", {"run": run}))


@rule(Audience.SCOPED, objects=["report_id"])
def run_download(request: AuthenticatedRequest, report_id: int) -> HttpResponseBase:
    return _download(access_report_run(request.user, report_id))


def _download(run) -> HttpResponseBase:
    if not run.file:
        raise Http404
    response = FileResponse(
        run.file.open("rb"), as_attachment=True, filename=run.file.name.rsplit("/", 1)[-1]
    )
    return _no_store(response)


@rule(Audience.SCOPED, objects=["org_slug"])
def referring_network(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    """A network leader's figures: how far the people their network referred went."""
    from django.conf import settings

    from tandem.reports.access import access_referring_network
    from tandem.reports.selectors import referred_by_network

    network = access_referring_network(request.user, org_slug)
    threshold = settings.TANDEM_SMALL_CELL_THRESHOLD
    members, table = referred_by_network(network=network, threshold=threshold)
    rows = (
        [(org, [table.cell(i, j) for j in range(table.columns)]) for i, org in enumerate(members)]
        if table
        else []
    )
    totals = [table.column_total(j) for j in range(table.columns)] if table else []
    return render(
        request,
        "reports/referring_network.html",
        {"network": network, "rows": rows, "totals": totals, "threshold": threshold},
    )
