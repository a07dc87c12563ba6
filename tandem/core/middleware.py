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


class NoStoreForSignedInMiddleware:
    """Every page a signed-in person receives may hold a client's record (a name, a note, a
    referral): no browser or proxy keeps a copy, whichever view made it. By rule here, so a
    new view cannot forget it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response


class RequestBodyLimitMiddleware:
    """Refuses a request whose declared body is larger than the largest upload we accept,
    before anything reads it: a 300 MB body for a 5 MB limit is not read at all. Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE caps the rest of a form (not its files)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.TANDEM_REQUEST_MAX_BYTES:
            from django.utils.translation import gettext as _

            return HttpResponse(
                _("This request is too large: send at most %(size)s MB.")
                % {"size": settings.TANDEM_REQUEST_MAX_BYTES // (1024 * 1024)},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
