import ipaddress
import logging
import time
import uuid

from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tandem.core.logs import request_id

access_log = logging.getLogger("tandem.access")

# Pages a person who still has to set up a second factor may reach.
_ALLOWED_PREFIXES = ("account_", "mfa_")
_ALLOWED_NAMES = {"health", "health_worker", "metrics", "switch_language", "javascript-catalog"}


def _networks(values: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(value, strict=False) for value in values]


class ClientAddressMiddleware:
    """Takes the client's address from X-Forwarded-For, but only from a trusted proxy.

    The header is read from the right: each trusted proxy appends the address it received the
    request from, so the first address that is not a trusted proxy is the client. A request that
    does not come from a trusted proxy keeps its own address (anyone can send the header).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = _networks(settings.TANDEM_TRUSTED_PROXIES)

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        peer = request.META.get("REMOTE_ADDR", "")
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if self.trusted and forwarded and self._is_trusted(peer):
            hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
            client = peer
            for hop in reversed(hops):
                client = hop
                if not self._is_trusted(hop):
                    break
            try:
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(client))
            except ValueError:
                pass  # a malformed hop: keep the proxy's address rather than trust garbage
        return self.get_response(request)


class RequestLogMiddleware:
    """Gives each request an id (the proxy's X-Request-ID if it is sane), logs one line with the
    latency, and counts it for /metrics."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from tandem.core import metrics

        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if 0 < len(incoming) <= 64 and incoming.isascii() else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            match = getattr(request, "resolver_match", None)
            view = match.view_name if match else "unmatched"
            metrics.observe_request(view, request.method or "GET", response.status_code, elapsed)
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "view": view,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                    "client": request.META.get("REMOTE_ADDR", ""),
                    "user_id": getattr(getattr(request, "user", None), "pk", None),
                },
            )
            response["X-Request-ID"] = rid
            return response
        finally:
            request_id.reset(token)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, with the idle timeout moved at most once a minute.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) made every page a database
    write, so a write lock held elsewhere (an import on SQLite) failed every signed-in page with
    400. Here a page that changes nothing writes the session only when its expiry is due to move,
    and when that refresh cannot be written the page is still served: the expiry moves next time.
    """

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        refresh_only = False
        if session is not None and not session.modified and not session.is_empty():
            now = int(time.time())
            try:
                seen = int(session.get("_seen", 0))
            except (TypeError, ValueError):
                seen = 0
            if now - seen >= settings.SESSION_REFRESH_SECONDS:
                session["_seen"] = now
                refresh_only = True
        try:
            return super().process_response(request, response)
        except SessionInterrupted:
            if refresh_only:
                return response
            raise


class StorageFullMiddleware:
    """A full disk for uploads: the person is sent back with a clear message, nothing is saved.

    The exception leaves the service's transaction, so the record the file belonged to is rolled
    back with it; pages that do not write files go on working.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        from django.contrib import messages

        from tandem.core.storage import StorageFull

        if not isinstance(exception, StorageFull):
            return None
        logging.getLogger("tandem.storage").error("Upload refused: the disk for uploads is full")
        messages.error(
            request,
            _(
                "The file could not be saved: the server's storage for files is full. Nothing "
                "was changed. Please try again later, and tell your administrator."
            ),
        )
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = "/"
        return redirect(back)


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
