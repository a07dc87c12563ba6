from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.core.access import Audience, rule
from tandem.organizations import selectors
from tandem.organizations.access import access_organization
from tandem.organizations.graph import network_layout
from tandem.organizations.models import OrganizationType


@rule(Audience.SIGNED_IN)
def directory(request: HttpRequest) -> HttpResponse:
    organizations = list(selectors.organization_directory())
    groups = [
        (label, [org for org in organizations if org.kind == kind])
        for kind, label in OrganizationType.choices
    ]
    return render(
        request,
        "organizations/directory.html",
        {"groups": [g for g in groups if g[1]], "graph": network_layout(organizations)},
    )


@rule(Audience.SCOPED, objects=["org_slug"])
def detail(request: HttpRequest, org_slug: str) -> HttpResponse:
    found = access_organization(request.user, org_slug)
    organization = found.organization
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "members": selectors.organization_members(organization=organization),
            "partnerships": selectors.partnerships_of(organization=organization),
            "locations": organization.locations.all(),
            "can_see_participants": found.holds_client_records,
        },
    )
