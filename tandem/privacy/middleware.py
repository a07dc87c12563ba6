"""Asks again at sign-in: a person who agreed to a notice that has changed since is taken to
their privacy page (once per session, until they answer) before anything else."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from tandem.privacy.consents import REASK_KEY

# Pages that stay open while the question waits: the privacy pages themselves, signing out,
# the second factor, the language switch, static files.
LEFT_OPEN = ("/privacy/", "/accounts/", "/static/", "/language", "/jsi18n/", "/health")


class ReaskMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The session is read last, and only when there is one: reading it would make every
        # public answer vary by cookie.
        if (
            request.method == "GET"
            and "HX-Request" not in request.headers
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and not any(part in request.path for part in LEFT_OPEN)
            and request.session.get(REASK_KEY)
        ):
            return HttpResponseRedirect(reverse("privacy:mine") + "#consents")
        return self.get_response(request)
