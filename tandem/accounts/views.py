from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from tandem.accounts import services
from tandem.accounts.forms import AcceptInvitationForm, RequestInvitationForm
from tandem.accounts.models import User
from tandem.core.access import Audience, rule

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@rule(Audience.PUBLIC, methods=("GET", "POST"))
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation. Public: the token is the credential, and an unknown, used or
    expired token gets a page that says what to do next (with no detail about the account)."""
    found, state = services.invitation_by_token(token=token[:100])
    if state != services.LinkState.VALID:
        return render(request, "accounts/invitation_unusable.html", {"state": state}, status=410)
    assert found is not None
    existing = User.objects.filter(email=found.email).first()
    has_account = existing is not None and existing.has_usable_password()
    if has_account:
        # Someone who already has an account signs in with it, then accepts with one click.
        user = request.user if request.user.is_authenticated else None
        signed_in_as_invitee = user is not None and existing is not None and user.pk == existing.pk
        if request.method == "POST" and signed_in_as_invitee:
            services.invitation_accept(token=token, actor=user)
            messages.success(request, _("The invitation is accepted."))
            return redirect("core:home")
        return render(
            request,
            "accounts/invitation_sign_in.html",
            {"invitation": found, "signed_in_as_invitee": signed_in_as_invitee},
        )
    form = AcceptInvitationForm(request.POST or None, email=found.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                given_name=form.cleaned_data["given_name"],
                family_name=form.cleaned_data["family_name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your account is ready."))
            # Staff who see client records are sent on to set up their second factor by the
            # middleware from here.
            translation.activate(user.preferred_language)
            return redirect("core:home")
    return render(request, "accounts/invitation_accept.html", {"invitation": found, "form": form})


@rule(Audience.PUBLIC, methods=("GET", "POST"))
def invitation_request(request: HttpRequest) -> HttpResponse:
    form = RequestInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_request(
            email=form.cleaned_data["email"], language=translation.get_language() or "en"
        )
        # The same answer whatever the address: nobody learns who has an account.
        return render(request, "accounts/invitation_requested.html")
    return render(request, "accounts/invitation_request.html", {"form": form})
