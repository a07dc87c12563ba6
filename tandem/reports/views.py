"""Report pages: a program's dashboard, a network's dashboard, the funder report, their files.

Program staff see counts of people as they are; funders see the same sections suppressed
(tables.py, suppression.py) and never a page, chart or file about one person. Every view asks
the access policy first; a record that is not theirs is a 404.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, ngettext

from tandem.accounts.http import AuthenticatedRequest
from tandem.core.access import Audience, rule
from tandem.organizations.access import networks_funded_by, networks_led_by
from tandem.reports import selectors, services, snapshots, tables
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
    FunderPeriodForm,
    funder_period_form,
    is_fiscal_year,
    period_form,
    period_query,
)
from tandem.reports.models import ReportFormat, ReportKind
from tandem.reports.selectors import Period, fiscal_year, scope_size
from tandem.reports.services import ReportSpec
from tandem.reports.snapshots import Figures


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
    spec: ReportSpec | None,
    figures: Figures | None,
    *,
    urls: dict[str, str],
    form,
    extra: dict | None = None,
) -> HttpResponse:
    """A report page: the summary (headline figures and the list of sections) first, then the
    one section asked for (?section=key): a report of twenty tables is never one long scroll."""
    built = figures.tables if figures else []
    chosen = request.GET.get("section", "")
    shown = next((t for t in built if t.key == chosen), None)
    is_funder = spec is None or spec.kind == ReportKind.FUNDER
    query = period_query(spec.scope.period) if spec else ""
    context = {
        "spec": spec,
        "figures": figures,
        "form": form,
        "fixed_periods": is_funder,
        "headlines": tables.headlines({t.key: t for t in built}),
        "tables": built,
        "section": {"table": shown, "chart": bar_chart(shown)} if shown else None,
        "query": query,
        "urls": urls,
        "threshold": spec.threshold if spec else services.small_cell_threshold(),
        "formats": (
            ReportFormat.choices
            if is_funder
            else [c for c in ReportFormat.choices if c[0] == ReportFormat.XLSX]
        ),
        **(extra or {}),
    }
    if spec is not None:
        context["build_form"] = BuildForm(
            initial={
                "starts_on": spec.scope.period.starts_on,
                "ends_on": spec.scope.period.ends_on,
                "language": (get_language() or "en")[:2],
                "format": ReportFormat.PDF if is_funder else ReportFormat.XLSX,
            }
        )
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
        snapshots.staff_figures(spec),
        form=period_form(request.GET),
        urls={
            "self": reverse("reports:program", args=[program.pk]),
            "csv": reverse("reports:program_csv", args=[program.pk]),
            "xlsx": reverse("reports:program_xlsx", args=[program.pk]),
            "build": reverse("reports:program_build", args=[program.pk]),
            "refresh": reverse("reports:program_refresh", args=[program.pk]),
        },
    )


@rule(Audience.SCOPED, objects=["org_slug"])
def network_dashboard(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    organization = access_network_reports(request.user, org_slug)
    spec = services.network_spec(organization, _period(request))
    return _dashboard(
        request,
        spec,
        snapshots.staff_figures(spec),
        form=period_form(request.GET),
        urls={
            "self": reverse("reports:network", args=[organization.slug]),
            "csv": reverse("reports:network_csv", args=[organization.slug]),
            "xlsx": reverse("reports:network_xlsx", args=[organization.slug]),
            "build": reverse("reports:network_build", args=[organization.slug]),
            "refresh": reverse("reports:network_refresh", args=[organization.slug]),
            "funder": reverse("reports:funder", args=[organization.slug]),
        },
    )


def _refresh(request: HttpRequest, spec: ReportSpec, back: str) -> HttpResponse:
    """ "Count again now": the stored figures of this report, counted for this request."""
    if selectors.scope_size(spec.scope) >= snapshots.snapshot_from():
        snapshots.snapshot_store(spec, language=(get_language() or "en")[:2])
    return redirect(f"{back}?{period_query(spec.scope.period)}")


@rule(Audience.SCOPED, objects=["program_id"], methods=["POST"])
def program_refresh(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = access_program_reports(request.user, program_id)
    spec = services.program_spec(program, _build_period(request))
    return _refresh(request, spec, reverse("reports:program", args=[program.pk]))


@rule(Audience.SCOPED, objects=["org_slug"], methods=["POST"])
def network_refresh(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    organization = access_network_reports(request.user, org_slug)
    spec = services.network_spec(organization, _build_period(request))
    return _refresh(request, spec, reverse("reports:network", args=[organization.slug]))


def _build_period(request: HttpRequest) -> Period:
    """The period named by a form's hidden dates (this fiscal year if they are not valid)."""
    form = BuildForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    if data.get("starts_on") and data.get("ends_on") and "__all__" not in form.errors:
        return Period(data["starts_on"], data["ends_on"])
    return period_form({}).period()


def _funder_year(request: HttpRequest, organization) -> tuple[FunderPeriodForm, int | None]:
    """Funders read published fiscal years only (snapshots.py): the one asked for, else the
    latest. Never the current year, never dates of their choice, never a program alone: each
    would let hidden cells be worked out by subtraction."""
    years = snapshots.published_years(organization)
    form = funder_period_form(request.GET, years)
    return form, form.year()


@rule(Audience.SCOPED, objects=["org_slug"])
def funder_report(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    organization = access_funder_reports(request.user, org_slug)
    snapshots.publish_due_soon(organization)
    form, year = _funder_year(request, organization)
    figures = snapshots.funder_figures(organization, year) if year else None
    spec = services.funder_spec(organization, fiscal_year(dt.date(year, 4, 1))) if year else None
    may_publish = networks_led_by(request.user).filter(pk=organization.pk).exists()
    return _dashboard(
        request,
        spec,
        figures,
        form=form,
        urls={
            "self": reverse("reports:funder", args=[organization.slug]),
            "csv": reverse("reports:funder_csv", args=[organization.slug]),
            "xlsx": reverse("reports:funder_xlsx", args=[organization.slug]),
            "build": reverse("reports:funder_build", args=[organization.slug]),
            "publish": reverse("reports:funder_publish", args=[organization.slug]),
        },
        extra={
            "organization": organization,
            "years_due": snapshots.years_due(organization) if may_publish else [],
        },
    )


@rule(Audience.SCOPED, objects=["org_slug"], methods=["POST"])
def funder_publish(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    """The network's staff publish the fiscal years that have ended, without waiting for the
    worker."""
    organization = access_network_reports(request.user, org_slug)
    published = snapshots.publish_due(actor=request.user, organization=organization)
    if published:
        messages.success(
            request,
            ngettext(
                "%(count)s fiscal year published to funders.",
                "%(count)s fiscal years published to funders.",
                published,
            )
            % {"count": published},
        )
    return redirect("reports:funder", org_slug=organization.slug)


# --- Files -----------------------------------------------------------------------------------


def _file(
    request: HttpRequest, spec: ReportSpec, fmt: str, built: list[tables.Table] | None = None
) -> HttpResponse:
    """One table (?table=key) or the whole report as CSV or XLSX, built at once (a funder's:
    the published figures)."""
    key = request.GET.get("table", "")
    if built is None:
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
    stem = services.report_file_stem(
        spec.kind, spec.scope.period, table=built[0].title if key else ""
    )
    name = f"{stem}.{fmt}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return _no_store(response)


def _partners_spec(spec: ReportSpec) -> ReportSpec:
    """The waiting list sent to employer partners: suppressed like a funder's."""
    return dataclasses.replace(
        spec,
        threshold=services.small_cell_threshold(),
        staff=False,
        network=False,
        audience="partners",
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
    _form, year = _funder_year(request, organization)
    figures = snapshots.funder_figures(organization, year) if year else None
    if figures is None or year is None:
        raise Http404
    assert year is not None  # figures were found for it
    spec = services.funder_spec(organization, fiscal_year(dt.date(year, 4, 1)))
    return _file(request, spec, fmt, figures.tables)


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
    if spec.kind == ReportKind.FUNDER and (
        not is_fiscal_year(period)
        or period.starts_on.year not in snapshots.published_years(spec.organization)
    ):
        return redirect(back)  # a funder's dates are a published fiscal year (_funder_year)
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
    spec = services.funder_spec(organization, period_form({}).period())
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
        run.file.open("rb"), as_attachment=True, filename=services.run_file_name(run)
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
