"""Pages of the opportunities board: thin, one @rule each, records through access.py."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.accounts.http import AuthenticatedRequest
from tandem.core.access import Action, Audience, rule

from . import access, forms, links, selectors, services
from .models import ApplicationStatus
from .selectors import NATIONAL_COLUMNS


def _page(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return min(int(value), 500) if value.isdigit() and value != "0" else 1


@rule(Audience.PUBLIC)
def board(request: HttpRequest) -> HttpResponse:
    """The national board: anyone may search it; signed-in people may save a search."""
    form = forms.BoardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = _page(request)
    found, has_next = selectors.board_search(filters, page=page)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "opportunities/board.html",
        {
            "form": form,
            "opportunities": found,
            "page": page,
            "has_next": has_next,
            "query": query.urlencode(),
            "save_form": forms.SaveSearchForm(initial={"query": query.urlencode()}),
        },
    )


def _closed(request: HttpRequest, opportunity: Any) -> HttpResponse:
    """A closed opportunity's page (410): a link kept from the board, a digest or an e-mail
    says why it takes no more applications instead of "page not found"."""
    return render(request, "opportunities/closed.html", {"opportunity": opportunity}, status=410)


@rule(Audience.PUBLIC)
def posting(request: HttpRequest, posting_id: int) -> HttpResponse:
    opportunity = access.posted_opportunity(posting_id)
    if not opportunity.takes_applications:
        return _closed(request, opportunity)
    left = len(services.free_places(opportunity.pk, opportunity.places))
    return render(request, "opportunities/posting.html", {"opportunity": opportunity, "left": left})


@rule(Audience.SIGNED_IN)
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """What is this person's on the board: opportunities they run, their own applications and
    their clients' applications."""
    user = request.user
    return render(
        request,
        "opportunities/mine.html",
        {
            "managed": selectors.opportunities_listed(access.opportunities_managed_by(user))[:100],
            "own": selectors.applications_listed(access.applications_of_person(user))[:100],
            "clients": selectors.applications_listed(access.applications_of_clients(user))[:100],
            "can_post": access.employers_postable_by(user).exists(),
            "hubs": access.hubs_of(user),
            "teams": access.national_teams_of(user),
            "employers": access.employers_of(user),
            "searches": access.saved_searches_of(user),
        },
    )


@rule(Audience.SIGNED_IN, methods=["GET", "POST"])
def opportunity_new(request: AuthenticatedRequest) -> HttpResponse:
    employers = access.employers_postable_by(request.user)
    form = forms.OpportunityForm(request.POST or None, employers=employers)
    if request.method == "POST" and form.is_valid():
        employer = form.cleaned_data["employer"]
        try:
            opportunity = services.opportunity_post(
                actor=request.user,
                employer=employer,
                posted_by=access.posting_site_for(request.user, employer),
                accommodations=form.cleaned_data["accommodations"],
                **form.service_fields(),
            )
        except services.OpportunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The opportunity is on the board."))
            return redirect("opportunities:manage", opportunity_id=opportunity.pk)
    return render(
        request, "opportunities/form.html", {"form": form, "can_post": employers.exists()}
    )


@rule(Audience.SCOPED, objects=["opportunity_id"])
def manage(request: AuthenticatedRequest, opportunity_id: int) -> HttpResponse:
    opportunity = access.access_opportunity(
        request.user, opportunity_id, action=Action.MANAGE
    ).opportunity
    return render(
        request,
        "opportunities/manage.html",
        {
            "opportunity": opportunity,
            "applications": selectors.applications_of_opportunity(opportunity),
            "taken": services.places_taken(opportunity.pk),
        },
    )


@rule(Audience.SCOPED, objects=["opportunity_id"], methods=["GET", "POST"])
def edit(request: AuthenticatedRequest, opportunity_id: int) -> HttpResponse:
    """Those who run an open opportunity change it (services.opportunity_change says what may
    change once people applied, and who is told)."""
    opportunity = access.access_opportunity(
        request.user, opportunity_id, action=Action.MANAGE
    ).opportunity
    if not opportunity.is_open:
        messages.error(
            request, _("A closed opportunity cannot be changed: post a new one instead.")
        )
        return redirect("opportunities:manage", opportunity_id=opportunity.pk)
    form = forms.OpportunityForm(request.POST or None, instance=opportunity)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.opportunity_change(
                actor=request.user,
                opportunity=opportunity,
                accommodations=form.cleaned_data["accommodations"],
                **form.service_fields(),
            )
        except services.OpportunityError as error:
            form.add_error(None, str(error))
        else:
            if not change.changed:
                messages.info(request, _("Nothing was changed."))
            elif change.told:
                messages.success(
                    request,
                    ngettext(
                        "Saved. %(count)d person was told of the change by e-mail.",
                        "Saved. %(count)d people were told of the change by e-mail.",
                        change.told,
                    )
                    % {"count": change.told},
                )
            else:
                messages.success(request, _("Saved."))
            return redirect("opportunities:manage", opportunity_id=opportunity.pk)
    return render(
        request,
        "opportunities/form.html",
        {"form": form, "can_post": True, "opportunity": opportunity},
    )


@rule(Audience.SCOPED, objects=["opportunity_id"], methods=["POST"])
def close(request: AuthenticatedRequest, opportunity_id: int) -> HttpResponse:
    opportunity = access.access_opportunity(
        request.user, opportunity_id, action=Action.MANAGE
    ).opportunity
    try:
        services.opportunity_close(actor=request.user, opportunity=opportunity)
    except services.OpportunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The opportunity is closed: it left the board."))
    return redirect("opportunities:manage", opportunity_id=opportunity.pk)


@rule(Audience.SIGNED_IN, methods=["GET", "POST"])
def apply(request: AuthenticatedRequest, posting_id: int) -> HttpResponse:
    """A job-seeker applies, or their job developer refers them, sharing only what the person
    agreed to share with this employer."""
    opportunity = access.posted_opportunity(posting_id)
    if not opportunity.takes_applications:
        return _closed(request, opportunity)
    people = access.people_who_may_apply(request.user)
    form = forms.ApplyForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_submit(
                actor=request.user,
                opportunity=opportunity,
                participant=data["participant"],
                message=data["message"],
                shares_accommodations=data["shares_accommodations"],
                accommodations_needed=data["accommodations_needed"],
                accommodation_note=data["accommodation_note"],
            )
        except services.OpportunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The application was sent to the employer."))
            return redirect("opportunities:application", application_id=application.pk)
    return render(
        request,
        "opportunities/apply.html",
        {
            "opportunity": opportunity,
            "form": form,
            "has_people": people.exists(),
            "is_full": not services.free_places(opportunity.pk, opportunity.places),
        },
    )


@rule(Audience.SCOPED, objects=["application_id"])
def application(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    found = access.access_application(request.user, application_id, action=Action.VIEW)
    record = found.application
    side = found.feedback_side
    given = {f.side: f for f in selectors.feedback_of(record)}
    context: dict[str, Any] = {
        "found": found,
        "application": record,
        "opportunity": record.opportunity,
        "feedback": given,
        "decide_form": forms.DecideForm() if found.can_decide else None,
        "happened_form": forms.HappenedForm() if found.can_decide else None,
        "feedback_form": (
            forms.FeedbackForm(side=side)
            if side and side not in given and record.status == ApplicationStatus.HAPPENED
            else None
        ),
    }
    return render(request, "opportunities/application.html", context)


def _back(application_id: int) -> HttpResponse:
    return redirect("opportunities:application", application_id=application_id)


@rule(Audience.SCOPED, objects=["application_id"], methods=["POST"])
def decide(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    found = access.access_application(request.user, application_id, action=Action.DECIDE)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for problem in errors:
                messages.error(request, str(problem))
        return _back(application_id)
    try:
        if form.cleaned_data["decision"] == "accept":
            services.application_accept(actor=request.user, application=found.application)
            messages.success(request, _("Accepted: the job-seeker is told by e-mail."))
        else:
            services.application_decline(
                actor=request.user,
                application=found.application,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Declined: the job-seeker is told why by e-mail."))
    except services.OpportunityError as error:
        messages.error(request, str(error))
    return _back(application_id)


@rule(Audience.SCOPED, objects=["application_id"], methods=["POST"])
def happened(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    found = access.access_application(request.user, application_id, action=Action.DECIDE)
    form = forms.HappenedForm(request.POST)
    if form.is_valid():
        try:
            services.application_happened(
                actor=request.user, application=found.application, **form.cleaned_data
            )
        except services.OpportunityError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Recorded. Both sides can now give feedback."))
    else:
        for errors in form.errors.values():
            for problem in errors:
                messages.error(request, str(problem))
    return _back(application_id)


@rule(Audience.SCOPED, objects=["application_id"], methods=["POST"])
def feedback(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    found = access.access_application(request.user, application_id, action=Action.VIEW)
    side = found.feedback_side
    if side is None:
        messages.error(request, _("Only the job-seeker's side and the employer give feedback."))
        return _back(application_id)
    form = forms.FeedbackForm(request.POST, side=side)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_give(
                actor=request.user,
                application=found.application,
                side=side,
                learned=data["learned"],
                accessible=data.get("accessible", ""),
                would_host_again=data.get("would_host_again"),
            )
        except services.OpportunityError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you for your feedback."))
    else:
        for errors in form.errors.values():
            for problem in errors:
                messages.error(request, str(problem))
    return _back(application_id)


@rule(Audience.SCOPED, objects=["application_id"], methods=["POST"])
def withdraw(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    found = access.access_application(request.user, application_id, action=Action.RESPOND)
    try:
        services.application_withdraw(actor=request.user, application=found.application)
    except services.OpportunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The application was withdrawn."))
    return _back(application_id)


@rule(Audience.SIGNED_IN, methods=["POST"])
def search_save(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.SaveSearchForm(request.POST)
    if form.is_valid():
        try:
            services.saved_search_create(actor=request.user, **form.cleaned_data)
        except services.OpportunityError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Search saved: new opportunities that match it will come by e-mail.")
            )
    else:
        messages.error(request, _("Give the search a name."))
    return redirect("opportunities:mine")


@rule(Audience.SCOPED, objects=["saved_search_id"], methods=["POST"])
def search_delete(request: AuthenticatedRequest, saved_search_id: int) -> HttpResponse:
    search = access.access_saved_search(request.user, saved_search_id)
    services.saved_search_delete(actor=request.user, search=search)
    messages.success(request, _("The saved search was deleted."))
    return redirect("opportunities:mine")


@rule(Audience.SCOPED, objects=["employer_id"])
def employer(request: AuthenticatedRequest, employer_id: int) -> HttpResponse:
    organization = access.access_employer(request.user, employer_id)
    return render(
        request,
        "opportunities/employer.html",
        {
            "employer": organization,
            "page": selectors.employer_page(organization),
            "links": links.employer_links(request.user, organization),
        },
    )


@rule(Audience.SCOPED, objects=["hub_id"])
def hub(request: AuthenticatedRequest, hub_id: int) -> HttpResponse:
    organization = access.access_hub(request.user, hub_id)
    return render(
        request,
        "opportunities/hub.html",
        {"hub": organization, "view": selectors.hub_view(organization)},
    )


@rule(Audience.SCOPED, objects=["network_slug"])
def national(request: AuthenticatedRequest, network_slug: str) -> HttpResponse:
    team = access.access_national(request.user, network_slug)
    rows = selectors.national_view(team)
    return render(
        request,
        "opportunities/national.html",
        {
            "team": team,
            "rows": rows,
            "areas": selectors.rural_uptake_by_area(team, rows),
            "columns": NATIONAL_COLUMNS,
            "engagement": selectors.employers_engaged(team),
            "hubs": access.hubs_of_team(team),
        },
    )
