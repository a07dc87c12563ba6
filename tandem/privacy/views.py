from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tandem.accounts.http import AuthenticatedRequest
from tandem.core.access import Action, Audience, rule
from tandem.privacy import forms, selectors, services
from tandem.privacy.access import access_person_privacy, access_privacy_office, offices_of


@rule(Audience.SIGNED_IN)
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """A person's own privacy page: who viewed their records, their consents, their requests."""
    records = list(selectors.records_of(request.user))
    return render(
        request,
        "privacy/mine.html",
        {
            "records": records,
            "views": selectors.views_of(records)[: selectors.LOG_PAGE],
            "offices": offices_of(request.user),
        },
    )


@rule(Audience.SCOPED, objects=["participant_id"])
def person(request: AuthenticatedRequest, participant_id: int) -> HttpResponse:
    """Who viewed one person's record: for the person and the privacy officer."""
    found = access_person_privacy(request.user, participant_id)
    return render(
        request,
        "privacy/person.html",
        {
            "access": found,
            "person": found.participant,
            "views": selectors.views_of([found.participant])[: selectors.LOG_PAGE],
        },
    )


@rule(Audience.SCOPED, objects=["org_slug"])
def office(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    """The privacy officer's page: views of the organization's records."""
    organization = access_privacy_office(request.user, org_slug)
    return render(
        request,
        "privacy/office.html",
        {
            "organization": organization,
            "officer": selectors.officer_of(organization),
            "views": selectors.views_in_office(organization)[: selectors.LOG_PAGE],
        },
    )


@rule(Audience.SCOPED, objects=["org_slug"], methods=["GET", "POST"])
def officer(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    """The organization's admins name its privacy officer."""
    organization = access_privacy_office(request.user, org_slug, action=Action.MANAGE)
    current = selectors.officer_of(organization)
    form = forms.OfficerForm(
        request.POST or None,
        candidates=selectors.officer_candidates(organization),
        initial={"officer": current},
    )
    if request.method == "POST" and form.is_valid():
        services.officer_name(
            actor=request.user, organization=organization, officer=form.cleaned_data["officer"]
        )
        messages.success(request, _("The privacy officer is saved."))
        return redirect("privacy:officer", org_slug=organization.slug)
    return render(
        request,
        "privacy/officer.html",
        {"organization": organization, "form": form, "officer": current},
    )
