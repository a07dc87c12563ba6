from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.module_loading import import_string

# Pages a person who still has to set up a second factor may reach.
_ALLOWED_PREFIXES = ("account_", "mfa_")
_ALLOWED_NAMES = {"health", "switch_language", "javascript-catalog"}


class RequireMultiFactorMiddleware:
    """Sends staff who can open client records to TOTP set-up until they have it.

    Who that is belongs to the record policy above core (`TANDEM_SECOND_FACTOR_POLICY` names the
    function, `tandem.programs.access.requires_second_factor`), so the gate stays on the ground
    floor and imports no app.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.requires_second_factor = import_string(settings.TANDEM_SECOND_FACTOR_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_set_up(request):
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_set_up(self, request: HttpRequest) -> bool:
        if not settings.TANDEM_MFA_REQUIRED or not request.user.is_authenticated:
            return False
        if request.path_info.startswith(settings.STATIC_URL):
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        if match.view_name in _ALLOWED_NAMES or (match.url_name or "").startswith(
            _ALLOWED_PREFIXES
        ):
            return False
        from allauth.mfa.models import Authenticator

        # The cheap question first: most requests come from people who already have TOTP.
        if Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
            return False
        return self.requires_second_factor(request.user)
