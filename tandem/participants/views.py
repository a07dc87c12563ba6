from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.core import access
from tandem.core.access import Audience, rule
from tandem.participants import selectors
from tandem.participants.models import ParticipantRole


@rule(Audience.SCOPED, objects=["org_slug"])
def organization_participants(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = access.access_organization(request.user, org_slug)
    if not access.can_manage_participants(request.user, organization):
        raise Http404
    role = request.GET.get("role") if request.GET.get("role") in ParticipantRole.values else None
    return render(
        request,
        "participants/list.html",
        {
            "organization": organization,
            "participants": selectors.participant_list(organization=organization, role=role),
            "role": role,
            "roles": ParticipantRole.choices,
        },
    )


@rule(Audience.SCOPED, objects=["participant_id"])
def detail(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = access.access_participant(request.user, participant_id)
    return render(request, "participants/detail.html", {"participant": participant})
