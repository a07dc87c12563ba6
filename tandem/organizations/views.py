from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tandem.accounts import services as account_services
from tandem.accounts.forms import invite_with_form
from tandem.accounts.http import AuthenticatedRequest
from tandem.core.access import Audience, rule
from tandem.organizations import access as org_access
from tandem.organizations import selectors, services
from tandem.organizations.access import access_organization
from tandem.organizations.caseload import caseload_of
from tandem.organizations.forms import (
    HandOverForm,
    LocationForm,
    MembershipForm,
    OrganizationForm,
    PartnershipForm,
    StaffInviteForm,
)
from tandem.organizations.graph import network_layout
from tandem.organizations.models import OrganizationType


@rule(Audience.SIGNED_IN)
def directory(request: AuthenticatedRequest) -> HttpResponse:
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
def detail(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
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
            "can_set_up": found.can_manage,
        },
    )


# --- Setting up the network (platform admins; organization admins for their own) -------------


def _setup_error(request: HttpRequest, form, error: Exception) -> None:
    form.add_error(None, str(error))


@rule(Audience.PLATFORM_ADMIN)
def setup(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "organizations/setup/index.html",
        {"organizations": selectors.organizations_for_setup()},
    )


@rule(Audience.PLATFORM_ADMIN, methods=("GET", "POST"))
def organization_create(request: AuthenticatedRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_save(
                actor=request.user, organization=form.save(commit=False)
            )
        except services.SetupError as error:
            _setup_error(request, form, error)
        else:
            messages.success(request, _("The organization is created."))
            return redirect("organizations:edit", org_slug=organization.slug)
    return render(request, "organizations/setup/organization_form.html", {"form": form})


@rule(Audience.PLATFORM_ADMIN, objects=["org_slug"], methods=("GET", "POST"))
def organization_edit(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    organization = org_access.access_organization_setup(request.user, org_slug)
    form = OrganizationForm(
        request.POST if request.POST.get("form") == "organization" else None,
        instance=organization,
    )
    # A prefix: both forms have a `kind` field, and ids must stay unique on the page.
    partnership_form = PartnershipForm(
        request.POST if request.POST.get("form") == "partnership" else None,
        organization=organization,
        prefix="partnership",
    )
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            services.organization_save(actor=request.user, organization=form.save(commit=False))
        except services.SetupError as error:
            _setup_error(request, form, error)
        else:
            messages.success(request, _("The organization is saved."))
            return redirect("organizations:edit", org_slug=organization.slug)
    if request.method == "POST" and partnership_form.is_bound and partnership_form.is_valid():
        try:
            services.partnership_add(
                actor=request.user,
                organization=partnership_form.cleaned_data["other"],
                partner=organization,
                kind=partnership_form.cleaned_data["kind"],
            )
        except services.SetupError as error:
            _setup_error(request, partnership_form, error)
        else:
            messages.success(request, _("The partnership is recorded."))
            return redirect("organizations:edit", org_slug=organization.slug)
    organization.refresh_from_db()
    return render(
        request,
        "organizations/setup/organization_edit.html",
        {
            "organization": organization,
            "form": form,
            "partnership_form": partnership_form,
            "partnerships": selectors.partnerships_of(organization=organization),
        },
    )


@rule(Audience.PLATFORM_ADMIN, objects=["org_slug", "partnership_id"], methods=("POST",))
def partnership_remove(
    request: AuthenticatedRequest, org_slug: str, partnership_id: int
) -> HttpResponse:
    organization = org_access.access_organization_setup(request.user, org_slug)
    partnership = org_access.access_partnership(request.user, organization, partnership_id)
    services.partnership_remove(actor=request.user, partnership=partnership)
    messages.success(request, _("The partnership is removed."))
    return redirect("organizations:edit", org_slug=organization.slug)


@rule(Audience.SCOPED, objects=["org_slug"], methods=("GET", "POST"))
def locations(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    organization = org_access.access_organization_setup(request.user, org_slug)
    form = LocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.location_save(
            actor=request.user, organization=organization, location=form.save(commit=False)
        )
        messages.success(request, _("The service location is added."))
        return redirect("organizations:locations", org_slug=organization.slug)
    return render(
        request,
        "organizations/setup/locations.html",
        {"organization": organization, "form": form, "locations": organization.locations.all()},
    )


@rule(Audience.SCOPED, objects=["org_slug", "location_id"], methods=("GET", "POST"))
def location_edit(request: AuthenticatedRequest, org_slug: str, location_id: int) -> HttpResponse:
    organization = org_access.access_organization_setup(request.user, org_slug)
    location = org_access.access_location(request.user, organization, location_id)
    form = LocationForm(request.POST or None, instance=location)
    if request.method == "POST" and form.is_valid():
        services.location_save(
            actor=request.user, organization=organization, location=form.save(commit=False)
        )
        messages.success(request, _("The service location is saved."))
        return redirect("organizations:locations", org_slug=organization.slug)
    return render(
        request,
        "organizations/setup/location_form.html",
        {"organization": organization, "form": form, "location": location},
    )


@rule(Audience.SCOPED, objects=["org_slug"], methods=("GET", "POST"))
def people(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    organization = org_access.access_organization_setup(request.user, org_slug)
    form = StaffInviteForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if invite_with_form(
        request,
        form,
        lambda: account_services.staff_invite(
            actor=request.user, organization=organization, **form.cleaned_data
        ),
    ):
        return redirect("organizations:people", org_slug=organization.slug)
    return render(
        request,
        "organizations/setup/people.html",
        {
            "organization": organization,
            "form": form,
            "memberships": selectors.memberships_for_setup(organization=organization),
            "invitations": selectors.pending_staff_invitations(organization=organization),
        },
    )


@rule(Audience.SCOPED, objects=["org_slug", "membership_id"], methods=("GET", "POST"))
def member_edit(request: AuthenticatedRequest, org_slug: str, membership_id: int) -> HttpResponse:
    organization = org_access.access_organization_setup(request.user, org_slug)
    membership = org_access.access_membership(request.user, organization, membership_id)
    form = MembershipForm(
        request.POST if request.POST.get("form") == "membership" else None, membership=membership
    )
    hand_over = HandOverForm(
        request.POST if request.POST.get("form") == "hand_over" else None,
        organization=organization,
        leaver=membership.user,
    )
    if form.is_bound and form.is_valid():
        try:
            services.membership_change(
                actor=request.user, membership=membership, **form.cleaned_data
            )
        except services.SetupError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The role is saved."))
            return redirect("organizations:people", org_slug=organization.slug)
    if hand_over.is_bound and hand_over.is_valid():
        try:
            moved = services.caseload_hand_over(
                actor=request.user,
                organization=organization,
                leaver=membership.user,
                colleague=hand_over.cleaned_data["colleague"],
            )
        except services.SetupError as error:
            hand_over.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Handed over: %(referrals)s referrals and %(programs)s program teams.") % moved,
            )
            return redirect(
                "organizations:member", org_slug=organization.slug, membership_id=membership.pk
            )
    held = caseload_of(user=membership.user, organization=organization)
    return render(
        request,
        "organizations/setup/member.html",
        {
            "organization": organization,
            "membership": membership,
            "form": form,
            "hand_over": hand_over,
            "referral_count": held["referrals"].count(),
            "programs": list(held["programs"]),
        },
    )


@rule(Audience.SCOPED, objects=["org_slug", "invitation_id"], methods=("POST",))
def invitation_resend(
    request: AuthenticatedRequest, org_slug: str, invitation_id: int
) -> HttpResponse:
    organization = org_access.access_organization_setup(request.user, org_slug)
    invitation = org_access.access_organization_invitation(
        request.user, organization, invitation_id
    )
    try:
        if request.POST.get("action") == "withdraw":
            account_services.invitation_withdraw(actor=request.user, invitation=invitation)
            messages.success(request, _("The invitation is withdrawn."))
        else:
            account_services.invitation_resend(actor=request.user, invitation=invitation)
            messages.success(request, _("A new link is on its way; the old one no longer works."))
    except account_services.InvitationError as error:
        messages.error(request, str(error))
    return redirect("organizations:people", org_slug=organization.slug)
